"""ListenBrainz's rate limit: a number of requests per window, per client, told in headers.

ListenBrainz (brainzutils' ``ratelimit``) counts requests per IP address, or per user
token when the request carries ``Authorization: Token …`` (with a higher limit), in
windows of ``window`` seconds, and sends on every answer ``X-RateLimit-Limit``,
``X-RateLimit-Remaining`` (0 on the last request the window allows), ``X-RateLimit-Reset``
(epoch second the window ends) and ``X-RateLimit-Reset-In`` (seconds until then). A
request past the limit is answered 429 and still counted. Defaults are brainzutils': 30
per IP and 50 per token in 10 s.

One difference, for deterministic tests: the real windows are aligned to the epoch; here
a client's window starts with its first request. The headers tell the truth either way.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

PER_IP = 30
PER_TOKEN = 50
WINDOW = 10


@dataclass(frozen=True)
class Verdict:
    over: bool
    limit: int
    remaining: int
    reset: int  # epoch second the window ends
    reset_in: int  # whole seconds until then

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Reset": str(self.reset),
            "X-RateLimit-Reset-In": str(self.reset_in),
            "Access-Control-Expose-Headers": (
                "X-RateLimit-Remaining,X-RateLimit-Limit,X-RateLimit-Reset,X-RateLimit-Reset-In"
            ),
        }


class WindowLimiter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.per_ip = PER_IP
        self.per_token = PER_TOKEN
        self.window = WINDOW
        self._windows: dict[str, tuple[float, int]] = {}  # key → (ends, monotonic; count)

    def hit(self, key: str, token: bool) -> Verdict:
        limit = self.per_token if token else self.per_ip
        now = time.monotonic()
        with self._lock:
            ends, count = self._windows.get(key, (0.0, 0))
            if now >= ends:
                ends, count = now + self.window, 0
            count += 1
            self._windows[key] = (ends, count)
        left = ends - now
        return Verdict(
            over=count > limit,
            limit=limit,
            remaining=max(limit - count, 0),
            reset=math.ceil(time.time() + left),
            reset_in=max(1, math.ceil(left)),
        )

    def clear(self) -> None:
        with self._lock:
            self._windows.clear()
