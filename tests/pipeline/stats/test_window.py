"""The statistics window: bounds from RFC 3339 dates and date-times, defaults, refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from trendcache.pipeline.keys import NEW_RELEASES
from trendcache.pipeline.moments import EARLIEST, LATEST
from trendcache.pipeline.stats.window import StatsWindowError, make_window

NOW = datetime(2026, 11, 28, 12, 30, tzinfo=UTC)


def test_the_default_window_is_30_days_up_to_now() -> None:
    window = make_window(now=NOW)
    assert (window.since, window.until) == (NOW - timedelta(days=30), NOW)
    assert window.relative and not window.since_given
    assert (window.source, window.market, window.limit) == (None, None, 10)
    assert window.days == 31
    # Empty strings, as an HTML form sends them, count as absent.
    assert make_window("", "", "", "", now=NOW) == window


def test_a_given_until_fixes_the_window_and_since_follows_it() -> None:
    window = make_window(until="2026-11-30", now=NOW)
    assert window.since == datetime(2026, 10, 31, 23, 59, 59, 999999, tzinfo=UTC)
    assert not window.relative
    assert window.key == make_window(until="2026-11-30T23:59:59.999999Z").key


def test_relative_windows_are_keyed_by_what_was_asked() -> None:
    one = make_window(since="2026-11-01", now=NOW)
    later = make_window(since="2026-11-01", now=NOW + timedelta(hours=1))
    assert one.relative and one.since_given
    assert one.key == later.key
    assert make_window(now=NOW).key == make_window(now=NOW + timedelta(hours=1)).key
    assert make_window(now=NOW).key != one.key


def test_filters_and_limit() -> None:
    window = make_window(source=NEW_RELEASES, market="gb", limit=3, now=NOW)
    assert (window.source, window.market, window.limit) == (NEW_RELEASES, "GB", 3)
    with pytest.raises(StatsWindowError, match="unknown source 'charts': one of "):
        make_window(source="charts")
    with pytest.raises(StatsWindowError, match="limit: 0 is not between 1 and 100"):
        make_window(limit=0)
    with pytest.raises(StatsWindowError, match=r"since \(2026-11-02T00:00:00\+00:00\) is after"):
        make_window(since="2026-11-02", until="2026-11-01T23:00:00Z")
    # A one-day window: since and until the same date.
    assert make_window(since="2026-11-01", until="2026-11-01").days == 1


def test_a_bad_bound_is_refused_by_name() -> None:
    with pytest.raises(StatsWindowError, match="until: '2026-11-20T06:00' is not an RFC 3339"):
        make_window(until="2026-11-20T06:00")
    with pytest.raises(StatsWindowError, match="since: '2026-02-30' is not a day"):
        make_window(since="2026-02-30")


def test_the_whole_calendar_is_a_window() -> None:
    window = make_window(since="0001-01-01", until="9999-12-31")
    assert (window.since, window.until) == (EARLIEST, LATEST)
    assert make_window(until="0001-01-01").since == EARLIEST  # 30 days before: the edge
