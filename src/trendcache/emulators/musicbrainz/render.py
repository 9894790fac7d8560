"""Entities as MusicBrainz ws/2 JSON, key for key like the recorded lookups.

Lookups carry every key with nulls and empty strings spelled out (``"asin": null``,
``"disambiguation": ""``); search hits (``hits``) drop empty ones. Which sub-objects a
lookup carries depends on ``inc``, exactly as on MusicBrainz: no ``artist-credits``, no
``artist-credit`` keys anywhere in the answer.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from .catalog import MusicBrainzCatalog
from .constants import (
    AREAS,
    ARTIST_TYPE_IDS,
    FORMAT_IDS,
    FREE_STREAMING,
    LABEL_TYPE,
    NO_LABEL_MBID,
    PACKAGING_IDS,
    PRIMARY_TYPE_IDS,
    SECONDARY_TYPE_IDS,
    STATUS_IDS,
)
from .model import Artist, ArtistCredit, Medium, Recording, Release, ReleaseGroup, Track, Url

JSONObject = dict[str, Any]
_COVER_ART = {"artwork": True, "back": False, "count": 1, "darkened": False, "front": True}


def artist(a: Artist) -> JSONObject:
    return {
        "country": a.country,
        "disambiguation": a.disambiguation,
        "id": a.id,
        "name": a.name,
        "sort-name": a.sort_name,
        "type": a.type,
        "type-id": ARTIST_TYPE_IDS.get(a.type) if a.type else None,
    }


def credit(c: ArtistCredit) -> list[JSONObject]:
    return [{"artist": artist(n.artist), "joinphrase": n.joinphrase, "name": n.name} for n in c]


def area(code: str) -> JSONObject:
    found = AREAS[code]
    return {
        "disambiguation": "",
        "id": found.id,
        "iso-3166-1-codes": [code],
        "name": found.name,
        "sort-name": found.name,
        "type": None,
        "type-id": None,
    }


def release_summary(r: Release) -> JSONObject:
    """The release as embedded in URL relationships and release-group lookups."""
    return {
        "barcode": r.barcode,
        "country": r.country,
        "date": r.date,
        "disambiguation": r.disambiguation,
        "id": r.id,
        "packaging": r.packaging,
        "packaging-id": PACKAGING_IDS[r.packaging],
        "quality": "normal",
        "release-events": [{"area": area(r.country), "date": r.date}],
        "status": r.status,
        "status-id": STATUS_IDS[r.status],
        "text-representation": {"language": r.language, "script": r.script},
        "title": r.title,
    }


def type_ids(names: Collection[str]) -> list[str]:
    return [SECONDARY_TYPE_IDS[n] for n in names]


class Lookup:
    """Renders lookups for one request's ``inc`` set."""

    def __init__(self, catalog: MusicBrainzCatalog, inc: Collection[str]) -> None:
        self.catalog = catalog
        self.inc = frozenset(inc)
        self.credits = bool(self.inc & {"artist-credits", "artists"})

    def _credited(self, body: JSONObject, c: ArtistCredit) -> JSONObject:
        if self.credits:
            body["artist-credit"] = credit(c)
        return dict(sorted(body.items()))

    def release(self, r: Release) -> JSONObject:
        body = release_summary(r) | {"asin": None, "cover-art-archive": dict(_COVER_ART)}
        if "labels" in self.inc:
            body["label-info"] = [{"catalog-number": r.catalog_number, "label": _label(r)}]
        if self.inc & {"media", "recordings"}:
            body["media"] = [self._medium(m) for m in r.media]
        if "release-groups" in self.inc:
            body["release-group"] = self.release_group(r.group)
        if "url-rels" in self.inc:
            body["relations"] = [_url_relation(r.url)] if r.url else []
        return self._credited(body, r.credit)

    def release_group(self, g: ReleaseGroup) -> JSONObject:
        body: JSONObject = {
            "disambiguation": g.disambiguation,
            "first-release-date": self.catalog.first_release_date(g),
            "id": g.id,
            "primary-type": g.primary_type,
            "primary-type-id": PRIMARY_TYPE_IDS[g.primary_type],
            "secondary-type-ids": type_ids(g.secondary_types),
            "secondary-types": list(g.secondary_types),
            "title": g.title,
        }
        if "releases" in self.inc:
            body["releases"] = [
                self._credited(release_summary(r), r.credit) for r in self.catalog.releases_in(g)
            ]
        return self._credited(body, g.credit)

    def _medium(self, m: Medium) -> JSONObject:
        body: JSONObject = {
            "format": m.format,
            "format-id": FORMAT_IDS[m.format],
            "id": m.id,
            "position": m.position,
            "title": "",
            "track-count": len(m.tracks),
            "track-offset": 0,
        }
        if "recordings" in self.inc:
            body["tracks"] = [self._track(t) for t in m.tracks]
        return body

    def _track(self, t: Track) -> JSONObject:
        body = {
            "id": t.id,
            "length": t.length,
            "number": t.number,
            "position": t.position,
            "recording": self.recording(t.recording),
            "title": t.title,
        }
        return self._credited(body, t.credit)

    def recording(self, rec: Recording) -> JSONObject:
        body: JSONObject = {
            "disambiguation": rec.disambiguation,
            "first-release-date": self.catalog.first_appearance(rec),
            "id": rec.id,
            "length": rec.length,
            "title": rec.title,
            "video": False,
        }
        if "isrcs" in self.inc:
            body["isrcs"] = list(rec.isrcs)
        return self._credited(body, rec.credit)

    def url(self, u: Url, r: Release) -> JSONObject:
        body: JSONObject = {"id": u.id, "resource": u.resource}
        if any(i.endswith("-rels") for i in self.inc):
            body["relations"] = [_release_relation(r)] if "release-rels" in self.inc else []
        return body


def _label(r: Release) -> JSONObject:
    special = r.label.id == NO_LABEL_MBID
    return {
        "disambiguation": "",
        "id": r.label.id,
        "label-code": None,
        "name": r.label.name,
        "sort-name": r.label.name,
        "type": None if special else LABEL_TYPE[0],
        "type-id": None if special else LABEL_TYPE[1],
    }


def _relation(direction: str, target_type: str) -> JSONObject:
    return {
        "attribute-ids": {},
        "attribute-values": {},
        "attributes": [],
        "begin": None,
        "direction": direction,
        "end": None,
        "ended": False,
        "source-credit": "",
        "target-credit": "",
        "target-type": target_type,
        "type": FREE_STREAMING[0],
        "type-id": FREE_STREAMING[1],
    }


def _release_relation(r: Release) -> JSONObject:
    """A URL's "free streaming" link seen from the URL: backward, to the release."""
    return _relation("backward", "release") | {"release": release_summary(r)}


def _url_relation(u: Url) -> JSONObject:
    return _relation("forward", "url") | {"url": {"id": u.id, "resource": u.resource}}
