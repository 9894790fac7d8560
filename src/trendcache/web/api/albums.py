"""`GET /api/albums/appearances/{albumId}`: an album's trending history, as JSON or CSV.

The JSON (`history_json`) is also what the album page renders, so the page and the API
never disagree. The CSV holds exactly the JSON's points, one row per appearance.
"""

from __future__ import annotations

import csv
import heapq
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response
from starlette.concurrency import run_in_threadpool

from trendcache.pipeline.history.album_history import MAX_POINTS
from trendcache.pipeline.history.album_history_types import AlbumHistory, ChartHistory
from trendcache.pipeline.history.joined import release_group_of
from trendcache.pipeline.history.joined_history import JoinedHistory, read_joined_history
from trendcache.pipeline.history.lead import lead_sentence
from trendcache.pipeline.moments import MomentError, parse_moment
from trendcache.web.api.album_models import AlbumHistoryResponse
from trendcache.web.api.models import (
    ALBUM_ID_DOC,
    ALBUM_ID_EXAMPLES,
    ALBUM_ID_PATTERN,
    Message,
)
from trendcache.web.deps import Context, MomentText, WebContext
from trendcache.web.enrichment_view import Links, album_match

router = APIRouter(tags=["albums"])
PATH = "/api/albums/appearances/{albumId}"
CSV_COLUMNS = ("seen_at", "source", "market", "position", "snapshot_id")

DESCRIPTION = f"""
An album's trending history, from every snapshot trendcache recorded: the album (names,
cover, release date, label, UPC, Spotify link and MusicBrainz match) and, per listing (a
source in a market), its figures and its positions over time.

An album known only from ListenBrainz has the id `mb-<release group MBID>`. A Spotify album
that MusicBrainz enrichment matched to a release group is the same album as that `mb-` id:
asked by either id, the answer is one album (shown under the Spotify id) with both sources'
listings; `ids` and `sources` list what was joined, and `lead` says which side listed it
first and by how long.

The figures cover the whole history: first and last seen, peak position and when it was
first reached, how many snapshots had it, its current streak (consecutive snapshots up to
the listing's latest; 0 once it has dropped out) and how often it re-entered.

`points` are its appearances between `since` and `until` (both inclusive), at most `limit`
per listing (the latest; `truncated` says when older ones were left out), and `gaps` the
runs of snapshots between its first and last point that did not list it, where a chart
breaks its line.

`format=csv` returns the same points as CSV, one row per appearance
(`{",".join(CSV_COLUMNS)}`, oldest first), as a download named `<albumId>-history.csv`.
"""

AlbumIdPath = Annotated[
    str,
    Path(
        alias="albumId",
        pattern=ALBUM_ID_PATTERN,
        description=ALBUM_ID_DOC,
        examples=ALBUM_ID_EXAMPLES,
    ),
]
TIME_DOC = "RFC 3339 date (its midnight UTC) or date-time (with its offset)."


@dataclass(frozen=True)
class Window:
    since: datetime | None
    until: datetime | None
    limit: int


def window_of(
    since: Annotated[
        MomentText | None,
        Query(min_length=1, description=f"Points seen at or after this. {TIME_DOC}"),
    ] = None,
    until: Annotated[
        MomentText | None,
        Query(min_length=1, description=f"Points seen at or before this. {TIME_DOC}"),
    ] = None,
    limit: Annotated[
        int, Query(ge=1, le=MAX_POINTS, description="Points per listing at most (the latest).")
    ] = MAX_POINTS,
) -> Window:
    """The window, or a 400 that says what is wrong with it."""
    try:
        start = None if since is None else parse_moment("since", since)
        end = None if until is None else parse_moment("until", until)
    except MomentError as exc:
        raise HTTPException(400, str(exc)) from None
    if start is not None and end is not None and start > end:
        raise HTTPException(400, f"since ({start.isoformat()}) is after until ({end.isoformat()})")
    return Window(start, end, limit)


HistoryWindow = Annotated[Window, Depends(window_of)]


async def load_history(context: WebContext, album_id: str, window: Window) -> JoinedHistory | None:
    """The album's history with that of the ids joined to it (`joined_history.py`)."""

    def read() -> JoinedHistory | None:
        with context.services.database.session() as session:
            return read_joined_history(
                session,
                album_id,
                since=window.since,
                until=window.until,
                max_points=window.limit,
            )

    return await run_in_threadpool(read)


