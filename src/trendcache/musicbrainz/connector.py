"""Long-lived pieces of a MusicBrainz connection: identified HTTP client, shared pace."""

from __future__ import annotations

import httpx2

from trendcache.config import Settings
from trendcache.musicbrainz.client import MusicBrainzClient
from trendcache.musicbrainz.session import (
    DEFAULT_RETRY,
    MusicBrainzSession,
    ResponseCache,
)
from trendcache.musicbrainz.useragent import check_user_agent
from trendcache.ratelimit import SharedLimiter, per_second, rate_window, shared_limiter
from trendcache.tally import Tally
from trendcache.upstream_metrics import UpstreamMetrics
from trendcache.upstream_retry import RetryPolicy

musicbrainz_rate = rate_window  # MUSICBRAINZ_RATE as the limiter's (count, seconds)


class MusicBrainzConnector:
    def __init__(
        self,
        settings: Settings,
        limiter: SharedLimiter | None = None,
        retry: RetryPolicy = DEFAULT_RETRY,
        tally: Tally | None = None,
    ) -> None:
        """Raises `UserAgentError` unless MUSICBRAINZ_USER_AGENT would be accepted.
        `tally`: the process's, to count requests in (else nobody reads the counts)."""
        self.user_agent = check_user_agent(settings.musicbrainz_user_agent)
        self.settings = settings
        self.retry = retry
        self.metrics = UpstreamMetrics(tally or Tally(), "musicbrainz")
        self.http = httpx2.Client(
            timeout=30.0,
            headers={"User-Agent": self.user_agent, "Accept": "application/json"},
            follow_redirects=True,
        )
        count, seconds = musicbrainz_rate(settings.musicbrainz_rate)
        self.limiter = limiter or shared_limiter(
            "musicbrainz", [per_second(count, seconds)], settings
        )

    def client(self, cache: ResponseCache | None = None) -> MusicBrainzClient:
        session = MusicBrainzSession(
            self.http,
            self.settings.musicbrainz_base_url,
            self.limiter,
            self.retry,
            cache,
            self.metrics,
        )
        return MusicBrainzClient(session)

    def close(self) -> None:
        self.http.close()
