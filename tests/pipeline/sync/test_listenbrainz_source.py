"""ListenBrainz as a source, against its emulator over HTTP: two worldwide listings a sync,
`mb-` albums with Cover Art Archive covers, its own view, and its failures its own."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from tests.accounts.test_follows import user_id
from tests.fixtures.app import ServicesFactory
from tests.fixtures.listenbrainz import COVERS, listenbrainz_on
from tests.pipeline.helpers import cache_row, count, make_stale, runs
from trendcache.accounts.follows import follow
from trendcache.accounts.notifications import list_notifications
from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.history import Album, AlbumArtist, Artist, Snapshot
from trendcache.db.models import AlbumAppearance, EnrichmentState
from trendcache.emulators.listenbrainz import ListenBrainzEmulator
from trendcache.pipeline.keys import (
    LISTENBRAINZ,
    LISTENBRAINZ_FRESH,
    LISTENBRAINZ_TOP,
    WORLDWIDE,
    listenbrainz_key,
    listenbrainz_view_key,
    new_releases_key,
)
from trendcache.pipeline.sync.syncer import Syncer
from trendcache.services import Services
from trendcache.tasks import TaskQueue

TOP, FRESH = listenbrainz_key(LISTENBRAINZ_TOP), listenbrainz_key(LISTENBRAINZ_FRESH)


@pytest.fixture
def make_lb_services(
    make_services: ServicesFactory, listenbrainz_emulator: ListenBrainzEmulator
) -> ServicesFactory:
    def make(database: Database, **overrides: Any) -> Services:
        return make_services(database, **listenbrainz_on(listenbrainz_emulator, **overrides))

    return make


@pytest.fixture
def lb_services(make_lb_services: ServicesFactory, database: Database) -> Services:
    return make_lb_services(database)


def lb(services: Services) -> Syncer:
    return services.syncers[LISTENBRAINZ]


def view(database: Database) -> dict[str, Any]:
    row = cache_row(database, listenbrainz_view_key())
    assert row is not None
    return row.data


def test_a_sync_writes_both_listings_their_albums_and_the_view(
    lb_services: Services, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    database = lb_services.database
    result = lb(lb_services).sync("cli")
    assert (result.source, result.error, result.requests) == ("fresh", None, 2)
    assert listenbrainz_emulator.stats.by_endpoint == {
        "/1/stats/sitewide/release-groups": 1,
        "/1/explore/fresh-releases/": 1,
    }
    [chart_request, fresh_request] = listenbrainz_emulator.stats.requests
    assert "range=this_week" in chart_request.query and "count=100" in chart_request.query
    assert "past=true" in fresh_request.query and "future=false" in fresh_request.query
    with database.session() as session:
        snapshots = {s.source: (s.market, s.albums) for s in session.scalars(select(Snapshot))}
        seen = session.execute(
            select(
                AlbumAppearance.source, AlbumAppearance.market, AlbumAppearance.album_id
            ).order_by(AlbumAppearance.source, AlbumAppearance.position)
        ).all()
        albums = {a.id: a for a in session.scalars(select(Album))}
        artists = {a.id: a for a in session.scalars(select(Artist))}
        credits = session.execute(select(AlbumArtist.album_id, AlbumArtist.artist_id)).all()
    shown = view(database)
    assert snapshots[LISTENBRAINZ_TOP] == (WORLDWIDE, 100)
    assert snapshots[LISTENBRAINZ_FRESH][0] == WORLDWIDE and snapshots[LISTENBRAINZ_FRESH][1] > 0
    assert {(source, market) for source, market, _ in seen} == {
        (LISTENBRAINZ_TOP, WORLDWIDE),
        (LISTENBRAINZ_FRESH, WORLDWIDE),
    }
    top_ids = [album_id for source, _, album_id in seen if source == LISTENBRAINZ_TOP]
    chart = listenbrainz_emulator.catalog.chart("this_week")[:100]
    assert top_ids == [f"mb-{group['release_group_mbid']}" for group in chart], "LB's order"
    assert all(album_id.startswith("mb-") for album_id in albums)
    assert all(artist_id.startswith("mb-") for artist_id in artists)
    assert {album_id for album_id, _ in credits} == set(albums)
    for group in chart:
        row = albums[f"mb-{group['release_group_mbid']}"]
        assert row.spotify_url is None and row.name == group["release_group_name"]
        cover = group["caa_release_mbid"]
        expected = f"{COVERS}/release/{cover}/front-250" if cover else None
        assert row.image == expected
    assert count(database, EnrichmentState) == 0, "LB items carry their MBIDs already"

    assert shown["range"]["name"] == "this_week"
    assert shown["range"]["to_ts"] - shown["range"]["from_ts"] == 7 * 86_400
    assert [item["position"] for item in shown["top"]] == list(range(1, 101))
    assert [item["id"] for item in shown["top"]] == top_ids
    fresh = shown["fresh"]
    today = utcnow().date()
    assert all(
        today - timedelta(days=14) <= date.fromisoformat(item["release_date"]) <= today
        for item in fresh
    )
    listens = [item["listen_count"] for item in fresh]
    assert listens == sorted(listens, reverse=True), "most listened first"
    for key in (TOP, FRESH):
        row = cache_row(database, key)
        assert row is not None and row.data["payload"] is not None and row.expires > utcnow()


def test_a_second_sync_within_cache_seconds_reads_the_cache(
    lb_services: Services, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    assert lb(lb_services).sync("cli").source == "fresh"
    assert lb(lb_services).sync("schedule").source == "cache"
    assert len(listenbrainz_emulator.stats.requests) == 2
    make_stale(lb_services.database)
    assert lb(lb_services).sync("schedule").source == "fresh"
    assert len(listenbrainz_emulator.stats.requests) == 4


def test_the_daily_budget_holds_a_sync_that_would_cross_it(
    make_lb_services: ServicesFactory,
    sqlite_database: Database,
    listenbrainz_emulator: ListenBrainzEmulator,
) -> None:
    services = make_lb_services(sqlite_database, listenbrainz_daily_request_budget=3)
    assert lb(services).sync("cli").requests == 2
    refused = lb(services).sync("cli", force=True)
    assert refused.requests == 0 and refused.error is not None
    assert "LISTENBRAINZ_DAILY_REQUEST_BUDGET" in refused.error
    assert len(listenbrainz_emulator.stats.requests) == 2


def test_a_chart_not_computed_yet_is_a_partial_sync_of_the_fresh_releases(
    make_lb_services: ServicesFactory,
    sqlite_database: Database,
    listenbrainz_emulator: ListenBrainzEmulator,
) -> None:
    services = make_lb_services(sqlite_database)
    listenbrainz_emulator.faults.stats_not_computed = True
    result = lb(services).sync("cli")
    assert result.source == "fresh" and result.error is not None
    assert "not computed" in result.error
    assert runs(sqlite_database)[-1].status == "partial"
    with sqlite_database.session() as session:
        assert set(session.scalars(select(Snapshot.source))) == {LISTENBRAINZ_FRESH}
    shown = view(sqlite_database)
    assert shown["top"] == [] and shown["fresh"]
    assert lb(services).is_fresh(), "no sync a minute: the next one asks again"

    listenbrainz_emulator.faults.stats_not_computed = False
    make_stale(sqlite_database)
    assert lb(services).sync("cli").error is None
    last_chart = view(sqlite_database)["top"]
    make_stale(sqlite_database)
    listenbrainz_emulator.faults.stats_not_computed = True
    assert lb(services).sync("cli").source == "fresh"
    assert view(sqlite_database)["top"] == last_chart, "the last chart stays served"


def test_a_long_rate_limit_pauses_listenbrainz_and_leaves_spotify_alone(
    lb_services: Services, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    database = lb_services.database
    assert lb_services.syncer.sync("cli").source == "fresh"
    assert lb(lb_services).sync("cli").source == "fresh"
    make_stale(database)
    listenbrainz_emulator.faults.reset_in = 600
    listenbrainz_emulator.faults.add("too_many_requests", 1)
    failed = lb(lb_services).sync("schedule")
    assert failed.source == "cache" and failed.paused_until is not None
    assert failed.paused_until > utcnow() + timedelta(seconds=500)
    assert lb(lb_services).pause() is not None
    assert lb_services.syncer.pause() is None and lb_services.syncer.backing_off() is None
    for key in (TOP, FRESH, listenbrainz_view_key()):
        row = cache_row(database, key)
        assert row is not None and row.error is not None, "LB's rows flagged, still served"

    spotify = lb_services.syncer.sync("schedule")
    assert (spotify.source, spotify.error) == ("fresh", None)
    row = cache_row(database, new_releases_key("US"))
    assert row is not None and row.error is None and row.expires > utcnow()
    assert lb(lb_services).sync("schedule").paused_until is not None, "still paused"


def test_an_outage_fails_the_run_and_backs_off_listenbrainz_only(
    lb_services: Services, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    listenbrainz_emulator.faults.add("outage", 50)
    failed = lb(lb_services).sync("schedule")
    assert failed.source == "cache" and failed.paused_until is None
    assert failed.error is not None and "503" in failed.error
    assert lb(lb_services).backing_off() is not None
    assert lb_services.syncer.backing_off() is None
    assert lb_services.syncer.sync("schedule").source == "fresh"


@pytest.mark.parametrize("fault", ["malformed_shape", "malformed_json"])
def test_a_malformed_answer_fails_the_sync_and_writes_nothing(
    make_lb_services: ServicesFactory,
    sqlite_database: Database,
    listenbrainz_emulator: ListenBrainzEmulator,
    fault: str,
) -> None:
    services = make_lb_services(sqlite_database)
    listenbrainz_emulator.faults.add(fault, 1)
    failed = lb(services).sync("cli")
    assert failed.source == "cache" and failed.error is not None
    assert "ListenBrainz" in failed.error and (
        "malformed" in failed.error or "JSON" in failed.error
    )
    assert runs(sqlite_database)[-1].status == "failed"
    for model in (Snapshot, Album, AlbumAppearance):
        assert count(sqlite_database, model) == 0
    assert cache_row(sqlite_database, TOP) is None
    assert cache_row(sqlite_database, listenbrainz_view_key()) is None


def test_the_schedule_syncs_every_source_and_a_sync_can_be_queued_for_one(
    lb_services: Services, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    queue = TaskQueue(lb_services.settings, lambda: lb_services)
    queue.sync_due()
    assert sorted((r.source, r.status) for r in runs(lb_services.database)) == [
        ("listenbrainz", "ok"),
        ("spotify", "ok"),
    ]
    queue.sync_due()
    assert len(runs(lb_services.database)) == 2, "both fresh"
    assert queue.request_sync("on_demand")
    assert not queue.request_sync("on_demand"), "debounced"
    assert queue.request_sync("on_demand", source=LISTENBRAINZ), "each source its own"
    queue._run_sync("admin", True, None, LISTENBRAINZ)  # what the consumer runs for it
    assert [(r.source, r.trigger) for r in runs(lb_services.database)][-1] == (
        "listenbrainz",
        "admin",
    )


def test_listenbrainz_narrows_to_worldwide_only(lb_services: Services) -> None:
    source = lb(lb_services).source
    assert source.only([WORLDWIDE]) is source
    with pytest.raises(ValueError, match="US"):
        source.only(["US"])
    assert lb(lb_services).for_markets([WORLDWIDE]).source is source


def test_without_a_user_agent_listenbrainz_is_off_and_says_why(
    make_lb_services: ServicesFactory, sqlite_database: Database
) -> None:
    services = make_lb_services(sqlite_database, musicbrainz_user_agent=None)
    assert list(services.syncers) == ["spotify"]
    assert services.listenbrainz_off is not None
    assert "MUSICBRAINZ_USER_AGENT" in services.listenbrainz_off
    off = make_lb_services(sqlite_database, listenbrainz_enabled=False)
    assert list(off.syncers) == ["spotify"] and off.listenbrainz_off is not None
    assert "LISTENBRAINZ_ENABLED" in off.listenbrainz_off


def test_followers_of_a_listenbrainz_artist_are_notified(
    make_lb_services: ServicesFactory,
    sqlite_database: Database,
    listenbrainz_emulator: ListenBrainzEmulator,
) -> None:
    services = make_lb_services(sqlite_database)
    assert lb(services).sync("cli").error is None
    with sqlite_database.session() as session:
        album_id, artist_id = session.execute(
            select(AlbumArtist.album_id, AlbumArtist.artist_id).limit(1)
        ).one()
    user = user_id(sqlite_database, "alice")
    follow(sqlite_database, user, artist_id)
    make_stale(sqlite_database)
    assert lb(services).sync("cli").error is None
    notified = list_notifications(sqlite_database, user)
    assert notified and {n.artist_id for n in notified} == {artist_id}
    assert album_id in {n.album_id for n in notified}
    assert {n.source for n in notified} <= {LISTENBRAINZ_TOP, LISTENBRAINZ_FRESH}
