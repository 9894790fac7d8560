"""Following artists on both database backends: known artists only, idempotent, per user;
and the notifications a sync raises for them, once per album and listing."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from trendcache.accounts.follows import (
    UnknownArtist,
    follow,
    followed_among,
    list_follows,
    unfollow,
)
from trendcache.accounts.notifications import (
    InvalidWebhookUrl,
    list_notifications,
    mark_read,
    record_listed,
    set_webhook_url,
    webhook_url,
)
from trendcache.accounts.users import account_for_token, create_user, delete_user
from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.follows import NotificationEvent
from trendcache.db.history import AlbumArtist
from trendcache.db.models import EnrichmentState
from trendcache.pipeline.history.joined import mbid_album_id
from trendcache.pipeline.history.recording import record_albums, record_listing
from trendcache.pipeline.keys import LISTENBRAINZ_TOP, WORLDWIDE
from trendcache.services import Services

ARTIST, OTHER = "0artistAAAAAAAAAAAAAAA", "0artistBBBBBBBBBBBBBBB"
DAY = timedelta(days=1)


def user_id(database: Database, name: str) -> str:
    account = account_for_token(database, create_user(database, name))
    assert account is not None
    return account.id


def album(album_id: str, *artists: str) -> dict[str, object]:
    return {
        "id": album_id,
        "name": f"Album {album_id}",
        "artists": [{"id": a, "name": f"Artist {a[-1]}"} for a in artists],
        "external_urls": {"spotify": f"https://open.spotify.com/album/{album_id}"},
    }


def list_albums(
    database: Database,
    items: list[dict[str, object]],
    at: datetime,
    market: str = "US",
    *,
    notify: bool = True,
) -> None:
    """One listing written as a sync writes it, with the syncer's hook in the same write."""
    with database.writer() as session:
        record_listing(session, "spotify_new_releases", market, items, at)
        record_albums(session, items, {}, at)
        if notify:
            record_listed(session, [str(item["id"]) for item in items], at)


def events(database: Database) -> int:
    with database.session() as session:
        return int(session.scalar(select(func.count()).select_from(NotificationEvent)) or 0)


def test_only_a_listed_artist_can_be_followed_and_following_twice_is_harmless(
    database: Database,
) -> None:
    alice = user_id(database, "alice")
    with pytest.raises(UnknownArtist):
        follow(database, alice, ARTIST)
    list_albums(database, [album("a1", ARTIST)], utcnow())
    first, created = follow(database, alice, ARTIST)
    again, created_again = follow(database, alice, ARTIST)
    assert created and not created_again
    assert first == again
    assert first.artist_name == "Artist A"
    assert [f.artist_id for f in list_follows(database, alice)] == [ARTIST]
    assert followed_among(database, alice, [ARTIST, OTHER]) == {ARTIST}
    assert unfollow(database, alice, ARTIST)
    assert not unfollow(database, alice, ARTIST)
    assert list_follows(database, alice) == []


def test_a_listing_after_the_follow_raises_one_event_per_album_and_listing(
    database: Database,
) -> None:
    start = utcnow()
    list_albums(database, [album("a1", ARTIST), album("b1", OTHER)], start)
    alice, bob = user_id(database, "alice"), user_id(database, "bob")
    follow(database, alice, ARTIST)
    # Listed before the follow: nothing to say.
    assert list_notifications(database, alice) == []

    later = utcnow() + timedelta(minutes=1)
    items = [album("a1", ARTIST), album("a2", OTHER, ARTIST), album("b1", OTHER)]
    list_albums(database, items, later)
    list_albums(database, items, later + timedelta(hours=12))  # a re-sync: no duplicates
    list_albums(database, items, later + timedelta(hours=12), market="GB")  # a new listing

    seen = [(n.album_id, n.market) for n in list_notifications(database, alice)]
    assert sorted(seen) == [("a1", "GB"), ("a1", "US"), ("a2", "GB"), ("a2", "US")]
    assert list_notifications(database, bob) == []
    newest = list_notifications(database, alice)[0]
    assert newest.market == "GB" and not newest.read
    assert mark_read(database, alice, utcnow()) == 4
    assert all(n.read for n in list_notifications(database, alice))


def test_events_are_recorded_once_by_racing_processes(database: Database) -> None:
    """Eight engines record the same sync's appearances at the same moment."""
    list_albums(database, [album("a1", ARTIST)], utcnow() - timedelta(hours=1))
    alice = user_id(database, "alice")
    follow(database, alice, ARTIST)
    at = utcnow()
    list_albums(database, [album("a1", ARTIST), album("a2", ARTIST)], at, notify=False)
    url = database.url.render_as_string(hide_password=False)
    engines = [Database(url) for _ in range(8)]
    barrier = threading.Barrier(len(engines))
    errors: list[BaseException] = []

    def record(engine: Database) -> None:
        try:
            barrier.wait(timeout=30)
            with engine.writer() as session:
                record_listed(session, ["a1", "a2"], at)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=record, args=(engine,)) for engine in engines]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        for engine in engines:
            engine.dispose()
    assert errors == []
    assert events(database) == 2


