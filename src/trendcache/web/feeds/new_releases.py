"""`GET /feeds/new-releases.atom`: each scope's new releases as an Atom feed.

Served from memory like the JSON: one `Prepared` body (every encoding, its ETags, 304s) per
scope, source and base URL, kept while the scope's snapshot is the same (its ETag is the
version) and dropped on every change announced (a backfill may move first sightings without
a new snapshot).

Built lazily, by the first request after a snapshot changes, not on the snapshot thread
after each rebuild: the feed's links are absolute, from the request's base URL (scheme and
host as uvicorn believes them, forwarded ones only from TRUSTED_PROXIES), which the rebuild
cannot know; snapshots are rebuilt whenever a MusicBrainz match lands (many times a minute
while enriching) while feed readers poll every quarter of an hour or so, so building ahead
would mostly build feeds nobody fetches. The first request pays one primary-key probe per
album (when each first appeared, `pipeline/history/first_seen.py`) and the rendering and
compressing, in a worker thread; the rest are a dict lookup.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime

from fastapi import APIRouter, HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool

from trendcache.pipeline.history.first_seen import first_seen
from trendcache.pipeline.history.listed import latest_listing, newest_snapshot
from trendcache.pipeline.keys import WORLDWIDE
from trendcache.pipeline.stats.window import KNOWN_SOURCES, WORLDWIDE_SOURCES
from trendcache.web.api.models import SNAPSHOT_ERRORS, json_message
from trendcache.web.api.trending_stats import SourceQuery
from trendcache.web.deps import Context, MarketScope, WebContext
from trendcache.web.feeds.atom import CONTENT_TYPE, FeedRequest, new_releases_feed
from trendcache.web.headers import JSON_HEADERS
from trendcache.web.prepared import Prepared, prepare
from trendcache.web.served_views import ServedView

PATH = "/feeds/new-releases.atom"
# One feed per scope, source and base URL (~120 KB with its compressed forms, 100 albums).
FEEDS_BYTES = 8 << 20
router = APIRouter(tags=["feeds"])

DESCRIPTION = """
The new releases of one market (or of every market) as an Atom 1.0 feed, for feed readers
and release trackers: one entry per album, titled "Artist \N{EN DASH} Album", dated by when it first
appeared in that market's listing (its release date when the history does not know), linked
to its page here, to Spotify and, once matched, to its MusicBrainz release and release
group; its album type as a category, its release date, label and position in the summary.

`source=listenbrainz_top` or `source=listenbrainz_fresh`: that ListenBrainz listing's
albums instead, as its newest snapshot in the history lists them (worldwide, whatever the
`market`), each linked to its MusicBrainz release group.

Entry ids are tag URIs that stay the same for an album and market from one snapshot to the
next. From memory, rebuilt when the data changes; compressed as `Accept-Encoding` asks, with
an ETag for `If-None-Match`. The browse page links each scope's feed in its head
(`<link rel="alternate" type="application/atom+xml">`).
"""


@router.get(
    PATH,
    response_class=Response,
    summary="New releases (Atom feed)",
    description=DESCRIPTION,
    responses={
        200: {
            "description": "The Atom feed.",
            "content": {"application/atom+xml": {"schema": {"type": "string"}}},
        },
        304: {"description": "Not modified: the `If-None-Match` ETag is current."},
        **SNAPSHOT_ERRORS,
        400: json_message("A market or source this server does not have."),
    },
)
async def new_releases_atom(
    request: Request, context: Context, scope: MarketScope, source: SourceQuery = None
) -> Response:
    if source is not None and source not in KNOWN_SOURCES:
        raise HTTPException(400, f"unknown source {source!r}: one of {', '.join(KNOWN_SOURCES)}")
    if source in WORLDWIDE_SOURCES:
        return await worldwide_feed(request, context, scope, source)
    snapshot = context.snapshots.get(scope)
    if snapshot is None:
        raise HTTPException(503, "starting up: the trending snapshots are not built yet")
    feed = FeedRequest(str(request.base_url), scope, source)
    key: Hashable = (scope, source, feed.base_url)
    found = context.feeds.get(key, snapshot.etag)
    if found is None:
        generation = context.feeds.generation
        found = await run_in_threadpool(build, context, snapshot, feed)
        context.feeds.keep(key, snapshot.etag, found, generation)
    return found.response(request)


def build(context: WebContext, snapshot: ServedView, feed: FeedRequest) -> Prepared:
    """The feed of `snapshot` for `feed`, dated from the history read now."""
    albums = {album["id"] for album in snapshot.document["newReleases"]}
    sources = (feed.source,) if feed.source else KNOWN_SOURCES
    markets = (feed.market,) if feed.market else tuple(context.markets)
    with context.services.database.session() as session:
        seen = first_seen(session, albums, sources, markets)
    body = new_releases_feed(snapshot.document, feed, seen, context.snapshots.links)
    return prepare(body, CONTENT_TYPE, headers=JSON_HEADERS)


async def worldwide_feed(
    request: Request, context: Context, scope: str | None, source: str
) -> Response:
    """A ListenBrainz listing's feed, kept while its newest snapshot stays the newest."""
    feed = FeedRequest(str(request.base_url), scope, source)
    key: Hashable = (scope, source, feed.base_url)
    generation = context.feeds.generation
    newest = await run_in_threadpool(_newest, context, source)
    kept = context.feeds.get(key, newest)
    if kept is not None:
        return kept.response(request)
    version, built = await run_in_threadpool(build_worldwide, context, feed, source)
    context.feeds.keep(key, version, built, generation)
    return built.response(request)


def _newest(context: WebContext, source: str) -> int | None:
    with context.services.database.session() as session:
        newest = newest_snapshot(session, source, WORLDWIDE)
    return newest[0] if newest else None


def build_worldwide(
    context: WebContext, feed: FeedRequest, source: str
) -> tuple[int | None, Prepared]:
    """The feed of a ListenBrainz listing's newest snapshot (none yet: an empty feed),
    dated by when each album first appeared in it; and that snapshot's id."""
    seen: dict[str, datetime] = {}
    with context.services.database.session() as session:
        listing = latest_listing(session, source, WORLDWIDE)
        albums = listing.albums if listing else []
        if albums:
            seen = first_seen(session, [a.id for a in albums], (source,), (WORLDWIDE,))
    document = {
        "fetchedAt": listing.fetched_at.isoformat() if listing else None,
        "newReleases": [
            {
                "id": album.id,
                "name": album.name,
                "artists": [{"name": name} for name in album.artists],
                "albumType": album.album_type,
                "releaseDate": album.release_date,
                "positions": {WORLDWIDE: album.position} if album.position else {},
            }
            for album in albums
        ],
    }
    body = new_releases_feed(document, feed, seen, context.snapshots.links)
    version = listing.snapshot_id if listing else None
    return version, prepare(body, CONTENT_TYPE, headers=JSON_HEADERS)
