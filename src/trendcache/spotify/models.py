"""Typed upstream payloads. We store Spotify's raw JSON, but only after it passed these.

Only the fields trendcache relies on are declared; anything else passes through untouched
in the raw document. Fields that development-mode apps no longer receive are optional.
"""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class Image(BaseModel):
    url: str = Field(min_length=1)
    height: int | None = None
    width: int | None = None


class ExternalUrls(BaseModel):
    spotify: str | None = None


class SimplifiedArtist(BaseModel):
    id: str = Field(min_length=1)
    name: str
    uri: str | None = None
    external_urls: ExternalUrls = ExternalUrls()


class Paging(BaseModel, Generic[T]):
    href: str | None = None
    items: list[T]
    limit: int = Field(ge=0)
    next: str | None
    offset: int = Field(ge=0)
    previous: str | None = None
    total: int = Field(ge=0)


class SimplifiedAlbum(BaseModel):
    id: str = Field(min_length=1)
    name: str
    album_type: str
    artists: list[SimplifiedArtist] = Field(min_length=1)
    images: list[Image]
    release_date: str
    release_date_precision: Literal["year", "month", "day"]
    total_tracks: int = Field(ge=0)
    uri: str
    external_urls: ExternalUrls = ExternalUrls()


class AlbumListing(BaseModel):
    """`GET /browse/new-releases` and `GET /search?type=album` both answer this shape."""

    albums: Paging[SimplifiedAlbum]


class SimplifiedTrack(BaseModel):
    id: str | None = None
    name: str
    track_number: int
    disc_number: int = 1
    duration_ms: int = Field(ge=0)
    artists: list[SimplifiedArtist] = []


class ExternalIds(BaseModel):
    upc: str | None = None
    ean: str | None = None
    isrc: str | None = None


class Album(SimplifiedAlbum):
    tracks: Paging[SimplifiedTrack]
    external_ids: ExternalIds = ExternalIds()
    label: str | None = None
    popularity: int | None = Field(None, ge=0, le=100)
    genres: list[str] = []


class SeveralAlbums(BaseModel):
    albums: list[Album | None]


class AlbumRef(BaseModel):
    id: str = Field(min_length=1)


class Track(SimplifiedTrack):
    """A full track: unlike an album's simplified tracks it carries the ISRC."""

    id: str = Field(min_length=1)
    album: AlbumRef
    external_ids: ExternalIds = ExternalIds()


class SeveralTracks(BaseModel):
    tracks: list[Track | None]


class Followers(BaseModel):
    total: int | None = None


class Artist(BaseModel):
    id: str = Field(min_length=1)
    name: str
    uri: str | None = None
    genres: list[str] = []
    images: list[Image] = []
    popularity: int | None = Field(None, ge=0, le=100)
    followers: Followers | None = None
    external_urls: ExternalUrls = ExternalUrls()


class SeveralArtists(BaseModel):
    artists: list[Artist | None]


class Token(BaseModel):
    access_token: str = Field(min_length=1)
    token_type: str
    expires_in: int = Field(gt=0)


class ErrorDetail(BaseModel):
    status: int
    message: str | None = None
    reason: str | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail
