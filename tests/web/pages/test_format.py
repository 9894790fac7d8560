"""How the page words ages, dates and counts, and which links it lets through."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from trendcache.web.enrichment_view import EnrichmentActivity
from trendcache.web.pages.format import (
    clock_time,
    compact_number,
    exact_time,
    relative_age,
    release_date,
    web_url,
)
from trendcache.web.pages.page_state import enrichment_progress, page_state

NOW = datetime(2026, 3, 3, 14, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ago", "words"),
    [
        (timedelta(seconds=10), "just now"),
        (timedelta(seconds=50), "1 minute ago"),
        (timedelta(minutes=3), "3 minutes ago"),
        (timedelta(minutes=50), "50 minutes ago"),
        (timedelta(minutes=58), "1 hour ago"),
        (timedelta(hours=7, minutes=10), "7 hours ago"),
        (timedelta(days=3), "3 days ago"),
        (timedelta(seconds=-5), "just now"),
    ],
)
def test_relative_age(ago: timedelta, words: str) -> None:
    assert relative_age(NOW - ago, NOW) == words


def test_times() -> None:
    assert exact_time("2026-03-03T14:05:09.5+00:00") == "2026-03-03 14:05:09 UTC"
    assert exact_time(None) == ""
    assert clock_time(NOW + timedelta(hours=2), NOW) == "16:05 UTC"
    assert clock_time(NOW + timedelta(days=1), NOW) == "4 Mar 14:05 UTC"


@pytest.mark.parametrize(
    ("value", "precision", "shown"),
    [
        ("2026-03-01", "day", "1 Mar 2026"),
        ("2026-11", "month", "Nov 2026"),
        ("1999", "year", "1999"),
        ("not a date", "day", "not a date"),
    ],
)
def test_release_date(value: str, precision: str, shown: str) -> None:
    assert release_date(value, precision) == shown


def test_compact_number() -> None:
    assert [compact_number(n) for n in (None, 999, 1000, 16_490_679, 2_000_000_000)] == [
        "",
        "999",
        "1K",
        "16.5M",
        "2B",
    ]


def test_only_web_links_pass() -> None:
    assert web_url("https://open.spotify.com/album/x") == "https://open.spotify.com/album/x"
    assert web_url("HTTP://example.org/") == "HTTP://example.org/"
    for bad in ("javascript:alert(1)", "data:text/html,x", "//evil.example", "", None):
        assert web_url(bad) is None


def document(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "fetchedAt": (NOW - timedelta(hours=7)).isoformat(),
        "stale": True,
        "refreshing": False,
        "error": None,
        "pausedUntil": None,
        "pauseReason": None,
    }
    return {**base, **changes}


def test_pause_notice_names_the_resume_time() -> None:
    state = page_state(
        document(
            pausedUntil=(NOW + timedelta(hours=2)).isoformat(),
            pauseReason="Spotify asked us to wait 7200 s",
        ),
        NOW,
        requested=False,
    )
    assert state.notice == (
        "Showing data from 7 hours ago: Spotify asked us to wait 7200 s; "
        "syncing resumes at 16:05 UTC"
    )
    assert state.refreshing is False


def test_states() -> None:
    waiting = page_state(document(fetchedAt=None), NOW, requested=True)
    assert (waiting.has_data, waiting.refreshing, waiting.poll_seconds) == (False, True, 1)
    failed = page_state(document(fetchedAt=None, error="Spotify unreachable"), NOW, requested=False)
    assert (
        failed.notice
        == "The first sync failed: Spotify unreachable. It will be tried again shortly."
    )
    queued = page_state(document(), NOW, requested=False)  # stale: a sync is on its way
    assert (queued.refreshing, queued.notice, queued.poll_seconds) == (True, None, 1)
    backing_off = page_state(document(error="Spotify unreachable"), NOW, requested=False)
    assert backing_off.refreshing is False
    assert backing_off.notice is not None
    fresh = page_state(document(stale=False), NOW, requested=False)
    assert (fresh.age, fresh.notice, fresh.poll_seconds) == ("7 hours ago", None, 10)


def test_the_page_polls_fast_only_while_matches_may_land() -> None:
    summary = {"matched": 30, "needs_review": 1, "no_match": 2, "pending": 6, "error": 1}
    view = document(stale=False, enrichment={**summary, "total": 40})
    working = EnrichmentActivity(disabled=None, due=7, working=0)
    progress = enrichment_progress(view, working)
    assert (progress.done, progress.total, progress.pending, progress.needs_review) == (
        33,
        40,
        7,
        1,
    )
    assert progress.active is True
    assert page_state(view, NOW, requested=False, enriching=progress.active).poll_seconds == 1

    done = {**summary, "matched": 36, "pending": 0, "error": 0, "total": 40}
    idle = [
        (view, EnrichmentActivity(disabled="MUSICBRAINZ_USER_AGENT is not set", due=7, working=0)),
        (view, EnrichmentActivity(disabled=None, due=0, working=0)),  # retries not due yet
        (document(stale=False, enrichment=done), EnrichmentActivity(None, due=3, working=0)),
        (view, None),  # not read yet
    ]
    for page, activity in idle:
        progress = enrichment_progress(page, activity)
        assert progress.active is False, activity
        assert page_state(page, NOW, requested=False, enriching=progress.active).poll_seconds == 10
    # Someone else's albums being matched right now may still be ours in another view.
    busy = enrichment_progress(document(enrichment=done), EnrichmentActivity(None, 0, 5))
    assert busy.active is True
