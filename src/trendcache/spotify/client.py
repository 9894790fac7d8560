"""The Spotify endpoints trendcache uses, each validated before its raw JSON is handed back.

Every document's text is cleaned first (`sanitize`): what is validated, cached and
recorded is what both databases store alike.

Listings are paged by following Spotify's own `next` links (the session refuses links that
leave the configured API host). Album and artist details are fetched in the largest batches
the endpoint allows, several requests in flight at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from trendcache.spotify.errors import SpotifyMalformed, SpotifyNotFound
from trendcache.spotify.models import (
    Album,
    AlbumListing,
    SeveralAlbums,
    SeveralArtists,
    SeveralTracks,
    Track,
)
from trendcache.spotify.sanitize import clean_document
from trendcache.spotify.session import SpotifySession

M = TypeVar("M", bound=BaseModel)
# Sees each listing page as it arrives; returning False stops the paging early.
OnPage = Callable[[dict[str, Any]], bool] | None
NEW_RELEASES_PAGE = 50  # the endpoint's maximum
SEARCH_PAGE = {"extended": 50, "development": 10}
SEARCH_MAX_OFFSET = 1000
ALBUMS_BATCH = 20
ARTISTS_BATCH = 50
TRACKS_BATCH = 50
CONCURRENCY = 8


def validate(model: type[M], document: Any, what: str) -> M:
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise SpotifyMalformed(f"malformed {what} from Spotify: {where}: {first['msg']}") from exc


def chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class SpotifyClient:
    def __init__(self, session: SpotifySession, concurrency: int = CONCURRENCY) -> None:
        self.session = session
        self._pool = ThreadPoolExecutor(concurrency, thread_name_prefix="spotify")

    def _get(self, path_or_url: str, params: dict[str, Any] | None = None) -> Any:
        """A JSON document from Spotify with its text cleaned, before anything reads it."""
        return clean_document(self.session.get(path_or_url, params))

    def new_releases(self, max_items: int, on_page: OnPage = None) -> list[dict[str, Any]]:
        """Pages of `GET /browse/new-releases` (extended tier only; market-independent)."""
        first = {"limit": min(NEW_RELEASES_PAGE, max_items)}
        return self._listing("browse/new-releases", first, max_items, on_page, "new releases")

    def search_new_albums(
        self, market: str, max_items: int, page: int, on_page: OnPage = None
    ) -> list[dict[str, Any]]:
        """Pages of `GET /search?q=tag:new&type=album`: albums of the last two weeks."""
        max_items = min(max_items, SEARCH_MAX_OFFSET + page)
        first = {"q": "tag:new", "type": "album", "market": market, "limit": min(page, max_items)}
        return self._listing("search", first, max_items, on_page, "tag:new search page")

    def _listing(
        self, path: str, params: dict[str, Any], max_items: int, on_page: OnPage, what: str
    ) -> list[dict[str, Any]]:
        """Follow `next` links until `max_items`; `on_page` sees each page as it arrives."""
        pages: list[dict[str, Any]] = []
        seen = 0
        document = self._get(path, params)
        while True:
            listing = validate(AlbumListing, document, what)
            pages.append(document)
            wants_more = on_page(document) if on_page is not None else True
            seen += len(listing.albums.items)
            link = listing.albums.next
            if not (link and wants_more and listing.albums.items) or seen >= max_items:
                return pages
            document = self._get(link)

    def albums(self, ids: list[str], market: str | None) -> dict[str, dict[str, Any]]:
        """Full albums by id via `GET /albums?ids=` (extended tier only), 20 per request."""
        params = {"market": market} if market else {}

        def batch(part: list[str]) -> list[dict[str, Any]]:
            document = self._get("albums", {"ids": ",".join(part), **params})
            validate(SeveralAlbums, document, "albums batch")
            return [album for album in document["albums"] if album is not None]

        return _by_id(self._map(batch, chunks(ids, ALBUMS_BATCH)))

    def album_each(self, ids: list[str], market: str | None) -> dict[str, dict[str, Any]]:
        """Full albums one request each (`GET /albums/{id}`), as development mode requires."""
        params = {"market": market} if market else {}

        def one(album_id: str) -> list[dict[str, Any]]:
            try:
                document = self._get(f"albums/{album_id}", params)
            except SpotifyNotFound:
                return []
            validate(Album, document, "album")
            return [document]

        return _by_id(self._map(one, ids))

    def artists(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """Full artists via `GET /artists?ids=` (extended tier only), 50 per request."""

        def batch(part: list[str]) -> list[dict[str, Any]]:
            document = self._get("artists", {"ids": ",".join(part)})
            validate(SeveralArtists, document, "artists batch")
            return [artist for artist in document["artists"] if artist is not None]

        return _by_id(self._map(batch, chunks(ids, ARTISTS_BATCH)))

    def tracks(self, ids: list[str], market: str | None) -> dict[str, dict[str, Any]]:
        """Full tracks via `GET /tracks?ids=` (extended tier only), 50 per request."""
        params = {"market": market} if market else {}

        def batch(part: list[str]) -> list[dict[str, Any]]:
            document = self._get("tracks", {"ids": ",".join(part), **params})
            validate(SeveralTracks, document, "tracks batch")
            return [track for track in document["tracks"] if track is not None]

        return _by_id(self._map(batch, chunks(ids, TRACKS_BATCH)))

    def track_each(self, ids: list[str], market: str | None) -> dict[str, dict[str, Any]]:
        """Full tracks one request each (`GET /tracks/{id}`), as development mode requires."""
        params = {"market": market} if market else {}

        def one(track_id: str) -> list[dict[str, Any]]:
            try:
                document = self._get(f"tracks/{track_id}", params)
            except SpotifyNotFound:
                return []
            validate(Track, document, "track")
            return [document]

        return _by_id(self._map(one, ids))

    def _map(
        self, fetch: Callable[[Any], list[dict[str, Any]]], work: Iterable[Any]
    ) -> Iterator[dict[str, Any]]:
        """Run `fetch` over `work` concurrently; the first error cancels what has not started."""
        futures = [self._pool.submit(fetch, item) for item in work]
        try:
            for future in futures:
                yield from future.result()
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _by_id(documents: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {document["id"]: document for document in documents}
