"""Response shapes of `GET /api/albums/appearances/{albumId}`: an album's trending history.

CamelCase like the rest of the API; see `pipeline/history/album_history.py` for what each figure
means and how it is read.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from trendcache.web.api.models import ArtistRef, MusicBrainzMatch


class HistoryArtist(ArtistRef):
    musicbrainzUrl: str | None = Field(
        description="Its MusicBrainz page, for an artist known from ListenBrainz (`mb-` id)."
    )


class HistoryAlbum(BaseModel):
    id: str = Field(
        description="The id the album is shown under: the Spotify album's when it is joined "
        "to a ListenBrainz release group, else its own (`mb-<release group MBID>`)."
    )
    name: str
    albumType: str | None
    artists: list[HistoryArtist] = Field(description="In the source's credit order.")
    releaseDate: str | None = Field(description="YYYY, YYYY-MM or YYYY-MM-DD, see the precision.")
    releaseDatePrecision: str | None
    totalTracks: int | None
    label: str | None = Field(description="From the full album; extended tier only.")
    upc: str | None
    image: str | None = Field(description="Cover URL, about 300 px wide.")
    spotifyUrl: str | None
    releaseGroupUrl: str | None = Field(
        description="Its MusicBrainz release group: from ListenBrainz, or the enrichment's match."
    )
    firstSeenAt: datetime = Field(description="First seen in any listing.")
    lastSeenAt: datetime = Field(description="Last seen in any listing.")
    musicbrainz: MusicBrainzMatch


class HistoryPoint(BaseModel):
    seenAt: datetime
    position: int | None = Field(description="1 is the top of the listing.")
    snapshotId: int | None = Field(
        description="The listing's snapshot it was seen in (null only on appearances "
        "recorded before snapshots existed)."
    )


class HistoryGap(BaseModel):
    """Consecutive snapshots of the listing that did not list the album: a chart breaks its
    line here."""

    firstMissedAt: datetime = Field(description="The first snapshot without the album.")
    lastMissedAt: datetime = Field(description="The last snapshot without the album.")
    snapshots: int = Field(description="How many snapshots in a row it was missing from.")


class HistoryChart(BaseModel):
    """The album in one listing (a source in a market). The figures cover its whole
    history; `points` and `gaps` only the requested window."""

    source: str = Field(examples=["spotify_new_releases"])
    market: str = Field(examples=["US"])
    firstSeenAt: datetime
    lastSeenAt: datetime
    lastPosition: int
    peakPosition: int = Field(description="Its best (lowest) position.")
    peakAt: datetime = Field(description="When it first reached its peak.")
    snapshots: int = Field(description="Snapshots of the listing it appeared in.")
    listed: bool = Field(description="In the listing's latest snapshot.")
    currentStreak: int = Field(
        description="Consecutive snapshots up to the listing's latest that had it; 0 when "
        "it is not in the latest snapshot (it dropped out)."
    )
    reentries: int = Field(description="How often it came back after dropping out.")
    points: list[HistoryPoint] = Field(
        description="Oldest first: its latest `limit` appearances between `since` and `until`."
    )
    truncated: bool = Field(
        description="Older appearances in the window were left out (see `limit`); ask again "
        "with `until` before the first point for more."
    )
    gaps: list[HistoryGap] = Field(
        description="Where it was absent between its first and last point, oldest first."
    )


class AlbumHistoryResponse(BaseModel):
    album: HistoryAlbum
    ids: list[str] = Field(
        description="Every id of this album with a history, the shown one first: a Spotify "
        "album and the `mb-` release group MusicBrainz matched it to are one album.",
        examples=[["3IqzqH6ShrRtie9Yd2ODyG", "mb-a5ba6e6c-5e6f-4a9e-8e85-a6d2e2a8a1b8"]],
    )
    sources: list[str] = Field(
        description="The listings' sources that had it, e.g. `spotify_new_releases`, "
        "`listenbrainz_top`.",
    )
    lead: str | None = Field(
        description="Which side listed it first and by how long, in one sentence; null "
        "unless both Spotify and ListenBrainz did.",
        examples=[
            "Charted on Spotify new releases 3 weeks before it entered the ListenBrainz top chart."
        ],
    )
    since: datetime | None
    until: datetime | None
    limit: int = Field(description="Points per listing at most.")
    charts: list[HistoryChart] = Field(
        description="One per listing that ever had the album, by source, then market."
    )
