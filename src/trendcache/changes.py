"""Changes announced to every process, so each web process serves the same truth.

A process that changed what the read path shows (a sync, an enrichment decision, an admin
action, a `backfill`) publishes a small message, `{"what": ..., "origin": ...}`:

- on Redis pub/sub when REDIS_URL is set (channel `trendcache:changes:<db>`, so two
  deployments on one Redis server's different databases do not hear each other);
- else on PostgreSQL `NOTIFY trendcache_changes` when the database is PostgreSQL;
- else (SQLite, one machine) nowhere: each web process's periodic check
  (`web/served_views.py`, every 0.5 s) is what carries a change there.

Every web process runs a `ChangeListener` thread that hears them and calls its local
listeners (the snapshots rebuild, the statistics forget). Publishing never raises: a bus
that is down costs the message, and the periodic check (the safety net) still sees the
change in the database a little later. The listener reconnects with bounded backoff and,
after each reconnection, calls the listeners once, for whatever it may have missed.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

import psycopg
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from trendcache.config import Settings
from trendcache.db import Database
from trendcache.owners import new_owner

What = Literal["sync", "enrichment", "backfill", "admin"]
PG_CHANNEL = "trendcache_changes"
# The listening connection's name, in Redis's CLIENT LIST and PostgreSQL's pg_stat_activity.
LISTENER_NAME = "trendcache-changes"
WAIT_SECONDS = 1.0  # how long one wait for a message lasts (so how soon `stop` is seen)
TIMEOUT_SECONDS = 3.0  # to connect to the bus, or for it to answer a publish
BACKOFF_FIRST = 0.5  # seconds before the first reconnection, doubling ...
BACKOFF_MAX = 10.0  # ... up to this

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Change:
    what: str
    origin: str  # the announcing `Services`'s, so it can ignore its own

    def encode(self) -> str:
        return json.dumps({"what": self.what, "origin": self.origin})


def decode(payload: str | bytes) -> Change | None:
    """The change in a message, None for one that is not ours (never raises)."""
    try:
        data = json.loads(payload)
        return Change(str(data["what"]), str(data["origin"]))
    except (ValueError, TypeError, KeyError):
        return None


Heard = Callable[[Change | None], None]  # None: reconnected, something may have been missed


class ChangeBus(Protocol):
    name: str

    def publish(self, change: Change) -> None:
        """Send `change`; raises when the bus cannot be reached."""

    def listen(self, stop: threading.Event, connected: Callable[[], None], heard: Heard) -> None:
        """Call `connected` once subscribed, then `heard` per message until `stop` is set;
        raises when the connection fails."""

    def close(self) -> None: ...


class RedisBus:
    name = "redis"

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = _redis(url)
        db = self.client.connection_pool.connection_kwargs.get("db", 0)
        self.channel = f"trendcache:changes:{db}"

    def publish(self, change: Change) -> None:
        self.client.publish(self.channel, change.encode())

    def listen(self, stop: threading.Event, connected: Callable[[], None], heard: Heard) -> None:
        client = _redis(self.url, name=LISTENER_NAME)
        pubsub = client.pubsub(ignore_subscribe_messages=True)  # type: ignore[no-untyped-call]
        try:
            pubsub.subscribe(self.channel)
            connected()
            while not stop.is_set():
                message = pubsub.get_message(timeout=WAIT_SECONDS)
                if message is not None and message.get("type") == "message":
                    heard(decode(message["data"]))
        finally:
            pubsub.close()
            client.close()

    def close(self) -> None:
        self.client.close()


class PostgresBus:
    name = "postgresql"

    def __init__(self, database: Database) -> None:
        self.database = database

    def publish(self, change: Change) -> None:
        with self.database.engine.begin() as connection:
            connection.execute(
                text("SELECT pg_notify(:channel, :payload)"),
                {"channel": PG_CHANNEL, "payload": change.encode()},
            )

    def listen(self, stop: threading.Event, connected: Callable[[], None], heard: Heard) -> None:
        url = self.database.url.set(drivername="postgresql").render_as_string(False)
        with psycopg.connect(
            url,
            autocommit=True,
            connect_timeout=int(TIMEOUT_SECONDS),
            application_name=LISTENER_NAME,
        ) as connection:
            connection.execute(f"LISTEN {PG_CHANNEL}")
            connected()
            while not stop.is_set():
                for notify in connection.notifies(timeout=WAIT_SECONDS):
                    heard(decode(notify.payload))
                    if stop.is_set():
                        break

    def close(self) -> None:
        """The engine is the database's: nothing of ours to close."""


