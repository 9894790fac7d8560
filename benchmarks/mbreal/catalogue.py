"""Real release lookups, and how ws/2 shows the same release in each kind of answer.

The files are `GET /ws/2/release/<mbid>?inc=artist-credits+isrcs+labels+media+recordings+
release-groups` bodies. A release search hit, a recording search's release and a URL
relationship's release are narrower views of one release; the recorded fixtures in
`reference/musicbrainz/fixtures/` show which keys each view carries, and these functions
keep to them: a search hit has `barcode` only when set and no tracks; a recording search's
releases carry no `barcode` at all; a URL relationship's release has no artist credit and
no release group.
"""

from __future__ import annotations

import json
import re
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Json = dict[str, Any]
REPO = Path(__file__).resolve().parents[2]
RELEASES_DIR = REPO / "tests" / "reference" / "musicbrainz" / "eval" / "releases"
FIXTURES_DIR = REPO / "tests" / "reference" / "musicbrainz" / "fixtures"
FREE_STREAMING = "08445ccf-7b99-4438-9f9a-fb9ac18099ee"  # release -> url "free streaming"


def load_releases(folder: Path = RELEASES_DIR) -> dict[str, Json]:
    """Every release lookup in `folder`, by release MBID."""
    releases = {}
    for path in sorted(folder.glob("*.json")):
        document = json.loads(path.read_text())
        releases[document["id"]] = document
    return releases


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFKC", stripped).casefold()


def tokens(text: str) -> list[str]:
    """Words as the search index holds them: folded, split at anything not a letter/digit."""
    return re.sub(r"[^\w]+", " ", fold(text)).split()


def barcode_digits(barcode: str | None) -> str:
    """What barcode search compares: the digits without leading zeros."""
    return re.sub(r"\D", "", barcode or "").lstrip("0")


def _set(document: Json, *keys: str) -> Json:
    """The keys that hold a value: ws/2 searches leave empty fields out."""
    return {k: document[k] for k in keys if document.get(k) not in (None, "", [])}


def _artist_credit(credits: list[Json], joinphrase_always: bool = False) -> list[Json]:
    shown = []
    for credit in credits:
        artist = credit["artist"]
        entry: Json = {
            "artist": {"id": artist["id"], "name": artist["name"], "sort-name": artist["sort-name"]}
            | _set(artist, "disambiguation"),
            "name": credit["name"],
        }
        if credit.get("joinphrase") or joinphrase_always:
            entry["joinphrase"] = credit.get("joinphrase", "")
        shown.append(entry)
    return shown


def _credit_id(credits: list[Json]) -> str:
    """ws/2 searches name each artist credit; a stable stand-in id for ours."""
    key = "|".join(f"{c['artist']['id']}:{c['name']}:{c.get('joinphrase', '')}" for c in credits)
    return str(uuid.uuid5(uuid.NAMESPACE_URL, key))


def _release_group(group: Json) -> Json:
    shown = {
        "id": group["id"],
        "type-id": group.get("primary-type-id"),
        "primary-type-id": group.get("primary-type-id"),
        "title": group["title"],
        "primary-type": group.get("primary-type"),
    }
    if group.get("secondary-types"):
        shown["secondary-type-ids"] = group.get("secondary-type-ids", [])
        shown["secondary-types"] = group["secondary-types"]
    return {k: v for k, v in shown.items() if v is not None}


def _events(release: Json) -> list[Json]:
    shown = []
    for event in release.get("release-events", []):
        area = event.get("area") or {}
        entry = _set(event, "date")
        if area:
            entry["area"] = _set(area, "id", "name", "sort-name", "iso-3166-1-codes")
        shown.append(entry)
    return shown


def track_count(release: Json) -> int:
    return sum(int(medium.get("track-count", 0)) for medium in release.get("media", []))


