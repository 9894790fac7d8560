"""An operator's part in enrichment: settling albums that need review, and retrying.

An album is resolved by choosing one of the candidates the matcher weighed, by naming
another release's MBID (looked up on MusicBrainz: it must exist, and its release group and
artists come from it), or as not in MusicBrainz. Such a decision has the method
`operator` and is never due again: no claim, sweep, data step or retry-all touches it,
and a batch that held the album when the operator decided leaves it as decided. Only a
retry of that one album hands it back to automatic matching.

Every decision reaches the read path at once: the trending views' seed metadata
(`mbMatches`) is rewritten in the same transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update

from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.models import EnrichmentState, SpotifyAlbum
from trendcache.musicbrainz.client import MusicBrainzClient
from trendcache.musicbrainz.errors import MusicBrainzError
from trendcache.pipeline.enrichment.claims import OPERATOR, automatic
from trendcache.pipeline.enrichment.enricher import Enricher
from trendcache.pipeline.enrichment.store import refresh_seed_metadata

# Far enough that no automatic run ever finds the album due, near enough for any database.
OPERATOR_HOLD = timedelta(days=100 * 365)
_MBID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_RELEASE_URL = re.compile(r"^https?://(?:[a-z]+\.)?musicbrainz\.org/release/([^/?#]+)")
SHOWN = 50  # albums listed for review at most


class ReviewError(Exception):
    """A refusal to show the operator, with a one-line message."""


@dataclass(frozen=True)
class ReviewItem:
    album_id: str
    name: str
    artists: str
    release_date: str | None
    tracks: int | None
    upc: str | None
    method: str | None  # the step that found the candidates
    candidates: list[dict[str, Any]]  # as weighed, best first (scoring's `as_json`)


@dataclass(frozen=True)
class Resolution:
    album_id: str
    status: str
    release_mbid: str | None = None
    release_group_mbid: str | None = None
    title: str | None = None
    artist_mbids: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "releaseMbid": self.release_mbid,
            "releaseGroupMbid": self.release_group_mbid,
            "title": self.title,
        }


def albums_to_review(database: Database, limit: int = SHOWN) -> tuple[list[ReviewItem], int]:
    """The albums that need review (longest waiting first, `limit` of them) and how many
    there are in all."""
    state = EnrichmentState
    needs = state.status == "needs_review"
    with database.session() as session:
        total = session.scalar(select(func.count()).where(needs)) or 0
        rows = session.execute(
            select(state.album_id, state.method, state.result, SpotifyAlbum.data)
            .outerjoin(SpotifyAlbum, SpotifyAlbum.id == state.album_id)
            .where(needs)
            .order_by(state.updated_at, state.album_id)
            .limit(limit)
        ).all()
    return [_item(*row) for row in rows], int(total)


def _item(
    album_id: str, method: str | None, result: dict[str, Any] | None, album: dict[str, Any] | None
) -> ReviewItem:
    album = album or {}
    return ReviewItem(
        album_id=album_id,
        name=album.get("name") or album_id,
        artists=", ".join(a.get("name", "") for a in album.get("artists") or []),
        release_date=album.get("release_date"),
        tracks=album.get("total_tracks"),
        upc=(album.get("external_ids") or {}).get("upc"),
        method=method,
        candidates=list((result or {}).get("candidates") or []),
    )


@dataclass(frozen=True)
class FailedAlbum:
    album_id: str
    name: str
    status: str
    error: str
    next_attempt_at: datetime


def albums_in_error(database: Database, limit: int = SHOWN) -> tuple[list[FailedAlbum], int]:
    """Albums whose last attempt failed (MusicBrainz or the database refused), most recent
    first, and how many there are in all."""
    state = EnrichmentState
    failed = and_(or_(state.status == "error", state.last_error.is_not(None)), automatic())
    with database.session() as session:
        total = session.scalar(select(func.count()).where(failed)) or 0
        rows = session.execute(
            select(
                state.album_id,
                state.status,
                state.last_error,
                state.next_attempt_at,
                SpotifyAlbum.data,
            )
            .outerjoin(SpotifyAlbum, SpotifyAlbum.id == state.album_id)
            .where(failed)
            .order_by(state.updated_at.desc(), state.album_id)
            .limit(limit)
        ).all()
    return [
        FailedAlbum(album_id, (album or {}).get("name") or album_id, status, error or "", due)
        for album_id, status, error, due, album in rows
    ], int(total)


def lookup_client(enricher: Enricher) -> MusicBrainzClient:
    """A MusicBrainz client for an operator's lookups (never answered from the cache)."""
    connector = enricher.connector()
    if connector is None:
        raise ReviewError("MusicBrainz is off here (see MUSICBRAINZ_USER_AGENT): no lookup.")
    return connector.client()


