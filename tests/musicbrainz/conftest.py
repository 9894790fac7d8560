"""MusicBrainz sessions and clients on the emulator, and albums from the Spotify catalog.

Sessions here pace themselves with an in-memory limiter far faster than the emulator's
test rate, so only tests about pacing wait; those build the real shared limiter instead
(through `MusicBrainzConnector`, on a temporary data directory).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx2
import pytest
from pyrate_limiter import Duration, InMemoryBucket, Rate

from tests.fixtures.musicbrainz import USER_AGENT
from tests.fixtures.spotify import local_client
from trendcache.emulators.musicbrainz import MusicBrainzEmulator
from trendcache.emulators.spotify.catalog import Catalog
from trendcache.emulators.spotify.model import Album
from trendcache.musicbrainz.client import MusicBrainzClient
from trendcache.musicbrainz.scoring import AlbumFacts
from trendcache.musicbrainz.session import (
    MISSING,
    MusicBrainzSession,
    ResponseCache,
)
from trendcache.ratelimit import SharedLimiter
from trendcache.upstream_metrics import UpstreamMetrics
from trendcache.upstream_retry import RetryPolicy

# Production's retry logic with backoff short enough for tests; a per-client 503 still
# waits its Retry-After.
QUICK_RETRY = RetryPolicy(attempts=4, backoff_initial=0.02, backoff_max=0.5)
SessionFactory = Callable[..., MusicBrainzSession]


def fast_limiter(name: str = "musicbrainz-test") -> SharedLimiter:
    """A limiter of this test alone, so fast that it never holds a request back."""
    return SharedLimiter(name, InMemoryBucket([Rate(1000, Duration.SECOND)]))


class DictCache:
    """A `ResponseCache` in a dict, counting what it answered."""

    def __init__(self) -> None:
        self.documents: dict[str, Any] = {}
        self.hits = 0

    def get(self, url: str) -> Any:
        if url not in self.documents:
            return MISSING
        self.hits += 1
        return self.documents[url]

    def put(self, url: str, document: Any) -> None:
        self.documents[url] = document


@pytest.fixture
def make_session(musicbrainz_emulator: MusicBrainzEmulator) -> Iterator[SessionFactory]:
    """`make_session(agent=…, limiter=…, retry=…, cache=…, on_response=…, metrics=…,
    timeout=…)` on the test's `musicbrainz_emulator` (test_matcher.py pins its own)."""
    clients: list[httpx2.Client] = []

    def make(
        *,
        agent: str = USER_AGENT,
        limiter: SharedLimiter | None = None,
        retry: RetryPolicy = QUICK_RETRY,
        cache: ResponseCache | None = None,
        on_response: Callable[[httpx2.Response], None] | None = None,
        metrics: UpstreamMetrics | None = None,
        timeout: float = 30.0,
    ) -> MusicBrainzSession:
        hooks = {"response": [on_response]} if on_response is not None else {}
        http = local_client(headers={"User-Agent": agent}, event_hooks=hooks, timeout=timeout)
        clients.append(http)
        base_url = musicbrainz_emulator.base_url
        return MusicBrainzSession(http, base_url, limiter or fast_limiter(), retry, cache, metrics)

    yield make
    for http in clients:
        http.close()


@pytest.fixture
def known_release(musicbrainz_emulator: MusicBrainzEmulator) -> str:
    """`release/<mbid>` of a release the emulator holds."""
    mbid = next(t.release_mbid for t in musicbrainz_emulator.truth.values() if t.release_mbid)
    return f"release/{mbid}"


@pytest.fixture
def session(make_session: SessionFactory) -> MusicBrainzSession:
    return make_session()


@pytest.fixture
def client(session: MusicBrainzSession) -> MusicBrainzClient:
    return MusicBrainzClient(session)


def album_facts(catalog: Catalog, album: Album) -> AlbumFacts:
    """What the pipeline knows of a Spotify album, as the Spotify API would describe it."""
    artists = tuple(artist.name for artist in catalog.artists_of(album.artist_ids))
    return AlbumFacts(
        id=album.id,
        name=album.name,
        artists=artists,
        total_tracks=album.total_tracks,
        release_date=album.release_date_text,
        upc=album.upc,
    )


class CatalogIsrcs:
    """An `IsrcSource` from the Spotify catalog: the first two tracks' ISRCs, as the
    pipeline fetches them; remembers which albums it was asked about."""

    def __init__(self, catalog: Catalog, per_album: int = 2) -> None:
        self.catalog = catalog
        self.per_album = per_album
        self.asked: list[str] = []

    def __call__(self, albums: list[AlbumFacts]) -> dict[str, tuple[str, ...]]:
        found: dict[str, tuple[str, ...]] = {}
        for facts in albums:
            self.asked.append(facts.id)
            album = self.catalog.album(facts.id)
            if album is not None:
                found[facts.id] = tuple(track.isrc for track in album.tracks[: self.per_album])
        return found
