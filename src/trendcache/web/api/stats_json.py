"""The `GET /api/stats/trending` body, from the pipeline's `TrendingStats`, in the shape of
`stats_models.TrendingStatsResponse` (built by hand: no validation pass per request)."""

from __future__ import annotations

from typing import Any

from trendcache.pipeline.stats.results import (
    AlbumLabel,
    Counted,
    MarketOverlap,
    Move,
    OnBoth,
    TrendingStats,
)


def album_json(album: AlbumLabel) -> dict[str, Any]:
    return {
        "albumId": album.id,
        "name": album.name,
        "artists": [{"id": a.id, "name": a.name} for a in album.artists],
        "image": album.image,
    }


def on_both_json(both: Counted[OnBoth]) -> dict[str, Any]:
    return {
        "count": both.count,
        "items": [
            {
                **album_json(b.album),
                "listenbrainzAlbum": album_json(b.release_group_album),
                "spotifyFirstSeenAt": b.spotify_first_seen_at.isoformat(),
                "listenbrainzFirstSeenAt": b.listenbrainz_first_seen_at.isoformat(),
                "leadSeconds": int(b.lead.total_seconds()),
                "lead": b.lead_sentence,
            }
            for b in both.items
        ],
    }


def moves_json(moves: Counted[Move]) -> dict[str, Any]:
    return {
        "count": moves.count,
        "items": [
            {
                **album_json(m.album),
                "source": m.source,
                "market": m.market,
                "previousPosition": m.previous_position,
                "position": m.position,
                "change": m.change,
            }
            for m in moves.items
        ],
    }


def overlap_json(pair: MarketOverlap) -> dict[str, Any]:
    return {
        "source": pair.source,
        "marketA": pair.market_a,
        "marketB": pair.market_b,
        "albumsA": pair.albums_a,
        "albumsB": pair.albums_b,
        "shared": pair.shared,
        "jaccard": round(pair.jaccard, 4),
    }


def stats_json(stats: TrendingStats) -> dict[str, Any]:
    """The response body (datetimes as ISO 8601 strings), in `TrendingStatsResponse`'s shape."""
    window, coverage = stats.window, stats.enrichment
    counts = coverage.counts
    return {
        "window": {
            "since": window.since.isoformat(),
            "until": window.until.isoformat(),
            "days": window.days,
            "source": window.source,
            "market": window.market,
            "markets": list(window.markets),
            "limit": window.limit,
        },
        "latestSnapshotId": stats.latest_snapshot_id,
        "computedAt": stats.computed_at.isoformat(),
        "newEntries": {
            "count": stats.new_entries.count,
            "items": [
                {
                    **album_json(e.album),
                    "source": e.source,
                    "market": e.market,
                    "position": e.position,
                    "firstSeenAt": e.first_seen_at.isoformat(),
                }
                for e in stats.new_entries.items
            ],
        },
        "movements": {
            "comparisons": [
                {
                    "source": c.source,
                    "market": c.market,
                    "previousSnapshotId": c.previous_id,
                    "previousAt": c.previous_at.isoformat(),
                    "latestSnapshotId": c.latest_id,
                    "latestAt": c.latest_at.isoformat(),
                }
                for c in stats.comparisons
            ],
            "climbers": moves_json(stats.climbers),
            "fallers": moves_json(stats.fallers),
            "entered": moves_json(stats.entered),
            "left": moves_json(stats.left),
        },
        "longestRunning": {
            "count": stats.longest_running.count,
            "items": [
                {
                    **album_json(r.album),
                    "appearances": r.appearances,
                    "bestPosition": r.best_position,
                    "markets": r.markets,
                }
                for r in stats.longest_running.items
            ],
        },
        "topArtists": {
            "count": stats.artists.count,
            "items": [
                {
                    "id": run.artist.id,
                    "name": run.artist.name,
                    "appearances": run.appearances,
                    "albums": run.albums,
                }
                for run in stats.artists.items
            ],
        },
        "overlap": [overlap_json(pair) for pair in stats.overlap],
        "enrichment": {
            "total": coverage.total,
            "matched": coverage.matched,
            "matchedRelease": counts["matched_release"],
            "matchedReleaseGroup": counts["matched_release_group"],
            "needsReview": counts["needs_review"],
            "noMatch": counts["no_match"],
            "pending": counts["pending"],
            "error": counts["error"],
            "notQueued": counts["not_queued"],
            "matchedShare": coverage.matched_share,
            "releaseShare": coverage.release_share,
        },
        "onBoth": on_both_json(stats.on_both),
    }
