"""The emulator's MusicBrainz database: releases, groups, URLs, recordings, search indexes.

Built once from a Spotify ``Catalog`` and a seed; read-only afterwards, so the server
thread can search it while tests read ``truth`` without locks.
"""

from __future__ import annotations

import gc
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from trendcache.emulators.spotify.catalog import Catalog

from .build import Builder
from .model import (
    Artist,
    Expected,
    Medium,
    Recording,
    Release,
    ReleaseGroup,
    Track,
    Url,
    credit_text,
)
from .search import Document, Index

RELEASE_TEXT_FIELDS = ("release", "artist", "artistname", "label", "comment")
RELEASE_KEYWORD_FIELDS = (
    "barcode", "reid", "rgid", "arid", "date", "tracks", "country", "status", "format",
    "primarytype", "catno",
)  # fmt: skip
RECORDING_TEXT_FIELDS = ("recording", "artist", "artistname", "release")
RECORDING_KEYWORD_FIELDS = ("isrc", "rid", "arid", "reid", "rgid")


class Appearance(NamedTuple):
    """Where a recording appears: on which release, medium and track."""

    release: Release
    medium: Medium
    track: Track


class MusicBrainzCatalog:
    def __init__(
        self,
        releases: Sequence[Release],
        truth: Mapping[str, Expected],
        artists: Mapping[str, Artist],
    ) -> None:
        self.releases = tuple(releases)
        self.truth = dict(truth)
        self._artists = dict(artists)
        self._releases = {r.id: r for r in self.releases}
        self._groups: dict[str, ReleaseGroup] = {}
        self._group_releases: dict[str, list[Release]] = {}
        self._urls: dict[str, tuple[Url, Release]] = {}
        self._url_ids: dict[str, tuple[Url, Release]] = {}
        self._appearances: dict[str, list[Appearance]] = {}
        for release in self.releases:
            self._groups[release.group.id] = release.group
            self._group_releases.setdefault(release.group.id, []).append(release)
            if release.url is not None:
                self._urls[release.url.resource] = self._url_ids[release.url.id] = (
                    release.url,
                    release,
                )
            for medium in release.media:
                for track in medium.tracks:
                    appearance = Appearance(release, medium, track)
                    self._appearances.setdefault(track.recording.id, []).append(appearance)
        self.recordings = tuple(a[0].track.recording for a in self._appearances.values())
        self.release_index = Index(
            [_release_document(r) for r in self.releases],
            text_fields=RELEASE_TEXT_FIELDS,
            keyword_fields=RELEASE_KEYWORD_FIELDS,
            default_field="release",
            ids=[r.id for r in self.releases],
        )
        self.recording_index = Index(
            [self._recording_document(r) for r in self.recordings],
            text_fields=RECORDING_TEXT_FIELDS,
            keyword_fields=RECORDING_KEYWORD_FIELDS,
            default_field="recording",
            ids=[r.id for r in self.recordings],
        )

    @classmethod
    def build(cls, catalog: Catalog, seed: int) -> MusicBrainzCatalog:
        """The same Spotify catalog and seed always give the same MusicBrainz data.

        The build allocates ~100,000 acyclic objects; pausing the cyclic garbage collector,
        which would only rescan them, halves the time a test session waits for it.
        """
        paused = gc.isenabled()
        gc.disable()
        try:
            builder = Builder(catalog, seed)
            artists = {a.id: builder.people.artist(a.id) for a in catalog.artists}
            return cls(builder.releases, builder.truth, artists)
        finally:
            if paused:
                gc.enable()

    def artist_for(self, spotify_artist_id: str) -> Artist:
        """The MusicBrainz artist of a Spotify artist (every one of them has one)."""
        return self._artists[spotify_artist_id]

    def release(self, mbid: str) -> Release | None:
        return self._releases.get(mbid.lower())

    def release_group(self, mbid: str) -> ReleaseGroup | None:
        return self._groups.get(mbid.lower())

    def releases_in(self, group: ReleaseGroup) -> list[Release]:
        return self._group_releases.get(group.id, [])

    def first_release_date(self, group: ReleaseGroup) -> str:
        return min((r.date for r in self.releases_in(group) if r.date), default="")

    def url(self, resource: str) -> tuple[Url, Release] | None:
        """MusicBrainz looks URLs up as stored: no trailing-slash or scheme leniency."""
        return self._urls.get(resource)

    def url_by_id(self, mbid: str) -> tuple[Url, Release] | None:
        return self._url_ids.get(mbid.lower())

    def appearances(self, recording: Recording) -> list[Appearance]:
        return self._appearances.get(recording.id, [])

    def first_appearance(self, recording: Recording) -> str:
        return min((a.release.date for a in self.appearances(recording)), default="")

    def _recording_document(self, recording: Recording) -> Document:
        releases = [a.release for a in self.appearances(recording)]
        artists = [c.artist for c in recording.credit]
        return {
            "recording": [recording.title],
            "artist": [credit_text(recording.credit), *(a.name for a in artists)],
            "artistname": [a.name for a in artists],
            "release": [r.title for r in releases],
            "isrc": list(recording.isrcs),
            "rid": [recording.id],
            "arid": [a.id for a in artists],
            "reid": [r.id for r in releases],
            "rgid": [r.group.id for r in releases],
        }


def _release_document(release: Release) -> Document:
    artists = [c.artist for c in release.credit]
    return {
        "release": [release.title],
        "artist": [credit_text(release.credit), *(a.name for a in artists)],
        "artistname": [a.name for a in artists],
        "label": [release.label.name],
        "comment": [release.disambiguation] if release.disambiguation else [],
        "barcode": [release.barcode] if release.barcode else [],
        "reid": [release.id],
        "rgid": [release.group.id],
        "arid": [a.id for a in artists],
        "date": [release.date],
        "tracks": [str(release.track_count)],
        "country": [release.country],
        "status": [release.status],
        "format": sorted({m.format for m in release.media}),
        "primarytype": [release.group.primary_type],
        "catno": [release.catalog_number] if release.catalog_number else [],
    }
