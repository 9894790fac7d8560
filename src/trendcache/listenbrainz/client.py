"""The two ListenBrainz endpoints trendcache reads, each validated before it is handed back.

Every answer's text is cleaned first (`sanitize`), then validated against the documented
shape (`models`); a malformed answer raises `ListenBrainzMalformed` naming the field.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from trendcache.listenbrainz.errors import ListenBrainzMalformed
from trendcache.listenbrainz.models import (
    COUNT_MAX,
    DAYS_MAX,
    FreshReleases,
    FreshReleasesDocument,
    FreshSort,
    ReleaseGroupChart,
    ReleaseGroupChartDocument,
    StatsNotComputed,
    StatsRange,
)
from trendcache.listenbrainz.sanitize import clean_document
from trendcache.listenbrainz.session import ListenBrainzSession

M = TypeVar("M", bound=BaseModel)
FRESH_RELEASES = "1/explore/fresh-releases/"
SITEWIDE_RELEASE_GROUPS = "1/stats/sitewide/release-groups"


def validate(model: type[M], document: Any, what: str) -> M:
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the document"
        raise ListenBrainzMalformed(
            f"malformed {what} from ListenBrainz: {where}: {first['msg']}"
        ) from exc


class ListenBrainzClient:
    def __init__(self, session: ListenBrainzSession) -> None:
        self.session = session

    def fresh_releases(
        self,
        *,
        release_date: date | None = None,
        days: int = 14,
        sort: FreshSort = FreshSort.RELEASE_DATE,
        past: bool = True,
        future: bool = True,
    ) -> FreshReleases:
        """Releases within `days` (1 to 90) of `release_date` (ListenBrainz's today if None),
        before it if `past`, after it if `future`: one request, no paging exists."""
        if not 1 <= days <= DAYS_MAX:
            raise ValueError(f"days must be between 1 and {DAYS_MAX}, not {days}")
        params: list[tuple[str, str | int | bool]] = [
            ("days", days),
            ("sort", sort.value),
            ("past", past),
            ("future", future),
        ]
        if release_date is not None:
            params.insert(0, ("release_date", release_date.isoformat()))
        document = self.session.get(FRESH_RELEASES, params)
        if document is None:
            raise ListenBrainzMalformed("ListenBrainz answered fresh releases with no content")
        cleaned = clean_document(document)
        return validate(FreshReleasesDocument, cleaned, "fresh releases").payload

    def top_release_groups(
        self, range_: StatsRange = StatsRange.WEEK, *, count: int = 100, offset: int = 0
    ) -> ReleaseGroupChart | StatsNotComputed:
        """One page of the sitewide release-group chart (`count` ≤ 1000 from `offset`), or
        `StatsNotComputed` while ListenBrainz has no statistics for `range_` yet (204)."""
        if not 1 <= count <= COUNT_MAX:
            raise ValueError(f"count must be between 1 and {COUNT_MAX}, not {count}")
        if offset < 0:
            raise ValueError(f"offset must be 0 or more, not {offset}")
        params = [("range", range_.value), ("count", count), ("offset", offset)]
        document = self.session.get(SITEWIDE_RELEASE_GROUPS, params)
        if document is None:
            return StatsNotComputed(range_)
        cleaned = clean_document(document)
        return validate(ReleaseGroupChartDocument, cleaned, "release-group chart").payload