def search_hit(release: Json, score: int = 100) -> Json:
    """The release as a `/ws/2/release?query=` hit."""
    hit: Json = {"id": release["id"], "score": score, "count": 1}
    hit |= _set(release, "title", "status-id", "status", "packaging-id", "packaging")
    hit |= _set(release, "text-representation", "disambiguation")
    hit["artist-credit-id"] = _credit_id(release["artist-credit"])
    hit["artist-credit"] = _artist_credit(release["artist-credit"])
    hit["release-group"] = _release_group(release["release-group"])
    hit |= _set(release, "date", "country")
    hit["release-events"] = _events(release)
    hit |= _set(release, "barcode")
    labels = [
        _set(info, "catalog-number")
        | ({"label": {"id": info["label"]["id"], "name": info["label"]["name"]}}
           if info.get("label") else {})
        for info in release.get("label-info", [])
    ]  # fmt: skip
    if labels:
        hit["label-info"] = labels
    hit["track-count"] = track_count(release)
    hit["media"] = [
        _set(medium, "id", "format") | {"disc-count": 0, "track-count": medium["track-count"]}
        for medium in release.get("media", [])
    ]
    return hit


def recording_release(release: Json, recording_id: str) -> Json:
    """The release as a recording search lists it: no barcode, only the recording's track."""
    shown: Json = {"id": release["id"], "count": 1}
    shown |= _set(release, "status-id", "title", "status", "disambiguation")
    shown["artist-credit-id"] = _credit_id(release["artist-credit"])
    shown["artist-credit"] = _artist_credit(release["artist-credit"])
    shown["release-group"] = _release_group(release["release-group"])
    shown |= _set(release, "date", "country")
    shown["release-events"] = _events(release)
    shown["track-count"] = track_count(release)
    media = []
    for medium in release.get("media", []):
        tracks = [t for t in medium.get("tracks", []) if t["recording"]["id"] == recording_id]
        if not tracks:
            continue
        media.append(
            {"position": medium["position"]}
            | _set(medium, "format")
            | {
                "track": [
                    {"id": t["id"], "number": t["number"], "title": t["title"]} | _set(t, "length")
                    for t in tracks
                ],
                "track-count": medium["track-count"],
                "track-offset": tracks[0]["position"] - 1,
            }
        )
    shown["media"] = media
    return shown


def url_release(release: Json) -> Json:
    """The release inside a URL lookup's relationship: no artist credit, no release group."""
    shown: Json = {"id": release["id"], "title": release["title"]}
    for key in ("quality", "disambiguation", "packaging", "packaging-id", "status", "status-id",
                "text-representation", "date", "country", "barcode"):  # fmt: skip
        if key in release:
            shown[key] = release[key]
    shown["release-events"] = release.get("release-events", [])
    return shown


@dataclass(frozen=True)
class RecordingEntry:
    """A recording as the catalogue's releases show it, and the releases that hold it."""

    recording: Json
    release_ids: tuple[str, ...]


def recordings(releases: dict[str, Json]) -> dict[str, RecordingEntry]:
    """Every recording of these releases, by recording MBID."""
    found: dict[str, Json] = {}
    holders: dict[str, list[str]] = {}
    for release in releases.values():
        for medium in release.get("media", []):
            for track in medium.get("tracks", []):
                recording = track["recording"]
                found.setdefault(recording["id"], recording)
                held = holders.setdefault(recording["id"], [])
                if release["id"] not in held:
                    held.append(release["id"])
    return {rid: RecordingEntry(found[rid], tuple(holders[rid])) for rid in found}


def recording_hit(entry: RecordingEntry, releases: dict[str, Json], score: int = 100) -> Json:
    """A recording as a `/ws/2/recording?query=isrc:…` hit, with every release holding it."""
    recording = entry.recording
    hit: Json = {"id": recording["id"], "score": score}
    hit["artist-credit-id"] = _credit_id(recording.get("artist-credit", []))
    hit |= _set(recording, "title", "length")
    hit["video"] = None
    hit |= _set(recording, "disambiguation")
    hit["artist-credit"] = _artist_credit(recording.get("artist-credit", []))
    hit |= _set(recording, "first-release-date")
    hit["releases"] = [recording_release(releases[r], recording["id"]) for r in entry.release_ids]
    hit["isrcs"] = list(recording.get("isrcs", []))
    return hit
