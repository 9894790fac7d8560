"""`heap.settle`: what start-up left alive is frozen out of full collections, what comes
after is collected as ever, and young collections come less often."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from trendcache import heap


class Node:
    """An object in a reference cycle: only the collector can free it."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def thresholds() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    yield before
    heap.release(before)


def test_settled_objects_are_left_alone_and_new_ones_collected(
    thresholds: tuple[int, int, int],
) -> None:
    early = Node()
    early_ref = weakref.ref(early)
    heap.settle()
    assert gc.get_threshold() == heap.THRESHOLDS
    assert gc.get_freeze_count() > 1000  # start-up's objects: modules, classes, …
    late = Node()
    late_ref = weakref.ref(late)
    del early, late
    gc.collect()
    assert late_ref() is None
    assert early_ref() is not None  # frozen: no collection walks it
    heap.release(thresholds)
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == thresholds
    gc.collect()
    assert early_ref() is None
