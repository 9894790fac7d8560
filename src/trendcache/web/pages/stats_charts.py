"""The stats page's charts, laid out in Python: the template only draws the numbers.

Every chart is an inline SVG in user units (`WIDTH` wide, a row per bar), scaled by the
browser. Labels are plain strings here; the template escapes them (Jinja autoescape), and
long names are shortened with the full one kept in the bar's tooltip.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from trendcache.pipeline.keys import WORLDWIDE
from trendcache.pipeline.stats.results import MarketOverlap, TrendingStats
from trendcache.pipeline.stats.window import SOURCE_NAMES

WIDTH = 640
LABEL = 230  # the labels' column
GAP = 8
VALUE = 48  # room for the value after the bar
ROW = 24
LABEL_CHARS = 34
CELL = 56
STATUS_ORDER = (
    "matched_release",
    "matched_release_group",
    "needs_review",
    "no_match",
    "pending",
    "error",
    "not_queued",
)
STATUS_NAMES = {
    "matched_release": "Release matched",
    "matched_release_group": "Release group only",
    "needs_review": "Needs review",
    "no_match": "No match",
    "pending": "Pending",
    "error": "Error",
    "not_queued": "Not queued",
}


@dataclass(frozen=True)
class Bar:
    label: str
    title: str  # the full label and figure, for the tooltip
    value: str
    x: float
    width: float
    kind: str  # css modifier: up, down, plain
    href: str | None = None

    @property
    def value_x(self) -> float:
        return self.x + self.width + 4 if self.kind != "down" else self.x - 4


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    bars: tuple[Bar, ...]
    width: int = WIDTH
    row: int = ROW

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * ROW + 4


@dataclass(frozen=True)
class Cell:
    x: int
    y: int
    value: float | None  # None: the pair was not compared
    title: str


@dataclass(frozen=True)
class HeatMap:
    markets: tuple[str, ...]
    cells: tuple[Cell, ...]
    cell: int = CELL

    @property
    def size(self) -> int:
        return CELL * (len(self.markets) + 1)


@dataclass(frozen=True)
class Segment:
    status: str
    name: str
    count: int
    x: float
    width: float


def short(text: str, chars: int = LABEL_CHARS) -> str:
    return text if len(text) <= chars else f"{text[: chars - 1]}…"


def album_href(album_id: str) -> str:
    return f"/albums/{quote(album_id, safe='')}"


def bars(values: Sequence[tuple[str, int, str, str | None]], chart: str, title: str) -> BarChart:
    """A horizontal bar per (label, value, tooltip, link), scaled to the largest."""
    top = max((value for _, value, _, _ in values), default=0) or 1
    room = WIDTH - LABEL - GAP - VALUE
    found = tuple(
        Bar(short(label), tip, str(value), LABEL + GAP, room * value / top, "plain", href)
        for label, value, tip, href in values
    )
    return BarChart(chart, title, found)


def movement_chart(stats: TrendingStats) -> BarChart:
    """Climbers to the right of the middle line, fallers to its left, by places moved."""
    moves = [*stats.climbers.items, *stats.fallers.items]
    top = max((abs(m.change or 0) for m in moves), default=0) or 1
    middle = LABEL + GAP + (WIDTH - LABEL - GAP) / 2
    half = (WIDTH - LABEL - GAP) / 2 - VALUE
    found = []
    for move in moves:
        change = move.change or 0
        length = half * abs(change) / top
        worldwide = move.market == WORLDWIDE
        where = SOURCE_NAMES.get(move.source, move.source) if worldwide else move.market
        label = f"{move.album.name} ({where})"
        tip = f"{label}: #{move.previous_position} → #{move.position}"
        x, kind = (middle, "up") if change > 0 else (middle - length, "down")
        found.append(
            Bar(short(label), tip, f"{change:+d}", x, length, kind, album_href(move.album.id))
        )
    return BarChart("moves", "Climbers and fallers", tuple(found))


def longest_chart(stats: TrendingStats) -> BarChart:
    values = [
        (
            r.album.name,
            r.appearances,
            f"{r.album.name}: {r.appearances} snapshots, best #{r.best_position}",
            album_href(r.album.id),
        )
        for r in stats.longest_running.items
    ]
    return bars(values, "longest", "Longest running")


def artists_chart(stats: TrendingStats) -> BarChart:
    values = [
        (a.artist.name, a.appearances, f"{a.artist.name}: {a.appearances} appearances", None)
        for a in stats.artists.items
    ]
    return bars(values, "artists", "Top artists")


def heat_map(overlap: tuple[MarketOverlap, ...]) -> HeatMap:
    """A market-by-market matrix of Jaccard similarity (1 on the diagonal); for several
    sources, the first source's pairs (only Spotify's have any: ListenBrainz's listings
    are one worldwide market each)."""
    source = overlap[0].source if overlap else None
    pairs = {(o.market_a, o.market_b): o for o in overlap if o.source == source}
    markets = tuple(sorted({m for pair in pairs for m in pair}))
    cells = []
    for row, a in enumerate(markets, start=1):
        for column, b in enumerate(markets, start=1):
            pair = pairs.get((a, b)) or pairs.get((b, a))
            if a == b:
                value, title = 1.0, f"{a}"
            elif pair is None:
                value, title = None, f"{a} · {b}: not compared"
            else:
                value = pair.jaccard
                title = f"{a} · {b}: {pair.shared} shared, Jaccard {pair.jaccard:.2f}"
            cells.append(Cell(column * CELL, row * CELL, value, title))
    return HeatMap(markets, tuple(cells))


def coverage_segments(stats: TrendingStats) -> tuple[Segment, ...]:
    """The coverage bar: one segment per status with albums, widths by share."""
    coverage = stats.enrichment
    total = coverage.total or 1
    found, x = [], 0.0
    for status in STATUS_ORDER:
        count = coverage.counts.get(status, 0)
        if not count:
            continue
        width = WIDTH * count / total
        found.append(Segment(status, STATUS_NAMES[status], count, x, width))
        x += width
    return tuple(found)


def coverage_rows(stats: TrendingStats) -> tuple[Segment, ...]:
    """The coverage table: every status in the bar's order, with no albums too."""
    counts = stats.enrichment.counts
    return tuple(
        Segment(status, STATUS_NAMES[status], counts.get(status, 0), 0.0, 0.0)
        for status in STATUS_ORDER
    )
