"""The emulator's invented ListenBrainz: release groups on fixed dates, and listeners' charts.

Release groups come out on absolute dates: each calendar day's releases follow from the
seed and that date alone (a "day bucket"), so any process, built on any day, agrees on
what came out when. Their listens follow ``drift`` (rise, peak, decay, sometimes a second
wave); older catalogue groups ("evergreen", chart only) keep a steady audience. Which day
it is can move (``set_day``, ``advance``): the charts are then computed for that day, e.g.
``this_week`` ranks by the listens of the seven days ending on it, and fresh releases
pivot on it. The same seed and day give the same answers in every process.

``shared`` groups (see ``shared``) are release groups the MusicBrainz emulator serves for
Spotify albums: they chart here too, with the very same MBIDs, once listeners catch up.
Each chart holds the top 1000, as ListenBrainz computes them.
"""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from trendcache.emulators.spotify import names

from .drift import Audience, Wave

RANGES = (
    "this_week",
    "this_month",
    "this_year",
    "week",
    "month",
    "quarter",
    "year",
    "half_yearly",
    "all_time",
)
# Range → days it covers (the fixed-length ones; calendar ranges follow the calendar).
RANGE_DAYS = {"week": 7, "quarter": 91, "half_yearly": 182, "all_time": 7_300}
PRIMARY_TYPES = ("Album", "Album", "Album", "Single", "Single", "EP", "Other", None)
SECONDARY_TYPES = (None, None, None, None, None, "Live", "Compilation", "Remix", "Soundtrack")
TAGS = ("electronic", "indie", "hip hop", "jazz", "folk", "ambient", "metal", "pop", "rock")
# Titles in the styles of these markets' languages (ListenBrainz's listeners are everywhere).
TITLE_MARKETS = ("US", "GB", "SE", "DE", "FR", "BR", "MX", "JP")
_ARTIST_FIRST = ("Ada", "Boris", "Chiara", "Dmitri", "Elif", "Farah", "Goran", "Hana", "Ines")
_ARTIST_LAST = ("Kovač", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov", "Quist", "Röyk")
EVERGREEN_GROUPS = 700  # older catalogue, in the charts only
PER_DAY = (1, 2, 2, 3, 3, 4)  # how many release groups a day brings
CHART_LIMIT = 1000  # ListenBrainz computes the top 1000 of each range
ARTISTS = 90
WINDOW_PAST_DAYS = 730  # day buckets kept before the day: every range but all_time
WINDOW_FUTURE_DAYS = 90  # and after it: fresh releases look up to 90 days ahead
_EVERGREEN_FROM = date(2000, 1, 1)
SECOND_WAVE_SHARE = 0.25


def _title(rng: random.Random) -> str:
    """A release title in the style of a random market (the Spotify emulator's words)."""
    return names.title(rng, rng.choice(TITLE_MARKETS))


def mbid(seed: int, kind: str, index: int | str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"listenbrainz-emulator:{seed}:{kind}:{index}"))


@dataclass(frozen=True)
class Artist:
    mbid: str
    name: str


@dataclass(frozen=True)
class ReleaseGroup:
    mbid: str
    release_mbid: str  # the release shown for it (and its cover, when it has one)
    name: str
    artists: tuple[Artist, ...]
    release_date: date
    primary_type: str | None
    secondary_type: str | None
    caa_id: int | None
    tags: tuple[str, ...]
    fresh: bool  # listed by fresh-releases (else chart only)
    audience: Audience = field(default_factory=Audience, compare=False)

    @property
    def credit(self) -> str:
        return " & ".join(artist.name for artist in self.artists)

    def listens(self, first: date, last: date) -> int:
        return self.audience.between(self.mbid, self.release_date, first, last)


def waves(rng: random.Random, peak: float, rise: tuple[int, int]) -> tuple[Wave, ...]:
    """A release's first wave, and for some a second one (the way back into the charts)."""
    first = Wave(0, peak, rng.randint(*rise), rng.uniform(8, 40))
    if rng.random() >= SECOND_WAVE_SHARE:
        return (first,)
    second = Wave(
        first.rise + rng.randint(20, 60),
        peak * rng.uniform(0.6, 1.2),
        rng.randint(3, 8),
        rng.uniform(5, 14),
    )
    return (first, second)