class NoBus:
    """SQLite: one machine, whose processes each check the database twice a second."""

    name = "none"

    def publish(self, change: Change) -> None:
        """Nothing to send: the periodic checks carry the change."""

    def listen(self, stop: threading.Event, connected: Callable[[], None], heard: Heard) -> None:
        connected()
        stop.wait()

    def close(self) -> None:
        """Nothing to close."""


def change_bus(settings: Settings, database: Database) -> ChangeBus:
    """Redis when REDIS_URL is set, else PostgreSQL's NOTIFY, else none (SQLite)."""
    if settings.redis_url:
        return RedisBus(settings.redis_url)
    if not database.is_sqlite:
        return PostgresBus(database)
    return NoBus()


def _redis(url: str, name: str | None = None) -> Redis:
    return Redis.from_url(
        url,
        client_name=name,
        socket_timeout=TIMEOUT_SECONDS + WAIT_SECONDS,
        socket_connect_timeout=TIMEOUT_SECONDS,
        health_check_interval=30,
    )


BUS_ERRORS = (RedisError, SQLAlchemyError, psycopg.Error, OSError)


def publish(bus: ChangeBus, change: Change) -> bool:
    """Send `change` if the bus is there; True if it was sent. Never raises for the bus."""
    try:
        bus.publish(change)
    except BUS_ERRORS as exc:
        log.warning("could not announce a %s change on %s: %s", change.what, bus.name, exc)
        return False
    return True


def announce_once(settings: Settings, database: Database, what: What) -> bool:
    """Tell every process of a change made without a `Services` (`trendcache backfill`)."""
    bus = change_bus(settings, database)
    try:
        return publish(bus, Change(what, new_owner()))
    finally:
        bus.close()


class ChangeListener:
    """A thread hearing the bus for other processes' changes; calls `on_change` for each.

    It never raises: a failed connection is retried after BACKOFF_FIRST seconds, doubling
    up to BACKOFF_MAX, and reset once a connection holds.
    """

    def __init__(self, bus: ChangeBus, origin: str, on_change: Callable[[], None]) -> None:
        self.bus = bus
        self.origin = origin
        self.on_change = on_change
        self.heard = 0  # other processes' changes heard (for tests and logs)
        self.connections = 0  # successful subscriptions
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._held = False  # the current connection subscribed

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="changes", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=TIMEOUT_SECONDS + 2 * WAIT_SECONDS)
            self._thread = None

    def _run(self) -> None:
        backoff, failing = BACKOFF_FIRST, False
        while not self._stop.is_set():
            self._held = False
            try:
                self.bus.listen(self._stop, self._connected, self._heard)
            except Exception as exc:  # any failure of the bus: wait, then try again
                if self._held:  # it had held: a new outage, its backoff from the start
                    backoff, failing = BACKOFF_FIRST, False
                level = logging.DEBUG if failing else logging.WARNING
                log.log(level, "changes: %s unreachable (%s); retrying", self.bus.name, exc)
                failing = True
            else:
                return
            if self._stop.wait(backoff):
                return
            backoff = min(backoff * 2, BACKOFF_MAX)

    def _connected(self) -> None:
        if self.connections:  # a reconnection: what was announced meanwhile is lost
            self._call()
        self.connections += 1
        self._held = True

    def _heard(self, change: Change | None) -> None:
        if change is None or change.origin == self.origin:
            return  # not ours, or our own (its listeners ran when it was announced)
        self.heard += 1
        self._call()

    def _call(self) -> None:
        try:
            self.on_change()
        except Exception:
            log.exception("changes: a listener failed")
