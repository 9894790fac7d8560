"""Each album's enrichment status and credited artists, mirrored in memory for the statistics,
and for each scope asked for, its albums by status (the all-time coverage).

Coverage and top artists need both for every album of a window: thousands of key lookups
per request when read from the database (about 3 µs each on PostgreSQL, the larger part of a
wide window's cost). The mirror loads an album's facts the first time a window holds it,
then keeps them current from what changed since its last look: when the newest enrichment
state or album (a sync stamps every album it lists) moved, the states, or the credits of the
albums, changed since a little before the previous newest, so that a change committed late
is still picked up; each read from an index on `updated_at`.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trendcache.db.history import Album, AlbumArtist, AlbumDebut, Snapshot
from trendcache.db.models import EnrichmentState
from trendcache.pipeline.enrichment.status import coverage_status
from trendcache.pipeline.history.rollup_rules import ALL
from trendcache.pipeline.stats.window import KNOWN_SOURCES

SLACK = timedelta(minutes=1)  # how far before the newest change each look starts
EARLIEST = datetime.min.replace(tzinfo=UTC)
CHUNK = 5_000  # ids per statement


class Fact(NamedTuple):
    status: str | None  # as coverage counts it (matched by level); None: never queued
    artists: tuple[str, ...]  # credited artist ids, each once, in credit order


@dataclass
class _Scope:
    albums: set[str]  # that ever charted there
    statuses: Counter[str | None]  # those albums by enrichment status


class AlbumMirror:
    """The mirror; safe to share between threads."""

    def __init__(self) -> None:
        self._facts: dict[str, Fact] = {}
        self._states_since: datetime | None = None
        self._albums_since: datetime | None = None
        self._scopes: dict[tuple[str, str], _Scope] = {}
        self._snapshots_since: datetime | None = None
        self._lock = threading.Lock()

    def coverage(self, session: Session, source: str, market: str) -> Counter[str | None]:
        """The albums that ever charted in a scope (a source and a market, either `*`) by
        enrichment status: read from `album_debuts` the first time, then kept by counting
        each status change and each debut of the snapshots that landed since."""
        with self._lock:
            self._catch_up(session)
            self._grow_scopes(session)
            scope = self._scopes.get((source, market))
            if scope is None:
                albums = _debuts(session, source, market, EARLIEST)
                self._ensure(session, albums)
                statuses = Counter(self._facts[album_id].status for album_id in albums)
                scope = self._scopes[(source, market)] = _Scope(set(albums), statuses)
            return Counter(scope.statuses)

    def of(self, session: Session, album_ids: Collection[str]) -> dict[str, Fact]:
        """The facts of (at least) `album_ids`, current as of this call."""
        with self._lock:
            self._catch_up(session)
            self._ensure(session, album_ids)
            return self._facts  # read by key only: entries are replaced whole, never changed

    def load_all(self, session: Session) -> int:
        """Mirror every album now, and the coverage of every market together (a server
        warms up with it); how many albums there are."""
        album_ids = list(session.scalars(select(Album.id)).all())
        self.of(session, album_ids)
        for source in KNOWN_SOURCES:
            self.coverage(session, source, ALL)
        return len(album_ids)

    def _ensure(self, session: Session, album_ids: Iterable[str]) -> None:
        missing = [album_id for album_id in album_ids if album_id not in self._facts]
        for start in range(0, len(missing), CHUNK):
            self._load(session, missing[start : start + CHUNK])

    def _grow_scopes(self, session: Session) -> None:
        newest = session.scalar(select(func.max(Snapshot.fetched_at))) or EARLIEST
        since, self._snapshots_since = self._snapshots_since, newest
        if since is None or newest == since:
            return
        for (source, market), scope in self._scopes.items():
            debuts = _debuts(session, source, market, _before(since))
            new = [album_id for album_id in debuts if album_id not in scope.albums]
            self._ensure(session, new)
            scope.albums.update(new)
            scope.statuses.update(self._facts[album_id].status for album_id in new)

    def _catch_up(self, session: Session) -> None:
        """Apply what changed since the last look: nothing to read unless a newest change
        moved (two index probes), then the changes from a little before the last one."""
        newest_state = select(func.max(EnrichmentState.updated_at)).scalar_subquery()
        newest_album = select(func.max(Album.updated_at)).scalar_subquery()
        states_at, albums_at = session.execute(select(newest_state, newest_album)).one()
        states_at, albums_at = states_at or EARLIEST, albums_at or EARLIEST
        if self._states_since is None or self._albums_since is None:
            # First look: facts load as windows need them, current from here on.
            self._states_since, self._albums_since = states_at, albums_at
            return
        if states_at != self._states_since:
            self._apply_states(session, self._states_since)
            self._states_since = states_at
        if albums_at != self._albums_since:
            self._apply_credits(session, self._albums_since)
            self._albums_since = albums_at

    def _apply_states(self, session: Session, since: datetime) -> None:
        states = session.execute(
            select(EnrichmentState.album_id, coverage_status()).where(
                EnrichmentState.updated_at >= _before(since)
            )
        )
        for album_id, status in states.all():
            fact = self._facts.get(album_id)
            if fact is None or fact.status == status:
                continue
            self._facts[album_id] = fact._replace(status=status)
            for scope in self._scopes.values():
                if album_id in scope.albums:
                    scope.statuses[fact.status] -= 1
                    scope.statuses[status] += 1

    def _apply_credits(self, session: Session, since: datetime) -> None:
        changed = session.scalars(select(Album.id).where(Album.updated_at >= _before(since)))
        known = [album_id for album_id in changed.all() if album_id in self._facts]
        for album_id, artists in _credits(session, known).items():
            self._facts[album_id] = self._facts[album_id]._replace(artists=artists)

    def _load(self, session: Session, album_ids: list[str]) -> None:
        statuses = dict(
            session.execute(
                select(EnrichmentState.album_id, coverage_status()).where(
                    EnrichmentState.album_id.in_(album_ids)
                )
            ).all()
        )
        credits = _credits(session, album_ids)
        for album_id in album_ids:
            self._facts[album_id] = Fact(statuses.get(album_id), credits.get(album_id, ()))


def _debuts(session: Session, source: str, market: str, since: datetime) -> list[str]:
    debut = AlbumDebut
    return list(
        session.scalars(
            select(debut.album_id).where(
                debut.source == source, debut.market == market, debut.first_seen_at >= since
            )
        ).all()
    )


def _before(moment: datetime) -> datetime:
    return moment if moment == EARLIEST else moment - SLACK


def _credits(session: Session, album_ids: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Each album's artists in credit order, each once (an album without credits: none)."""
    ids = list(album_ids)
    found: dict[str, list[str]] = {album_id: [] for album_id in ids}
    for start in range(0, len(ids), CHUNK):
        rows = session.execute(
            select(AlbumArtist.album_id, AlbumArtist.artist_id)
            .where(AlbumArtist.album_id.in_(ids[start : start + CHUNK]))
            .order_by(AlbumArtist.album_id, AlbumArtist.position)
        )
        for album_id, artist_id in rows.all():
            if artist_id not in found[album_id]:
                found[album_id].append(artist_id)
    return {album_id: tuple(artists) for album_id, artists in found.items()}
