"""Long-lived pieces of a ListenBrainz connection: identified HTTP client, shared pace.

Built from `Settings` like the other upstreams (`listenbrainz_connector`), so the
services can hold one without knowing how it is put together.
"""

from __future__ import annotations

import httpx2

from trendcache.config import Settings
from trendcache.listenbrainz.client import ListenBrainzClient
from trendcache.listenbrainz.errors import ListenBrainzUserAgentError
from trendcache.listenbrainz.session import (
    DEFAULT_RETRY,
    ListenBrainzSession,
    RateWindow,
)
from trendcache.ratelimit import SharedLimiter, per_second, rate_window, shared_limiter
from trendcache.tally import Tally
from trendcache.upstream_metrics import RequestMeter, UpstreamMetrics
from trendcache.upstream_retry import RetryPolicy
from trendcache.useragent import InvalidUserAgent, checked_user_agent

# "each of their client applications never make more than ONE call per second"
# (docs/users/api/index.rst, Rate limiting): LISTENBRAINZ_RATE, default one slot a second
# for all our processes.
TIMEOUT_SECONDS = 30.0


class ListenBrainzConnector:
    def __init__(
        self,
        settings: Settings,
        limiter: SharedLimiter | None = None,
        retry: RetryPolicy = DEFAULT_RETRY,
        tally: Tally | None = None,
    ) -> None:
        """Raises `ListenBrainzUserAgentError` unless MUSICBRAINZ_USER_AGENT would be
        accepted (ListenBrainz asks for the same `App/version ( contact )`).
        `tally`: the process's, to count requests in (else nobody reads the counts)."""
        try:
            self.user_agent = checked_user_agent(
                settings.musicbrainz_user_agent, "MUSICBRAINZ_USER_AGENT", "ListenBrainz"
            )
        except InvalidUserAgent as exc:
            raise ListenBrainzUserAgentError(str(exc)) from None
        self.settings = settings
        self.retry = retry
        self.metrics = UpstreamMetrics(tally or Tally(), "listenbrainz")
        headers = {"User-Agent": self.user_agent, "Accept": "application/json"}
        if settings.listenbrainz_token is not None:
            headers["Authorization"] = f"Token {settings.listenbrainz_token.get_secret_value()}"
        self.http = httpx2.Client(timeout=TIMEOUT_SECONDS, headers=headers)
        self.window = RateWindow()  # what ListenBrainz last said of its window, for every fetch
        self.limiter = limiter or shared_limiter(
            "listenbrainz", [per_second(*rate_window(settings.listenbrainz_rate))], settings
        )

    def client(self, meter: RequestMeter | None = None) -> ListenBrainzClient:
        """A client whose every request, retries included, is counted by `meter`."""
        session = ListenBrainzSession(
            self.http,
            self.settings.listenbrainz_base_url,
            self.limiter,
            self.retry,
            self.metrics,
            window=self.window,
            meter=meter,
        )
        return ListenBrainzClient(session)

    def close(self) -> None:
        self.http.close()


def listenbrainz_connector(settings: Settings, tally: Tally | None = None) -> ListenBrainzConnector:
    """The connector `Services` would hold, built as it builds the other upstreams'."""
    return ListenBrainzConnector(settings, tally=tally)
