"""The ws/2 calls a matcher makes, answered from the emulator's catalog.

Handlers only compute the answer; identity, limits, faults, the format check and stats
are applied around them by ``pipeline``. Parameter errors use musicbrainz-server's
wording; where the real wording is unknown (more than 100 URLs, an unparsable query)
the emulator's own is marked as such.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import Response

from . import errors, hits
from .errors import MusicBrainzJSON, WebServiceError
from .ids import is_mbid
from .instance import EmulatorState
from .lucene import Query, QuerySyntaxError, parse
from .render import Lookup
from .search import Hit

Searcher = Callable[[Query], list[Hit]]
T = TypeVar("T")

MAX_URLS = 100
DEFAULT_LIMIT, MAX_LIMIT = 25, 100
_RELS = re.compile(
    r"(area|artist|event|genre|instrument|label|place|recording|release|release-group|series|"
    r"url|work)-rels"
)
_MISC = {"aliases", "annotation", "tags", "genres", "ratings", "user-tags", "user-genres"}
RELEASE_INC = _MISC | {
    "artists", "artist-credits", "labels", "recordings", "release-groups", "media", "isrcs",
    "discids", "collections", "recording-level-rels", "work-level-rels",
}  # fmt: skip
RELEASE_GROUP_INC = _MISC | {"artists", "artist-credits", "releases", "media", "discids"}
# inc values that only make sense together with another one, as MusicBrainz enforces.
_NEEDS = {"isrcs": ("recordings",), "discids": ("media", "recordings")}


def _inc(request: Request, allowed: set[str], resource: str) -> set[str]:
    values = request.query_params.getlist("inc")
    if len(values) > 1:
        raise errors.repeated_inc()
    wanted = {i for i in re.split(r"[+ ]", values[0] if values else "") if i}
    for inc in sorted(wanted):
        if inc not in allowed and not _RELS.fullmatch(inc):
            raise errors.bad_inc(inc, resource)
        needed = _NEEDS.get(inc, ())
        if needed and not wanted & set(needed):
            raise errors.inc_needs(inc, resource, needed)
    return wanted


def _page(request: Request) -> tuple[int, int]:
    raw_limit = request.query_params.get("limit") or "0"
    raw_offset = request.query_params.get("offset") or "0"
    if not (raw_limit.isdigit() and raw_offset.isdigit()):
        raise WebServiceError(400, "The 'limit' and 'offset' parameters must be positive integers")
    return min(int(raw_limit) or DEFAULT_LIMIT, MAX_LIMIT), int(raw_offset)


def _mbid(request: Request) -> str:
    value: str = request.path_params["mbid"]
    if not is_mbid(value):
        raise errors.invalid_mbid()
    return value.lower()


def url_lookup(request: Request, state: EmulatorState) -> Response:
    """One ``resource``: the URL object (404 if unknown); several: a list of the known ones.

    The list is ordered by URL MBID, not by request order, as in musicbrainz-server's own
    test; clients must match answers to questions by ``resource``.
    """
    resources = list(dict.fromkeys(r for r in request.query_params.getlist("resource") if r))
    if not resources:
        raise errors.no_query_type("url")
    if len(resources) > MAX_URLS:  # emulator wording; the limit is MusicBrainz's
        raise WebServiceError(400, f"Too many resource parameters: at most {MAX_URLS} allowed.")
    lookup = Lookup(state.catalog, _inc(request, set(), "url"))
    if len(request.query_params.getlist("resource")) == 1:
        found = state.catalog.url(resources[0])
        if found is None:
            raise errors.not_found()
        return MusicBrainzJSON(lookup.url(*found))
    known = sorted(filter(None, map(state.catalog.url, resources)), key=lambda f: f[0].id)
    urls = [lookup.url(*found) for found in known]
    return MusicBrainzJSON({"url-count": len(urls), "url-offset": 0, "urls": urls})


def url_by_id(request: Request, state: EmulatorState) -> Response:
    found = state.catalog.url_by_id(_mbid(request))
    if found is None:
        raise errors.not_found()
    return MusicBrainzJSON(Lookup(state.catalog, _inc(request, set(), "url")).url(*found))


def _entity(
    request: Request, resource: str, allowed: set[str], find: Callable[[str], T | None]
) -> tuple[T, set[str]]:
    """The path's entity and the ``inc`` asked for, checked in MusicBrainz's order:
    the MBID (400), then ``inc`` (400), then existence (404)."""
    mbid = _mbid(request)
    inc = _inc(request, allowed, resource)
    found = find(mbid)
    if found is None:
        raise errors.not_found()
    return found, inc


def release_lookup(request: Request, state: EmulatorState) -> Response:
    release, inc = _entity(request, "release", RELEASE_INC, state.catalog.release)
    return MusicBrainzJSON(Lookup(state.catalog, inc).release(release))


def release_group_lookup(request: Request, state: EmulatorState) -> Response:
    group, inc = _entity(request, "release-group", RELEASE_GROUP_INC, state.catalog.release_group)
    return MusicBrainzJSON(Lookup(state.catalog, inc).release_group(group))


def release_search(request: Request, state: EmulatorState) -> Response:
    found, limit, offset = _search(request, "release", state.catalog.release_index.search)
    items = [hits.release(state.catalog.releases[h.doc], h.score) for h in found[offset:][:limit]]
    return MusicBrainzJSON(hits.envelope("releases", items, count=len(found), offset=offset))


def recording_search(request: Request, state: EmulatorState) -> Response:
    catalog = state.catalog
    found, limit, offset = _search(request, "recording", catalog.recording_index.search)
    items = [
        hits.recording(catalog, catalog.recordings[h.doc], h.score) for h in found[offset:][:limit]
    ]
    return MusicBrainzJSON(hits.envelope("recordings", items, count=len(found), offset=offset))


def _search(request: Request, resource: str, search: Searcher) -> tuple[list[Hit], int, int]:
    query = request.query_params.get("query", "").strip()
    if not query:
        raise errors.no_query_type(resource)
    limit, offset = _page(request)
    try:
        parsed = parse(query)
    except QuerySyntaxError as exc:  # emulator wording: the search server's is not recorded
        raise WebServiceError(400, f"Invalid query: {exc}") from exc
    return search(parsed), limit, offset


def unknown(request: Request, state: EmulatorState) -> Response:
    raise errors.not_found()
