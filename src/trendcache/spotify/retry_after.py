"""Spotify's Retry-After header: how many seconds a 429 asks us to wait before asking again.

Both of Spotify's hosts send it, the Web API and the accounts service (token requests).
"""

from __future__ import annotations

import httpx2

# When a 429 comes without a usable Retry-After (never seen, but possible).
DEFAULT_RETRY_AFTER = 1.0


def retry_after(response: httpx2.Response) -> float:
    try:
        return max(0.0, float(response.headers.get("Retry-After", DEFAULT_RETRY_AFTER)))
    except ValueError:
        return DEFAULT_RETRY_AFTER
