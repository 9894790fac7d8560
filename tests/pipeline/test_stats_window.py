"""The statistics window: ISO 8601 dates and date-times, defaults, and refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trendcache.pipeline.keys import NEW_RELEASES
from trendcache.pipeline.stats_window import (
    EARLIEST,
    LATEST,
    StatsWindowError,
    make_window,
    parse_moment,
)

NOW = datetime(2026, 11, 28, 12, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("2026-11-20", False, datetime(2026, 11, 20, tzinfo=UTC)),
        ("2026-11-20", True, datetime(2026, 11, 20, 23, 59, 59, 999999, tzinfo=UTC)),
        ("20261120", False, datetime(2026, 11, 20, tzinfo=UTC)),
        ("2026-11-20T06:00", False, datetime(2026, 11, 20, 6, tzinfo=UTC)),
        ("2026-11-20T06:00:00Z", True, datetime(2026, 11, 20, 6, tzinfo=UTC)),
        ("2026-11-20 08:00:00+02:00", False, datetime(2026, 11, 20, 6, tzinfo=UTC)),
        ("2026-11-19T22:00:00-08:00", False, datetime(2026, 11, 20, 6, tzinfo=UTC)),
        (" 2026-11-20 ", False, datetime(2026, 11, 20, tzinfo=UTC)),
        ("9999-12-31", True, LATEST),
        ("0001-01-01", False, EARLIEST),
    ],
)
def test_dates_and_date_times(text: str, end: bool, expected: datetime) -> None:
    assert parse_moment("since", text, end=end) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("yesterday", "since: 'yesterday' is not an ISO 8601 date or date-time"),
        ("2026-02-30", "is not an ISO 8601 date"),
        ("2026-11-20T25:00", "is not an ISO 8601 date"),
        ("", "is not an ISO 8601 date"),
        ("0001-01-01T00:00:00+01:00", "out of range"),
        ("2" * 65, "too long"),
    ],
)
def test_refusals_say_what_is_wrong(text: str, words: str) -> None:
    with pytest.raises(StatsWindowError, match=words):
        parse_moment("since", text)


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
        make_window(since="2026-11-02", until="2026-11-01T23:00:00")
    # A one-day window: since and until the same date.
    assert make_window(since="2026-11-01", until="2026-11-01").days == 1


@given(st.datetimes(timezones=st.just(UTC)), st.booleans())
def test_any_iso_moment_reads_back(moment: datetime, end: bool) -> None:
    assert parse_moment("until", moment.isoformat(), end=end) == moment
