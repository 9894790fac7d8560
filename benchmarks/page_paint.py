"""Time to a painted page in Chromium: `/` on the demo, the current code and `--before REV`.

    uv run python benchmarks/page_paint.py [--visits 10] [--before 73d9e61]

Each side is `python -m trendcache serve` with no credentials, as a first-time user runs
it: the demo, with the built-in Spotify emulator (its covers are SVGs it serves) and
MusicBrainz emulator. Both sides share one DATA_DIR in a temp folder: the demo brings its
emulators back on the ports it saved and keeps its SQLite file, so both show the same data,
synced once by the first. ENABLE_ENRICHMENT=false: enrichment landing between visits would
change the page and make it poll every second. The before side is the code of `--before`
(default 73d9e61, the last commit whose `/` renders per request), extracted by
`revision.py` and put first on PYTHONPATH. The server is pinned to core 0 and this process,
with the Playwright driver and Chromium it starts, to core 1 (where `taskset` and two cores
exist), as read_path.py pins server and load.

Per side, N cold visits (a new browser context each: empty cache, no cookies) and N warm
visits (a new tab each in one context that has visited once: its cache and cookies, a plain
navigation, not a reload). Each visit waits for network idle (the page's own
after-load fetches settled) and then reads the page's navigation timing, in ms from the
start of the navigation: TTFB (responseStart), responseEnd, domContentLoaded
(domContentLoadedEventStart), first-contentful-paint (the paint entry) and load
(loadEventStart); and what it fetched: requests and bytes from our origin (the `transferSize`
of the navigation and each resource: 0 when the cache answered, headers only for a 304),
and the emulator's covers apart (count; their bytes from the DevTools protocol's
`encodedDataLength`, as resource timing hides a cross-origin size without
Timing-Allow-Origin). One table: median and p90 of each time, medians of the counts.

Measured, never asserted. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx2
from playwright.sync_api import BrowserContext, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.faults, tests.fixtures

from tests.faults.servers import start_command
from tests.fixtures.browser import CHROMIUM_ARGS
from tests.fixtures.services import CHROMIUM

import revision
from processes import free_port

SERVER_CPU, BROWSER_CPU = 0, 1
TIMES = ("TTFB", "responseEnd", "DCL", "FCP", "load")
# Read once the network is idle; entries as the page saw them.
TIMING = """() => {
  const [nav] = performance.getEntriesByType("navigation");
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const entries = [nav, ...performance.getEntriesByType("resource")];
  return {
    times: [nav.responseStart, nav.responseEnd, nav.domContentLoadedEventStart,
            paint ? paint.startTime : NaN, nav.loadEventStart],
    entries: entries.map((entry) => [entry.name, entry.transferSize]),
  };
}"""


@dataclass
class Visit:
    times: dict[str, float]
    requests: int  # from our origin, the navigation included
    transferred: int  # bytes, from our origin
    covers: int  # requests to any other origin (the emulator's covers)
    cover_bytes: int


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def visit(context: BrowserContext, url: str) -> Visit:
    """One navigation to `url` in a new tab of `context`, read once the network is idle."""
    page = context.new_page()
    protocol = context.new_cdp_session(page)
    protocol.send("Network.enable")
    fetched: dict[str, str] = {}  # request id -> URL, for responses off the network
    received: dict[str, int] = {}  # request id -> bytes received (headers and body)

    def response(event: dict[str, Any]) -> None:
        if not event["response"].get("fromDiskCache"):
            fetched[event["requestId"]] = event["response"]["url"]

    protocol.on("Network.responseReceived", response)
    protocol.on(
        "Network.loadingFinished",
        lambda event: received.__setitem__(event["requestId"], int(event["encodedDataLength"])),
    )
    page.goto(url, wait_until="networkidle")
    seen = page.evaluate(TIMING)
    protocol.detach()
    page.close()
    ours = [size for name, size in seen["entries"] if origin(name) == origin(url)]
    others = [name for name, _ in seen["entries"] if origin(name) != origin(url)]
    cover_bytes = sum(
        received.get(request, 0) for request, name in fetched.items() if origin(name) != origin(url)
    )
    times = dict(zip(TIMES, seen["times"], strict=True))
    return Visit(times, len(ours), int(sum(ours)), len(others), cover_bytes)


def visits(url: str, count: int) -> dict[str, list[Visit]]:
    """`count` cold and `count` warm visits of `url`."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            cold = []
            for _ in range(count):
                context = browser.new_context()
                cold.append(visit(context, url))
                context.close()
            context = browser.new_context()
            visit(context, url)  # fills the cache and sets any cookie
            warm = [visit(context, url) for _ in range(count)]
            context.close()
        finally:
            browser.close()
    return {"cold": cold, "warm": warm}


