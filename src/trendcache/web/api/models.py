"""Response shapes, for the OpenAPI document (and schemathesis, which checks we keep to it).

Field names are the JSON's own camelCase, as the seed's browse page reads them.
"""

from __future__ import annotations

import inspect
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from trendcache.pipeline.sync import trending

# What "new releases", "popular albums" and "trending artists" mean in each tier.
SECTIONS_DOC = (inspect.getdoc(trending) or "").split("\n", 1)[1].strip()
Basis = Literal["popularity", "chart"]
MatchStatus = Literal["pending", "matched", "needs_review", "no_match", "error"]
MatchMethod = Literal["url", "barcode", "isrc", "fuzzy"]
MatchLevel = Literal["release", "release_group"]


class ArtistRef(BaseModel):
    id: str
    name: str
    spotifyUrl: str | None


class MusicBrainzMatch(BaseModel):
    """An album's MusicBrainz match, as the background enricher last decided it."""

    status: MatchStatus = Field(
        description="`pending`: not tried yet; `matched`; `needs_review`: several releases fit "
        "equally well, so none was picked; `no_match`: not in MusicBrainz (tried again later); "
        "`error`: MusicBrainz failed us, retried soon."
    )
    level: MatchLevel | None = Field(
        description="How far a match reaches: `release`, this very product (its pressing, "
        "country and barcode); `release_group`, the album as a work (same recordings, any "
        "pressing) while its release is unknown: MusicBrainz lacks this product, or holds "
        "pressings nothing tells apart. `releaseMbid` is then null. Null unless matched."
    )
    releaseMbid: str | None = Field(description="The release; null unless the level is `release`.")
    releaseGroupMbid: str | None
    artistMbids: list[str] = Field(description="The release's artist credits, in order.")
    method: MatchMethod | None = Field(
        description="The step that decided: the release's Spotify URL relationship, the "
        "barcode (UPC), track ISRCs, or a fuzzy title and artist search."
    )
    confidence: float | None = Field(description="0 to 1.")
    url: str | None = Field(
        description="The release on MusicBrainz (the release group when only that is known): "
        "its page on musicbrainz.org, or the ws/2 lookup on any other MUSICBRAINZ_BASE_URL "
        "(a mirror, the demo's emulator)."
    )


class ArtistMusicBrainz(BaseModel):
    artistMbid: str
    url: str = Field(description="The artist on MusicBrainz (see the album `url`).")


class EnrichmentSummary(BaseModel):
    """How many of the view's albums are in each MusicBrainz state."""

    matched: int = Field(description="Matched at either level.")
    matched_release_group: int = Field(
        description="Of the matched: to the release group only, the release unknown."
    )
    needs_review: int
    no_match: int
    pending: int
    error: int
    total: int


class AlbumItem(BaseModel):
    id: str
    name: str
    albumType: str
    artists: list[ArtistRef]
    releaseDate: str = Field(description="YYYY, YYYY-MM or YYYY-MM-DD, see the precision.")
    releaseDatePrecision: Literal["year", "month", "day"]
    totalTracks: int
    image: str | None = Field(description="Cover URL, about 300 px wide.")
    spotifyUrl: str | None
    uri: str
    label: str | None = Field(description="Extended tier only.")
    popularity: int | None = Field(description="Spotify popularity 0-100; extended tier only.")
    upc: str | None
    positions: dict[str, int] = Field(description="Position in each market's new releases.")
    bestPosition: int
    score: float = Field(description="Chart score over the last 7 days (see the endpoint).")
    musicbrainz: MusicBrainzMatch


class PopularAlbum(AlbumItem):
    basis: Basis = Field(description="What the ranking used: Spotify popularity or chart score.")


class AlbumRef(BaseModel):
    id: str
    name: str


class ArtistItem(BaseModel):
    id: str
    name: str
    spotifyUrl: str | None
    image: str | None
    genres: list[str]
    popularity: int | None
    followers: int | None
    albums: list[AlbumRef] = Field(description="Their albums among the current new releases.")
    score: float
    basis: Basis
    musicbrainz: ArtistMusicBrainz | None = Field(
        description="Their MusicBrainz artist, once a matched album credits them (matched by "
        "credit position, only where Spotify and MusicBrainz credit as many artists)."
    )


class TrendingView(BaseModel):
    scope: str = Field(description="The market, or `all`.")
    markets: list[str]
    tier: str | None = Field(description="Spotify access tier the data came from.")
    generatedAt: datetime | None
    newReleases: list[AlbumItem]
    popularAlbums: list[PopularAlbum]
    trendingArtists: list[ArtistItem]
    enrichment: EnrichmentSummary = Field(
        description="MusicBrainz progress over the albums of this view."
    )


class CacheState(BaseModel):
    fetchedAt: datetime | None = Field(description="When the data was fetched; null before.")
    expires: datetime | None
    stale: bool = Field(description="True when past `expires`, or when there is no data yet.")
    refreshing: bool = Field(description="A sync is running now.")
    error: str | None = Field(description="Why the last refresh failed, while older data shows.")
    pausedUntil: datetime | None = Field(description="No sync may call Spotify until then.")
    pauseReason: str | None


class TrendingResponse(TrendingView, CacheState):
    errorAt: datetime | None


class SyncResponse(CacheState):
    source: Literal["cache", "fresh"] = Field(
        description="`fresh`: this call fetched from Spotify; `cache`: it did not need to, "
        "could not (see `error`), or did not wait (wait=false)."
    )
    queued: bool = Field(description="wait=false: whether a new background sync was queued.")
    data: TrendingView


