"""Keeping the garbage collector's pauses out of request latency.

A started server holds a few hundred thousand long-lived objects (modules, the ORM's
metadata, FastAPI's routes, the snapshots). CPython's full collection walks all of them:
measured at 60-75 ms per pass in a web process (benchmarks/history_scale.py), and with the
default thresholds one ran every few seconds under load, adding that much to whichever
request it interrupted. Once started, `settle` moves everything alive into the permanent
generation (`gc.freeze`), so a full pass walks only what was made since, and collects less
often; reference counting still frees every object that is not in a cycle at once.

`trendcache serve` settles its process just before it starts serving.
"""

from __future__ import annotations

import gc

# Young objects collected after this many net allocations (CPython's default is 700); the
# two older generations after this many of the younger one's passes (defaults 10 and 10).
THRESHOLDS = (20_000, 20, 20)


def settle() -> None:
    """Freeze what start-up left alive and collect less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)


def release(thresholds: tuple[int, int, int]) -> None:
    """Undo `settle`, back to `thresholds` (what `gc.get_threshold()` said before)."""
    gc.unfreeze()
    gc.set_threshold(*thresholds)
