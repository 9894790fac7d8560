"""The MusicBrainz side of the catalog, built from the Spotify catalog and the plans.

Recordings are where the ISRC difficulty lives. Releases that carry ISRCs share one
recording per ISRC, so an ISRC search returns the single, the album, the deluxe edition
and any compilation holding that song, as MusicBrainz does. Releases without ISRCs get
recordings of their own (duplicates are common in MusicBrainz), which is what keeps
barcode-only and fuzzy-only releases out of reach of the cheaper ISRC search.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Literal

from trendcache.emulators.spotify import codes
from trendcache.emulators.spotify.catalog import Catalog
from trendcache.emulators.spotify.model import Album
from trendcache.emulators.spotify.model import Track as SpotifyTrack

from .constants import ENGLISH, SPOTIFY_ALBUM_URL, TEXT_REPRESENTATION
from .ids import catalog_number, mbid, retyped_barcode
from .model import (
    ArtistCredit,
    Credit,
    Expected,
    Medium,
    Recording,
    Release,
    ReleaseGroup,
    Track,
    Url,
)
from .people import People
from .plan import AlbumPlan, plan_albums
from .titles import drift, split_featuring, styled

Edition = Literal["digital", "cd"]


class Builder:
    def __init__(self, catalog: Catalog, seed: int) -> None:
        self.seed = seed
        self.people = People(catalog, seed)
        self._spotify = catalog
        self.releases: list[Release] = []
        self.truth: dict[str, Expected] = {}
        self._albums = {a.id: a for a in catalog.albums}
        self._recordings: dict[str, Recording] = {}
        self._groups: dict[str, ReleaseGroup] = {}
        for plan in plan_albums(catalog, seed):
            self._add(plan)

    def _add(self, plan: AlbumPlan) -> None:
        if plan.method is None:
            self.truth[plan.album.id] = Expected(None, None)
        else:
            digital = self._release(plan, "digital")
            artists = tuple(c.artist.id for c in digital.credit)
            self.truth[plan.album.id] = Expected(digital.id, digital.group.id, artists, plan.method)
            if plan.cd_edition:
                self._release(plan, "cd")
        if plan.same_title_decoy:
            self._decoy(plan)

    def _release(self, plan: AlbumPlan, edition: Edition) -> Release:
        album, digital = plan.album, edition == "digital"
        key = album.id if digital else f"{album.id}:cd"
        rng = random.Random(f"{self.seed}:mb:release:{key}")
        title, disambiguation = self._title(plan)
        home = self.people.artist(album.artist_ids[0]).country or "XW"
        language, script = TEXT_REPRESENTATION.get(home, ENGLISH)
        label = self.people.label(
            album.label, [a.name for a in self._spotify.artists_of(album.artist_ids)]
        )
        url = None
        if digital and plan.method == "url":
            url = Url(mbid(self.seed, f"url:{album.id}"), SPOTIFY_ALBUM_URL.format(id=album.id))
        later = timedelta(days=rng.choice((0, 0, 7, 14, 28)))
        release = Release(
            id=mbid(self.seed, f"release:{key}"),
            title=title,
            credit=self.people.credit(album.artist_ids, styled(album.name).featured),
            group=self._group(plan.group_key),
            date=album.release_date_text if digital else (album.release_date + later).isoformat(),
            country="XW" if digital else home,
            barcode=self._barcode(plan) if digital else codes.upc(f"{self.seed}:mb:cd:{album.id}"),
            packaging="None" if digital else "Jewel Case",
            media=self._media(album, key, "Digital Media" if digital else "CD", plan.isrcs),
            label=label,
            catalog_number=None if digital else catalog_number(self.seed, key, label.name),
            language=language,
            script=script,
            disambiguation=disambiguation,
            url=url,
        )
        self.releases.append(release)
        return release

    def _title(self, plan: AlbumPlan) -> tuple[str, str]:
        """(title, disambiguation): editions keep their marker or move it to the comment."""
        rng = random.Random(f"{self.seed}:mb:title:{plan.album.id}")
        parts = styled(plan.album.name)
        title, comment = parts.base, parts.edition
        if parts.edition and "remaster" not in parts.edition and rng.random() < 0.5:
            title, comment = f"{parts.base} ({parts.marker})", ""
        if plan.drift:
            title, _ = drift(title, rng)
        return title, comment

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
                title=parts.base,
                primary_type=_primary_type(base),
                secondary_types=("Compilation",) if base.album_type == "compilation" else (),
                credit=self.people.credit(base.artist_ids, parts.featured),
            )
        return self._groups[key]

    def _media(self, album: Album, key: str, form: str, isrcs: bool) -> tuple[Medium, ...]:
        discs: dict[int, list[SpotifyTrack]] = {}
        for track in album.tracks:
            discs.setdefault(track.disc_number, []).append(track)
        media = []
        for position, disc in enumerate(sorted(discs), 1):
            tracks = tuple(
                self._track(key, n, self._recording(album, track, isrcs), track.duration_ms)
                for n, track in enumerate(discs[disc], 1)
            )
            media.append(
                Medium(mbid(self.seed, f"medium:{key}:{position}"), position, form, tracks)
            )
        return tuple(media)

    def _track(self, key: str, position: int, recording: Recording, length: int) -> Track:
        identifier = mbid(self.seed, f"track:{key}:{recording.id}:{position}")
        return Track(identifier, position, recording.title, length, recording.credit, recording)

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

    def _decoy(self, plan: AlbumPlan) -> None:
        """A release with the album's title by an unrelated artist: a cover, a namesake."""
        album, key = plan.album, f"{plan.album.id}:decoy"
        rng = random.Random(f"{self.seed}:mb:decoy:{album.id}")
        artist = self.people.decoy_for(album.id)
        credit: ArtistCredit = (Credit(artist, artist.name),)
        title = styled(album.name).base
        tracks = tuple(
            self._track(key, n, self._decoy_recording(key, n, t, credit), t.duration_ms)
            for n, t in enumerate(album.tracks, 1)
        )
        group = ReleaseGroup(
            mbid(self.seed, f"release-group:{key}"), title, _primary_type(album), (), credit
        )
        day = album.release_date - timedelta(days=rng.randint(30, 3000))
        self.releases.append(
            Release(
                id=mbid(self.seed, f"release:{key}"),
                title=title,
                credit=credit,
                group=group,
                date=day.isoformat(),
                country="XW",
                barcode=codes.upc(f"{self.seed}:mb:decoy:{album.id}")
                if rng.random() < 0.6
                else None,
                packaging="None",
                media=(Medium(mbid(self.seed, f"medium:{key}:1"), 1, "Digital Media", tracks),),
                label=self.people.label(artist.name, [artist.name]),
                catalog_number=None,
                language=ENGLISH[0],
                script=ENGLISH[1],
            )
        )

    def _decoy_recording(
        self, key: str, n: int, track: SpotifyTrack, credit: tuple[Credit, ...]
    ) -> Recording:
        title, _ = split_featuring(track.name)
        return Recording(
            mbid(self.seed, f"recording:{key}:{n}"), title, track.duration_ms, credit, ()
        )


def _primary_type(album: Album) -> str:
    if album.album_type != "single":
        return "Album"
    return "EP" if album.total_tracks >= 4 else "Single"