class SpotifyPaging(BaseModel):
    href: str
    items: list[dict[str, Any]] = Field(description="Spotify SimplifiedAlbumObjects, unchanged.")
    limit: int
    next: str | None
    offset: int
    previous: str | None
    total: int


class NewReleasesResponse(BaseModel):
    albums: SpotifyPaging


class SpotifyErrorBody(BaseModel):
    status: int
    message: str


class SpotifyErrorResponse(BaseModel):
    error: SpotifyErrorBody


class EnrichmentCounts(BaseModel):
    pending: int
    matched: int
    needs_review: int
    no_match: int
    error: int


class MatchLevels(BaseModel):
    release: int = Field(description="Matched to the very release.")
    release_group: int = Field(description="Matched to the release group, release unknown.")


class EnrichmentStatusResponse(BaseModel):
    counts: EnrichmentCounts = Field(description="Every album ever queued, by state.")
    levels: MatchLevels = Field(description="The matched albums by the level reached.")
    total: int
    due: int = Field(description="Albums waiting for an attempt now (first or again).")
    working: int = Field(description="Albums a worker is matching right now.")
    done: int = Field(description="Albums decided: matched, needs review or no match.")
    disabled: str | None = Field(
        description="Why enrichment is off (MUSICBRAINZ_USER_AGENT missing or refused, "
        "ENABLE_ENRICHMENT false); null when it is on."
    )
    lastDecidedAt: datetime | None
    scope: str = Field(description="The market of `albums`, or `all`.")
    albums: EnrichmentSummary = Field(
        description="The albums of the current trending view, as the browse page counts them."
    )
    active: bool = Field(
        description="Matches for these albums may land soon (the browse page polls faster)."
    )


class Message(BaseModel):
    detail: str


def json_message(description: str) -> dict[str, Any]:
    """A documented `{"detail": …}` JSON response, as JSON on any route: a `model` would be
    documented in the route's own media type, which for a page is HTML."""
    schema = Message.model_json_schema()
    return {"description": description, "content": {"application/json": {"schema": schema}}}


# What every route (API or page) that takes `market` and reads the trending snapshots may
# answer besides 200.
SNAPSHOT_ERRORS: dict[int | str, dict[str, Any]] = {
    400: json_message("A market this server does not track."),
    503: json_message("The app is still starting."),
}


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    database: str = Field(description="`ok`, `read-only: …` or `unreachable: …`.")
    redis: str | None = Field(
        None, description="Redis (REDIS_URL set): `ok` or `unreachable: …`; absent otherwise."
    )
    queue: str | None = Field(
        None, description="The job queue's storage (Redis or DATA_DIR/queue): `ok` or why not."
    )
    snapshots: bool = Field(description="The in-memory trending snapshots are built.")


class Liveness(BaseModel):
    status: Literal["ok"]
    process: str = Field(
        description="`host:pid` of the process that answered: which one of several web "
        "processes (`trendcache web --processes N`) behind one port or load balancer."
    )


# An album's id: Spotify's (22 letters and digits), or `mb-<release group MBID>` for one
# known only from ListenBrainz (`pipeline/history/joined.py`).
ALBUM_ID_PATTERN = (
    "^(?:[0-9A-Za-z]{22}|mb-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
)
ALBUM_ID_EXAMPLES = ["3IqzqH6ShrRtie9Yd2ODyG", "mb-a5ba6e6c-5e6f-4a9e-8e85-a6d2e2a8a1b8"]
ALBUM_ID_DOC = (
    "The album's Spotify id (22 characters), or `mb-<release group MBID>` for an album "
    "known from ListenBrainz."
)


class AddAlbum(BaseModel):
    albumId: str = Field(
        pattern=ALBUM_ID_PATTERN,
        description="The id of an album trendcache has synced (any album in "
        "`/api/cache/trending` or the ListenBrainz chart, or seen in an earlier sync): "
        "Spotify's, or `mb-<release group MBID>`.",
        examples=["3IqzqH6ShrRtie9Yd2ODyG"],
    )


class CollectionArtist(BaseModel):
    id: str
    name: str
    spotifyUrl: str | None


class CollectionItem(BaseModel):
    """An album in a collection, as it was when added (it stays readable if the album
    leaves the trending lists)."""

    albumId: str
    name: str
    artists: list[CollectionArtist]
    image: str | None = Field(description="Cover URL, about 300 px wide.")
    spotifyUrl: str | None
    releaseDate: str | None
    addedAt: datetime


class CollectionResponse(BaseModel):
    items: list[CollectionItem] = Field(description="Newest first.")
    total: int


class NotificationArtist(BaseModel):
    id: str
    name: str = Field(description="As it was when the user followed the artist.")


class NotificationAlbum(BaseModel):
    id: str
    name: str


class NotificationListing(BaseModel):
    source: str = Field(description="The listing's source, e.g. `spotify_new_releases`.")
    market: str
    position: int | None = Field(description="The album's place in it, 1 first.")


class Notification(BaseModel):
    """A followed artist's album seen in a listing after the follow: one per artist, album
    and listing, however often it is listed again."""

    id: int
    artist: NotificationArtist
    album: NotificationAlbum
    listing: NotificationListing
    seenAt: datetime = Field(description="When the listing was fetched.")
    read: bool = Field(description="Seen on the collection page.")


class NotificationsResponse(BaseModel):
    items: list[Notification] = Field(description="Newest first, at most 100.")
    total: int
    followedArtists: list[NotificationArtist] = Field(description="By name.")
