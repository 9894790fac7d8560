"""Who a client is, whether it identified itself, and whether it is going too fast.

MusicBrainz limits each source IP to about one request per second. The emulator keys
clients by IP *and* User-Agent: two worker processes of one application on one machine
share a key (and a budget), as they would share an IP, while tests can run independent
clients side by side by giving them different User-Agents.

The window is sliding: at most ``allowed`` requests in any ``span`` seconds, where
``span`` is one second (longer for rates below 1/s) and ``allowed`` the requests that
fit in it. A client pacing with pyrate-limiter's ``Rate(n, Duration.SECOND)`` complies.
Arrival times are stamped when the request line is parsed, and 25 ms of arrival jitter
is forgiven: a client that waits a full interval between sends must never be blamed for
scheduling noise on the way in, while a client without a pacer is caught at once.
Refused requests do not use up the window, as in MusicBrainz's limiter.
"""

from __future__ import annotations

import math
import re
import threading
from collections import deque

JITTER = 0.025
_LIBRARY_AGENT = re.compile(
    r"(python-requests|python-httpx2?|python-urllib\d?|aiohttp|httpie|curl|wget|"
    r"go-http-client|okhttp|axios|node-fetch|undici|libwww-perl|java|apache-httpclient|"
    r"postmanruntime)(/|$)",
    re.IGNORECASE,
)
_CONTACT = re.compile(r"\(.*(@|https?://|www\.|\.[a-z]{2,}\b).*\)", re.IGNORECASE)


def identified(user_agent: str) -> bool:
    """False for a missing agent, or a library default (``curl/8.5``) without a contact.

    MusicBrainz asks for ``Application/version ( contact )`` and blocks agents it cannot
    tell apart; an application name of one's own is enough to pass.
    """
    agent = user_agent.strip()
    if not agent:
        return False
    return _LIBRARY_AGENT.match(agent) is None or _CONTACT.search(agent) is not None


class ClientLimiter:
    def __init__(self, requests_per_second: float) -> None:
        self._lock = threading.Lock()
        self._windows: dict[str, deque[float]] = {}
        self.span = 1.0
        self.allowed = 1
        self._rate = 1.0
        self.requests_per_second = requests_per_second

    @property
    def requests_per_second(self) -> float:
        return self._rate

    @requests_per_second.setter
    def requests_per_second(self, rate: float) -> None:
        if not rate > 0:
            raise ValueError("requests_per_second must be positive")
        with self._lock:
            self._rate = rate
            self.span = max(1.0, 1.0 / rate)
            self.allowed = max(1, math.floor(rate * self.span + 1e-9))

    def admit(self, key: str, arrived: float) -> float | None:
        """None if the request fits; otherwise the seconds until one would."""
        with self._lock:
            window = self._windows.setdefault(key, deque())
            horizon = arrived - (self.span - JITTER)
            while window and window[0] <= horizon:
                window.popleft()
            if len(window) >= self.allowed:
                return max(0.0, window[0] - horizon)
            window.append(arrived)
            return None

    def clear(self) -> None:
        with self._lock:
            self._windows.clear()
