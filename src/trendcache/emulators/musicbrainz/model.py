"""MusicBrainz entities as plain typed records, free of JSON concerns (see ``render``).

The shapes follow MusicBrainz's data model rather than Spotify's: a release belongs to a
release group, has media with tracks, and each track points at a recording that may be
shared with other releases (a single and its album share the recording).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

LinkMethod = Literal["url", "barcode", "isrc", "fuzzy"]
LINK_METHODS: tuple[LinkMethod, ...] = ("url", "barcode", "isrc", "fuzzy")
# The traps real MusicBrainz data showed (see ``plan``), named in each album's truth.
HardCase = Literal[
    "barcode-twin",  # another release stores the barcode: other country, label, cat. no.
    "twins-only",  # two such twins with one label, neither worldwide: which is unknowable
    "shared-barcode-reissue",  # a reissue years apart stores the same barcode
    "other-pressing-only",  # only another country's CD of the recordings is in MusicBrainz
    "pressing-comment",  # the release's disambiguation describes its pressing
    "self-titled",  # Spotify's "Artist (Blue Album)" is MusicBrainz's "Artist"
]
HARD_CASES: tuple[HardCase, ...] = get_args(HardCase)


@dataclass(frozen=True, slots=True)
class Artist:
    id: str
    name: str
    sort_name: str
    type: str | None  # "Person", "Group", or None (Various Artists)
    country: str | None
    disambiguation: str = ""


@dataclass(frozen=True, slots=True)
class Credit:
    """One name in an artist credit: the artist, the name printed, and what follows it."""

    artist: Artist
    name: str
    joinphrase: str = ""


ArtistCredit = tuple[Credit, ...]


def credit_text(credit: ArtistCredit) -> str:
    """The credit as printed, e.g. ``"Jennifer Jess & Caleb Hicks"``."""
    return "".join(c.name + c.joinphrase for c in credit)


@dataclass(frozen=True, slots=True)
class Recording:
    id: str
    title: str
    length: int
    credit: ArtistCredit
    isrcs: tuple[str, ...]
    disambiguation: str = ""


@dataclass(frozen=True, slots=True)
class Track:
    id: str
    position: int
    title: str
    length: int
    credit: ArtistCredit
    recording: Recording

    @property
    def number(self) -> str:
        return str(self.position)


@dataclass(frozen=True, slots=True)
class Medium:
    id: str
    position: int
    format: str
    tracks: tuple[Track, ...]


@dataclass(frozen=True, slots=True)
class Label:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class ReleaseGroup:
    id: str
    title: str
    primary_type: str
    secondary_types: tuple[str, ...]
    credit: ArtistCredit
    disambiguation: str = ""


@dataclass(frozen=True, slots=True)
class Release:
    """One release; ``barcode`` None is "unknown", "" is "has no barcode", as in MusicBrainz."""

    id: str
    title: str
    credit: ArtistCredit
    group: ReleaseGroup
    date: str
    country: str
    barcode: str | None
    packaging: str
    media: tuple[Medium, ...]
    label: Label
    catalog_number: str | None
    language: str
    script: str
    disambiguation: str = ""
    status: str = "Official"
    url: Url | None = None

    @property
    def track_count(self) -> int:
        return sum(len(m.tracks) for m in self.media)

    @property
    def tracks(self) -> tuple[Track, ...]:
        return tuple(t for m in self.media for t in m.tracks)


@dataclass(frozen=True, slots=True)
class Url:
    """A URL entity; its relationship to the release is "free streaming", as for Spotify."""

    id: str
    resource: str


@dataclass(frozen=True, slots=True)
class Expected:
    """Ground truth for one Spotify album, at two levels.

    ``release_mbid`` is the album's own release; ``release_group_mbid`` its release group.
    Both None: the album is absent from MusicBrainz. Only the group: MusicBrainz has the
    album (another country's pressing of its recordings, or twins nothing tells apart)
    but not this release, or not one a matcher could honestly name. ``artist_mbids`` are
    the credited artists in credit order, a guest named "feat." in Spotify's title
    included. ``linked_by`` is the cheapest method that finds the release (url < barcode
    < isrc < fuzzy), or with only a group known, a release of the group; no cheaper one
    can. ``hard_cases`` names the traps around this album (see ``plan``).
    """

    release_mbid: str | None
    release_group_mbid: str | None
    artist_mbids: tuple[str, ...] = ()
    linked_by: LinkMethod | None = None
    hard_cases: tuple[HardCase, ...] = ()
