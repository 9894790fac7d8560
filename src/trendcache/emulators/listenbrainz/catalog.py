"""The emulator's invented ListenBrainz: releases around today and the listeners' charts.

Everything follows from the seed and the day it is built for: MBIDs are UUID5s of the seed
and an index, names come from small word lists, release dates sit between 90 days ago and
30 days ahead, and each range's chart ranks release groups by listen counts drawn from a
generator seeded with the range. The same seed on the same day gives the same answers in
every process; a later day moves the dates along with it.

Some charted release groups are fresh releases (listeners play what just came out); the
rest are older release groups that appear only in the charts. Each chart holds the top
1000, as ListenBrainz computes them.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

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
# Range → (days it covers, how many listens its top entry has), for plausible numbers.
RANGE_SPANS = {
    "this_week": (7, 900),
    "this_month": (30, 3_500),
    "this_year": (365, 40_000),
    "week": (7, 1_000),
    "month": (30, 4_000),
    "quarter": (91, 11_000),
    "year": (365, 45_000),
    "half_yearly": (182, 22_000),
    "all_time": (7_300, 400_000),
}
PRIMARY_TYPES = ("Album", "Album", "Album", "Single", "Single", "EP", "Other", None)
SECONDARY_TYPES = (None, None, None, None, None, "Live", "Compilation", "Remix", "Soundtrack")
TAGS = ("electronic", "indie", "hip hop", "jazz", "folk", "ambient", "metal", "pop", "rock")
_FIRST = ("Velvet", "Neon", "Quiet", "Hollow", "Golden", "Paper", "Static", "Northern", "Lunar")
_SECOND = ("Harbor", "Engines", "Gardens", "Signals", "Rivers", "Machines", "Lights", "Tides")
_ARTIST_FIRST = ("Ada", "Boris", "Chiara", "Dmitri", "Elif", "Farah", "Goran", "Hana", "Ines")
_ARTIST_LAST = ("Kovač", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov", "Quist", "Röyk")
FRESH_RELEASES = 240
CHART_ONLY_GROUPS = 900
CHART_LIMIT = 1000  # ListenBrainz computes the top 1000 of each range
ARTISTS = 90
PAST_DAYS = 90
FUTURE_DAYS = 30


def mbid(seed: int, kind: str, index: int) -> str:
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

    @property
    def credit(self) -> str:
        return " & ".join(artist.name for artist in self.artists)


class Catalog:
    def __init__(self, seed: int = 2026, today: date | None = None) -> None:
        self.seed = seed
        self.today = today or date.today()
        rng = random.Random(seed)
        self.artists = [
            Artist(
                mbid(seed, "artist", i), f"{rng.choice(_ARTIST_FIRST)} {rng.choice(_ARTIST_LAST)}"
            )
            for i in range(ARTISTS)
        ]
        self.groups = [
            self._group(rng, i, fresh=i < FRESH_RELEASES)
            for i in range(FRESH_RELEASES + CHART_ONLY_GROUPS)
        ]
        self._charts = {name: self._chart(name) for name in RANGES}
        self._all_time = {group.mbid: n for group, n in self._charts["all_time"]}

    def _group(self, rng: random.Random, index: int, *, fresh: bool) -> ReleaseGroup:
        if fresh:
            offset = rng.randint(-PAST_DAYS, FUTURE_DAYS)
        else:
            offset = -rng.randint(PAST_DAYS + 1, 3_000)
        credited = rng.choice((1, 1, 1, 2, 3))
        return ReleaseGroup(
            mbid=mbid(self.seed, "release-group", index),
            release_mbid=mbid(self.seed, "release", index),
            name=f"{rng.choice(_FIRST)} {rng.choice(_SECOND)} {index}",
            artists=tuple(rng.sample(self.artists, credited)),
            release_date=self.today + timedelta(days=offset),
            primary_type=rng.choice(PRIMARY_TYPES),
            secondary_type=rng.choice(SECONDARY_TYPES),
            caa_id=rng.randint(10**9, 4 * 10**10) if rng.random() < 0.8 else None,
            tags=tuple(sorted(rng.sample(TAGS, rng.randint(0, 3)))),
            fresh=fresh,
        )

    def _chart(self, range_name: str) -> list[tuple[ReleaseGroup, int]]:
        """Release groups out by the range's day with their listen counts, most first."""
        _, top = RANGE_SPANS[range_name]
        rng = random.Random(f"{self.seed}:{range_name}")
        eligible = [g for g in self.groups if g.release_date <= self.today]
        scored = [(group, rng.paretovariate(1.2)) for group in eligible]
        scored.sort(key=lambda pair: (-pair[1], pair[0].mbid))
        peak = scored[0][1]
        return [(group, max(1, round(top * score / peak))) for group, score in scored[:CHART_LIMIT]]

    # What the endpoints serve

    def fresh_releases(
        self, pivot: date, days: int, sort: str, past: bool, future: bool
    ) -> list[dict[str, Any]]:
        start = pivot - timedelta(days=days) if past else pivot
        end = pivot + timedelta(days=days) if future else pivot
        found = [g for g in self.groups if g.fresh and start <= g.release_date <= end]
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
            "listen_count": self._all_time.get(group.mbid, 0),
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
            for group, listens in self._charts[range_name]
        ]

    def chart_period(self, range_name: str) -> tuple[int, int]:
        """(from_ts, to_ts) of a range's statistics: midnight-aligned, ending today."""
        days, _ = RANGE_SPANS[range_name]
        today = self.today
        end = int(datetime(today.year, today.month, today.day, tzinfo=UTC).timestamp())
        return end - days * 86_400, end
