"""Bounded bursts of concurrent HTTP reads, each answer checked, for fault scenarios.

A burst is `total` requests over `connections` threads (one keep-alive connection each),
spread round-robin over the given URLs; all threads start together. An answer counts as
failed unless it is a 200 whose body holds the marker its path must show (data, not just
a status), and a connection error or timeout is a failure too: "0 failed reads" means
every read was answered with data.
"""

from __future__ import annotations

import ssl
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import httpx2

# Building one per client costs ~0.1 s; everything here is plain HTTP on 127.0.0.1.
LOCAL_TLS = ssl.create_default_context()
# What a path's answer must contain to count as "with data".
DATA_MARKERS = {
    "/api/cache/trending": b'"newReleases":[{',
    "/": b'href="/albums/',
    "/api/spotify/trending": b'"items":[{',
    "/api/status": b'"lastSync":{',
    "/api/spotify/sync": b'"newReleases":[{',
    "/fragments/status": b"",
}


def marker_of(url: str) -> bytes:
    path = "/" + url.split("://", 1)[-1].split("/", 1)[-1].split("?", 1)[0]
    return DATA_MARKERS[path]


@dataclass
class Burst:
    requests: int = 0
    failures: int = 0
    statuses: Counter[int | str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)  # the first few failures, for a message
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # seconds, of every request
    bodies: list[bytes] = field(default_factory=list)  # kept only when asked for

    def percentile(self, share: float) -> float:
        """The latency `share` (0-1) of the requests took at most, in seconds."""
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0

    def failed(self, url: str, what: str) -> None:
        self.failures += 1
        if len(self.examples) < 5:
            self.examples.append(f"{url}: {what}")


def burst(
    urls: Sequence[str],
    total: int,
    connections: int,
    *,
    timeout: float = 60.0,
    keep_bodies: bool = False,
    check: Callable[[str, bytes], bool] | None = None,
) -> Burst:
    """`total` GETs of `urls` (round-robin) over `connections` threads started together."""
    outcome = Burst()
    lock = threading.Lock()
    counter = iter(range(total))
    start = threading.Barrier(connections + 1)

    def worker() -> None:
        with httpx2.Client(verify=LOCAL_TLS, timeout=timeout) as client:
            start.wait()
            while True:
                with lock:
                    index = next(counter, None)
                if index is None:
                    return
                url = urls[index % len(urls)]
                sent = time.monotonic()
                try:
                    response = client.get(url)
                except httpx2.HTTPError as exc:
                    with lock:
                        outcome.latencies.append(time.monotonic() - sent)
                        outcome.requests += 1
                        outcome.statuses[type(exc).__name__] += 1
                        outcome.failed(url, f"{type(exc).__name__}: {exc}")
                    continue
                body = response.content
                took = time.monotonic() - sent
                good = response.status_code == 200 and (
                    check(url, body) if check else marker_of(url) in body
                )
                with lock:
                    outcome.latencies.append(took)
                    outcome.requests += 1
                    outcome.statuses[response.status_code] += 1
                    if keep_bodies:
                        outcome.bodies.append(body)
                    if not good:
                        outcome.failed(url, f"{response.status_code} {body[:200]!r}")

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.monotonic()
    for thread in threads:
        thread.join(timeout * max(1, total // connections) + 30)
    outcome.seconds = time.monotonic() - began
    return outcome
