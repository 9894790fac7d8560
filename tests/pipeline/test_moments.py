"""RFC 3339 dates and date-times: exactly what the document's `format: date`/`date-time` admit.

The validator schemathesis checks the document with (jsonschema_rs) is the reference: every
value it calls valid reads, every value it refuses is refused.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jsonschema_rs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from trendcache.pipeline.moments import (
    EARLIEST,
    LATEST,
    MOMENT_SCHEMA,
    MomentError,
    parse_moment,
)

DOCUMENTED = jsonschema_rs.validator_for(MOMENT_SCHEMA, validate_formats=True)


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("2026-11-20", False, datetime(2026, 11, 20, tzinfo=UTC)),
        ("2026-11-20", True, datetime(2026, 11, 20, 23, 59, 59, 999999, tzinfo=UTC)),
        ("2026-11-20T06:00:00Z", True, datetime(2026, 11, 20, 6, tzinfo=UTC)),
        ("2026-11-20t06:00:00z", False, datetime(2026, 11, 20, 6, tzinfo=UTC)),
        ("2026-11-20T08:00:00+02:00", False, datetime(2026, 11, 20, 6, tzinfo=UTC)),
        ("2026-11-19T22:00:00-08:00", False, datetime(2026, 11, 20, 6, tzinfo=UTC)),
        ("2026-11-20T06:00:00.5Z", False, datetime(2026, 11, 20, 6, 0, 0, 500000, tzinfo=UTC)),
        (
            "2026-11-20T06:00:00.1234567Z",
            False,
            datetime(2026, 11, 20, 6, 0, 0, 123456, tzinfo=UTC),
        ),
        # A leap second is the last microsecond of its minute.
        ("2016-12-31T23:59:60Z", False, datetime(2016, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)),
        (
            "2016-12-31T22:59:60-01:00",
            False,
            datetime(2016, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        ),
        # Past what Python holds: the earliest or latest moment there is.
        ("9999-12-31", True, LATEST),
        ("0001-01-01", False, EARLIEST),
        ("0001-01-01T00:00:00+01:00", False, EARLIEST),
        ("9999-12-31T23:00:00-05:00", False, LATEST),
        ("0000-06-01", True, EARLIEST),
        ("0000-12-31T23:00:00-05:00", False, datetime(1, 1, 1, 4, tzinfo=UTC)),
    ],
)
def test_dates_and_date_times(text: str, end: bool, expected: datetime) -> None:
    assert DOCUMENTED.is_valid(text)
    assert parse_moment("since", text, end=end) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("yesterday", "since: 'yesterday' is not an RFC 3339 date or date-time"),
        ("0.5", "is not an RFC 3339 date or date-time"),
        ("", "is not an RFC 3339 date"),
        ("20261120", "is not an RFC 3339 date"),
        ("2026-11-20T06:00", "a time needs its offset"),
        ("2026-11-20T06:00:00", "a time needs its offset"),
        ("2026-11-20 06:00:00Z", "is not an RFC 3339 date"),
        (" 2026-11-20", "is not an RFC 3339 date"),
        ("\uff12\uff10\uff12\uff16-11-20", "is not an RFC 3339 date"),  # fullwidth digits
        ("2026-02-29", "is not a day of the calendar"),
        ("2026-13-01", "is not a day of the calendar"),
        ("2026-11-20T24:00:00Z", "is not a time of day"),
        ("2026-11-20T06:00:00+24:00", "is not a time of day"),
        ("2026-11-20T12:00:60Z", "leap second not at 23:59:60 UTC"),
        ("2026-11-20T06:00:00." + "1" * 50 + "Z", "is not an RFC 3339 date"),  # too long
    ],
)
def test_refusals_say_what_is_wrong(text: str, words: str) -> None:
    assert not DOCUMENTED.is_valid(text)
    with pytest.raises(MomentError, match=words):
        parse_moment("since", text)


@given(st.datetimes(timezones=st.just(UTC)), st.booleans())
def test_any_moment_reads_back(moment: datetime, end: bool) -> None:
    text = moment.isoformat()
    assert parse_moment("until", text, end=end) == moment


@given(
    st.datetimes(),
    st.integers(-(23 * 60 + 59), 23 * 60 + 59),
    st.sampled_from(["T", "t"]),
)
def test_offsets_read_as_the_document_says(local: datetime, minutes: int, separator: str) -> None:
    sign, whole = ("-" if minutes < 0 else "+"), abs(minutes)
    text = f"{local.isoformat(separator)}{sign}{whole // 60:02}:{whole % 60:02}"
    assert DOCUMENTED.is_valid(text)
    try:
        expected = local.replace(tzinfo=UTC) - timedelta(minutes=minutes)
    except OverflowError:  # past year 1 or 9999: held at the edge
        expected = EARLIEST if minutes > 0 else LATEST
    assert parse_moment("since", text) == expected
