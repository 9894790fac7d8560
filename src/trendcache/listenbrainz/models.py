"""Typed ListenBrainz payloads, shaped from the documented responses.

Sources: the docstrings of `get_fresh_releases` (explore_api.py) and
`get_sitewide_release_group` (stats_api.py) in metabrainz/listenbrainz-server, which the
API reference (docs/users/api) is generated from, and the `FreshRelease` model behind the
former. Only what trendcache relies on is required; fields the docs call optional are
optional, and anything else is kept as it came (`extra="allow"`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from trendcache.listenbrainz.sanitize import MBID

Mbid = Annotated[str, Field(pattern=f"^{MBID}$")]
DAYS_MAX = 90  # explore_api.MAX_NUMBER_OF_FRESH_RELEASE_DAYS
COUNT_MAX = 1000  # api_tools.MAX_ITEMS_PER_GET


class StatsRange(StrEnum):
    """`data.model.common_stat.StatisticsRange`: the ranges every stats endpoint takes."""

    THIS_WEEK = "this_week"
    THIS_MONTH = "this_month"
    THIS_YEAR = "this_year"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    HALF_YEARLY = "half_yearly"
    ALL_TIME = "all_time"


class FreshSort(StrEnum):
    RELEASE_DATE = "release_date"
    ARTIST_CREDIT_NAME = "artist_credit_name"
    RELEASE_NAME = "release_name"


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="allow")


class FreshRelease(Model):
    """One item of `GET /1/explore/fresh-releases/`."""

    release_mbid: Mbid
    release_group_mbid: Mbid
    artist_mbids: list[Mbid] = Field(min_length=1)
    artist_credit_name: str
    release_name: str
    release_date: date
    release_group_primary_type: str | None = None  # left out when MusicBrainz has none
    release_group_secondary_type: str | None = None
    caa_id: int | None = None
    caa_release_mbid: Mbid | None = None
    listen_count: int | None = Field(None, ge=0)
    release_tags: list[str] = []


class FreshReleases(Model):
    releases: list[FreshRelease]
    total_count: int = Field(ge=0)


class FreshReleasesDocument(Model):
    payload: FreshReleases


class ChartReleaseGroup(Model):
    """One item of `GET /1/stats/sitewide/release-groups`: a release group and its listens."""

    release_group_mbid: Mbid
    release_group_name: str
    artist_name: str
    artist_mbids: list[Mbid] = []  # "optional … may not be present"
    listen_count: int = Field(ge=0)
    caa_id: int | None = None
    caa_release_mbid: Mbid | None = None


class ReleaseGroupChart(Model):
    release_groups: list[ChartReleaseGroup]
    range: StatsRange
    offset: int = Field(ge=0)
    count: int = Field(ge=0)
    total_release_group_count: int = Field(ge=0)
    from_ts: int
    to_ts: int
    last_updated: int


class ReleaseGroupChartDocument(Model):
    payload: ReleaseGroupChart


@dataclass(frozen=True)
class StatsNotComputed:
    """204 from a stats endpoint: ListenBrainz has not computed this range yet. Not an
    error: there is simply no chart to show until its next statistics run."""

    range: StatsRange

    def __str__(self) -> str:
        return f"ListenBrainz has not computed its {self.range.value} statistics yet"


class ErrorBody(BaseModel):
    """`{"code": 400, "error": "…"}`: how the API explains a refusal."""

    code: int | None = None
    error: str
