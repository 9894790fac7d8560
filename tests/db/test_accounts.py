"""The accounts tables on both backends: secrets stored only as hashes, constraints hold."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import IntegrityError

from tests.fixtures.accounts import PASSWORD
from trendcache.accounts.collection import add_album
from trendcache.accounts.tokens import token_hash
from trendcache.accounts.users import account_for_token, create_user, issue_token
from trendcache.db import Database
from trendcache.db.accounts import ApiToken, CollectionItem, User
from trendcache.db.models import Base


def everything_stored(database: Database) -> str:
    """Every value of every table, as text."""
    with database.engine.connect() as connection:
        return "\n".join(
            repr(row)
            for table in Base.metadata.sorted_tables
            for row in connection.execute(text(f'SELECT * FROM "{table.name}"'))
        )


def test_tokens_and_passwords_are_stored_only_as_hashes(
    database: Database, known_albums: list[str]
) -> None:
    first = create_user(database, "alice", PASSWORD)
    second = issue_token(database, "alice")
    alice = account_for_token(database, first)
    assert alice is not None
    add_album(database, alice.id, known_albums[0])
    stored = everything_stored(database)
    assert "alice" in stored and "SINGLARITY" in stored  # the dump does see the data
    for secret in (first, second, first.removeprefix("tc_"), PASSWORD):
        assert secret not in stored
    with database.session() as session:
        rows = session.scalars(select(ApiToken).order_by(ApiToken.created_at)).all()
        assert {row.token_hash for row in rows} == {token_hash(first), token_hash(second)}
        assert {row.prefix for row in rows} == {first[:10], second[:10]}
        user = session.scalars(select(User)).one()
        assert user.password_hash is not None and user.password_hash.startswith("scrypt$")


def test_names_and_collected_albums_are_unique(database: Database, known_albums: list[str]) -> None:
    create_user(database, "alice")
    with pytest.raises(IntegrityError), database.writer() as session:
        session.add(User(name="alice"))
    alice = account_for_token(database, issue_token(database, "alice"))
    assert alice is not None
    add_album(database, alice.id, known_albums[0])
    with pytest.raises(IntegrityError), database.writer() as session:
        session.add(
            CollectionItem(user_id=alice.id, album_id=known_albums[0], album={"name": "again"})
        )


def test_deleting_a_user_deletes_their_tokens_and_collection(
    database: Database, known_albums: list[str]
) -> None:
    alice = account_for_token(database, create_user(database, "alice"))
    bob = account_for_token(database, create_user(database, "bob"))
    assert alice is not None and bob is not None
    for account in (alice, bob):
        add_album(database, account.id, known_albums[0])
    with database.writer() as session:
        session.execute(delete(User).where(User.id == alice.id))
    with database.session() as session:
        assert session.scalars(select(ApiToken.user_id)).all() == [bob.id]
        assert session.scalars(select(CollectionItem.user_id)).all() == [bob.id]
        assert session.scalar(select(func.count()).select_from(User)) == 1


def test_a_token_or_item_needs_a_user(database: Database) -> None:
    with pytest.raises(IntegrityError), database.writer() as session:
        session.add(ApiToken(user_id="nobody", token_hash="0" * 64, prefix="tc_0"))
