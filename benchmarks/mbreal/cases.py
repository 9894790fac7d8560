"""Spotify-shaped albums derived from real MusicBrainz releases, with their ground truth.

Each case is one album built from one release (its *source*): name, artists, tracks, date,
UPC in `external_ids`, ISRCs on the tracks, label and copyright lines, as Spotify would
show that product. The truth follows from the construction: the release the album is (or
None when that product is not in the catalogue served), and its release group (the
source's group, when a release of that group is in the catalogue).

Cases run in rounds: one catalogue, and albums whose sources differ, so no two albums of
one round are the same product (the pipeline gives a release to one album only).

Kinds (README of `reference/musicbrainz/eval`):
- present: the source as MusicBrainz spells it, everything in the catalogue.
- removed: the source taken out of the catalogue, its look-alikes left; each round removes
  at most one release of each confusable title, so the look-alikes stay.
- upc-12 / upc-13 / upc-14: the UPC padded to that width, unlike the stored barcode.
- no-ids: no UPC, no ISRCs: title, artist, date and track count must decide.
- spotify-name: Spotify's spelling: a self-titled album's nickname as a parenthetical
  ("Weezer (Blue Album)", from the disambiguation), title case, ASCII hyphens.
- digital: Spotify's own digital release of the source's recordings: same name, tracks,
  ISRCs and date, its own UPC, not in the catalogue; the source (another pressing) is.
  Right release: none; right group: the source's. Except where the source is itself a
  digital release without barcode: that is the same product, whose UPC MusicBrainz lacks
  (right release: the source).
- edition: as digital, named with an edition suffix ("(Remastered 2011)", "(Deluxe
  Edition)").
- url-linked: spotify-name, and the catalogue links the album's Spotify URL to the source
  (a "free streaming" relationship). None of the 20 releases has a Spotify link of its
  own, so this link is made up for the case; everything else is real.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from benchmarks.mbreal.catalogue import Json, barcode_digits, tokens, track_count

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
EDITIONS = ("Remastered 2011", "Deluxe Edition")
KINDS = (
    "present",
    "removed",
    "upc-12",
    "upc-13",
    "upc-14",
    "no-ids",
    "spotify-name",
    "digital",
    "edition",
    "url-linked",
)


@dataclass(frozen=True)
class Case:
    kind: str
    source: str  # the release MBID the album was derived from
    album: Json  # a full Spotify album object
    tracks: list[Json]  # full Spotify track objects (ISRCs in external_ids)
    release: str | None  # the right release; None: the product is not in the catalogue
    group: str | None  # the right release group; None: no release of it is served


@dataclass
class Round:
    kind: str
    removed: frozenset[str] = frozenset()
    links: dict[str, str] = field(default_factory=dict)  # Spotify URL -> release MBID
    cases: list[Case] = field(default_factory=list)


def spotify_id(*parts: str) -> str:
    number = int.from_bytes(hashlib.sha256("\0".join(parts).encode()).digest()[:17], "big")
    digits = []
    for _ in range(22):
        number, rest = divmod(number, 62)
        digits.append(BASE62[rest])
    return "".join(digits)


def fresh_upc(*parts: str) -> str:
    """A 12-digit UPC no release carries (the digital product's own)."""
    digest = int.from_bytes(hashlib.sha256("\0".join(parts).encode()).digest()[:8], "big")
    body = "19" + str(digest % 10**9).zfill(9)
    odd = sum(int(d) for d in body[0::2])
    even = sum(int(d) for d in body[1::2])
    return body + str((10 - (odd * 3 + even) % 10) % 10)


def _date(release: Json) -> str:
    return str(release.get("date") or release["release-group"].get("first-release-date") or "")


def _nickname(release: Json) -> str | None:
    """ "blue album, JVC Pressing" on a self-titled release: Spotify's "(Blue Album)"."""
    if tokens(release["title"]) != tokens(release["artist-credit"][0]["name"]):
        return None
    found = re.search(r"\b(\w+) album\b", release.get("disambiguation") or "", re.IGNORECASE)
    return f"{found[1].capitalize()} Album" if found else None


def spotify_name(release: Json) -> str:
    title = " ".join(w[:1].upper() + w[1:] for w in release["title"].split(" "))
    nickname = _nickname(release)
    return f"{title} ({nickname})" if nickname else title


def _ascii(text: str) -> str:
    return text.replace("\u2010", "-").replace("\u2019", "'")


def spotify_album(
    release: Json,
    album_id: str,
    *,
    name: str,
    artists: list[str],
    upc: str | None,
    with_isrcs: bool,
) -> tuple[Json, list[Json]]:
    """A full Spotify album object and its full tracks, derived from a release lookup."""
    url = f"https://open.spotify.com/album/{album_id}"
    artist_objects = [
        {
            "id": spotify_id("artist", a),
            "name": a,
            "type": "artist",
            "uri": f"spotify:artist:{spotify_id('artist', a)}",
            "href": f"https://api.spotify.com/v1/artists/{spotify_id('artist', a)}",
            "external_urls": {
                "spotify": f"https://open.spotify.com/artist/{spotify_id('artist', a)}"
            },
        }
        for a in artists
    ]
    date = _date(release)
    year = date[:4]
    labels = [i["label"]["name"] for i in release.get("label-info", []) if i.get("label")]
    label = labels[0] if labels else ""
    group = release["release-group"]
    album_type = "compilation" if "Compilation" in group.get("secondary-types", []) else "album"
    simplified: list[Json] = []
    full: list[Json] = []
    for medium in release.get("media", []):
        for track in medium.get("tracks", []):
            track_id = spotify_id(album_id, "track", track["id"])
            isrcs = track["recording"].get("isrcs") or []
            item: Json = {
                "id": track_id,
                "name": track["title"],
                "type": "track",
                "uri": f"spotify:track:{track_id}",
                "href": f"https://api.spotify.com/v1/tracks/{track_id}",
                "external_urls": {"spotify": f"https://open.spotify.com/track/{track_id}"},
                "artists": artist_objects,
                "disc_number": medium["position"],
                "track_number": track["position"],
                "duration_ms": track.get("length") or 0,
                "explicit": False,
                "is_local": False,
            }
            simplified.append(item)
            full.append(
                item
                | {
                    "album": {"id": album_id, "name": name, "album_type": album_type},
                    "external_ids": {"isrc": isrcs[0]} if with_isrcs and isrcs else {},
                    "popularity": 40,
                }
            )
    album: Json = {
        "id": album_id,
        "type": "album",
        "album_type": album_type,
        "name": name,
        "artists": artist_objects,
        "release_date": date,
        "release_date_precision": {1: "year", 2: "month"}.get(len(date.split("-")), "day"),
        "total_tracks": track_count(release),
        "external_ids": {"upc": upc} if upc else {},
        "external_urls": {"spotify": url},
        "uri": f"spotify:album:{album_id}",
        "href": f"https://api.spotify.com/v1/albums/{album_id}",
        "label": label,
        "copyrights": [
            {"text": f"\u00a9 {year} {label}".strip(), "type": "C"},
            {"text": f"\u2117 {year} {label}".strip(), "type": "P"},
        ],
        "genres": [],
        "popularity": 40,
        "images": [],
        "tracks": {
            "href": f"https://api.spotify.com/v1/albums/{album_id}/tracks",
            "items": simplified[:50],
            "limit": 50,
            "offset": 0,
            "next": None,
            "previous": None,
            "total": len(simplified),
        },
    }
    return album, full


def _confusable(release: Json) -> str:
    """Releases that read alike: same release-group title (Weezer, Greatest Hits, …)."""
    return " ".join(tokens(release["release-group"]["title"]))


def _barcodeless_digital(release: Json) -> bool:
    formats = {medium.get("format") for medium in release.get("media", [])}
    return formats == {"Digital Media"} and not release.get("barcode")


def _group_truth(release: Json, catalogue: dict[str, Json]) -> str | None:
    group = release["release-group"]["id"]
    return group if any(r["release-group"]["id"] == group for r in catalogue.values()) else None


def build_rounds(releases: dict[str, Json]) -> list[Round]:
    """Every round of every kind over these releases."""
    rounds: list[Round] = []
    everything = dict(releases)

    def case(
        kind: str,
        release: Json,
        *,
        name: str | None = None,
        artists: list[str] | None = None,
        upc: str | bool | None = True,
        with_isrcs: bool = True,
        in_catalogue: bool = True,
        catalogue: dict[str, Json] = everything,
    ) -> Case:
        album_id = spotify_id(kind, release["id"])
        album, tracks = spotify_album(
            release,
            album_id,
            name=release["title"] if name is None else name,
            artists=[c["name"] for c in release["artist-credit"]] if artists is None else artists,
            upc=(release.get("barcode") or None) if upc is True else upc or None,
            with_isrcs=with_isrcs,
        )
        return Case(
            kind=kind,
            source=release["id"],
            album=album,
            tracks=tracks,
            release=release["id"] if in_catalogue else None,
            group=_group_truth(release, catalogue),
        )

    # present
    rounds.append(Round("present", cases=[case("present", r) for r in releases.values()]))
    # removed: round k takes out the k-th release of each confusable title
    by_title: dict[str, list[Json]] = defaultdict(list)
    for release in releases.values():
        by_title[_confusable(release)].append(release)
    for k in range(max(len(v) for v in by_title.values())):
        removed = [v[k] for v in by_title.values() if len(v) > k]
        gone = frozenset(r["id"] for r in removed)
        left = {i: r for i, r in releases.items() if i not in gone}
        rounds.append(
            Round(
                "removed",
                removed=gone,
                cases=[case("removed", r, in_catalogue=False, catalogue=left) for r in removed],
            )
        )
    # UPC padding
    for width in (12, 13, 14):
        kind = f"upc-{width}"
        cases = []
        for release in releases.values():
            digits = barcode_digits(release.get("barcode"))
            if not digits or len(digits) > width:
                continue
            padded = digits.zfill(width)
            if padded != release["barcode"]:
                cases.append(case(kind, release, upc=padded))
        rounds.append(Round(kind, cases=cases))
    rounds.append(
        Round(
            "no-ids",
            cases=[case("no-ids", r, upc=None, with_isrcs=False) for r in releases.values()],
        )
    )

    def spotify_style(kind: str, release: Json) -> Case:
        artists = [_ascii(c["name"]) for c in release["artist-credit"]]
        return case(kind, release, name=spotify_name(release), artists=artists)

    rounds.append(
        Round("spotify-name", cases=[spotify_style("spotify-name", r) for r in releases.values()])
    )
    rounds.append(
        Round(
            "digital",
            cases=[
                case(
                    "digital",
                    r,
                    upc=fresh_upc("digital", r["id"]),
                    in_catalogue=_barcodeless_digital(r),
                )
                for r in releases.values()
            ],
        )
    )
    edition_cases = []
    for n, release in enumerate(releases.values()):
        suffix = EDITIONS[n % len(EDITIONS)]
        edition_cases.append(
            case(
                "edition",
                release,
                name=f"{release['title']} ({suffix})",
                upc=fresh_upc("edition", release["id"]),
                in_catalogue=False,
            )
        )
    rounds.append(Round("edition", cases=edition_cases))
    linked = [spotify_style("url-linked", r) for r in releases.values()]
    links = {c.album["external_urls"]["spotify"]: c.source for c in linked}
    rounds.append(Round("url-linked", links=links, cases=linked))
    return rounds
