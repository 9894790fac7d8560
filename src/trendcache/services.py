"""Everything one trendcache process needs, built once from settings and passed around.

Tests build one against a temporary database and the Spotify emulator; nothing in the
package reaches for a global.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from redis import Redis

from trendcache.config import Settings
from trendcache.db import Database
from trendcache.health import Dependencies
from trendcache.locks import DatabaseLocks, Locks, RedisLocks
from trendcache.musicbrainz.connector import MusicBrainzConnector
from trendcache.pipeline.enrichment.enricher import Enricher
from trendcache.pipeline.sync.spotify_source import SpotifySource
from trendcache.pipeline.sync.syncer import Syncer
from trendcache.spotify.connector import SpotifyConnector

Listener = Callable[[], None]


class Services:
    def __init__(
        self,
        settings: Settings,
        *,
        database: Database | None = None,
        connector: SpotifyConnector | None = None,
        musicbrainz: Callable[[], MusicBrainzConnector] | None = None,
    ) -> None:
        self.settings = settings
        self.database = database or Database(settings.resolved_database_url)
        self.redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
        self.locks: Locks = RedisLocks(self.redis) if self.redis else DatabaseLocks(self.database)
        self.health = Dependencies(self.database, self.redis)
        self.connector = connector or SpotifyConnector(settings)
        self._listeners: list[Listener] = []
        self._queued_listeners: list[Callable[[list[str]], object]] = []
        self._lock = threading.Lock()
        self.syncer = Syncer(  # Spotify's: each source has a syncer of its own
            self.database,
            SpotifySource(self.database, settings, self.connector),
            self.locks,
            on_change=self._changed,
            on_queued=self._queued,
        )
        self.enricher = Enricher(
            self.database, settings, self.connector, musicbrainz, on_change=self._changed
        )

    def on_change(self, listener: Listener) -> None:
        """Call `listener` whenever this process changed what the read path shows."""
        with self._lock:
            self._listeners.append(listener)

    def on_queued(self, listener: Callable[[list[str]], object]) -> None:
        """Call `listener` with album ids a sync just queued for enrichment."""
        with self._lock:
            self._queued_listeners.append(listener)

    def changed(self) -> None:
        """Tell this process's listeners the read path changed (an admin's decision, say)."""
        self._changed()

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    def _queued(self, album_ids: list[str]) -> None:
        for listener in list(self._queued_listeners):
            listener(album_ids)

    def close(self) -> None:
        self.enricher.close()
        self.connector.close()
        self.database.dispose()
        if self.redis is not None:
            self.redis.close()