def test_a_user_webhook_url_is_http_only_and_owed_posts_follow_it(database: Database) -> None:
    alice = user_id(database, "alice")
    for bad in ("ftp://example.org/x", "javascript:alert(1)", "http://", "https://a b/"):
        with pytest.raises(InvalidWebhookUrl):
            set_webhook_url(database, alice, bad)
    list_albums(database, [album("a1", ARTIST)], utcnow() - timedelta(hours=1))
    follow(database, alice, ARTIST)
    list_albums(database, [album("a1", ARTIST)], utcnow())  # no URL yet: owes no post
    assert set_webhook_url(database, alice, " https://hooks.example.org/x ") == (
        "https://hooks.example.org/x"
    )
    assert webhook_url(database, alice) == "https://hooks.example.org/x"
    list_albums(database, [album("a2", ARTIST)], utcnow())
    with database.session() as session:
        query = select(NotificationEvent.album_id, NotificationEvent.webhook)
        owed = {row.album_id: row.webhook for row in session.execute(query)}
    assert owed == {"a1": False, "a2": True}
    assert set_webhook_url(database, alice, "") is None
    assert webhook_url(database, alice) is None
    delete_user(database, "alice")
    assert events(database) == 0


def test_two_real_syncs_raise_each_event_once(services: Services) -> None:
    """The syncer's own transaction records them (the hook `Services` installs)."""
    database = services.database
    assert services.syncer.sync("cli", force=True).error is None
    with database.session() as session:
        artist_id = session.scalars(select(AlbumArtist.artist_id).limit(1)).one()
    alice = user_id(database, "alice")
    follow(database, alice, artist_id)
    assert list_notifications(database, alice) == []
    for _ in range(2):
        assert services.syncer.sync("cli", force=True).error is None
    found = list_notifications(database, alice)
    assert found, "the followed artist's albums were listed again"
    assert {n.artist_id for n in found} == {artist_id}
    keys = [(n.album_id, n.source, n.market) for n in found]
    assert len(keys) == len(set(keys))


def test_a_followed_artist_is_told_when_the_same_album_charts_on_the_other_source(
    database: Database,
) -> None:
    """Followed from Spotify, told of ListenBrainz's chart (and the other way round): the
    album is one album through its MusicBrainz release group, credited by MBID there."""
    group = "0b4e6b5c-1d0e-4a57-9d55-6f1f3c1b2a9e"
    lb_album, lb_artist = mbid_album_id(group), "mb-1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
    spotify_album = album("sp1", ARTIST)
    start = utcnow()
    list_albums(database, [spotify_album], start)
    alice, bob = user_id(database, "alice"), user_id(database, "bob")
    follow(database, alice, ARTIST)
    later = start + timedelta(days=1)
    listenbrainz = {**album(lb_album, lb_artist), "external_urls": {}}
    with database.writer() as session:  # ListenBrainz lists it before MusicBrainz joins it
        record_listing(session, LISTENBRAINZ_TOP, WORLDWIDE, [listenbrainz], later)
        record_albums(session, [listenbrainz], {}, later)
        record_listed(session, [lb_album], later)
    assert list_notifications(database, alice) == []  # not yet known to be the same album

    with database.writer() as session:
        session.add(
            EnrichmentState(
                album_id="sp1", status="matched", release_group_mbid=group, level="release_group"
            )
        )
    follow(database, bob, lb_artist)
    again = later + timedelta(days=1)
    with database.writer() as session:
        record_listing(session, LISTENBRAINZ_TOP, WORLDWIDE, [listenbrainz], again)
        record_albums(session, [listenbrainz], {}, again)
        record_listed(session, [lb_album], again)
    told = list_notifications(database, alice)
    assert [(n.artist_id, n.album_id, n.source, n.market) for n in told] == [
        (ARTIST, lb_album, LISTENBRAINZ_TOP, WORLDWIDE)
    ]
    list_albums(database, [spotify_album], again + timedelta(hours=6))
    assert [(n.artist_id, n.album_id, n.source) for n in list_notifications(database, bob)] == [
        (lb_artist, "sp1", "spotify_new_releases"),
        (lb_artist, lb_album, LISTENBRAINZ_TOP),
    ]
    # Her own artist's album listed again after her follow: one event for that listing too.
    assert sorted((n.album_id, n.source) for n in list_notifications(database, alice)) == [
        (lb_album, LISTENBRAINZ_TOP),
        ("sp1", "spotify_new_releases"),
    ]
    with database.writer() as session:  # both listings again: nothing twice
        record_listing(session, LISTENBRAINZ_TOP, WORLDWIDE, [listenbrainz], again + DAY)
        record_listed(session, [lb_album], again + DAY)
    list_albums(database, [spotify_album], again + DAY)
    assert len(list_notifications(database, alice)) == len(list_notifications(database, bob)) == 2
