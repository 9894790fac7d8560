"""Which Spotify albums MusicBrainz knows, and how well: the difficulty mix.

Each album draws, from a hash of the seed and its id, the cheapest method that finds it:

| share | method  | what the MusicBrainz release has                                        |
|-------|---------|-------------------------------------------------------------------------|
| 40 %  | url     | a "free streaming" URL relationship to ``open.spotify.com/album/<id>``   |
| 20 %  | barcode | no URL; the UPC, 40 % of them retyped with a leading zero added/removed, |
|       |         | 5 % padded to 14 digits; no ISRCs                                        |
| 10 %  | isrc    | no URL, no barcode; its recordings carry the tracks' ISRCs               |
| 20 %  | fuzzy   | none of those; only title and artist, spelled the MusicBrainz way        |
| 10 %  | absent  | no release at all (some have a same-title decoy by another artist)       |

Independently: 30 % of full albums also have a CD edition in the same release group
(another barcode, format CD, the home country, often a later date); deluxe and remaster
editions join their base album's release group; 12 % of present albums and half of the
absent ones get a same-title release by an unrelated artist; fuzzy releases and a quarter
of the others carry spelling drift (see ``titles``).

Then the traps real releases showed (``reference/musicbrainz/eval``), one at most per album:

- barcode-twin (25 % of barcode albums, self-released ones aside, whose "[no label]" names
  nobody): a twin stores the same digits (half the time padded otherwise), title, date and
  tracks, in another country under another label and catalogue number, like Nevermind's
  AU and US CDs; Spotify's label and copyright lines name the true release's label only.
- twins-only (10 % of barcode albums): instead of the worldwide release, two national
  ones under the album's label, apart in country and catalogue number only. Nothing says
  which one Spotify sells: the truth knows the release group, not the release.
- shared-barcode-reissue (15 % of barcode albums): a vinyl reissue years apart stores the
  same digits, like Lift Your Skinny Fists' 2000 and 2018 pressings.
- other-pressing-only (40 % of ISRC albums): no digital release, only another country's
  CD of the same recordings (same ISRCs, another barcode), like The Dio Years' DE and AU
  CDs. The truth knows the release group, not the release.

Two more traps are drawn elsewhere: pressing comments ("JVC Pressing", "24bit/96kHz", see
``pressings``) on a share of all releases, and self-titled albums, which the Spotify
emulator names by their nickname ("Artist (Blue Album)", see ``titles``).
"""

from __future__ import annotations

from dataclasses import dataclass

from trendcache.emulators.spotify.catalog import Catalog
from trendcache.emulators.spotify.codes import digest
from trendcache.emulators.spotify.model import Album

from .model import HardCase, LinkMethod
from .titles import styled

# Cumulative percentages: url 40, barcode 20, isrc 10, fuzzy 20; the rest are absent.
_METHOD_CUTS: tuple[tuple[int, LinkMethod], ...] = (
    (40, "url"),
    (60, "barcode"),
    (70, "isrc"),
    (90, "fuzzy"),
)


@dataclass(frozen=True, slots=True)
class AlbumPlan:
    album: Album
    method: LinkMethod | None  # None: absent from MusicBrainz
    group_key: str  # the album whose release group this one joins (itself if none)
    barcode_style: int  # see ids.retyped_barcode
    isrcs: bool  # whether its recordings carry ISRCs
    drift: bool  # whether its title carries spelling drift
    cd_edition: bool
    same_title_decoy: bool
    roll: int  # a spare draw in 0..9999 for smaller choices
    trap: HardCase | None = None  # one of the traps above, if any

    @property
    def present(self) -> bool:
        return self.method is not None


def plan_albums(catalog: Catalog, seed: int) -> list[AlbumPlan]:
    bases = _edition_bases(catalog.albums)
    return [
        _plan(album, seed, bases.get(album.id, album.id), _self_released(catalog, album))
        for album in catalog.albums
    ]


def _self_released(catalog: Catalog, album: Album) -> bool:
    """Spotify's label is the artist: MusicBrainz files it under "[no label]"."""
    label = album.label.split("/")[0].strip()
    return label in {a.name for a in catalog.artists_of(album.artist_ids)}


def _plan(album: Album, seed: int, group_key: str, self_released: bool) -> AlbumPlan:
    def draw(what: str, modulus: int = 100) -> int:
        return digest(f"{seed}:mb:{what}:{album.id}") % modulus

    share = draw("method")
    method = next((m for cut, m in _METHOD_CUTS if share < cut), None)
    style = draw("barcode")
    if method == "barcode":
        barcode_style = 2 if style < 5 else 1 if style < 45 else 0
    else:
        barcode_style = 1 if style < 20 else 0
    return AlbumPlan(
        album=album,
        method=method,
        group_key=group_key,
        barcode_style=barcode_style,
        isrcs=method == "isrc" or (method == "url" and draw("isrcs") < 70),
        drift=method == "fuzzy" or draw("drift") < 25,
        cd_edition=method is not None and album.album_type == "album" and draw("cd") < 30,
        same_title_decoy=draw("decoy") < (50 if method is None else 12),
        roll=draw("roll", 10_000),
        trap=_trap(method, draw("trap"), self_released),
    )


def _trap(method: LinkMethod | None, share: int, self_released: bool) -> HardCase | None:
    if method == "barcode":
        if share < 25:
            return None if self_released else "barcode-twin"
        if share < 35:
            return "twins-only"
        return "shared-barcode-reissue" if share < 50 else None
    if method == "isrc" and share < 40:
        return "other-pressing-only"
    return None


def _edition_bases(albums: tuple[Album, ...]) -> dict[str, str]:
    """Deluxe and remastered editions -> the album they are an edition of.

    MusicBrainz files every edition of an album under one release group; Spotify lists
    them as separate albums whose titles add an edition marker to the base title.
    """
    originals: dict[tuple[tuple[str, ...], str], Album] = {}
    for album in albums:
        if album.album_type == "album" and not styled(album.name).edition:
            key = (album.artist_ids, album.name)
            known = originals.get(key)
            if known is None or album.release_date < known.release_date:
                originals[key] = album
    bases = {}
    for album in albums:
        title = styled(album.name)
        original = originals.get((album.artist_ids, title.base)) if title.edition else None
        if original is not None and original.id != album.id:
            bases[album.id] = original.id
    return bases