@contextmanager
def demo(data: Path, extra: dict[str, str], label: str) -> Iterator[str]:
    """`trendcache serve` on the demo, its data in `data`, synced; its base URL."""
    env = {"DATA_DIR": str(data), "ENABLE_ENRICHMENT": "false", "LOG_LEVEL": "WARNING", **extra}
    wrapper = ["taskset", "-c", str(SERVER_CPU)] if pinning() else []
    argv = ["serve", "--port", str(free_port())]
    server = start_command(argv, env, data.parent / label, interpreter=True, wrapper=wrapper)
    try:
        server.wait_ready(120)
        deadline = time.monotonic() + 120
        while True:  # the first start syncs in the background: wait for the data
            document = httpx2.get(f"{server.url}/api/cache/trending", timeout=5).json()
            if document.get("fetchedAt") and not document.get("refreshing"):
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"the demo did not sync within 120 s:\n{server.tail()}")
            time.sleep(0.5)
        yield server.url
    finally:
        server.stop()


def pinning() -> bool:
    return shutil.which("taskset") is not None and (os.cpu_count() or 1) >= 2


def p90(values: list[float]) -> float:
    """Nearest rank: the value at or below which 90 % of them lie."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def report(results: dict[str, dict[str, list[Visit]]]) -> None:
    header = "".join(f"{name:>11}{'':5}" for name in TIMES)
    counts = f"{'reqs':>6}{'bytes':>9}{'covers':>8}{'cover B':>9}"
    print(f"\n{'side':<8}{'visit':<6}{'n':>3}{header}{counts}")
    for side, kinds in results.items():
        for kind, measured in kinds.items():
            cells = ""
            for name in TIMES:
                values = [v.times[name] for v in measured if not math.isnan(v.times[name])]
                low, high = (statistics.median(values), p90(values)) if values else (math.nan,) * 2
                cells += f"{low:>10.0f}/{high:<5.0f}"
            requests = statistics.median(v.requests for v in measured)
            transferred = statistics.median(v.transferred for v in measured)
            covers = statistics.median(v.covers for v in measured)
            cover_bytes = statistics.median(v.cover_bytes for v in measured)
            print(
                f"{side:<8}{kind:<6}{len(measured):>3}{cells}{requests:>6.0f}{transferred:>9,.0f}"
                f"{covers:>8.0f}{cover_bytes:>9,.0f}"
            )
    print("\ntimes: median/p90, ms from navigation start; reqs, bytes: from our origin")
    print("(transferSize), covers, cover B: the emulator's images (DevTools encodedDataLength);")
    print("counts are medians")
    print("a visit's transfer for / (target < 30 KB): the cold 'bytes' column")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--visits", type=int, default=10, help="cold and warm visits per side")
    parser.add_argument(
        "--before", default=revision.BEFORE, help="the commit whose code the before side runs"
    )
    args = parser.parse_args()
    if not os.path.exists(CHROMIUM):
        raise SystemExit(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    began = time.monotonic()
    if pinning():  # the Playwright driver and Chromium inherit it
        os.sched_setaffinity(0, {BROWSER_CPU})
    results = {}
    with tempfile.TemporaryDirectory(prefix="trendcache-paint-") as name:
        folder = Path(name)
        data = folder / "data"
        # The old code first: it makes the demo database, which the current code then
        # migrates on (the other way round, an old release refuses a newer schema).
        source = revision.extract(args.before, folder / "before")
        env = revision.environment(source, {})
        database = f"sqlite:///{data / 'demo' / 'trendcache.sqlite3'}"
        checked = revision.check(source, database, revision.environment(source))
        print(f"before = {args.before}: {checked}")
        with demo(data, env, "before") as base:
            print(f"before: {args.visits} cold and {args.visits} warm visits of {base}/")
            results["before"] = visits(base + "/", args.visits)
        with demo(data, {}, "current") as base:
            print(f"current: {args.visits} cold and {args.visits} warm visits of {base}/")
            results["current"] = visits(base + "/", args.visits)
    report(results)
    print(f"\nthe whole run took {time.monotonic() - began:.0f} s")


if __name__ == "__main__":
    main()
