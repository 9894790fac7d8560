"""Search results as MusicBrainz ws/2 JSON, shaped like the recorded searches.

Search hits are leaner than lookups and omit what is empty: ``barcode`` only when set,
``disambiguation`` and ``joinphrase`` only when non-empty, artists without type or
country, areas without type. Each hit carries an integer ``score``.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from .catalog import Appearance, MusicBrainzCatalog
from .constants import AREAS, PACKAGING_IDS, PRIMARY_TYPE_IDS, STATUS_IDS
from .model import ArtistCredit, Recording, Release, ReleaseGroup, credit_text
from .render import JSONObject, type_ids

_CREDIT_NAMESPACE = uuid.UUID("5a0c5c0e-4b1d-4c9e-9a8f-6d2f8f0e6c11")


def envelope(kind: str, items: list[JSONObject], *, count: int, offset: int) -> JSONObject:
    """``{created, count, offset, <kind>: [...]}``; ``created`` is when the search ran."""
    created = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {"created": created, "count": count, "offset": offset, kind: items}


def credit_id(c: ArtistCredit) -> str:
    """MusicBrainz artist-credit ids are name-based (version 3) UUIDs."""
    key = "|".join(f"{n.artist.id}:{n.name}:{n.joinphrase}" for n in c) or credit_text(c)
    return str(uuid.uuid3(_CREDIT_NAMESPACE, key))


def credit(c: ArtistCredit) -> list[JSONObject]:
    names = []
    for n in c:
        a: JSONObject = {"id": n.artist.id, "name": n.artist.name, "sort-name": n.artist.sort_name}
        if n.artist.disambiguation:
            a["disambiguation"] = n.artist.disambiguation
        entry: JSONObject = {"artist": a, "name": n.name}
        if n.joinphrase:
            entry["joinphrase"] = n.joinphrase
        names.append(entry)
    return names


def group(g: ReleaseGroup) -> JSONObject:
    primary = PRIMARY_TYPE_IDS[g.primary_type]
    body: JSONObject = {
        "id": g.id,
        "primary-type": g.primary_type,
        "primary-type-id": primary,
        "title": g.title,
        "type-id": type_ids(g.secondary_types)[0] if g.secondary_types else primary,
    }
    if g.secondary_types:
        body["secondary-type-ids"] = type_ids(g.secondary_types)
        body["secondary-types"] = list(g.secondary_types)
    return body


def _common(r: Release) -> JSONObject:
    """What release hits of both searches share."""
    found = AREAS[r.country]
    area = {
        "id": found.id,
        "iso-3166-1-codes": [r.country],
        "name": found.name,
        "sort-name": found.name,
    }
    body: JSONObject = {
        "artist-credit": credit(r.credit),
        "artist-credit-id": credit_id(r.credit),
        "count": len(r.media),
        "country": r.country,
        "date": r.date,
        "id": r.id,
        "release-events": [{"area": area, "date": r.date}],
        "release-group": group(r.group),
        "status": r.status,
        "status-id": STATUS_IDS[r.status],
        "title": r.title,
        "track-count": r.track_count,
    }
    if r.disambiguation:
        body["disambiguation"] = r.disambiguation
    return body


def release(r: Release, score: int) -> JSONObject:
    label: JSONObject = {"label": {"id": r.label.id, "name": r.label.name}}
    if r.catalog_number:
        label["catalog-number"] = r.catalog_number
    body = _common(r) | {
        "label-info": [label],
        "media": [
            {"disc-count": 0, "format": m.format, "id": m.id, "track-count": len(m.tracks)}
            for m in r.media
        ],
        "packaging": r.packaging,
        "packaging-id": PACKAGING_IDS[r.packaging],
        "score": score,
        "text-representation": {"language": r.language, "script": r.script},
    }
    if r.barcode:
        body["barcode"] = r.barcode
    return dict(sorted(body.items()))


def recording(catalog: MusicBrainzCatalog, rec: Recording, score: int) -> JSONObject:
    body: JSONObject = {
        "artist-credit": credit(rec.credit),
        "artist-credit-id": credit_id(rec.credit),
        "first-release-date": catalog.first_appearance(rec),
        "id": rec.id,
        "length": rec.length,
        "releases": [_appearance(a) for a in catalog.appearances(rec)],
        "score": score,
        "title": rec.title,
        "video": None,
    }
    if rec.isrcs:
        body["isrcs"] = list(rec.isrcs)
    if rec.disambiguation:
        body["disambiguation"] = rec.disambiguation
    return dict(sorted(body.items()))


def _appearance(a: Appearance) -> dict[str, Any]:
    """A release in a recording hit, its medium narrowed to the matching track."""
    track = {"id": a.track.id, "length": a.track.length, "number": a.track.number}
    medium = {
        "format": a.medium.format,
        "id": a.medium.id,
        "position": a.medium.position,
        "track": [track | {"title": a.track.title}],
        "track-count": len(a.medium.tracks),
        "track-offset": a.track.position - 1,
    }
    return dict(sorted((_common(a.release) | {"media": [medium]}).items()))
