"""How well a MusicBrainz release fits a Spotify album, and when a fit is good enough.

A candidate is scored on title (without feed suffixes, guests and edition markers, with
edition agreement weighed separately), artist credit, track count, release date and
format. The method that found it sets the bar: a release linked to the album's Spotify URL
or carrying its barcode only has to look like the album; one found by ISRC or by search
has to match it closely, and must not carry another barcode than the album's UPC (for
MusicBrainz another barcode is another release: a CD edition, or the artist's same-titled
single of another day). Two different releases that clear the bar with nearly the same
score are never guessed between: the album is marked for review.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz

from trendcache.musicbrainz.dates import date_agreement
from trendcache.musicbrainz.labels import label_fits
from trendcache.musicbrainz.models import Release
from trendcache.musicbrainz.normalize import (
    barcode_key,
    comparable,
    content_words,
    edition_key,
    edition_remarks,
    edition_words,
    other_work_words,
    split_title,
)

Method = Literal["url", "barcode", "isrc", "fuzzy"]
Status = Literal["matched", "needs_review", "no_match"]
WEIGHTS = {"title": 0.40, "artist": 0.30, "tracks": 0.15, "date": 0.10, "format": 0.05}
# The least a search or ISRC candidate must reach, overall and per part. Track count and
# date bars keep an artist's same-titled single, album or years-apart re-release apart.
SEARCH_BAR = {"total": 0.80, "title": 0.85, "artist": 0.75, "tracks": 0.5, "date": 0.5}
# A URL or barcode link is evidence in itself; the title only has to be recognisable.
LINK_BAR = {"title": 0.60}
# A release MusicBrainz editors linked to this Spotify URL: the artist or the track count
# must be plausible, nothing more.
URL_BAR = {"artist": 0.5, "tracks": 0.5}
TIE_MARGIN = 0.02
# Scores are sums of floats: 0.87 - 0.85 may come out as 0.0199999; a margin is a margin.
TOLERANCE = 1e-9
EDITION_MISMATCH = 0.2
# A disambiguation is mostly about a pressing ("JVC Pressing", "silver faced"); edition
# words in it ("clean/edited") only nudge, enough to prefer the plain one of two twins.
DISAMBIGUATION_NUDGE = 0.02


@dataclass(frozen=True)
class AlbumFacts:
    """What we know of a Spotify album that MusicBrainz can be asked about."""

    id: str
    name: str
    artists: tuple[str, ...]
    total_tracks: int
    release_date: str
    upc: str | None = None
    isrcs: tuple[str, ...] = ()
    label: str | None = None
    copyrights: tuple[str, ...] = ()

    @property
    def spotify_url(self) -> str:
        return f"https://open.spotify.com/album/{self.id}"


@dataclass(frozen=True)
class Scored:
    release: Release
    total: float
    parts: dict[str, float]
    work: float = 0.0  # the title without edition costs: the same work, any edition

    def as_json(self) -> dict[str, object]:
        return {
            "mbid": self.release.id,
            "title": self.release.title,
            "artist": self.release.artist_names,
            "date": self.release.date,
            "tracks": self.release.tracks,
            "barcode": self.release.barcode,
            "releaseGroup": self.release.release_group.id if self.release.release_group else None,
            "score": round(self.total, 3),
            "parts": {name: round(value, 3) for name, value in self.parts.items()},
        }


@dataclass(frozen=True)
class Decision:
    """What one step (or the release-group fallback) decided for an album.

    `chosen` is the release when the release is known. `group` stands for the release
    group when only that is known (a matched album without `chosen`): its release is one
    of the group's, not the album's own product.
    """

    status: Status
    method: Method | None
    confidence: float
    chosen: Scored | None
    weighed: tuple[Scored, ...]
    group: Scored | None = None

    @property
    def level(self) -> Literal["release", "release_group"] | None:
        if self.status != "matched":
            return None
        return "release" if self.chosen is not None else "release_group"


def score(album: AlbumFacts, release: Release) -> Scored:
    ours, theirs = split_title(album.name), split_title(release.title)
    plain = _title(ours.base, ours.bare, theirs.base, theirs.bare)
    title = max(0.0, plain - _edition_cost(ours.edition, theirs.edition, release.disambiguation))
    work = max(0.0, plain - _work_cost(ours.edition, theirs.edition, release.disambiguation))
    credit = comparable(" ".join([*album.artists, *ours.guests]))
    artist = fuzz.token_set_ratio(credit, comparable(release.artist_names)) / 100
    parts = {
        "title": title,
        "artist": artist if release.artist_credit else 0.5,
        "tracks": _tracks(album.total_tracks, release.tracks),
        "date": date_agreement(album.release_date, release.date),
        "format": _format(release),
    }
    total = sum(WEIGHTS[name] * value for name, value in parts.items())
    return Scored(release, total, parts, work)


def _edition_cost(ours: str, theirs: str, disambiguation: str | None) -> float:
    """What an edition disagreement costs the title.

    MusicBrainz may keep the edition in the disambiguation instead of the title. Otherwise
    a disambiguation describes a pressing ("blue album, JVC Pressing", "silver faced") and
    costs nothing, unless it names another content ("2021 remaster", "live"); a variant of
    the same content ("clean/edited", "mono") only nudges.
    """
    comment = edition_remarks(disambiguation or "")
    if edition_key(ours) != edition_key(theirs):
        return 0.0 if ours and edition_key(ours) == edition_key(comment) else EDITION_MISMATCH
    mine, named = edition_words(ours), edition_words(f"{theirs} {comment}")
    if content_words(named) - content_words(mine):
        return EDITION_MISMATCH
    return DISAMBIGUATION_NUDGE if mine != named else 0.0


def _work_cost(ours: str, theirs: str, disambiguation: str | None) -> float:
    """What a disagreement about the work costs: a live or remixed album is another release
    group; a remaster or a deluxe edition is the same one."""
    named = f"{theirs} {disambiguation or ''}"
    same = other_work_words(edition_words(ours)) == other_work_words(edition_words(named))
    return 0.0 if same else EDITION_MISMATCH


def _title(ours: str, ours_bare: str, theirs: str, theirs_bare: str) -> float:
    """The better of the titles compared whole and without a closing parenthetical."""
    pairs = {(ours, theirs), (ours_bare, theirs), (ours, theirs_bare)}
    return max(fuzz.ratio(comparable(a), comparable(b)) / 100 for a, b in pairs if a and b)


def decide(album: AlbumFacts, releases: list[Release], method: Method) -> Decision:
    unique = {release.id: release for release in releases}
    weighed = tuple(sorted((score(album, r) for r in unique.values()), key=_rank, reverse=True))
    passing = [s for s in weighed if _clears(album, s, method)]
    if not passing:
        return Decision("no_match", None, 0.0, None, weighed)
    best = passing[0]
    rivals = [s for s in passing if best.total - s.total < TIE_MARGIN - TOLERANCE]
    labels = {s.release.id: label_fits(album.label, album.copyrights, s.release) for s in rivals}
    if len(rivals) > 1:
        # Twins (one barcode on two pressings, one title on two countries' CDs): the
        # label tells them apart when both sides name one; else a person must.
        fitting = [s for s in rivals if labels[s.release.id] is True]
        if len(fitting) != 1 or any(labels[s.release.id] is None for s in rivals):
            return Decision("needs_review", method, round(best.total, 3), None, weighed)
        best = fitting[0]
    elif labels[best.release.id] is False and method != "url":
        # The one candidate names another label: another pressing, perhaps a twin of
        # this album's own release that MusicBrainz lacks. A barcode still says "related".
        status: Status = "needs_review" if method == "barcode" else "no_match"
        return Decision(status, method, round(best.total, 3), None, weighed)
    return Decision("matched", method, _confidence(best, method), best, weighed)


def _rank(scored: Scored) -> tuple[float, float]:
    return (scored.total, scored.parts["title"])


def _clears(album: AlbumFacts, scored: Scored, method: Method) -> bool:
    parts = scored.parts
    if method == "url":  # editors linked this very album: only a gross mix-up is refused
        return parts["artist"] >= URL_BAR["artist"] or parts["tracks"] >= URL_BAR["tracks"]
    if method == "barcode":  # a re-release years apart may carry the same digits
        return parts["title"] >= LINK_BAR["title"] and parts["date"] > 0.0
    return (
        scored.total >= SEARCH_BAR["total"]
        and all(parts[name] >= bar for name, bar in SEARCH_BAR.items() if name != "total")
        and not _other_barcode(album.upc, scored.release.barcode)
        and not _unproven_pressing(album.upc, scored.release)
    )


def _other_barcode(upc: str | None, barcode: str | None) -> bool:
    """Both known and different, leading zeros aside."""
    ours, theirs = barcode_key(upc), barcode_key(barcode)
    return ours is not None and theirs is not None and ours != theirs


def _unproven_pressing(upc: str | None, release: Release) -> bool:
    """A physical release without barcode, for an album with a UPC: the same recordings
    (that is all ISRCs and titles prove), but nothing says it is this product."""
    formats = {medium.format for medium in release.media if medium.format}
    physical = bool(formats) and not formats <= {"Digital Media"}
    return barcode_key(upc) is not None and barcode_key(release.barcode) is None and physical


def _confidence(best: Scored, method: Method) -> float:
    floor = {"url": 0.97, "barcode": 0.9, "isrc": 0.0, "fuzzy": 0.0}[method]
    return round(floor + (1 - floor) * best.total, 3)


def _tracks(ours: int, theirs: int | None) -> float:
    """Equal counts; or a bonus track or two on a longer release; else a different release."""
    if theirs is None:
        return 0.5
    if ours == theirs:
        return 1.0
    return 0.5 if min(ours, theirs) >= 5 and abs(ours - theirs) <= 2 else 0.0


def _format(release: Release) -> float:
    formats = {medium.format for medium in release.media if medium.format}
    if not formats:
        return 0.5
    return 1.0 if formats == {"Digital Media"} else 0.0
