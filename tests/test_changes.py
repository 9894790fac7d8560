"""The change bus: what one process announces, every other hears (Redis pub/sub, PostgreSQL
NOTIFY); its own announcements and foreign messages are ignored; a bus that is down never
raises, and the listener keeps trying with bounded backoff."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from tests.web.conftest import free_port, wait_for
from trendcache.changes import (
    BACKOFF_MAX,
    LISTENER_NAME,
    Change,
    ChangeBus,
    ChangeListener,
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


class Heard:
    def __init__(self) -> None:
        self.count = 0
        self.event = threading.Event()

    def __call__(self) -> None:
        self.count += 1
        self.event.set()


@pytest.fixture
def listening() -> Iterator[Callable[[ChangeBus, str], tuple[ChangeListener, Heard]]]:
    started: list[ChangeListener] = []

    def start(bus: ChangeBus, origin: str) -> tuple[ChangeListener, Heard]:
        heard = Heard()
        listener = ChangeListener(bus, origin, heard)
        listener.start()
        started.append(listener)
        wait_for(lambda: listener.connections, timeout=10)
        return listener, heard

    yield start
    for listener in started:
        listener.stop()


def test_another_process_change_is_heard_and_its_own_is_not(
    bus: ChangeBus, listening: Callable[[ChangeBus, str], tuple[ChangeListener, Heard]]
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


def test_a_bus_that_is_down_never_raises_and_is_retried_with_bounded_backoff() -> None:
    down = RedisBus(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    assert publish(down, Change("sync", "worker-1")) is False
    calls: list[float] = []
    attempts: list[float] = []
    original = down.listen

    def counted(*args: object) -> None:
        attempts.append(time.monotonic())
        original(*args)  # type: ignore[arg-type]

    down.listen = counted  # type: ignore[method-assign]
    listener = ChangeListener(down, "web-1", lambda: calls.append(time.monotonic()))
    listener.start()
    wait_for(lambda: len(attempts) >= 3, timeout=10)
    stopping = time.monotonic()
    listener.stop()
    print(f"stopped in {time.monotonic() - stopping:.3f} s after {len(attempts)} attempts")
    assert listener.connections == 0 and not calls
    gaps = [b - a for a, b in itertools.pairwise(attempts)]
    assert all(gap <= BACKOFF_MAX + 5 for gap in gaps)
    assert gaps == sorted(gaps)  # growing: backing off, not hammering
    down.close()


def test_the_listener_calls_once_after_reconnecting(
    redis_url: str, listening: Callable[[ChangeBus, str], tuple[ChangeListener, Heard]]
) -> None:
    """Messages published while it was away are lost: it refreshes once when it is back."""
    bus = RedisBus(redis_url)
    listener, heard = listening(bus, "web-1")
    client = bus.client
    # Drop the listener's connection from the server side, as a Redis restart would.
    for entry in client.client_list():
        if entry.get("name") == LISTENER_NAME:
            client.client_kill_filter(_id=entry["id"])
    wait_for(lambda: listener.connections >= 2, timeout=15)
    wait_for(lambda: heard.count >= 1, timeout=5)
    assert listener.heard == 0  # nothing was announced: the call is the reconnection's
    bus.close()


def test_the_bus_is_chosen_by_the_deployment(
    sqlite_database: Database, postgres_database: Database, redis_url: str
) -> None:
    plain = Settings(_env_file=None)  # type: ignore[call-arg]
    with_redis = Settings(_env_file=None, redis_url=redis_url)  # type: ignore[call-arg]
    assert isinstance(change_bus(plain, sqlite_database), NoBus)
    assert isinstance(change_bus(plain, postgres_database), PostgresBus)
    redis_bus = change_bus(with_redis, postgres_database)
    assert isinstance(redis_bus, RedisBus)
    redis_bus.close()
