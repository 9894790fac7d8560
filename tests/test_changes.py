"""The change bus: what one process announces, every other hears (Redis pub/sub, PostgreSQL
NOTIFY); its own announcements and foreign messages are ignored; a bus that is down never
raises, and the listener keeps trying with bounded backoff."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import text

from tests.web.conftest import free_port, wait_for
from trendcache.changes import (
    BACKOFF_MAX,
    LISTENER_NAME,
    Change,
    ChangeBus,
    ChangeListener,
    Heard,
    NoBus,
    PostgresBus,
    RedisBus,
    change_bus,
    decode,
    publish,
)
from trendcache.config import Settings
from trendcache.db import Database


@pytest.fixture(params=["redis", "postgresql"])
def bus(request: pytest.FixtureRequest) -> Iterator[ChangeBus]:
    made: ChangeBus
    if request.param == "redis":
        made = RedisBus(request.getfixturevalue("redis_url"))
    else:
        made = PostgresBus(request.getfixturevalue("postgres_database"))
    yield made
    made.close()


class Calls:
    def __init__(self) -> None:
        self.count = 0
        self.event = threading.Event()

    def __call__(self) -> None:
        self.count += 1
        self.event.set()


@pytest.fixture
def listening() -> Iterator[Callable[[ChangeBus, str], tuple[ChangeListener, Calls]]]:
    started: list[ChangeListener] = []

    def start(bus: ChangeBus, origin: str) -> tuple[ChangeListener, Calls]:
        heard = Calls()
        listener = ChangeListener(bus, origin, heard)
        listener.start()
        started.append(listener)
        wait_for(lambda: listener.connections, timeout=10)
        return listener, heard

    yield start
    for listener in started:
        listener.stop()


def test_another_process_change_is_heard_and_its_own_is_not(
    bus: ChangeBus, listening: Callable[[ChangeBus, str], tuple[ChangeListener, Calls]]
) -> None:
    listener, heard = listening(bus, "web-1")
    assert publish(bus, Change("enrichment", "web-1"))  # its own: its listeners already ran
    assert publish(bus, Change("sync", "worker-1"))
    started = time.monotonic()
    assert heard.event.wait(5), f"{bus.name}: nothing heard"
    print(f"{bus.name}: heard within {time.monotonic() - started:.3f} s")
    assert publish(bus, Change("backfill", "cli"))
    wait_for(lambda: listener.heard == 2, timeout=5)
    assert heard.count == 2  # the two foreign changes, never its own


def test_foreign_messages_are_ignored() -> None:
    assert decode(Change("admin", "web-2").encode()) == Change("admin", "web-2")
    assert decode("not json") is None
    assert decode(b'{"what": "sync"}') is None
    assert decode("[1, 2]") is None


class CountedBus(RedisBus):
    """A Redis bus that notes when each connection is tried."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.attempts: list[float] = []

    def listen(self, stop: threading.Event, connected: Callable[[], None], heard: Heard) -> None:
        self.attempts.append(time.monotonic())
        super().listen(stop, connected, heard)


def test_a_bus_that_is_down_never_raises_and_is_retried_with_bounded_backoff() -> None:
    down = CountedBus(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    assert publish(down, Change("sync", "worker-1")) is False
    calls: list[float] = []
    listener = ChangeListener(down, "web-1", lambda: calls.append(time.monotonic()))
    listener.start()
    wait_for(lambda: len(down.attempts) >= 3, timeout=10)
    stopping = time.monotonic()
    listener.stop()
    print(f"stopped in {time.monotonic() - stopping:.3f} s after {len(down.attempts)} attempts")
    assert listener.connections == 0 and not calls
    gaps = [b - a for a, b in itertools.pairwise(down.attempts)]
    assert all(gap <= BACKOFF_MAX + 5 for gap in gaps)
    assert gaps == sorted(gaps)  # growing: backing off, not hammering
    down.close()


def drop_listener(bus: ChangeBus) -> None:
    """Close the listener's connection from the server side, as a restart would."""
    if isinstance(bus, RedisBus):
        for entry in bus.client.client_list():
            if entry.get("name") == LISTENER_NAME:
                bus.client.client_kill_filter(_id=entry["id"])
        return
    assert isinstance(bus, PostgresBus)
    with bus.database.engine.begin() as connection:
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = :name AND datname = current_database()"
            ),
            {"name": LISTENER_NAME},
        )


def test_the_listener_reconnects_and_calls_once_for_what_it_missed(
    bus: ChangeBus, listening: Callable[[ChangeBus, str], tuple[ChangeListener, Calls]]
) -> None:
    """Messages published while it was away are lost: it refreshes once when it is back."""
    listener, heard = listening(bus, "web-1")
    drop_listener(bus)
    wait_for(lambda: listener.connections >= 2, timeout=15)
    wait_for(lambda: heard.count >= 1, timeout=5)
    assert listener.heard == 0  # nothing was announced: the call is the reconnection's
    assert publish(bus, Change("sync", "worker-1"))
    wait_for(lambda: listener.heard == 1, timeout=5)  # and it hears again


def test_the_bus_is_chosen_by_the_deployment(
    sqlite_database: Database, postgres_database: Database, redis_url: str
) -> None:
    plain = Settings(_env_file=None)
    with_redis = Settings(_env_file=None, redis_url=redis_url)
    assert isinstance(change_bus(plain, sqlite_database), NoBus)
    assert isinstance(change_bus(plain, postgres_database), PostgresBus)
    redis_bus = change_bus(with_redis, postgres_database)
    assert isinstance(redis_bus, RedisBus)
    redis_bus.close()
