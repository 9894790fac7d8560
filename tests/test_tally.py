"""The per-process tally: counts and histogram buckets kept in memory, taken by a flusher
that never loses them when the database refuses."""

from __future__ import annotations

import pytest

from trendcache.tally import CounterDef, Deltas, Flusher, HistogramDef, Tally

HITS = CounterDef("test_hits_total", "Hits.", ("kind",))
WAIT = HistogramDef("test_wait_seconds", "Waits.", ("kind",), (0.1, 1.0))


def test_counts_add_up_per_label_set_until_taken() -> None:
    tally = Tally()
    tally.inc(HITS, "a")
    tally.inc(HITS, "a", amount=2.5)
    tally.inc(HITS, "b")

    assert tally.take() == {
        ("test_hits_total", (("kind", "a"),)): 3.5,
        ("test_hits_total", (("kind", "b"),)): 1.0,
    }
    assert tally.take() == {}


def test_a_label_value_for_every_label_name() -> None:
    with pytest.raises(ValueError, match="shorter"):
        Tally().inc(HITS)


@pytest.mark.parametrize(
    ("value", "bound"), [(0.0, "0.1"), (0.1, "0.1"), (0.5, "1.0"), (1.0, "1.0"), (7.0, "+Inf")]
)
def test_an_observation_falls_in_the_first_bucket_not_below_it(value: float, bound: str) -> None:
    assert WAIT.bound_of(value) == bound


def test_an_observation_counts_in_its_bucket_and_the_sum() -> None:
    tally = Tally()
    tally.observe(WAIT, "a", value=0.05)
    tally.observe(WAIT, "a", value=3.0)

    assert tally.take() == {
        ("test_wait_seconds_bucket", (("kind", "a"), ("le", "0.1"))): 1.0,
        ("test_wait_seconds_bucket", (("kind", "a"), ("le", "+Inf"))): 1.0,
        ("test_wait_seconds_sum", (("kind", "a"),)): 3.05,
    }


def test_a_failed_flush_keeps_its_counts_for_the_next() -> None:
    tally = Tally()
    stored: list[Deltas] = []
    refuse = True

    def flush(deltas: Deltas) -> None:
        if refuse:
            raise RuntimeError("the database is away")
        stored.append(deltas)

    flusher = Flusher(tally, flush)
    tally.inc(HITS, "a")
    flusher.flush()
    tally.inc(HITS, "a")
    refuse = False
    flusher.flush()

    assert stored == [{("test_hits_total", (("kind", "a"),)): 2.0}]


def test_stop_flushes_what_is_left_and_runs_the_other_reports() -> None:
    tally = Tally()
    stored: list[Deltas] = []
    reports: list[str] = []
    flusher = Flusher(tally, stored.append, every=3600)
    flusher.also(lambda: reports.append("snapshot"))
    flusher.start()
    tally.inc(HITS, "a")

    flusher.stop()

    assert stored == [{("test_hits_total", (("kind", "a"),)): 1.0}]
    assert reports == ["snapshot"]


def test_nothing_counted_stores_nothing() -> None:
    stored: list[Deltas] = []
    Flusher(Tally(), stored.append).flush()
    assert stored == []


def test_keys_made_beforehand_count_as_inc_and_observe_do() -> None:
    by_hand, ready = Tally(), Tally()
    series = WAIT.series("a")
    for value in (0.05, 0.5, 3.0):
        by_hand.inc(HITS, "a")
        by_hand.observe(WAIT, "a", value=value)
        ready.count_and_observe(HITS.key("a"), series, value)

    assert ready.take() == by_hand.take()
