"""Typed ws/2 payloads: only what matching relies on; the rest passes through untouched."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True, frozen=True)


class ArtistRef(Model):
    id: str
    name: str


class Credit(Model):
    name: str
    joinphrase: str = ""
    artist: ArtistRef


class ReleaseGroupRef(Model):
    id: str
    title: str | None = None
    primary_type: str | None = Field(None, alias="primary-type")


class Medium(Model):
    format: str | None = None
    track_count: int = Field(0, alias="track-count")


class LabelRef(Model):
    id: str | None = None
    name: str


class LabelInfo(Model):
    label: LabelRef | None = None
    catalog_number: str | None = Field(None, alias="catalog-number")


class Release(Model):
    """A release as search hits, url relations, recordings and lookups all describe it."""

    id: str
    title: str
    disambiguation: str | None = None
    score: int | None = None
    barcode: str | None = None
    date: str | None = None
    country: str | None = None
    status: str | None = None
    track_count: int | None = Field(None, alias="track-count")
    media: list[Medium] = []
    artist_credit: list[Credit] = Field([], alias="artist-credit")
    release_group: ReleaseGroupRef | None = Field(None, alias="release-group")
    label_info: list[LabelInfo] = Field([], alias="label-info")

    @property
    def tracks(self) -> int | None:
        if self.track_count is not None:
            return self.track_count
        return sum(medium.track_count for medium in self.media) if self.media else None

    @property
    def artist_names(self) -> str:
        return "".join(credit.name + credit.joinphrase for credit in self.artist_credit)


class ReleaseSearch(Model):
    count: int
    offset: int
    releases: list[Release]


class Relation(Model):
    type: str | None = None
    target_type: str | None = Field(None, alias="target-type")
    release: Release | None = None


class Url(Model):
    id: str
    resource: str
    relations: list[Relation] = []


class UrlBatch(Model):
    count: int = Field(alias="url-count")
    offset: int = Field(0, alias="url-offset")
    urls: list[Url]


class Recording(Model):
    id: str
    title: str
    isrcs: list[str] = []
    releases: list[Release] = []


class RecordingSearch(Model):
    count: int
    offset: int
    recordings: list[Recording]
