"""Schemathesis hooks for runs against our own document (loaded by schemathesis.toml).

- Text responses (the pages' HTML, CSV exports) are read as strings, so their documented
  schemas are checked too, not skipped.
- One rule no schema can state: a window's `since` must not be after its `until`. Such a
  request is well-formed parameter by parameter, and the routes refuse it with a documented
  400 saying so; that one refusal is not a "schema-valid request rejected". Only a 400 whose
  own `since` and `until` (read as the route reads them) really are the wrong way round is let
  through; every other failure of that check still fails the run.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import schemathesis
from schemathesis.openapi.checks import RejectedPositiveData

from trendcache.pipeline.moments import MomentError, parse_moment

# Statistics windows: a date `until` is its whole day, and without `until` the window ends
# now. Album history windows: a date is its midnight, and without `until` nothing is compared.
STATS_WINDOWS = {"/api/stats/trending", "/stats"}
ALBUM_WINDOWS = {"/api/albums/appearances/{albumId}"}


@schemathesis.deserializer("text/html", "text/csv")
def as_text(ctx: Any, response: Any) -> str:
    text: str = response.text
    return text


@schemathesis.hook
def filter_failure(ctx: Any, failure: Any, case: Any, response: Any) -> bool:
    """False (drop it) only for a 400 refusing a window that ends before it starts."""
    if not isinstance(failure, RejectedPositiveData) or response.status_code != 400:
        return True
    path = case.operation.path
    if path not in STATS_WINDOWS | ALBUM_WINDOWS:
        return True
    return not ends_before_it_starts(case.query or {}, stats=path in STATS_WINDOWS)


def ends_before_it_starts(query: dict[str, Any], *, stats: bool) -> bool:
    since, until = query.get("since") or None, query.get("until") or None  # the form's "" too
    if not isinstance(since, str):
        return False
    try:
        start = parse_moment("since", since)
        if isinstance(until, str):
            end = parse_moment("until", until, end=stats)
        elif stats:
            end = datetime.now(UTC)  # a statistics window ends now by default
        else:
            return False
    except MomentError:
        return False
    return start > end
