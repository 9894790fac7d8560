"""Notifications reach each user's webhook once, through any number of delivering
processes, and a receiver that is down loses nothing: the post waits and goes later."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.accounts.test_follows import ARTIST, OTHER, album, list_albums, user_id
from tests.pipeline.alerts.receiver import Receiver, running_receiver
from tests.web.conftest import wait_for
from trendcache.accounts.deliveries import NotificationCourier, retry_in
from trendcache.accounts.follows import follow
from trendcache.accounts.notifications import set_webhook_url
from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.follows import NotificationEvent
from trendcache.pipeline.alerts.webhook import Webhook
from trendcache.services import Services
from trendcache.tasks import TaskQueue

# Short waits between the webhook's own tries: the tests decide, they do not wait.
QUICK = Webhook("http://unset.invalid/", timeout=5, backoff=(0.01,))


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as receiver:
        yield receiver


def courier(database: Database) -> NotificationCourier:
    return NotificationCourier(database, 1, webhook=QUICK)


def followed_listing(database: Database, url: str | None, name: str = "alice") -> str:
    """A user following ARTIST, with `url`, then a listing of two of ARTIST's albums."""
    list_albums(database, [album("a0", ARTIST)], utcnow() - timedelta(hours=1))
    user = user_id(database, name)
    set_webhook_url(database, user, url)
    follow(database, user, ARTIST)
    list_albums(database, [album("a1", ARTIST), album("a2", OTHER, ARTIST)], utcnow())
    return user


def keys(receiver: Receiver) -> list[str]:
    return sorted(post["key"] for post in receiver.posts)


def test_each_event_is_posted_once(database: Database, receiver: Receiver) -> None:
    followed_listing(database, receiver.url)
    assert courier(database).deliver() == 2
    assert courier(database).deliver() == 0
    assert keys(receiver) == [
        f"{ARTIST}:a1:spotify_new_releases:US",
        f"{ARTIST}:a2:spotify_new_releases:US",
    ]
    post = receiver.posts[0]
    assert post["type"] == "followed_artist_listed"
    assert post["artist"] == {"id": ARTIST, "name": "Artist A"}
    assert post["listing"]["market"] == "US"
    assert post["album"]["spotifyUrl"].startswith("https://open.spotify.com/album/")


def test_racing_couriers_post_each_event_once(database: Database, receiver: Receiver) -> None:
    """Six processes' engines deliver the same events at the same moment."""
    followed_listing(database, receiver.url)
    url = database.url.render_as_string(hide_password=False)
    engines = [Database(url) for _ in range(6)]
    barrier = threading.Barrier(len(engines))
    delivered: list[int] = []

    def run(engine: Database) -> None:
        barrier.wait(timeout=30)
        delivered.append(courier(engine).deliver())

    threads = [threading.Thread(target=run, args=(engine,)) for engine in engines]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        for engine in engines:
            engine.dispose()
    assert sum(delivered) == 2
    assert len(receiver.posts) == 2


def test_a_receiver_that_is_down_gets_every_event_later(
    database: Database, receiver: Receiver
) -> None:
    followed_listing(database, receiver.url)
    receiver.stop()
    assert courier(database).deliver() == 0
    with database.session() as session:
        query = select(NotificationEvent.claimed_until, NotificationEvent.attempts)
        rows = session.execute(query).all()
    # The first event failed and waits out its backoff; the user's other one waited its turn.
    assert sorted(attempts for _, attempts in rows) == [0, 1]
    retry_at = max(until for until, _ in rows if until is not None)
    assert retry_at > utcnow() + timedelta(seconds=20)

    receiver.start()  # back, on the same port
    assert courier(database).deliver() == 1  # the one not waiting goes at once
    assert len(receiver.posts) == 1
    with database.writer() as session:  # its backoff has run out
        session.execute(update(NotificationEvent).values(claimed_until=utcnow()))
    assert courier(database).deliver() == 1
    assert len(set(keys(receiver))) == len(receiver.posts) == 2


def test_a_failing_receiver_does_not_hold_up_another_users(
    database: Database, receiver: Receiver
) -> None:
    followed_listing(database, receiver.url)
    bob = user_id(database, "bob")
    set_webhook_url(database, bob, "http://127.0.0.1:9/nobody-listens")
    follow(database, bob, ARTIST)
    list_albums(database, [album("a3", ARTIST)], utcnow())  # alice's third, bob's first
    assert courier(database).deliver() == 3
    assert len(receiver.posts) == 3


def test_a_cleared_url_drops_what_was_owed(database: Database, receiver: Receiver) -> None:
    alice = followed_listing(database, receiver.url)
    set_webhook_url(database, alice, None)
    assert courier(database).deliver() == 0
    with database.session() as session:
        dropped = session.scalars(select(NotificationEvent.abandoned_at)).all()
    assert len(dropped) == 2 and all(dropped)
    assert receiver.posts == []


def test_the_backoff_doubles_up_to_an_hour() -> None:
    assert [retry_in(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert retry_in(50) == timedelta(hours=1)


def test_every_queue_consumer_runs_the_courier(services: Services, receiver: Receiver) -> None:
    """What `trendcache worker` and `serve` start: a consumer with its notifications thread."""
    followed_listing(services.database, receiver.url)
    services.notifications.webhook = QUICK
    queue = TaskQueue(services.settings, lambda: services)
    consumer = queue.consumer(workers=1, schedule=False)
    consumer.start()
    try:
        wait_for(lambda: len(receiver.posts) == 2, timeout=30)
    finally:
        consumer.stop(graceful=True)
    assert len(set(keys(receiver))) == 2
