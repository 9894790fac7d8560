"""The audit log on both databases: who did what to what, newest first, outliving the user."""

from __future__ import annotations

from sqlalchemy import select

from trendcache.accounts.audit import recent_actions, record_action
from trendcache.accounts.users import Account, account_by_id, create_user, delete_user, list_users
from trendcache.db import Database
from trendcache.db.accounts import User


def _admin(database: Database, name: str = "root") -> Account:
    create_user(database, name, admin=True)
    with database.session() as session:
        user_id = session.scalar(select(User.id).where(User.name == name))
    assert user_id is not None
    account = account_by_id(database, user_id)
    assert account is not None
    return account


def test_actions_are_listed_newest_first_with_who_what_and_details(database: Database) -> None:
    account = _admin(database)
    record_action(database, account, "sync", "all markets", {"queued": True})
    record_action(database, account, "resolve", "album-1", {"releaseMbid": "x"})
    entries = recent_actions(database)
    assert [(e.user_name, e.action, e.target, e.details) for e in entries] == [
        ("root", "resolve", "album-1", {"releaseMbid": "x"}),
        ("root", "sync", "all markets", {"queued": True}),
    ]
    assert entries[0].at >= entries[1].at
    assert [e.action for e in recent_actions(database, limit=1)] == ["resolve"]


def test_an_entry_outlives_its_user_and_keeps_their_name(database: Database) -> None:
    account = _admin(database, "gone")
    record_action(database, account, "pause_syncs")
    delete_user(database, "gone")
    assert list_users(database) == []
    (entry,) = recent_actions(database)
    assert (entry.user_name, entry.action, entry.target, entry.details) == (
        "gone",
        "pause_syncs",
        None,
        {},
    )
