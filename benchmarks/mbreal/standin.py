"""A ws/2 stand-in serving real release lookups over real HTTP on 127.0.0.1.

It answers the requests `trendcache.musicbrainz.client` sends, in the shapes the real
service uses (see `catalogue`): URL lookups with release relationships (one resource: the
URL or 404; several: the `urls` envelope), release searches (barcode compared without
leading zeros, as the real index does; title and artist by words; `reid:`), recording
searches by ISRC (each recording with every catalogue release holding it, none carrying a
barcode), plus release and release-group lookups by MBID. The catalogue and the Spotify URL
relationships can be swapped between runs; every request is counted.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from benchmarks.mbreal.catalogue import (
    FREE_STREAMING,
    Json,
    RecordingEntry,
    barcode_digits,
    recording_hit,
    recordings,
    search_hit,
    tokens,
    url_release,
)
from benchmarks.mbreal.query import QueryError, matches, parse

MAX_LIMIT = 100
CREATED = "2026-08-22T00:00:00.000Z"
ID_FIELDS = {"reid", "rgid", "arid", "rid", "isrc", "laid"}


def analyze(field: str, text: str) -> list[str]:
    if field == "barcode":
        digits = barcode_digits(text)
        return [digits] if digits else []
    if field in ID_FIELDS:
        return [text.strip().lower()]
    return tokens(text)


def _release_document(release: Json) -> dict[str, list[str]]:
    credits = release.get("artist-credit", [])
    artist_words = [w for c in credits for w in tokens(c["name"])]
    artist_words += [w for c in credits for w in tokens(c["artist"]["name"])]
    artist_words += [w for c in credits for w in tokens(c["artist"].get("sort-name", ""))]
    return {
        "release": tokens(release["title"]),
        "artist": artist_words,
        "barcode": [barcode_digits(release.get("barcode"))] if release.get("barcode") else [],
        "reid": [release["id"]],
        "rgid": [release["release-group"]["id"]],
        "arid": [c["artist"]["id"] for c in credits],
        "country": tokens(release.get("country") or ""),
        "status": tokens(release.get("status") or ""),
    }


def _recording_document(entry: RecordingEntry) -> dict[str, list[str]]:
    recording = entry.recording
    return {
        "recording": tokens(recording["title"]),
        "isrc": [isrc.lower() for isrc in recording.get("isrcs", [])],
        "rid": [recording["id"]],
        "reid": list(entry.release_ids),
    }


class Catalogue:
    """The releases the stand-in holds, indexed for its searches."""

    def __init__(self, releases: dict[str, Json], spotify_links: dict[str, str] | None = None):
        self.releases = dict(releases)
        self.links = dict(spotify_links or {})  # Spotify album URL -> release MBID
        self.recordings = recordings(self.releases)
        self._release_docs = {i: _release_document(r) for i, r in self.releases.items()}
        self._recording_docs = {i: _recording_document(e) for i, e in self.recordings.items()}

    def search_releases(self, query: str) -> list[Json]:
        node = parse(query, "release")
        return [
            search_hit(self.releases[i])
            for i, document in self._release_docs.items()
            if matches(node, document, analyze)
        ]

    def search_recordings(self, query: str) -> list[Json]:
        node = parse(query, "recording")
        return [
            recording_hit(self.recordings[i], self.releases)
            for i, document in self._recording_docs.items()
            if matches(node, document, analyze)
        ]

    def url(self, resource: str) -> Json | None:
        mbid = self.links.get(resource)
        if mbid is None or mbid not in self.releases:
            return None
        return {
            "id": _url_id(resource),
            "resource": resource,
            "relations": [
                {
                    "type": "free streaming",
                    "type-id": FREE_STREAMING,
                    "target-type": "release",
                    "direction": "backward",
                    "attributes": [],
                    "attribute-ids": {},
                    "attribute-values": {},
                    "begin": None,
                    "end": None,
                    "ended": False,
                    "source-credit": "",
                    "target-credit": "",
                    "release": url_release(self.releases[mbid]),
                }
            ],
        }

    def release_group(self, mbid: str) -> Json | None:
        members = [r for r in self.releases.values() if r["release-group"]["id"] == mbid]
        if not members:
            return None
        return dict(members[0]["release-group"]) | {"releases": [url_release(r) for r in members]}


def _url_id(resource: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, resource))


class StandIn:
    """`with StandIn(catalogue) as mb:` serves ws/2 at `mb.base_url` until the block ends."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/ws/2"

    def reset(self, catalogue: Catalogue | None = None) -> None:
        with self._lock:
            if catalogue is not None:
                self.catalogue = catalogue
            self.requests = []

    def count(self, target: str) -> None:
        with self._lock:
            self.requests.append(target)

    def __enter__(self) -> StandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, Any]:
        """(status, JSON body) for one GET under /ws/2."""
        catalogue = self.catalogue
        parts = [p for p in path.split("/") if p]
        if parts[:2] != ["ws", "2"] or len(parts) < 3:
            return 404, {"error": "Not Found"}
        entity, rest = parts[2], parts[3:]
        if entity == "release" and rest:
            release = catalogue.releases.get(rest[0])
            return (200, release) if release else (404, {"error": "Not Found"})
        if entity == "release-group" and rest:
            group = catalogue.release_group(rest[0])
            return (200, group) if group else (404, {"error": "Not Found"})
        if entity == "url" and not rest:
            return self._urls(query.get("resource", []))
        if entity in ("release", "recording") and not rest and "query" in query:
            try:
                limit = min(MAX_LIMIT, max(1, int(query.get("limit", ["25"])[0])))
                offset = max(0, int(query.get("offset", ["0"])[0]))
                search = (
                    catalogue.search_releases
                    if entity == "release"
                    else catalogue.search_recordings
                )
                hits = search(query["query"][0])
            except (QueryError, ValueError) as exc:
                return 400, {"error": f"Invalid query: {exc}"}
            return 200, {
                "created": CREATED,
                "count": len(hits),
                "offset": offset,
                f"{entity}s": hits[offset : offset + limit],
            }
        return 400, {"error": "Invalid request"}

    def _urls(self, resources: Sequence[str]) -> tuple[int, Any]:
        if not resources:
            return 400, {"error": "Invalid request: no resource"}
        if len(resources) == 1:
            url = self.catalogue.url(resources[0])
            return (200, url) if url else (404, {"error": "Not Found"})
        found = [u for r in resources if (u := self.catalogue.url(r)) is not None]
        return 200, {"url-count": len(found), "url-offset": 0, "urls": found}


def _handler_for(standin: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            standin.count(self.path)
            split = urlsplit(self.path)
            query = parse_qs(split.query)
            if not self.headers.get("User-Agent"):
                status, body = 403, {"error": "Please provide a meaningful User-Agent"}
            else:
                status, body = standin.answer(split.path, query)
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler
