"""ListenBrainz connectors and clients on the emulator.

Clients come from `ListenBrainzConnector`, as production builds them, with a fast retry
policy; their limiter is the real shared one (one request a second) unless a test gives
a fast in-memory one, so only the tests about pacing wait a second between requests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pyrate_limiter import Duration, InMemoryBucket, Rate

from tests.fixtures.listenbrainz import ListenBrainzSettings
from trendcache.listenbrainz.client import ListenBrainzClient
from trendcache.listenbrainz.connector import ListenBrainzConnector
from trendcache.ratelimit import SharedLimiter
from trendcache.upstream_retry import RetryPolicy

QUICK_RETRY = RetryPolicy(attempts=4, backoff_initial=0.02, backoff_max=0.2)
ConnectorFactory = Callable[..., ListenBrainzConnector]


def fast_limiter() -> SharedLimiter:
    """A limiter of this test alone, so fast that it never holds a request back."""
    return SharedLimiter("listenbrainz-test", InMemoryBucket([Rate(1000, Duration.SECOND)]))


@pytest.fixture
def make_connector(listenbrainz_settings: ListenBrainzSettings) -> Iterator[ConnectorFactory]:
    """`make_connector(paced=False, retry=…, tally=…, **settings)`; `paced` gives the real
    shared limiter of the test's data directory."""
    built: list[ListenBrainzConnector] = []

    def make(
        *, paced: bool = False, retry: RetryPolicy = QUICK_RETRY, **overrides: Any
    ) -> ListenBrainzConnector:
        tally = overrides.pop("tally", None)
        settings = listenbrainz_settings(**overrides)
        limiter = None if paced else fast_limiter()
        connector = ListenBrainzConnector(settings, limiter, retry, tally)
        built.append(connector)
        return connector

    yield make
    for connector in built:
        connector.close()


@pytest.fixture
def client(make_connector: ConnectorFactory) -> ListenBrainzClient:
    return make_connector().client()
