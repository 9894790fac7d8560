"""The rollups' rules: days split into aligned blocks of every span."""

from __future__ import annotations

import random
from datetime import date, timedelta

from trendcache.pipeline.history.rollup_rules import SPANS, span_start, split_days


def test_blocks_split_any_range_into_aligned_blocks_of_every_span() -> None:
    rng = random.Random(2)
    for _ in range(300):
        first = date(2019, 1, 1) + timedelta(days=rng.randrange(2000))
        last = first + timedelta(days=rng.randrange(1500))
        blocks = split_days(first, last)
        day = first
        for span, start in blocks:
            assert span in SPANS and start == day == span_start(day, span)
            day += timedelta(days=span)
        assert day == last + timedelta(days=1)
        assert len(blocks) <= (last - first).days // 448 + 2 * (3 + 3 + 3 + 6) + 1
