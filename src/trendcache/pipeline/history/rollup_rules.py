"""How one listing moves the rollups the statistics read (see `db/history.py`): spans of
days, debuts and whole-history totals.

Pure functions over plain dicts (the columns of `AlbumSpan`, `AlbumDebut`, `AlbumTotal` and
`ArtistTotal`), shared by the sync's incremental write and the rebuild (`rollups`), so both
compute the same rollups.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from trendcache.pipeline.history.charting import Row

# Spans: aligned blocks of days that the day-granular statistics read instead of single
# days. Each is a multiple of the next (448 = 4 x 112, 112 = 4 x 28, 28 = 4 x 7), and all
# are counted from one Monday, so any run of days splits into a few whole blocks.
SPANS = (448, 112, 28, 7, 1)
SPAN_EPOCH = date(1970, 1, 5)  # a Monday: 7-day spans are ISO weeks
ALL = "*"  # the market (or source) of a row that sums every market (or source)


def span_start(day: date, span: int) -> date:
    """The first day of the `span`-day block holding `day`."""
    return day - timedelta(days=(day - SPAN_EPOCH).days % span)


def split_days(first: date, last: date) -> list[tuple[int, date]]:
    """`first`…`last` (inclusive) as the fewest aligned blocks, in order: (span, start).

    Greedy from the start: the longest block that begins at the current day and ends within
    the range. A 90-day range is at most 12 blocks, a year 17, three years 22.
    """
    blocks: list[tuple[int, date]] = []
    day = first
    while day <= last:
        span = next(
            s for s in SPANS if span_start(day, s) == day and day + timedelta(days=s - 1) <= last
        )
        blocks.append((span, day))
        day += timedelta(days=span)
    return blocks


def span_rows(day: date, source: str, market: str, positions: list[tuple[str, int]]) -> list[Row]:
    """What one listing adds to the spans: per album, its market's blocks longer than a day
    (its single days are `AlbumDay`) and every block of the all-markets rows."""
    rows: list[Row] = []
    for span in SPANS:
        start = span_start(day, span)
        for scope in (market, ALL) if span > 1 else (ALL,):
            rows.extend(
                {
                    "market": scope,
                    "span": span,
                    "start": start,
                    "source": source,
                    "album_id": album_id,
                    "appearances": 1,
                    "best_position": position,
                }
                for album_id, position in positions
            )
    return rows


def merge_counts(row: Row | None, add: Row) -> Row:
    """A span or total row after `add`: appearances added, the better best position kept."""
    if row is None:
        return dict(add)
    return {
        **row,
        "appearances": row["appearances"] + add["appearances"],
        "best_position": min(row["best_position"], add["best_position"]),
    }


def debut_rows(
    at: datetime, source: str, market: str, positions: list[tuple[str, int]]
) -> list[Row]:
    """Per album, its debut in each scope this listing belongs to: its source in its market,
    its source in any market, any source in its market, anywhere."""
    return [
        {
            "source": scope_source,
            "market": scope_market,
            "album_id": album_id,
            "first_seen_at": at,
            "debut_source": source,
            "debut_market": market,
            "debut_position": position,
        }
        for scope_source, scope_market in debut_scopes(source, market)
        for album_id, position in positions
    ]


def debut_scopes(source: str, market: str) -> list[tuple[str, str]]:
    """The scopes a listing of `source` in `market` belongs to."""
    return [(source, market), (source, ALL), (ALL, market), (ALL, ALL)]


def debut_order(row: Row) -> tuple[datetime, int, str, str]:
    """Which of two debuts in a scope counts: the earlier; at the same moment the higher
    position, then the market and source first in alphabetical order."""
    return (row["first_seen_at"], row["debut_position"], row["debut_market"], row["debut_source"])


def earlier_debut(row: Row | None, other: Row) -> Row:
    return other if row is None or debut_order(other) < debut_order(row) else row


def total_rows(source: str, market: str, positions: list[tuple[str, int]]) -> list[Row]:
    """What one listing adds to the albums' all-time totals, in its market and in all."""
    return [
        {
            "market": scope,
            "source": source,
            "album_id": album_id,
            "appearances": 1,
            "best_position": position,
        }
        for scope in (market, ALL)
        for album_id, position in positions
    ]


def artist_total_rows(
    source: str,
    market: str,
    credits: dict[str, list[str]],
    new_here: set[str],
    new_anywhere: set[str],
) -> list[Row]:
    """What one listing adds to its albums' artists' all-time totals: an appearance per
    album credited, and an album for each album listed in that scope for the first time
    (`new_here`: in this market; `new_anywhere`: in any market)."""
    rows: dict[tuple[str, str], Row] = {}
    for album_id, artist_ids in credits.items():
        for scope, new in ((market, new_here), (ALL, new_anywhere)):
            for artist_id in set(artist_ids):
                row = rows.setdefault(
                    (scope, artist_id),
                    {
                        "market": scope,
                        "source": source,
                        "artist_id": artist_id,
                        "appearances": 0,
                        "albums": 0,
                    },
                )
                row["appearances"] += 1
                row["albums"] += album_id in new
    return list(rows.values())