def unknown_album(album_id: str) -> str:
    return (
        f"album {album_id!r} has no trending history: trendcache has not seen it in any "
        "listing it synced"
    )


@router.get(
    PATH,
    response_model=AlbumHistoryResponse,
    summary="An album's trending history",
    description=DESCRIPTION,
    responses={
        200: {
            "description": "The history (JSON), or with `format=csv` its points as CSV.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        400: {
            "model": Message,
            "description": "`since` or `until` not a date or date-time, or `since` after `until`.",
        },
        404: {"model": Message, "description": "An album trendcache never saw listed."},
    },
)
async def album_appearances(
    context: Context,
    album_id: AlbumIdPath,
    window: HistoryWindow,
    format: Annotated[
        Literal["json", "csv"], Query(description="`json`, or `csv` for a download.")
    ] = "json",
) -> Any:
    history = await load_history(context, album_id, window)
    if history is None:
        raise HTTPException(404, unknown_album(album_id))
    if format == "csv":
        return Response(
            history_csv(history.history),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{album_id}-history.csv"'},
        )
    links = Links(context.settings.musicbrainz_base_url)
    return history_json(history, links, window, context.settings.listenbrainz_chart_size)


def history_json(
    joined: JoinedHistory, links: Links, window: Window, chart_size: int | None = None
) -> dict[str, Any]:
    """`chart_size`: how many the ListenBrainz top holds, to name it ("top 100")."""
    history = joined.history
    album = history.album
    musicbrainz = album_match(history.musicbrainz, links)
    group = release_group_of(album.id) or musicbrainz["releaseGroupMbid"]
    return {
        "album": {
            "id": album.id,
            "name": album.name,
            "albumType": album.album_type,
            "artists": [
                {
                    "id": a.id,
                    "name": a.name,
                    "spotifyUrl": a.spotify_url,
                    # an `mb-` artist id has the form of an `mb-` album's
                    "musicbrainzUrl": links.artist(release_group_of(a.id)),
                }
                for a in history.artists
            ],
            "releaseDate": album.release_date,
            "releaseDatePrecision": album.release_date_precision,
            "totalTracks": album.total_tracks,
            "label": album.label,
            "upc": album.upc,
            "image": album.image,
            "spotifyUrl": album.spotify_url,
            "releaseGroupUrl": links.release_group(group),
            "firstSeenAt": history.first_seen_at,
            "lastSeenAt": history.last_seen_at,
            "musicbrainz": musicbrainz,
        },
        "ids": joined.ids,
        "sources": joined.sources,
        "lead": lead_sentence(joined.first_seen, chart_size),
        "since": window.since,
        "until": window.until,
        "limit": window.limit,
        "charts": [chart_json(chart) for chart in history.charts],
    }


def chart_json(chart: ChartHistory) -> dict[str, Any]:
    return {
        "source": chart.source,
        "market": chart.market,
        "firstSeenAt": chart.first_seen_at,
        "lastSeenAt": chart.last_seen_at,
        "lastPosition": chart.last_position,
        "peakPosition": chart.peak_position,
        "peakAt": chart.peak_at,
        "snapshots": chart.snapshots,
        "listed": chart.listed,
        "currentStreak": chart.current_streak,
        "reentries": chart.reentries,
        "points": [
            {"seenAt": p.seen_at, "position": p.position, "snapshotId": p.snapshot_id}
            for p in chart.points
        ],
        "truncated": chart.truncated,
        "gaps": [
            {
                "firstMissedAt": g.first_missed_at,
                "lastMissedAt": g.last_missed_at,
                "snapshots": g.snapshots,
            }
            for g in chart.gaps
        ],
    }


def history_csv(history: AlbumHistory) -> str:
    """One row per point, oldest first (listings merged; their points are in order)."""
    rows = heapq.merge(
        *(
            [
                (p.seen_at, chart.source, chart.market, p.position, p.snapshot_id)
                for p in chart.points
            ]
            for chart in history.charts
        ),
        key=lambda row: row[:3],
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(
        (_iso(at), source, market, pos, snapshot) for at, source, market, pos, snapshot in rows
    )
    return out.getvalue()


def _iso(moment: datetime) -> str:
    """As the JSON writes times: UTC with a Z."""
    return moment.isoformat().replace("+00:00", "Z")
