"""Users, tokens and passwords on both database backends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.fixtures.accounts import PASSWORD
from trendcache.accounts.collection import add_album, collected_ids
from trendcache.accounts.users import (
    InvalidName,
    UnknownToken,
    UnknownUser,
    UserExists,
    account_by_id,
    account_for_token,
    create_user,
    delete_user,
    issue_token,
    list_users,
    revoke_tokens,
    set_password,
    sign_in,
)
from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.accounts import ApiToken


def test_a_token_finds_its_user_and_notes_its_use(database: Database) -> None:
    token = create_user(database, "alice")
    account = account_for_token(database, token)
    assert account is not None
    assert account.name == "alice"
    assert account_by_id(database, account.id) == account
    with database.session() as session:
        first_use = session.scalar(select(ApiToken.last_used_at))
    assert first_use is not None
    assert account_for_token(database, token) == account
    with database.session() as session:
        assert session.scalar(select(ApiToken.last_used_at)) == first_use  # not every request
        session.execute(update(ApiToken).values(last_used_at=utcnow() - timedelta(hours=1)))
    account_for_token(database, token)
    with database.session() as session:
        later = session.scalar(select(ApiToken.last_used_at))
    assert later is not None and later > first_use


def test_unknown_and_malformed_tokens_find_nobody(database: Database) -> None:
    token = create_user(database, "alice")
    assert account_for_token(database, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert account_for_token(database, "not a token") is None
    assert account_for_token(database, "") is None


def test_every_token_of_a_user_works(database: Database) -> None:
    first = create_user(database, "alice")
    second = issue_token(database, "alice")
    assert first != second
    assert account_for_token(database, first) == account_for_token(database, second)
    with pytest.raises(UnknownUser, match="no user named 'bob'"):
        issue_token(database, "bob")


def test_names_are_unique_and_well_formed(database: Database) -> None:
    create_user(database, "alice")
    with pytest.raises(UserExists, match="a user named 'alice' already exists"):
        create_user(database, "alice")
    for bad in ("", "-dash-first", "has space", "x" * 65, "semi;colon", "ünïcode"):
        with pytest.raises(InvalidName):
            create_user(database, bad)
    assert [user.name for user in list_users(database)] == ["alice"]


def test_sign_in_needs_the_right_password(database: Database) -> None:
    create_user(database, "alice", PASSWORD)
    create_user(database, "bob")  # API only
    account = sign_in(database, "alice", PASSWORD)
    assert account is not None and account.name == "alice"
    assert sign_in(database, "alice", PASSWORD.upper()) is None
    assert sign_in(database, "bob", "") is None
    assert sign_in(database, "bob", PASSWORD) is None
    assert sign_in(database, "carol", PASSWORD) is None
    assert sign_in(database, "not a name!", PASSWORD) is None


def test_a_new_password_changes_the_account_stamp(database: Database) -> None:
    create_user(database, "alice", PASSWORD)
    before = sign_in(database, "alice", PASSWORD)
    set_password(database, "alice", "another long password")
    after = sign_in(database, "alice", "another long password")
    assert before is not None and after is not None
    assert before.id == after.id
    assert before.stamp != after.stamp
    assert sign_in(database, "alice", PASSWORD) is None
    with pytest.raises(UnknownUser):
        set_password(database, "carol", PASSWORD)


def test_list_users_summarises_each(database: Database, known_albums: list[str]) -> None:
    token = create_user(database, "bob", PASSWORD)
    create_user(database, "alice")
    issue_token(database, "bob")
    bob = account_for_token(database, token)
    assert bob is not None
    add_album(database, bob.id, known_albums[0])
    alice, listed_bob = list_users(database)
    assert (alice.name, alice.last_used_at, alice.has_password, alice.albums) == (
        "alice",
        None,
        False,
        0,
    )
    assert len(alice.token_prefixes) == 1
    assert listed_bob.name == "bob"
    assert listed_bob.has_password
    assert listed_bob.token_prefixes[0] == token[:10]
    assert len(listed_bob.token_prefixes) == 2
    assert listed_bob.albums == 1
    assert listed_bob.last_used_at is not None
    assert listed_bob.last_used_at.tzinfo is not None


def test_a_revoked_token_finds_nobody_and_the_others_still_work(database: Database) -> None:
    first = create_user(database, "bob")
    second = issue_token(database, "bob")
    third = issue_token(database, "bob")
    other = create_user(database, "alice")
    shown = list_users(database)[1].token_prefixes[1]
    assert revoke_tokens(database, "bob", f"{shown}…") == 1  # as `users list` prints it
    assert account_for_token(database, second) is None
    assert account_for_token(database, first) is not None
    with pytest.raises(UnknownToken):
        revoke_tokens(database, "bob", shown)  # already gone
    assert revoke_tokens(database, "bob") == 2  # --all
    assert account_for_token(database, first) is None
    assert account_for_token(database, third) is None
    assert account_for_token(database, other) is not None  # someone else's
    with pytest.raises(UnknownUser):
        revoke_tokens(database, "carol")


def test_deleting_a_user_removes_their_tokens_sign_in_and_collection(
    database: Database, known_albums: list[str]
) -> None:
    token = create_user(database, "bob", PASSWORD)
    kept = create_user(database, "alice")
    bob, alice = account_for_token(database, token), account_for_token(database, kept)
    assert bob is not None and alice is not None
    add_album(database, bob.id, known_albums[0])
    add_album(database, bob.id, known_albums[1])
    add_album(database, alice.id, known_albums[0])
    assert delete_user(database, "bob") == 2
    assert account_for_token(database, token) is None
    assert sign_in(database, "bob", PASSWORD) is None
    assert account_by_id(database, bob.id) is None  # a signed-in browser is signed out
    assert collected_ids(database, bob.id) == set()
    assert collected_ids(database, alice.id) == {known_albums[0]}
    assert [user.name for user in list_users(database)] == ["alice"]
    with pytest.raises(UnknownUser):
        delete_user(database, "bob")
    create_user(database, "bob")  # the name is free again
