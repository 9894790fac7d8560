"""The album page's chart of positions over time, as geometry for a server-rendered SVG.

Numbers and plain-text labels are computed here; `partials/album_chart.html` draws them, so
every label passes Jinja's escaping. Position 1 is at the top. One line per listing, broken
where the album was absent (its gaps) so a re-entry never looks like a continuous run.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from trendcache.pipeline.history.album_history_types import ChartHistory, Point
from trendcache.pipeline.history.lead import LISTENBRAINZ_PREFIX
from trendcache.pipeline.keys import WORLDWIDE
from trendcache.web.pages.format import MONTHS

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 18, 14, 34  # margins for the axes' labels
PALETTE = ("#1db954", "#3b82f6", "#e4572e", "#a855f7", "#f59e0b", "#14b8a6", "#ec4899", "#64748b")
DOTS_UP_TO = 60  # points per line that each get a dot (with a tooltip); beyond, only lone ones
MAX_TICKS = 6
HOUR, DAY = 3600, 86400
TIME_STEPS = (HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY)
MONTH_STEPS = (1, 3, 6, 12)
POSITION_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000)


@dataclass(frozen=True)
class Tick:
    at: float  # x or y in the SVG
    label: str


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    title: str


@dataclass(frozen=True)
class Line:
    source: str
    market: str
    label: str
    color: str
    path: str  # "M … L …", a new "M" after every break
    dots: list[Dot]


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    lines: list[Line]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    description: str


def build_chart(charts: list[ChartHistory]) -> Chart | None:
    """The chart of these listings' points; None when there is not a single point."""
    drawn = [(chart, runs(chart)) for chart in charts]
    points = [p for _, chart_runs in drawn for run in chart_runs for p in run]
    if not points:
        return None
    start = min(p.seen_at for p in points)
    end = max(p.seen_at for p in points)
    if start == end:
        start, end = start - timedelta(hours=12), end + timedelta(hours=12)
    lowest = max(p.position or 1 for p in points)
    step = next((s for s in POSITION_STEPS if -(-lowest // s) <= MAX_TICKS - 1), 1000)
    deepest = max(2, step * -(-lowest // step))
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    span = (end - start).total_seconds()

    def x(moment: datetime) -> float:
        return round(LEFT + (moment - start).total_seconds() / span * (right - LEFT), 1)

    def y(position: int) -> float:
        return round(TOP + (position - 1) / (deepest - 1) * (bottom - TOP), 1)

    several_sources = len({chart.source for chart in charts}) > 1
    lines = []
    for index, (chart, chart_runs) in enumerate(drawn):
        label = market_label(chart.market)
        if several_sources:
            label += f" · {listing_name(chart.source)}"
        path = " ".join(
            "M" + " L".join(f"{x(p.seen_at)},{y(p.position or 1)}" for p in run)
            for run in chart_runs
        )
        count = sum(len(run) for run in chart_runs)
        dotted = [p for run in chart_runs if count <= DOTS_UP_TO or len(run) == 1 for p in run]
        dots = [
            Dot(x(p.seen_at), y(p.position or 1), f"{label}: #{p.position} on {when(p.seen_at)}")
            for p in dotted
        ]
        lines.append(Line(chart.source, chart.market, label, PALETTE[index % 8], path, dots))
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=right,
        top=TOP,
        bottom=bottom,
        lines=lines,
        x_ticks=[Tick(x(at), label) for at, label in time_ticks(start, end)],
        y_ticks=[Tick(y(p), f"#{p}") for p in sorted({1, *range(step, deepest + 1, step)})],
        description=describe(drawn, [line.label for line in lines]),
    )


def runs(chart: ChartHistory) -> list[list[Point]]:
    """The points as unbroken runs: a gap, or a point without a position, breaks the line."""
    gap_starts = deque(gap.first_missed_at for gap in chart.gaps)
    result: list[list[Point]] = [[]]
    for point in chart.points:
        broken = False
        while gap_starts and gap_starts[0] < point.seen_at:
            gap_starts.popleft()
            broken = True
        if (broken or point.position is None) and result[-1]:
            result.append([])
        if point.position is not None:
            result[-1].append(point)
    return [run for run in result if run]


def time_ticks(start: datetime, end: datetime) -> list[tuple[datetime, str]]:
    """At most `MAX_TICKS` round moments between start and end, with their labels."""
    span = (end - start).total_seconds()
    step = next((s for s in TIME_STEPS if span / s <= MAX_TICKS), None)
    if step is None:
        return _month_ticks(start, end)
    first = -(-int(start.timestamp()) // step) * step
    moments = [
        datetime.fromtimestamp(at, UTC) for at in range(first, int(end.timestamp()) + 1, step)
    ]
    with_year = start.year != end.year
    return [(at, _day(at, with_year) + (f" {at:%H:%M}" if step < DAY else "")) for at in moments]


def _month_ticks(start: datetime, end: datetime) -> list[tuple[datetime, str]]:
    months = (end.year - start.year) * 12 + end.month - start.month
    years = 12 * -(-months // (12 * MAX_TICKS))  # whole years, few enough ticks
    step = next((s for s in MONTH_STEPS if months / s <= MAX_TICKS), years)
    index = start.year * 12 + start.month  # the month after start's, counted from year 0
    index += -index % step
    ticks: list[tuple[datetime, str]] = []
    while True:
        at = datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)
        if at > end:
            return ticks
        ticks.append((at, f"{MONTHS[at.month - 1]} {at.year}"))
        index += step


def describe(drawn: list[tuple[ChartHistory, list[list[Point]]]], labels: list[str]) -> str:
    """The chart in words, for screen readers."""
    parts = []
    for (chart, chart_runs), label in zip(drawn, labels, strict=True):
        shown = [p for run in chart_runs for p in run]
        if not shown:
            parts.append(f"{label}: no appearances in this period")
            continue
        best = min(p.position for p in shown if p.position is not None)
        count = len(chart.gaps)
        breaks = f", {count} break{'s' if count != 1 else ''} where it was absent" if count else ""
        parts.append(
            f"{label}: {len(shown)} appearances from {when(shown[0].seen_at)} to "
            f"{when(shown[-1].seen_at)}, best #{best}{breaks}"
        )
    return "Chart position over time, 1 at the top. " + "; ".join(parts) + "."


def _day(moment: datetime, with_year: bool) -> str:
    label = f"{moment.day} {MONTHS[moment.month - 1]}"
    return f"{label} {moment.year}" if with_year else label


def when(moment: datetime, zone: bool = True) -> str:
    """'20 Nov 2026 18:00 UTC' (or without the zone, where a heading says so)."""
    return f"{_day(moment, True)} {moment:%H:%M}" + (" UTC" if zone else "")


def listing_name(source: str) -> str:
    """'new releases' for `spotify_new_releases`, 'ListenBrainz top' for `listenbrainz_top`."""
    if source.startswith(LISTENBRAINZ_PREFIX):
        return "ListenBrainz " + source.removeprefix(LISTENBRAINZ_PREFIX).replace("_", " ")
    return source.removeprefix("spotify_").replace("_", " ")


def market_label(market: str) -> str:
    """A listing's market as shown: ListenBrainz's are worldwide (`XW`)."""
    return "Worldwide" if market == WORLDWIDE else market
