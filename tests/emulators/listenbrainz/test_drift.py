"""The emulator's charts move by the day: entries, climbs, falls, exits and re-entries,
the same in every process for the same seed and day."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, timedelta

import httpx2
import pytest

from tests.fixtures.musicbrainz import USER_AGENT
from tests.fixtures.spotify import local_client
from trendcache.emulators.listenbrainz import Catalog, ListenBrainzEmulator

DAY = date(2026, 12, 4)
TOP = 100


def top(catalog: Catalog, day: date, range_name: str = "this_week") -> list[str]:
    catalog.set_day(day)
    return [item["release_group_mbid"] for item in catalog.chart(range_name)[:TOP]]


@pytest.fixture(scope="module")
def weeks() -> list[list[str]]:
    """The this_week top 100 on each of 42 days."""
    catalog = Catalog(2026, DAY)
    return [top(catalog, DAY + timedelta(days=n)) for n in range(42)]


def test_the_same_seed_and_day_give_the_same_chart_whatever_day_it_was_built() -> None:
    built_earlier, built_later = Catalog(7, DAY - timedelta(days=40)), Catalog(7, DAY)
    assert top(built_earlier, DAY) == top(built_later, DAY)
    assert top(built_earlier, DAY, "month") == top(built_later, DAY, "month")
    fresh = [
        c.fresh_releases(DAY, 14, "release_date", True, False) for c in (built_earlier, built_later)
    ]
    assert fresh[0] == fresh[1] and fresh[0]
    assert top(Catalog(8, DAY), DAY) != top(built_later, DAY)


def test_the_chart_changes_from_day_to_day(weeks: list[list[str]]) -> None:
    for before, after in itertools.pairwise(weeks):
        assert before != after
    entries = [set(after) - set(before) for before, after in itertools.pairwise(weeks)]
    exits = [set(before) - set(after) for before, after in itertools.pairwise(weeks)]
    assert sum(map(len, entries)) >= 40  # a few new entries most days
    assert sum(map(len, exits)) == sum(map(len, entries))  # the top 100 stays 100


def test_places_are_gained_and_lost(weeks: list[list[str]]) -> None:
    climbs = falls = 0
    for before, after in itertools.pairwise(weeks):
        was = {mbid: place for place, mbid in enumerate(before)}
        climbs += sum(1 for place, mbid in enumerate(after) if mbid in was and place < was[mbid])
        falls += sum(1 for place, mbid in enumerate(after) if mbid in was and place > was[mbid])
    assert climbs > 100 and falls > 100


def test_some_groups_leave_and_come_back(weeks: list[list[str]]) -> None:
    seen: set[str] = set()
    reentries = set()
    for before, after in itertools.pairwise(weeks):
        seen |= set(before)
        reentries |= (set(after) - set(before)) & seen
    assert reentries


def test_a_release_rises_after_its_release_day_then_decays() -> None:
    catalog = Catalog(2026, DAY)
    group = max(
        catalog.released_on(DAY - timedelta(days=60)), key=lambda g: g.audience.waves[0].peak
    )
    first = group.audience.waves[0]
    daily = [
        group.listens(day, day)
        for day in (group.release_date + timedelta(days=n) for n in range(-3, 60))
    ]
    assert daily[:3] == [0, 0, 0]  # nothing before its release
    peak_day = 3 + first.rise
    assert max(daily[3 : peak_day + 1]) > daily[3]  # it rose
    if len(group.audience.waves) == 1:
        assert daily[-1] < max(daily) / 2  # and fell away


def test_fresh_releases_pivot_on_the_day() -> None:
    catalog = Catalog(2026, DAY)
    now = catalog.fresh_releases(DAY, 14, "release_date", True, False)
    catalog.advance(30)
    later = catalog.fresh_releases(catalog.today, 14, "release_date", True, False)
    assert max(r["release_date"] for r in later) > max(r["release_date"] for r in now)
    assert all(r["release_date"] <= catalog.today.isoformat() for r in later)


@pytest.fixture
def http(listenbrainz_emulator: ListenBrainzEmulator) -> Iterator[httpx2.Client]:
    headers = {"User-Agent": USER_AGENT}
    with local_client(base_url=listenbrainz_emulator.base_url, headers=headers) as client:
        yield client


def test_the_control_surface_moves_the_day_and_reset_brings_it_back(
    http: httpx2.Client, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    first = listenbrainz_emulator.today
    chart = "/1/stats/sitewide/release-groups"
    before = http.get(chart, params={"range": "this_week"}).json()["payload"]

    moved = http.post("/_emulator/day", json={"days": 10}).json()
    after = http.get(chart, params={"range": "this_week"}).json()["payload"]
    assert moved == {"today": (first + timedelta(days=10)).isoformat()}
    assert after["to_ts"] - before["to_ts"] == 10 * 86_400
    assert after["release_groups"] != before["release_groups"]
    assert http.post("/_emulator/day", json={"day": "2026-02-30"}).status_code == 400
    assert http.post("/_emulator/day", json={"day": "2026-01-02"}).json()["today"] == "2026-01-02"

    listenbrainz_emulator.reset()
    assert listenbrainz_emulator.today == first
