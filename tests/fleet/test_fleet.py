"""The fleet as an operator runs it (see conftest.py): 3 web processes behind nginx and 2
workers on one PostgreSQL and one Redis, against both emulators. The tests share the
module's fleet and each stands alone on it (pytest-xdist may split them across its
workers, each then starting a fleet of its own):

- SIGKILL a worker in the middle of an enrichment batch: once its claim lapses (the test
  moves the 60 s lease along instead of waiting it out) the other worker takes the batch
  over, and every album ends decided exactly once; MusicBrainz saw no request faster than
  its limit from the two workers together.
- 500 concurrent waiting syncs on stale data, through nginx: Spotify sees one sync's
  requests.
- A sync asked for through one web process is served by the other two within 1 s.
- SIGKILL the worker that fired the latest period of the schedule: the other goes on
  firing it, each period once.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx2
from sqlalchemy import delete, func, or_, select, update

from tests.faults.load import burst
from tests.faults.servers import Server, sync_runs
from tests.faults.test_schedule_failover import fired, ran
from tests.fleet.conftest import (
    LISTING,
    Fleet,
    claimed,
    claimed_count,
    finished,
    seen_within,
    wait_for,
)
from tests.pipeline.helpers import make_stale
from trendcache.clock import utcnow
from trendcache.db.models import EnrichmentState, MusicBrainzResponse

CALLS = 500
SYNC_PATH = "/api/spotify/sync?wait=true"
SEEN_WITHIN = 1.0  # seconds: the "served by every web process within 1 s"


def test_a_worker_killed_mid_batch_is_taken_over_and_every_album_is_decided_once(
    fleet: Fleet,
) -> None:
    fleet.top_up()
    _requeue_if_done(fleet)
    albums = sum(fleet.albums().values())
    assert albums > 0
    # Mid-batch: a worker (one that has finished a batch before) claimed a batch, has not
    # finished it, and MusicBrainz was asked something since.
    victim, batch = wait_for(_mid_batch(fleet), "a worker in a batch", fleet.processes)
    victim.kill()
    [survivor] = [w for w in fleet.workers if w is not victim]
    fleet.workers.remove(victim)
    assert batch not in finished(victim)
    orphaned = _claimed_albums(fleet, batch)
    assert orphaned, "the killed worker's batch still holds undecided albums"
    # Its claim lapses: as if the 60 s lease had passed (the worker is gone, nobody renews it).
    with fleet.database.writer() as session:
        session.execute(
            update(EnrichmentState)
            .where(EnrichmentState.batch_id == batch)
            .values(claimed_until=utcnow() - timedelta(seconds=1))
        )
    wait_for(lambda: batch in finished(survivor), "the survivor taking the batch over", [survivor])
    wait_for(
        lambda: "pending" not in fleet.albums() and claimed_count(fleet.database) == 0,
        "every album decided",
        [survivor, *fleet.web],
    )

    statuses = fleet.albums()
    assert sum(statuses.values()) == albums, "no album lost"
    assert "error" not in statuses, statuses
    with fleet.database.session() as session:
        attempts = Counter(session.scalars(select(EnrichmentState.attempts)))
    assert attempts == {1: albums}, f"an album decided twice (attempts: {attempts})"
    assert claimed(survivor).count(batch) == 1
    # Both workers enriched, together never faster than MusicBrainz allows.
    assert finished(survivor) and finished(victim), "both workers finished batches"
    assert fleet.musicbrainz.stats.total > 0
    assert fleet.musicbrainz.stats.violations == []
    print(  # the figures for the record (pytest -s)
        f"\nkill -9 mid-batch: {albums} albums, batch {batch} ({len(orphaned)} undecided) taken "
        f"over; statuses {statuses}; MusicBrainz {fleet.musicbrainz.stats.total} requests, "
        f"{len(fleet.musicbrainz.stats.violations)} violations; batches finished: "
        f"{len(finished(victim))} by the killed worker, {len(finished(survivor))} by the other"
    )
    fleet.top_up()


def test_500_concurrent_waiting_syncs_on_stale_data_make_one_upstream_sync(
    fleet: Fleet,
) -> None:
    make_stale(fleet.database)
    before = sync_runs(fleet.database_url)
    fleet.spotify.stats.clear()
    outcome = burst([fleet.url + SYNC_PATH], CALLS, CALLS, keep_bodies=True)
    assert outcome.requests == CALLS
    assert outcome.failures == 0, outcome.examples[:3]
    assert all(b'"error":null' in body for body in outcome.bodies)
    after = sync_runs(fleet.database_url)
    assert after == {**before, "ok": before.get("ok", 0) + 1}, (before, after)
    assert fleet.spotify.stats.count(LISTING) == fleet.one_sync_listings
    print(
        f"\n{CALLS} waiting syncs through nginx: {outcome.failures} failed, sync runs "
        f"{before} -> {after}, Spotify listing requests {fleet.spotify.stats.count(LISTING)} "
        f"(one sync: {fleet.one_sync_listings}), Spotify requests in all "
        f"{fleet.spotify.stats.total}, p50 {outcome.percentile(0.5):.2f} s, "
        f"p99 {outcome.percentile(0.99):.2f} s"
    )


def test_a_sync_through_one_web_process_is_served_by_the_others_within_a_second(
    fleet: Fleet,
) -> None:
    make_stale(fleet.database)
    views = [f"{web.url}/api/cache/trending" for web in fleet.web]
    wait_for(
        lambda: all(httpx2.get(view, timeout=10).json()["stale"] for view in views),
        "every web process serving the stale data",
        fleet.processes,
    )
    answer = httpx2.get(f"{fleet.web[0].url}{SYNC_PATH}", timeout=60)
    assert answer.status_code == 200
    synced = answer.json()
    assert synced["source"] == "fresh" and not synced["stale"]
    seen = seen_within(views, synced, SEEN_WITHIN)
    assert set(seen) == set(views), f"not every web process served it within 1 s: {seen}"
    print(f"\nsync through {fleet.web[0].url}, seen after (s): {sorted(seen.values())}")


def test_the_schedule_goes_on_when_its_holder_is_killed(fleet: Fleet) -> None:
    fleet.top_up()
    started = time.time()
    wait_for(
        lambda: len({p for w in fleet.workers for t, p in ran(w) if _after(p, started)}) >= 2,
        "two periods with both workers up",
        fleet.processes,
    )
    holder = wait_for(lambda: _latest_holder(fleet.workers), "the holder", fleet.processes)
    [survivor] = [w for w in fleet.workers if w is not holder]
    latest = max(p for t, p in fired(holder) if t == "sync_due")
    holder.kill()
    fleet.workers.remove(holder)
    wait_for(
        lambda: len({p for t, p in ran(survivor) if t == "sync_due" and p > latest}) >= 2,
        "two periods after the kill",
        [survivor, *fleet.web],
    )
    claims = Counter(period for worker in fleet.every_worker for period in fired(worker))
    runs = Counter(period for worker in fleet.every_worker for period in ran(worker))
    assert claims and set(claims.values()) == {1}, f"a period fired twice: {claims}"
    assert set(runs.values()) == {1}, f"a period ran twice: {runs}"
    after = sorted(p for t, p in fired(survivor) if t == "sync_due" and p > latest)
    assert len(after) >= 2, "the survivor fired the periods after the kill"
    print(f"\nschedule: {len(claims)} firings, each once; after the kill: {after}")


def test_no_process_logged_a_traceback(fleet: Fleet) -> None:
    for process in fleet.processes:
        assert "Traceback" not in process.output(), process.tail()


def _requeue_if_done(fleet: Fleet) -> None:
    """When the fleet has enriched every album already (pytest-xdist may run this test after
    others, on a fleet of its own): queue them all again, as a sync queues new albums, and
    forget MusicBrainz's answers, so that the workers ask again."""
    busy = or_(EnrichmentState.status == "pending", EnrichmentState.batch_id.is_not(None))
    with fleet.database.writer() as session:
        if session.scalar(select(func.count()).select_from(EnrichmentState).where(busy)):
            return
        albums = list(session.scalars(select(EnrichmentState.album_id)))
        session.execute(delete(EnrichmentState))
        session.execute(delete(MusicBrainzResponse))
        session.add_all(EnrichmentState(album_id=album) for album in albums)


