"""Everything one trendcache process needs, built once from settings and passed around.

Tests build one against a temporary database and the Spotify emulator; nothing in the
package reaches for a global.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from redis import Redis

from trendcache.accounts.deliveries import NotificationCourier
from trendcache.accounts.notifications import record_listed
from trendcache.changes import Change, ChangeListener, What, change_bus, publish
from trendcache.config import Settings
from trendcache.db import Database
from trendcache.health import Dependencies
from trendcache.listenbrainz.connector import ListenBrainzConnector, listenbrainz_connector
from trendcache.locks import DatabaseLocks, Locks, RedisLocks
from trendcache.musicbrainz.connector import MusicBrainzConnector
from trendcache.owners import new_owner
from trendcache.pipeline.alerts.watch import AlertWatch
from trendcache.pipeline.counters import add_counts
from trendcache.pipeline.enrichment.enricher import Enricher
from trendcache.pipeline.keys import LISTENBRAINZ
from trendcache.pipeline.sync.listenbrainz_source import ListenBrainzSource
from trendcache.pipeline.sync.spotify_source import SpotifySource
from trendcache.pipeline.sync.syncer import Syncer
from trendcache.spotify.connector import SpotifyConnector
from trendcache.tally import Flusher, Tally
from trendcache.useragent import InvalidUserAgent, checked_user_agent

Listener = Callable[[], None]


class Services:
    def __init__(
        self,
        settings: Settings,
        *,
        database: Database | None = None,
        connector: SpotifyConnector | None = None,
        musicbrainz: Callable[[], MusicBrainzConnector] | None = None,
        listenbrainz: ListenBrainzConnector | None = None,
        tally: Tally | None = None,
    ) -> None:
        """A `connector`, `musicbrainz` or `listenbrainz` given counts into its own tally:
        build it with this `tally` for its requests to reach the metrics."""
        self.settings = settings
        self.database = database or Database(settings.resolved_database_url)
        # This process's metric counts, added to the shared table every few seconds by
        # `flusher` (started by the long-running processes, stopped by `close`).
        self.tally = tally or Tally()
        self.flusher = Flusher(self.tally, lambda deltas: add_counts(self.database, deltas))
        self.redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
        self.locks: Locks = RedisLocks(self.redis) if self.redis else DatabaseLocks(self.database)
        self.health = Dependencies(self.database, self.redis)
        self.connector = connector or SpotifyConnector(settings, tally=self.tally)
        self._listeners: list[Listener] = []
        self._queued_listeners: list[Callable[[list[str]], object]] = []
        self._lock = threading.Lock()
        # Every process hears the others' changes (`changes.py`): this one's are tagged.
        self.origin = new_owner()
        self.changes = change_bus(settings, self.database)
        self.listener: ChangeListener | None = None
        self.syncer = Syncer(  # Spotify's: each source has a syncer of its own
            self.database,
            SpotifySource(self.database, settings, self.connector),
            self.locks,
            on_change=lambda: self.announce("sync"),
            on_queued=self._queued,
            on_stored=record_listed,  # followed artists' notifications, in the same write
        )
        # Every source's syncer by its name; ListenBrainz's only when it can run, else
        # `listenbrainz_off` says why.
        self.syncers: dict[str, Syncer] = {self.syncer.source.name: self.syncer}
        self.listenbrainz: ListenBrainzConnector | None = None
        self.listenbrainz_off = listenbrainz_off(settings)
        if self.listenbrainz_off is None:
            self.listenbrainz = listenbrainz or listenbrainz_connector(settings, self.tally)
            self.syncers[LISTENBRAINZ] = Syncer(
                self.database,
                ListenBrainzSource(settings, self.listenbrainz),
                self.locks,
                on_change=lambda: self.announce("sync"),
                on_stored=record_listed,
            )
        self.enricher = Enricher(
            self.database,
            settings,
            self.connector,
            musicbrainz or (lambda: MusicBrainzConnector(settings, tally=self.tally)),
            on_change=lambda: self.announce("enrichment"),
            tally=self.tally,
        )
        # Run by every queue consumer (serve's and each worker's), read by /api/status.
        self.alerts = AlertWatch(self.database, settings, list(self.syncers))
        # Run by every queue consumer too: users' own webhooks.
        self.notifications = NotificationCourier(self.database, settings.notify_check_seconds)

    def on_change(self, listener: Listener) -> None:
        """Call `listener` whenever this process changed what the read path shows, and,
        while `listen()`ing, whenever another process announced it did."""
        with self._lock:
            self._listeners.append(listener)

    def on_queued(self, listener: Callable[[list[str]], object]) -> None:
        """Call `listener` with album ids a sync just queued for enrichment."""
        with self._lock:
            self._queued_listeners.append(listener)

    def announce(self, what: What) -> None:
        """This process changed what the read path shows: tell its listeners, then every
        other process (never raises: a bus that is down leaves it to the periodic checks)."""
        self._changed()
        publish(self.changes, Change(what, self.origin))

    def listen(self) -> None:
        """Hear the other processes' changes until `stop_listening` (a web process does)."""
        if self.listener is None:
            self.listener = ChangeListener(self.changes, self.origin, self._changed)
            self.listener.start()

    def stop_listening(self) -> None:
        if self.listener is not None:
            self.listener.stop()
            self.listener = None

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    def _queued(self, album_ids: list[str]) -> None:
        for listener in list(self._queued_listeners):
            listener(album_ids)

    def close(self) -> None:
        self.stop_listening()
        self.flusher.stop()  # the counts since the last flush, while the database is here
        self.enricher.close()
        self.connector.close()
        if self.listenbrainz is not None:
            self.listenbrainz.close()
        self.changes.close()
        self.database.dispose()
        if self.redis is not None:
            self.redis.close()


def listenbrainz_off(settings: Settings) -> str | None:
    """Why ListenBrainz is not synced with these settings; None when it is."""
    if not settings.listenbrainz_enabled:
        return "LISTENBRAINZ_ENABLED is off"
    try:
        checked_user_agent(
            settings.musicbrainz_user_agent, "MUSICBRAINZ_USER_AGENT", "ListenBrainz"
        )
    except InvalidUserAgent as exc:
        return f"ListenBrainz is off: {exc}"
    return None
