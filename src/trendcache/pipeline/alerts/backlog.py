"""The enrichment queue's depth over time, for "the backlog has been growing for 30 minutes".

Prometheus keeps the series; we keep a short one in the state table (`alerts.queue_depth`):
an evaluating process adds a sample at its check unless another did less than `SPACING`
ago (so the series covers the window however many processes check, and how often), and
samples older than the window (plus a margin) are dropped. A sample lost to a concurrent
write only thins the series.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from trendcache.pipeline.state import StateStore

SAMPLES_KEY = "alerts.queue_depth"
GROWING_WINDOW = timedelta(minutes=30)
KEPT = GROWING_WINDOW + timedelta(minutes=10)
SPACING = timedelta(seconds=30)  # one sample per half minute, from all processes together
MAX_SAMPLES = 240  # a bound, whatever the clocks of the processes say


@dataclass(frozen=True)
class QueueSample:
    at: datetime
    due: int


def read_samples(state: StateStore) -> list[QueueSample]:
    value = state.get(SAMPLES_KEY) or {}
    samples = [
        QueueSample(datetime.fromisoformat(at), int(due)) for at, due in value.get("samples", [])
    ]
    return sorted(samples, key=lambda sample: sample.at)


def record_sample(state: StateStore, sample: QueueSample) -> None:
    kept = [old for old in read_samples(state) if old.at >= sample.at - KEPT]
    if kept and abs(sample.at - kept[-1].at) < SPACING:
        return  # a sample this recent is there already
    kept = [*kept, sample][-MAX_SAMPLES:]
    state.set(SAMPLES_KEY, {"samples": [[old.at.isoformat(), old.due] for old in kept]})


def growing_since(samples: list[QueueSample], now: datetime) -> datetime | None:
    """When the queue began the stretch in which it never emptied and grew over the last
    `GROWING_WINDOW` (Prometheus: min_over_time > 0 and delta > 0); None if it did not.

    It needs a sample from at least the window's length ago: a series that young says
    nothing yet.
    """
    start = now - GROWING_WINDOW
    before = [sample for sample in samples if sample.at <= start]
    if not before:
        return None
    window = [before[-1]] + [sample for sample in samples if sample.at > start]
    if min(sample.due for sample in window) == 0 or window[-1].due <= window[0].due:
        return None
    since = window[0].at
    for sample in reversed(before[:-1]):  # how far back the queue stayed non-empty
        if sample.due == 0:
            break
        since = sample.at
    return since
