"""The trending statistics as one CSV table, for spreadsheets and scripts.

One header, one row per figure, and a `section` column saying which statistic the row
belongs to (`window`, `new_entry`, `climber`, `faller`, `entered`, `left`,
`longest_running`, `artist`, `overlap`, `enrichment`, `on_both`); columns a section has no use for
stay empty. One table rather than one per section, so any CSV reader loads it as is and a
filter on `section` gives each statistic.

Album and artist names come from Spotify: a name starting like a formula (`=`, `+`, `-`,
`@`) gets a leading `'`, so a spreadsheet shows it instead of evaluating it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from trendcache.pipeline.stats.results import AlbumLabel, Move, TrendingStats

COLUMNS = (
    "section",
    "rank",
    "source",
    "market",
    "other_market",
    "album_id",
    "album_name",
    "artists",
    "artist_id",
    "artist_name",
    "previous_position",
    "position",
    "change",
    "first_seen_at",
    "other_album_id",
    "other_first_seen_at",
    "lead",
    "appearances",
    "albums",
    "other_albums",
    "markets",
    "shared",
    "jaccard",
    "status",
    "count",
    "share",
    "since",
    "until",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_START) else text


def when(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def album_cells(album: AlbumLabel) -> dict[str, Any]:
    return {
        "album_id": album.id,
        "album_name": safe(album.name),
        "artists": safe(", ".join(artist.name for artist in album.artists)),
    }


def rows(stats: TrendingStats) -> Iterator[dict[str, Any]]:
    window = stats.window
    yield {
        "section": "window",
        "source": window.source or "",
        "market": window.market or "",
        "since": when(window.since),
        "until": when(window.until),
    }
    for rank, entry in enumerate(stats.new_entries.items, start=1):
        yield {
            "section": "new_entry",
            "rank": rank,
            "source": entry.source,
            "market": entry.market,
            **album_cells(entry.album),
            "position": entry.position,
            "first_seen_at": when(entry.first_seen_at),
        }
    for section, moves in (
        ("climber", stats.climbers.items),
        ("faller", stats.fallers.items),
        ("entered", stats.entered.items),
        ("left", stats.left.items),
    ):
        yield from move_rows(section, moves)
    for rank, runner in enumerate(stats.longest_running.items, start=1):
        yield {
            "section": "longest_running",
            "rank": rank,
            **album_cells(runner.album),
            "position": runner.best_position,
            "appearances": runner.appearances,
            "markets": runner.markets,
        }
    for rank, run in enumerate(stats.artists.items, start=1):
        yield {
            "section": "artist",
            "rank": rank,
            "artist_id": run.artist.id,
            "artist_name": safe(run.artist.name),
            "appearances": run.appearances,
            "albums": run.albums,
        }
    for pair in stats.overlap:
        yield {
            "section": "overlap",
            "source": pair.source,
            "market": pair.market_a,
            "other_market": pair.market_b,
            "albums": pair.albums_a,
            "other_albums": pair.albums_b,
            "shared": pair.shared,
            "jaccard": f"{pair.jaccard:.4f}",
        }
    coverage = stats.enrichment
    for status, count in coverage.counts.items():
        share = count / coverage.total if coverage.total else 0.0
        yield {"section": "enrichment", "status": status, "count": count, "share": f"{share:.4f}"}
    for rank, both in enumerate(stats.on_both.items, start=1):
        yield {
            "section": "on_both",
            "rank": rank,
            **album_cells(both.album),
            "first_seen_at": when(both.spotify_first_seen_at),
            "other_album_id": both.release_group_album.id,
            "other_first_seen_at": when(both.listenbrainz_first_seen_at),
            "lead": both.lead_sentence,
        }


def move_rows(section: str, moves: tuple[Move, ...]) -> Iterator[dict[str, Any]]:
    for rank, move in enumerate(moves, start=1):
        yield {
            "section": section,
            "rank": rank,
            "source": move.source,
            "market": move.market,
            **album_cells(move.album),
            "previous_position": move.previous_position,
            "position": move.position,
            "change": move.change,
        }


def stats_csv(stats: TrendingStats) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows(stats))
    return out.getvalue()


def csv_filename(stats: TrendingStats) -> str:
    window = stats.window
    return f"trending-stats-{window.since.date().isoformat()}-{window.until.date().isoformat()}.csv"
