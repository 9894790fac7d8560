"""Counters and histograms counted in memory, cheaply, for a flusher to add to a shared table.

Every process (web, worker, CLI) keeps one `Tally`: counting an event is a dict update
under a lock, no I/O, so it may sit on the hottest request path. A `Flusher` thread takes
the deltas every few seconds (and at shutdown) and hands them to a function that adds them
to the database (`pipeline/counters.py`), where `/metrics` reads the sum over every process
and host. Nothing here knows the database: `trendcache.tally` sits below everything.

A histogram is kept as counters too: one per bucket (not cumulative, the bucket an
observation falls in, `le` its upper bound) and its sum; the collector adds the buckets up.
"""

from __future__ import annotations

import logging
import threading
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

FLUSH_SECONDS = 5.0
Labels = tuple[tuple[str, str], ...]  # (name, value) pairs in the definition's order
Key = tuple[str, Labels]  # one sample: its name and labels
Deltas = dict[Key, float]  # sample → amount to add


@dataclass(frozen=True)
class CounterDef:
    """A counter: `name` ends in `_total`, as the exposition shows it. `initial`: label
    values shown at 0 before anything is counted, so that `increase()` sees the first."""

    name: str
    help: str
    labels: tuple[str, ...]
    initial: tuple[tuple[str, ...], ...] = ()

    def key(self, *values: str) -> Key:
        return (self.name, tuple(zip(self.labels, values, strict=True)))


@dataclass(frozen=True)
class HistogramDef:
    """A histogram: `name` without `_bucket`/`_sum`/`_count`; `buckets` upper bounds, sorted."""

    name: str
    help: str
    labels: tuple[str, ...]
    buckets: tuple[float, ...]
    bounds: tuple[str, ...] = field(init=False, repr=False)  # the `le` labels, +Inf last

    def __post_init__(self) -> None:
        bounds = (*(_bound(b) for b in self.buckets), "+Inf")
        object.__setattr__(self, "bounds", bounds)

    def bound_of(self, value: float) -> str:
        """The `le` of the bucket `value` falls in (the first bound not below it)."""
        return self.bounds[bisect_left(self.buckets, value)]

    def series(self, *values: str) -> Series:
        labels = tuple(zip(self.labels, values, strict=True))
        bucket_keys = tuple((f"{self.name}_bucket", (*labels, ("le", b))) for b in self.bounds)
        return Series(self.buckets, bucket_keys, (f"{self.name}_sum", labels))


@dataclass(frozen=True)
class Series:
    """The keys of one histogram series, made once for a series observed often."""

    buckets: tuple[float, ...]
    bucket_keys: tuple[Key, ...]  # one per bucket, +Inf last
    sum_key: Key


def _bound(value: float) -> str:
    """A bucket bound as the exposition writes it (`0.5`, `1.0`)."""
    return repr(float(value))


class Tally:
    """One process's counts since the last flush."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._deltas: Deltas = {}

    def inc(self, counter: CounterDef, *values: str, amount: float = 1.0) -> None:
        self.add(counter.key(*values), amount)

    def observe(self, histogram: HistogramDef, *values: str, value: float) -> None:
        labels = tuple(zip(histogram.labels, values, strict=True))
        bucket = (f"{histogram.name}_bucket", (*labels, ("le", histogram.bound_of(value))))
        total = (f"{histogram.name}_sum", labels)
        with self._lock:
            deltas = self._deltas
            deltas[bucket] = deltas.get(bucket, 0.0) + 1.0
            deltas[total] = deltas.get(total, 0.0) + value

    def add(self, key: Key, amount: float = 1.0) -> None:
        with self._lock:
            self._deltas[key] = self._deltas.get(key, 0.0) + amount

    def count_and_observe(self, key: Key, series: Series, value: float) -> None:
        """One count and one observation, with keys made beforehand: the hot path's way."""
        bucket = series.bucket_keys[bisect_left(series.buckets, value)]
        with self._lock:
            deltas = self._deltas
            deltas[key] = deltas.get(key, 0.0) + 1.0
            deltas[bucket] = deltas.get(bucket, 0.0) + 1.0
            deltas[series.sum_key] = deltas.get(series.sum_key, 0.0) + value

    def take(self) -> Deltas:
        """Everything counted since the last `take`, and start again from nothing."""
        with self._lock:
            deltas, self._deltas = self._deltas, {}
        return deltas

    def give_back(self, deltas: Deltas) -> None:
        """Deltas a flush could not store: counted again with the next ones."""
        with self._lock:
            for key, amount in deltas.items():
                self._deltas[key] = self._deltas.get(key, 0.0) + amount


class Flusher:
    """Calls `flush(deltas)` with the tally's deltas every `every` seconds, in a thread,
    and once more at `stop()`; deltas it fails to store are kept for the next try. Other
    periodic reports of this process (`also`) ride along on the same thread."""

    def __init__(
        self,
        tally: Tally,
        flush: Callable[[Deltas], None],
        every: float = FLUSH_SECONDS,
    ) -> None:
        self.tally = tally
        self._flush = flush
        self.every = every
        self._also: list[Callable[[], None]] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def also(self, report: Callable[[], None]) -> None:
        """Run `report` at every flush too (errors are logged, never raised)."""
        self._also.append(report)

    def flush(self) -> None:
        deltas = self.tally.take()
        if deltas:
            try:
                self._flush(deltas)
            except Exception:
                self.tally.give_back(deltas)
                log.exception("could not store %s metric counts; keeping them", len(deltas))
        for report in list(self._also):
            try:
                report()
            except Exception:
                log.exception("a periodic metrics report failed")

    def start(self) -> None:
        """Start the thread (a second call while it runs does nothing)."""
        with self._lock:
            if self._thread is not None:
                return
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="metrics-flush", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the thread, then flush what is left."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._stop.set()
            thread.join(timeout=10)
        self.flush()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.flush()