def parse_mbid(text: str) -> str:
    """A release MBID as an operator may paste it (bare, or its musicbrainz.org link)."""
    text = text.strip()
    link = _RELEASE_URL.match(text)
    mbid = (link.group(1) if link else text).lower()
    if not _MBID.fullmatch(mbid):
        raise ReviewError(
            "That is not a MusicBrainz release MBID (like 0f2bd8a6-0e8d-4a43-8e7e-"
            "2bc3cb5e2d5c) or a musicbrainz.org/release/… link."
        )
    return mbid


def choose_candidate(
    database: Database, client: MusicBrainzClient, album_id: str, mbid: str, by: str
) -> Resolution:
    """Resolve `album_id` to one of the candidates it was weighed against."""
    mbid = parse_mbid(mbid)
    with database.session() as session:
        result = session.scalar(select(EnrichmentState.result).where(_album(album_id)))
    candidates = {c.get("mbid") for c in (result or {}).get("candidates") or []}
    if mbid not in candidates:
        raise ReviewError(f"{mbid} is not one of the candidates weighed for this album.")
    return resolve_by_mbid(database, client, album_id, mbid, by)


def resolve_by_mbid(
    database: Database, client: MusicBrainzClient, album_id: str, mbid: str, by: str
) -> Resolution:
    """Resolve `album_id` to the release `mbid`, which MusicBrainz must know: its release
    group and artists are taken from the lookup."""
    mbid = parse_mbid(mbid)
    _existing(database, album_id)
    try:
        release = client.release(mbid)
    except MusicBrainzError as exc:
        raise ReviewError(f"MusicBrainz could not be asked about {mbid}: {exc}") from exc
    if release is None:
        raise ReviewError(f"MusicBrainz has no release {mbid}.")
    group = release.release_group.id if release.release_group else None
    artists = tuple(dict.fromkeys(credit.artist.id for credit in release.artist_credit))
    resolution = Resolution(album_id, "matched", release.id, group, release.title, artists)
    return _decide(database, resolution, by)


def mark_not_in_musicbrainz(database: Database, album_id: str, by: str) -> Resolution:
    """The album is not in MusicBrainz, an operator says: no automatic run asks again."""
    _existing(database, album_id)
    return _decide(database, Resolution(album_id, "no_match"), by)


def retry_album(database: Database, album_id: str) -> bool:
    """Make one album due now; an operator's decision on it is handed back to automatic
    matching. False when no such album is queued."""
    now = utcnow()
    with database.writer() as session:
        row = session.get(EnrichmentState, album_id)
        if row is None:
            return False
        if row.method == OPERATOR:
            row.method = None
        row.next_attempt_at = now
    return True


def retry_errors(database: Database) -> int:
    """Make every album that failed (a MusicBrainz or database error) due now; how many.
    An operator's decisions are left alone."""
    state = EnrichmentState
    now = utcnow()
    with database.writer() as session:
        result = session.execute(
            update(state)
            .where(
                or_(state.status == "error", state.last_error.is_not(None)),
                state.next_attempt_at > now,  # what is due already needs no retry
                state.batch_id.is_(None),
                automatic(),
            )
            .values(next_attempt_at=now)
        )
        return int(getattr(result, "rowcount", 0) or 0)


def _album(album_id: str) -> Any:
    return EnrichmentState.album_id == album_id


def _existing(database: Database, album_id: str) -> None:
    with database.session() as session:
        if session.get(EnrichmentState, album_id) is None:
            raise ReviewError(f"No album {album_id} is queued for MusicBrainz matching.")


def _decide(database: Database, resolution: Resolution, by: str) -> Resolution:
    now = utcnow()
    matched = resolution.status == "matched"
    with database.writer() as session:
        row = session.get(EnrichmentState, resolution.album_id)
        if row is None:  # deleted since we looked: nothing to decide
            raise ReviewError(f"No album {resolution.album_id} is queued for MusicBrainz matching.")
        row.status = resolution.status
        row.level = "release" if matched else None
        row.method = OPERATOR
        row.confidence = 1.0 if matched else None
        row.release_mbid = resolution.release_mbid
        row.release_group_mbid = resolution.release_group_mbid
        row.result = _result(row.result, resolution, by, now)
        row.next_attempt_at = now + OPERATOR_HOLD
        row.batch_id = row.claimed_until = row.last_error = row.steps_done = None
        session.flush()
        refresh_seed_metadata(session)
    return resolution


def _result(
    before: dict[str, Any] | None,
    resolution: Resolution,
    by: str,
    now: datetime,
) -> dict[str, Any]:
    """The stored result as a decision by `by`, keeping the candidates that were weighed."""
    return (before or {}) | {
        "status": resolution.status,
        "level": "release" if resolution.status == "matched" else None,
        "note": f"decided by {by}",
        "method": OPERATOR,
        "confidence": 1.0 if resolution.status == "matched" else None,
        "releaseMbid": resolution.release_mbid,
        "releaseGroupMbid": resolution.release_group_mbid,
        "artistMbids": list(resolution.artist_mbids),
        "operator": by,
        "decidedAt": now.isoformat(),
    }
