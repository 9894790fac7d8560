"""The ws/2 calls matching uses, each batched as far as MusicBrainz allows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from trendcache.musicbrainz.errors import MusicBrainzMalformed
from trendcache.musicbrainz.models import (
    Recording,
    RecordingSearch,
    Release,
    ReleaseSearch,
    Url,
    UrlBatch,
)
from trendcache.musicbrainz.session import MusicBrainzSession

M = TypeVar("M", bound=BaseModel)
URLS_PER_REQUEST = 100
SEARCH_LIMIT = 100


def _validate(model: type[M], document: Any, what: str) -> M:
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise MusicBrainzMalformed(
            f"malformed {what} from MusicBrainz: {where}: {first['msg']}"
        ) from exc


class MusicBrainzClient:
    def __init__(self, session: MusicBrainzSession) -> None:
        self.session = session

    def urls(self, resources: list[str]) -> dict[str, Url]:
        """URL entities with their release relationships, up to 100 per request."""
        found: dict[str, Url] = {}
        for start in range(0, len(resources), URLS_PER_REQUEST):
            part = resources[start : start + URLS_PER_REQUEST]
            params = [("resource", r) for r in part] + [("inc", "release-rels")]
            document = self.session.get("url", params)
            if document is None:
                continue
            if "urls" in document:
                urls = _validate(UrlBatch, document, "url lookup").urls
            else:
                urls = [_validate(Url, document, "url lookup")]
            found.update((url.resource, url) for url in urls)
        return found

    def search_releases(
        self, query: str, limit: int = SEARCH_LIMIT, max_pages: int = 1
    ) -> list[Release]:
        """Hits of a release search; exact-field lookups may page past 100 with `max_pages`.

        Free-text searches count every weak hit, so following their count would cost many
        requests for nothing: they stay on one page.
        """
        releases: list[Release] = []
        for _ in range(max_pages):
            params = [("query", query), ("limit", str(limit)), ("offset", str(len(releases)))]
            document = self.session.get("release", params)
            if document is None:
                return releases
            page = _validate(ReleaseSearch, document, "release search")
            releases.extend(page.releases)
            if not page.releases or len(releases) >= page.count:
                break
        return releases

    def release(self, mbid: str) -> Release | None:
        """One release by its MBID, with its artists, release group and media; None if MusicBrainz
        has no such release."""
        params = [("inc", "artist-credits+release-groups+media")]
        document = self.session.get(f"release/{mbid}", params)
        if document is None:
            return None
        return _validate(Release, document, "release lookup")

    def search_recordings(self, query: str, limit: int = SEARCH_LIMIT) -> list[Recording]:
        document = self.session.get("recording", [("query", query), ("limit", str(limit))])
        if document is None:
            return []
        return _validate(RecordingSearch, document, "recording search").recordings


def any_of(field: str, values: Iterable[str]) -> str:
    """`field:(a OR b …)` with each value quoted, for batched Lucene lookups."""
    quoted = " OR ".join(f'"{_escape(value)}"' for value in values)
    return f"{field}:({quoted})"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')
