"""Collections on both database backends: known albums only, idempotent, per user."""

from __future__ import annotations

import pytest
from sqlalchemy import delete

from tests.fixtures.accounts import UNKNOWN_ALBUM
from trendcache.accounts.collection import (
    UnknownAlbum,
    add_album,
    collected_ids,
    list_items,
    remove_album,
)
from trendcache.accounts.users import account_for_token, create_user
from trendcache.db import Database
from trendcache.db.models import SpotifyAlbum


def user_id(database: Database, name: str) -> str:
    account = account_for_token(database, create_user(database, name))
    assert account is not None
    return account.id


def test_adding_keeps_a_snapshot_of_the_album(database: Database, known_albums: list[str]) -> None:
    alice = user_id(database, "alice")
    item, created = add_album(database, alice, known_albums[0])
    assert created
    assert item.album_id == known_albums[0]
    assert item.album["name"] == "SINGLARITY"
    assert item.album["artists"][0]["name"]
    assert item.album["artists"][0]["spotifyUrl"].startswith("https://open.spotify.com/artist/")
    assert item.album["image"] == (
        "https://i.scdn.co/image/ab67616d00001e02a61a28c2f084761f8833bce6"  # the 300 px one
    )
    assert item.album["spotifyUrl"] == f"https://open.spotify.com/album/{known_albums[0]}"
    assert item.album["releaseDate"] == "2020-12-18"

    with database.writer() as session:  # the album leaves trendcache: the item stays readable
        session.execute(delete(SpotifyAlbum))
    assert list_items(database, alice)[0].album == item.album


def test_adding_twice_is_harmless(database: Database, known_albums: list[str]) -> None:
    alice = user_id(database, "alice")
    first, created = add_album(database, alice, known_albums[1])
    again, created_again = add_album(database, alice, known_albums[1])
    assert created and not created_again
    assert again == first
    assert len(list_items(database, alice)) == 1


def test_only_known_albums_can_be_added(database: Database, known_albums: list[str]) -> None:
    alice = user_id(database, "alice")
    with pytest.raises(UnknownAlbum):
        add_album(database, alice, UNKNOWN_ALBUM)
    assert list_items(database, alice) == []


def test_newest_first_and_per_user(database: Database, known_albums: list[str]) -> None:
    alice, bob = user_id(database, "alice"), user_id(database, "bob")
    for album_id in known_albums:
        add_album(database, alice, album_id)
    add_album(database, bob, known_albums[0])
    assert [item.album_id for item in list_items(database, alice)] == known_albums[::-1]
    assert collected_ids(database, bob) == {known_albums[0]}

    assert not remove_album(database, bob, known_albums[1])  # alice's, not bob's
    assert remove_album(database, bob, known_albums[0])
    assert not remove_album(database, bob, known_albums[0])
    assert collected_ids(database, bob) == set()
    assert collected_ids(database, alice) == set(known_albums)