def _mid_batch(fleet: Fleet) -> Callable[[], tuple[Server, str] | None]:
    """A worker in a batch it claimed, once MusicBrainz was asked something since it was
    first seen in it."""
    seen: dict[str, int] = {}  # batch → MusicBrainz requests when first seen in flight

    def found() -> tuple[Server, str] | None:
        flight = _in_flight(fleet)
        if flight is None:
            return None
        asked = fleet.musicbrainz.stats.total
        return flight if seen.setdefault(flight[1], asked) < asked else None

    return found


def _in_flight(fleet: Fleet) -> tuple[Server, str] | None:
    """A worker that finished a batch already, and the batch it claimed since and has not
    finished, if any."""
    for worker in fleet.workers:
        batches, done = claimed(worker), finished(worker)
        if len(batches) > 1 and done and batches[-1] not in done:
            return worker, batches[-1]
    return None


def _claimed_albums(fleet: Fleet, batch: str) -> list[str]:
    with fleet.database.session() as session:
        return list(
            session.scalars(
                select(EnrichmentState.album_id).where(EnrichmentState.batch_id == batch)
            )
        )


def _latest_holder(workers: list[Server]) -> Server | None:
    periods = [(p, i) for i, w in enumerate(workers) for t, p in fired(w) if t == "sync_due"]
    return workers[max(periods)[1]] if periods else None


def _after(period: str, started: float) -> bool:
    """The period (`2026-12-04T14:05:02`, UTC) began after `started` (Unix time)."""
    moment = datetime.strptime(period, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    return moment.timestamp() > started
