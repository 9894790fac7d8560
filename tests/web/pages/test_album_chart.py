"""The album chart's geometry: scales, ticks and breaks, on made-up histories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from trendcache.pipeline.history.album_history_types import ChartHistory, Gap, Point
from trendcache.web.pages.album_chart import BOTTOM, HEIGHT, TOP, build_chart, runs, time_ticks

T0 = datetime(2026, 11, 20, tzinfo=UTC)


def chart(market: str, points: list[Point], gaps: list[Gap] | None = None) -> ChartHistory:
    positions = [p.position for p in points if p.position is not None] or [1]
    return ChartHistory(
        source="spotify_new_releases",
        market=market,
        first_seen_at=points[0].seen_at if points else T0,
        last_seen_at=points[-1].seen_at if points else T0,
        last_position=positions[-1],
        peak_position=min(positions),
        peak_at=T0,
        snapshots=len(points),
        listed=True,
        current_streak=1,
        reentries=len(gaps or []),
        points=points,
        truncated=False,
        gaps=gaps or [],
    )


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def test_position_one_is_at_the_top_and_lines_break_at_gaps() -> None:
    points = [Point(at(0), 3, 1), Point(at(6), 1, 2), Point(at(18), 10, 4), Point(at(24), 4, 5)]
    drawn = build_chart([chart("SE", points, [Gap(at(12), at(12), 1)])])
    assert drawn is not None
    [line] = drawn.lines
    assert line.path.count("M") == 2  # broken between 06:00 and 18:00
    ys = {p.position: dot.y for p, dot in zip(points, line.dots, strict=True)}
    assert ys[1] == TOP < ys[3] < ys[4] < ys[10] == HEIGHT - BOTTOM
    assert [tick.label for tick in drawn.y_ticks] == ["#1", "#2", "#4", "#6", "#8", "#10"]
    assert len(line.dots) == 4 and line.dots[0].title == "SE: #3 on 20 Nov 2026 00:00 UTC"
    assert drawn.description == (
        "Chart position over time, 1 at the top. SE: 4 appearances from 20 Nov 2026 00:00 UTC "
        "to 21 Nov 2026 00:00 UTC, best #1, 1 break where it was absent."
    )


def test_a_single_point_at_number_one_still_has_axes() -> None:
    drawn = build_chart([chart("US", [Point(T0, 1, 1)])])
    assert drawn is not None
    assert [tick.label for tick in drawn.y_ticks] == ["#1", "#2"]
    assert drawn.x_ticks  # a day around the point
    [line] = drawn.lines
    assert line.path.startswith("M") and "L" not in line.path
    assert len(line.dots) == 1  # a lone point is drawn as a dot


def test_no_points_no_chart() -> None:
    assert build_chart([chart("US", [])]) is None


def test_positions_without_a_value_break_the_line() -> None:
    points = [Point(at(0), 2, 1), Point(at(6), None, None), Point(at(12), 1, 3)]
    assert [len(run) for run in runs(chart("US", points))] == [1, 1]


def test_many_points_get_dots_only_where_alone() -> None:
    points = [Point(at(6 * n), 1 + n % 5, n) for n in range(100)]
    drawn = build_chart([chart("US", points), chart("GB", [Point(at(30), 2, 999)])])
    assert drawn is not None
    us, gb = drawn.lines
    assert (us.dots, len(gb.dots)) == ([], 1)
    assert (us.color, gb.color) == ("#1db954", "#3b82f6")


def test_time_ticks_are_round_and_few() -> None:
    hours = time_ticks(T0, at(20))
    assert [label for _, label in hours] == [
        "20 Nov 00:00",
        "20 Nov 06:00",
        "20 Nov 12:00",
        "20 Nov 18:00",
    ]
    weeks = time_ticks(T0, T0 + timedelta(days=30))
    assert 2 <= len(weeks) <= 6 and all(moment.hour == 0 for moment, _ in weeks)
    years = time_ticks(datetime(2024, 2, 10, tzinfo=UTC), datetime(2026, 11, 20, tzinfo=UTC))
    assert [label for _, label in years] == [
        "Jul 2024",
        "Jan 2025",
        "Jul 2025",
        "Jan 2026",
        "Jul 2026",
    ]
    decade = time_ticks(datetime(2016, 1, 5, tzinfo=UTC), datetime(2026, 11, 20, tzinfo=UTC))
    assert [label for _, label in decade] == [
        "Jan 2018",
        "Jan 2020",
        "Jan 2022",
        "Jan 2024",
        "Jan 2026",
    ]
    months = time_ticks(datetime(2026, 5, 3, tzinfo=UTC), datetime(2026, 11, 20, tzinfo=UTC))
    assert [label for _, label in months] == [
        "Jun 2026",
        "Jul 2026",
        "Aug 2026",
        "Sep 2026",
        "Oct 2026",
        "Nov 2026",
    ]
    across = time_ticks(datetime(2026, 12, 28, tzinfo=UTC), datetime(2027, 1, 3, tzinfo=UTC))
    assert across[0][1] == "28 Dec 2026"
