"""Long-lived pieces of a Spotify connection, shared by every sync in a process.

The HTTP connection pool, the token (valid about an hour) and the shared rate limiter
outlive a sync; each sync gets its own client with its own request meter.
"""

from __future__ import annotations

import httpx2

from trendcache import __version__
from trendcache.config import Settings
from trendcache.ratelimit import SharedLimiter, per_second, shared_limiter
from trendcache.spotify.auth import TokenProvider
from trendcache.spotify.client import SpotifyClient
from trendcache.spotify.session import (
    DEFAULT_RETRY,
    RetryPolicy,
    SpotifySession,
)
from trendcache.tally import Tally
from trendcache.upstream_metrics import RequestMeter, UpstreamMetrics


class SpotifyConnector:
    def __init__(
        self,
        settings: Settings,
        limiter: SharedLimiter | None = None,
        retry: RetryPolicy = DEFAULT_RETRY,
        tally: Tally | None = None,
    ) -> None:
        """`tally`: the process's, to count requests in (else nobody reads the counts)."""
        if not settings.has_spotify_credentials:
            raise ValueError("SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET are required")
        assert settings.spotify_client_id
        assert settings.spotify_client_secret
        self.settings = settings
        self.retry = retry
        self.metrics = UpstreamMetrics(tally or Tally(), "spotify")
        self.http = httpx2.Client(
            timeout=settings.spotify_timeout_seconds,
            headers={"User-Agent": f"trendcache/{__version__}"},
            limits=httpx2.Limits(max_connections=16, max_keepalive_connections=16),
            follow_redirects=False,
        )
        self.tokens = TokenProvider(
            self.http,
            settings.spotify_accounts_base_url,
            settings.spotify_client_id,
            settings.spotify_client_secret.get_secret_value(),
            self.metrics,
        )
        self.limiter = limiter or shared_limiter(
            "spotify", [per_second(settings.spotify_requests_per_minute, 60)], settings
        )

    def client(self, meter: RequestMeter) -> SpotifyClient:
        session = SpotifySession(
            self.http,
            self.tokens,
            self.settings.spotify_api_base_url,
            self.limiter,
            meter,
            self.settings.spotify_max_retry_after_seconds,
            self.retry,
            self.metrics,
        )
        return SpotifyClient(session)

    def close(self) -> None:
        self.http.close()
