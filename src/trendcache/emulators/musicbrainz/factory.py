"""A Spotify album's MusicBrainz releases: its digital release, its CD, other pressings.

Recordings are where the ISRC difficulty lives. Releases that carry ISRCs share one
recording per ISRC, so an ISRC search returns the single, the album, the deluxe edition
and any compilation holding that song, as MusicBrainz does. Releases without ISRCs get
recordings of their own (duplicates are common in MusicBrainz), which is what keeps
barcode-only and fuzzy-only releases out of reach of the cheaper ISRC search. Pressings
of one album (its CD edition, barcode twins, a reissue) share its recordings.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta
from typing import Literal

from trendcache.emulators.spotify import codes
from trendcache.emulators.spotify.catalog import Catalog
from trendcache.emulators.spotify.model import Album
from trendcache.emulators.spotify.model import Track as SpotifyTrack

from .constants import ENGLISH, SPOTIFY_ALBUM_URL, TEXT_REPRESENTATION
from .ids import catalog_number, mbid, retyped_barcode
from .model import Label, Medium, Recording, Release, ReleaseGroup, Track, Url
from .people import People
from .plan import AlbumPlan
from .pressings import comment, pressing
from .titles import drift, split_featuring, styled

Edition = Literal["digital", "cd"]


class ReleaseFactory:
    def __init__(self, catalog: Catalog, seed: int) -> None:
        self.seed = seed
        self.people = People(catalog, seed)
        self.spotify = catalog
        self._albums = {a.id: a for a in catalog.albums}
        self._recordings: dict[str, Recording] = {}
        self._groups: dict[str, ReleaseGroup] = {}

    def release(self, plan: AlbumPlan, edition: Edition) -> Release:
        """The album's digital release (worldwide) or its CD edition (the home country)."""
        album, digital = plan.album, edition == "digital"
        key = album.id if digital else f"{album.id}:cd"
        rng = random.Random(f"{self.seed}:mb:release:{key}")
        title, disambiguation = self._title(plan)
        label = self.people.label(
            album.label, [a.name for a in self.spotify.artists_of(album.artist_ids)]
        )
        url = None
        if digital and plan.method == "url":
            url = Url(mbid(self.seed, f"url:{album.id}"), SPOTIFY_ALBUM_URL.format(id=album.id))
        later = timedelta(days=rng.choice((0, 0, 7, 14, 28)))
        language, script = TEXT_REPRESENTATION.get(self.home(album), ENGLISH)
        return Release(
            id=mbid(self.seed, f"release:{key}"),
            title=title,
            credit=self.people.credit(album.artist_ids, styled(album.name).featured),
            group=self._group(plan.group_key),
            date=album.release_date_text if digital else (album.release_date + later).isoformat(),
            country="XW" if digital else self.home(album),
            barcode=self._barcode(plan) if digital else codes.upc(f"{self.seed}:mb:cd:{album.id}"),
            packaging="None" if digital else "Jewel Case",
            media=self._media(album, key, "Digital Media" if digital else "CD", plan.isrcs),
            label=label,
            catalog_number=None if digital else catalog_number(self.seed, key, label.name),
            language=language,
            script=script,
            disambiguation=comment(disambiguation, self._pressing(plan, key, not digital)),
            url=url,
        )

    def copy(
        self,
        plan: AlbumPlan,
        release: Release,
        suffix: str,
        *,
        country: str,
        barcode: str | None,
        label: Label | None = None,
        day: str | None = None,
        form: str | None = None,
        packaging: str | None = None,
    ) -> Release:
        """Another pressing of ``release``: its own id, tracks, catalogue number and pressing
        comment, the same recordings, title and edition."""
        key = f"{plan.album.id}:{suffix}"
        form = form or release.media[0].format
        label = label or release.label
        _, edition = self._title(plan)
        return replace(
            release,
            id=mbid(self.seed, f"release:{key}"),
            media=self._media(plan.album, key, form, plan.isrcs),
            country=country,
            barcode=barcode,
            label=label,
            catalog_number=catalog_number(self.seed, key, label.name),
            date=day or release.date,
            packaging=packaging or release.packaging,
            disambiguation=comment(edition, self._pressing(plan, key, form != "Digital Media")),
            url=None,
        )

    def home(self, album: Album) -> str:
        """The country of the album's (first) artist, where its CDs are pressed."""
        return self.people.artist(album.artist_ids[0]).country or "XW"

    def track(self, key: str, position: int, recording: Recording, length: int) -> Track:
        identifier = mbid(self.seed, f"track:{key}:{recording.id}:{position}")
        return Track(identifier, position, recording.title, length, recording.credit, recording)

    def _pressing(self, plan: AlbumPlan, key: str, physical: bool) -> str:
        explicit = any(t.explicit for t in plan.album.tracks)
        return pressing(self.seed, key, physical=physical, explicit=explicit)

    def _title(self, plan: AlbumPlan) -> tuple[str, str]:
        """(title, disambiguation): editions keep their marker or move it to the comment;
        a self-titled album's nickname always moves there."""
        rng = random.Random(f"{self.seed}:mb:title:{plan.album.id}")
        parts = styled(plan.album.name)
        title, edition = parts.bare, parts.edition
        if parts.edition and "remaster" not in parts.edition and rng.random() < 0.5:
            title, edition = f"{parts.bare} ({parts.marker})", ""
        if plan.drift:
            title, _ = drift(title, rng)
        return title, comment(parts.nickname.lower(), edition)

    def _barcode(self, plan: AlbumPlan) -> str | None:
        if plan.method in ("url", "barcode"):
            return retyped_barcode(plan.album.upc, plan.barcode_style)
        return "" if plan.roll % 2 else None  # "no barcode" vs "unknown"

    def _group(self, key: str) -> ReleaseGroup:
        if key not in self._groups:
            base = self._albums[key]
            parts = styled(base.name)
            self._groups[key] = ReleaseGroup(
                id=mbid(self.seed, f"release-group:{key}"),
                title=parts.bare,
                primary_type=primary_type(base),
                secondary_types=("Compilation",) if base.album_type == "compilation" else (),
                credit=self.people.credit(base.artist_ids, parts.featured),
                disambiguation=parts.nickname,
            )
        return self._groups[key]

    def _media(self, album: Album, key: str, form: str, isrcs: bool) -> tuple[Medium, ...]:
        discs: dict[int, list[SpotifyTrack]] = {}
        for track in album.tracks:
            discs.setdefault(track.disc_number, []).append(track)
        media = []
        for position, disc in enumerate(sorted(discs), 1):
            tracks = tuple(
                self.track(key, n, self._recording(album, track, isrcs), track.duration_ms)
                for n, track in enumerate(discs[disc], 1)
            )
            media.append(
                Medium(mbid(self.seed, f"medium:{key}:{position}"), position, form, tracks)
            )
        return tuple(media)

    def _recording(self, album: Album, track: SpotifyTrack, isrcs: bool) -> Recording:
        key = f"isrc:{track.isrc}" if isrcs else f"track:{album.id}:{track.id}"
        if key not in self._recordings:
            title, featured = split_featuring(track.name)
            self._recordings[key] = Recording(
                id=mbid(self.seed, f"recording:{key}"),
                title=title,
                length=track.duration_ms,
                credit=self.people.credit(track.artist_ids, featured),
                isrcs=(track.isrc,) if isrcs else (),
            )
        return self._recordings[key]


def primary_type(album: Album) -> str:
    if album.album_type != "single":
        return "Album"
    return "EP" if album.total_tracks >= 4 else "Single"