def range_days(range_name: str, day: date) -> tuple[date, date]:
    """The first and last day (both included) a range's statistics cover on `day`."""
    if range_name == "this_week":
        return day - timedelta(days=6), day
    if range_name == "this_month":
        return day.replace(day=1), day
    if range_name == "this_year":
        return day.replace(month=1, day=1), day
    if range_name == "month":
        last = day.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if range_name == "year":
        return date(day.year - 1, 1, 1), date(day.year - 1, 12, 31)
    last = day if range_name == "all_time" else day - timedelta(days=7)
    return last - timedelta(days=RANGE_DAYS[range_name] - 1), last


class Catalog:
    def __init__(
        self, seed: int = 2026, today: date | None = None, shared: Iterable[ReleaseGroup] = ()
    ) -> None:
        self.seed = seed
        self.today = self.start_day = today or date.today()
        rng = random.Random(seed)
        self.artists = [
            Artist(
                mbid(seed, "artist", i), f"{rng.choice(_ARTIST_FIRST)} {rng.choice(_ARTIST_LAST)}"
            )
            for i in range(ARTISTS)
        ]
        self.evergreen = [self._evergreen(i) for i in range(EVERGREEN_GROUPS)]
        self.shared = tuple(sorted(shared, key=lambda g: (g.release_date, g.mbid)))
        self._days: dict[date, tuple[ReleaseGroup, ...]] = {}
        self._charts: dict[tuple[date, str], list[tuple[ReleaseGroup, int]]] = {}
        self._releases: dict[str, ReleaseGroup] = {}
        self._lock = threading.Lock()
        for group in (*self.evergreen, *self.shared):
            self._known(group)

    # The day

    def set_day(self, day: date) -> date:
        """Move to `day` (either way): charts and fresh releases follow it."""
        self.today = day
        return day

    def advance(self, days: int = 1) -> date:
        return self.set_day(self.today + timedelta(days=days))

    # The release groups

    def released_on(self, day: date) -> tuple[ReleaseGroup, ...]:
        """The day's own release groups: from the seed and the date alone."""
        with self._lock:
            groups = self._days.get(day)
            if groups is None:
                rng = random.Random(f"{self.seed}:day:{day.isoformat()}")
                count = rng.choice(PER_DAY)
                groups = tuple(self._fresh(rng, day, i) for i in range(count))
                self._days[day] = groups
                for group in groups:
                    self._known(group)
        return groups

    def between(self, first: date, last: date) -> list[ReleaseGroup]:
        """Every release group out from `first` to `last`, shared ones included."""
        days = (last - first).days + 1
        found = [g for d in range(days) for g in self.released_on(first + timedelta(days=d))]
        found += [g for g in self.shared if first <= g.release_date <= last]
        return found

    @property
    def groups(self) -> list[ReleaseGroup]:
        """The release groups around the day (the window the charts rank), catalogue too."""
        return self.around(self.today)

    def around(self, day: date) -> list[ReleaseGroup]:
        first = day - timedelta(days=WINDOW_PAST_DAYS)
        found = self.between(first, day + timedelta(days=WINDOW_FUTURE_DAYS))
        return [*found, *self.evergreen]

    def release(self, release_mbid: str) -> ReleaseGroup | None:
        """The release group whose shown release this is (the Cover Art Archive's lookup)."""
        return self._releases.get(release_mbid.lower())

    def group(self, group_mbid: str) -> ReleaseGroup | None:
        return self._releases.get(f"rg:{group_mbid.lower()}")

    def _known(self, group: ReleaseGroup) -> None:
        self._releases[group.release_mbid] = group
        self._releases[f"rg:{group.mbid}"] = group

    def _fresh(self, rng: random.Random, day: date, index: int) -> ReleaseGroup:
        credited = rng.choice((1, 1, 1, 2, 3))
        key = f"{day.isoformat()}:{index}"
        return ReleaseGroup(
            mbid=mbid(self.seed, "release-group", key),
            release_mbid=mbid(self.seed, "release", key),
            name=_title(rng),
            artists=tuple(rng.sample(self.artists, credited)),
            release_date=day,
            primary_type=rng.choice(PRIMARY_TYPES),
            secondary_type=rng.choice(SECONDARY_TYPES),
            caa_id=rng.randint(10**9, 4 * 10**10) if rng.random() < 0.8 else None,
            tags=tuple(sorted(rng.sample(TAGS, rng.randint(0, 3)))),
            fresh=True,
            audience=Audience(waves(rng, min(400.0, 8 * rng.paretovariate(1.2)), (1, 8))),
        )

    def _evergreen(self, index: int) -> ReleaseGroup:
        rng = random.Random(f"{self.seed}:evergreen:{index}")
        credited = rng.choice((1, 1, 1, 2))
        return ReleaseGroup(
            mbid=mbid(self.seed, "evergreen-group", index),
            release_mbid=mbid(self.seed, "evergreen-release", index),
            name=_title(rng),
            artists=tuple(rng.sample(self.artists, credited)),
            release_date=_EVERGREEN_FROM + timedelta(days=rng.randint(0, 7_500)),
            primary_type=rng.choice(PRIMARY_TYPES),
            secondary_type=rng.choice(SECONDARY_TYPES),
            caa_id=rng.randint(10**9, 4 * 10**10) if rng.random() < 0.8 else None,
            tags=tuple(sorted(rng.sample(TAGS, rng.randint(0, 3)))),
            fresh=False,
            audience=Audience(
                steady=min(60.0, 1.5 * rng.paretovariate(1.4)), sway=rng.uniform(20, 90)
            ),
        )

    # What the endpoints serve

    def fresh_releases(
        self, pivot: date, days: int, sort: str, past: bool, future: bool
    ) -> list[dict[str, Any]]:
        start = pivot - timedelta(days=days) if past else pivot
        end = pivot + timedelta(days=days) if future else pivot
        found = [g for g in self.between(start, end) if g.fresh]
        order = ["release_date", "artist_credit_name", "release_name"]
        order = order[order.index(sort) :] + order[: order.index(sort)]
        items = [self._fresh_item(group) for group in found]
        items.sort(key=lambda item: tuple(item[key] for key in order))
        return items

    def _fresh_item(self, group: ReleaseGroup) -> dict[str, Any]:
        item: dict[str, Any] = {
            "artist_credit_name": group.credit,
            "artist_mbids": [artist.mbid for artist in group.artists],
            "caa_id": group.caa_id,
            "caa_release_mbid": group.release_mbid if group.caa_id else None,
            "listen_count": group.listens(group.release_date, self.today),
            "release_date": group.release_date.isoformat(),
            "release_group_mbid": group.mbid,
            "release_mbid": group.release_mbid,
            "release_name": group.name,
            "release_tags": list(group.tags),
        }
        # As ListenBrainz's FreshRelease.to_dict: types MusicBrainz lacks are left out.
        if group.primary_type is not None:
            item["release_group_primary_type"] = group.primary_type
        if group.secondary_type is not None:
            item["release_group_secondary_type"] = group.secondary_type
        return item

    def ranked(self, range_name: str) -> list[tuple[ReleaseGroup, int]]:
        """The range's top release groups on the day with their listens, most first."""
        day = self.today
        with self._lock:
            cached = self._charts.get((day, range_name))
        if cached is not None:
            return cached
        first, last = range_days(range_name, day)
        scored = [(group, group.listens(first, last)) for group in self.around(day)]
        scored = [(group, n) for group, n in scored if n > 0]
        scored.sort(key=lambda pair: (-pair[1], pair[0].mbid))
        chart = scored[:CHART_LIMIT]
        with self._lock:
            self._charts[(day, range_name)] = chart
        return chart

    def chart(self, range_name: str) -> list[dict[str, Any]]:
        return [
            {
                "artist_mbids": [artist.mbid for artist in group.artists],
                "artist_name": group.credit,
                "caa_id": group.caa_id,
                "caa_release_mbid": group.release_mbid if group.caa_id else None,
                "listen_count": listens,
                "release_group_mbid": group.mbid,
                "release_group_name": group.name,
            }
            for group, listens in self.ranked(range_name)
        ]

    def chart_period(self, range_name: str) -> tuple[int, int]:
        """(from_ts, to_ts) of a range's statistics: midnight-aligned, from the start of
        its first day to the end of its last."""
        first, last = range_days(range_name, self.today)
        start = int(datetime(first.year, first.month, first.day, tzinfo=UTC).timestamp())
        end = last + timedelta(days=1)
        return start, int(datetime(end.year, end.month, end.day, tzinfo=UTC).timestamp())
