"""`GET /api/stats/trending` response shapes: camelCase, every field described (the body
itself is built by `stats_json`, from the pipeline's `TrendingStats`)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class StatsArtist(BaseModel):
    id: str = Field(
        description="Spotify artist id, or `mb-<MusicBrainz artist MBID>` for an artist "
        "known from ListenBrainz only."
    )
    name: str = Field(description="Artist name as its source last listed it.")


class StatsAlbum(BaseModel):
    albumId: str = Field(
        description="Spotify album id, or `mb-<release group MBID>` for an album ListenBrainz "
        "lists (its page: `/albums/{albumId}`)."
    )
    name: str = Field(description="Album name as its source last listed it.")
    artists: list[StatsArtist] = Field(description="The album's artist credits, in order.")
    image: str | None = Field(
        description="Cover URL: Spotify's, or the Cover Art Archive's for an `mb-` album; "
        "null when none is known."
    )


class StatsWindowModel(BaseModel):
    since: datetime = Field(description="First moment of the window (UTC, inclusive).")
    until: datetime = Field(description="Last moment of the window (UTC, inclusive).")
    days: int = Field(description="UTC days the day-granular statistics cover.")
    source: str | None = Field(description="The listing source filter; null: all sources.")
    market: str | None = Field(
        description="The market filter (with ListenBrainz's worldwide listings, market XW); "
        "null: all markets."
    )
    markets: list[str] = Field(
        description="The markets in scope: the filter's, and XW when a ListenBrainz source is "
        "in scope; empty: all markets."
    )
    limit: int = Field(description="Items per list.")


class NewEntryItem(StatsAlbum):
    source: str = Field(description="Where it debuted: the listing source...")
    market: str = Field(description="... and the market (its best, debuting in several).")
    position: int | None = Field(description="Its position in that first listing (1 = top).")
    firstSeenAt: datetime = Field(description="Its first appearance in scope.")


class NewEntries(BaseModel):
    count: int = Field(description="Albums whose first appearance in scope is in the window.")
    items: list[NewEntryItem] = Field(description="The newest first, up to `limit`.")


class MoveItem(StatsAlbum):
    source: str = Field(description="The listing source compared.")
    market: str = Field(description="The market compared.")
    previousPosition: int | None = Field(
        description="Position in the earlier snapshot; null: not in it (entered)."
    )
    position: int | None = Field(description="Position in the later one; null: not in it (left).")
    change: int | None = Field(
        description="Places gained (positive: climbed, negative: fell); null unless in both."
    )


class Moves(BaseModel):
    count: int = Field(description="How many there were, over every compared listing.")
    items: list[MoveItem] = Field(description="The biggest first, up to `limit`.")


class ComparisonItem(BaseModel):
    source: str = Field(description="Listing source.")
    market: str = Field(description="Market.")
    previousSnapshotId: int = Field(description="The listing's second-last snapshot in the window.")
    previousAt: datetime = Field(description="When that snapshot was fetched.")
    latestSnapshotId: int = Field(description="The listing's last snapshot in the window.")
    latestAt: datetime = Field(description="When that snapshot was fetched.")


class Movements(BaseModel):
    comparisons: list[ComparisonItem] = Field(
        description="The snapshot pairs compared: each listing in scope with two snapshots "
        "in the window."
    )
    climbers: Moves = Field(description="In both snapshots, higher in the later one.")
    fallers: Moves = Field(description="In both snapshots, lower in the later one.")
    entered: Moves = Field(description="In the later snapshot only (by position).")
    left: Moves = Field(description="In the earlier snapshot only (by former position).")


class LongRunnerItem(StatsAlbum):
    appearances: int = Field(
        description="Snapshots it appeared in over the window's days, summed over markets."
    )
    bestPosition: int = Field(description="Its best position over those days.")
    markets: int = Field(description="Markets it appeared in.")


class LongestRunning(BaseModel):
    count: int = Field(description="Albums that appeared at all over the window's days.")
    items: list[LongRunnerItem] = Field(description="Most appearances first, up to `limit`.")


class ArtistItem(StatsArtist):
    appearances: int = Field(description="Appearances of their albums over the window's days.")
    albums: int = Field(description="Their albums that appeared.")


class TopArtists(BaseModel):
    count: int = Field(description="Artists with an album that appeared over the window's days.")
    items: list[ArtistItem] = Field(description="Most appearances first, up to `limit`.")


class OverlapItem(BaseModel):
    source: str = Field(description="Listing source.")
    marketA: str = Field(description="One market (alphabetically first)...")
    marketB: str = Field(description="... and the other.")
    albumsA: int = Field(description="Albums in marketA's latest snapshot in the window.")
    albumsB: int = Field(description="Albums in marketB's latest snapshot in the window.")
    shared: int = Field(description="Albums in both.")
    jaccard: float = Field(description="shared ÷ albums in either, 0 to 1.")


class Coverage(BaseModel):
    total: int = Field(description="Albums that appeared over the window's days.")
    matched: int = Field(
        description="Matched at either level (matchedRelease + matchedReleaseGroup)."
    )
    matchedRelease: int = Field(description="Matched to the very MusicBrainz release.")
    matchedReleaseGroup: int = Field(
        description="Matched to a MusicBrainz release group only: the release is unknown "
        "(MusicBrainz lacks this product, or holds pressings nothing tells apart)."
    )
    needsReview: int = Field(description="Several MusicBrainz releases fit equally well.")
    noMatch: int = Field(description="Not in MusicBrainz (tried again later).")
    pending: int = Field(description="Not tried yet.")
    error: int = Field(description="MusicBrainz failed us; retried soon.")
    notQueued: int = Field(description="No enrichment state at all.")
    matchedShare: float | None = Field(description="matched ÷ total; null with no albums.")
    releaseShare: float | None = Field(description="matchedRelease ÷ total; null with no albums.")


class OnBothItem(StatsAlbum):
    listenbrainzAlbum: StatsAlbum = Field(
        description="The same album as ListenBrainz lists it: its release group, `mb-<MBID>`."
    )
    spotifyFirstSeenAt: datetime = Field(
        description="Its first appearance in Spotify's new releases (in the `market`, if one)."
    )
    listenbrainzFirstSeenAt: datetime = Field(
        description="Its first appearance in the ListenBrainz top."
    )
    leadSeconds: int = Field(
        description="How long Spotify listed it before the ListenBrainz top did, in seconds "
        "(negative: ListenBrainz first)."
    )
    lead: str = Field(
        description="The same in words: which source first, and by how much "
        "(`Spotify new releases 3 weeks earlier`)."
    )


class OnBoth(BaseModel):
    count: int = Field(
        description="Albums in both Spotify's new releases and the ListenBrainz top over the "
        "window's days (the same album through its MusicBrainz release group); none with a "
        "`source` filter."
    )
    items: list[OnBothItem] = Field(
        description="The widest gap between the two first appearances first, up to `limit`."
    )


class TrendingStatsResponse(BaseModel):
    window: StatsWindowModel = Field(description="The window computed over.")
    latestSnapshotId: int | None = Field(description="The newest snapshot when computed.")
    computedAt: datetime = Field(description="When computed (answers are cached until data lands).")
    newEntries: NewEntries = Field(description="Albums that debuted in the window.")
    movements: Movements = Field(
        description="Each listing's last two snapshots in the window, compared."
    )
    longestRunning: LongestRunning = Field(description="Albums by appearances (day-granular).")
    topArtists: TopArtists = Field(description="Artists by appearances (day-granular).")
    overlap: list[OverlapItem] = Field(
        description="Each pair of markets (with the `market` filter: the pairs with it), by "
        "their latest snapshots in the window."
    )
    enrichment: Coverage = Field(
        description="MusicBrainz enrichment of the albums that appeared (day-granular)."
    )
    onBoth: OnBoth = Field(
        description="Albums both sources charted: when each first listed it, and the lead."
    )
