"""How listening moves from day to day: each release group's deterministic daily listens.

A release group's listens follow a curve fixed by its own seeded draws, never by the day
anything is asked: nothing before its release day, a rise to a peak (`rise` days after
release; Spotify's new releases reach ListenBrainz's listeners later, as they catch up),
then an exponential decay; some get a second wave (a single takes off, a tour), which is
how a group that left the charts re-enters them. Older catalogue ("evergreen") groups keep
a steady, slowly swaying audience. A small per-day wobble, hashed from the group and the
day, keeps neighbouring places trading. The same seed and day give the same numbers in
every process.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Wave:
    start: int  # days after release
    peak: float  # listens a day at its top
    rise: int  # days from its start to its top
    decay: float  # days for the listens to fall by e after the top

    def at(self, age: int) -> float:
        t = age - self.start
        if t < 0:
            return 0.0
        if t <= self.rise:
            return self.peak * (t + 1) / (self.rise + 1)
        return self.peak * math.exp(-(t - self.rise) / self.decay)


@dataclass(frozen=True)
class Audience:
    """A release group's listeners: its waves, or a steady base for catalogue groups."""

    waves: tuple[Wave, ...] = ()
    steady: float = 0.0  # listens a day of an evergreen group
    sway: float = 60.0  # days of its slow swing

    def listens(self, key: str, released: date, day: date) -> int:
        age = (day - released).days
        if age < 0:
            return 0
        base = sum(wave.at(age) for wave in self.waves)
        if self.steady:
            phase = zlib.crc32(key.encode()) % 360
            swing = math.sin(2 * math.pi * day.toordinal() / self.sway + math.radians(phase))
            base += self.steady * (1 + 0.3 * swing)
        wobble = zlib.crc32(f"{key}:{day.toordinal()}".encode()) % 1000 / 1000
        return int(base * (0.85 + 0.3 * wobble))

    def between(self, key: str, released: date, first: date, last: date) -> int:
        """Listens from `first` to `last`, both included; long spans are sampled evenly."""
        if last < released or last < first:
            return 0
        first = max(first, released)
        days = (last - first).days + 1
        step = max(1, days // 28)
        total = 0
        for offset in range(0, days, step):
            span = min(step, days - offset)
            total += self.listens(key, released, first + timedelta(days=offset)) * span
        return total
