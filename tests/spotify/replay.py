"""A real HTTP server on 127.0.0.1 that answers with chosen recorded Spotify responses.

The emulator generates its own catalog; this server instead replays exactly what Spotify
once sent (the recordings under ../shared/reference/spotify/fixtures), so our client is
proven against real payloads, links to api.spotify.com included, over real HTTP.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from trendcache.emulators.serving import ThreadedServer, quiet_config

JSON_TYPE = "application/json; charset=utf-8"
TOKEN = {"access_token": "replayed-token", "token_type": "Bearer", "expires_in": 3600}
NOT_FOUND = {"error": {"status": 404, "message": "Service not found"}}


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Seen:
    at: float
    method: str
    path: str
    query: str
    status: int


class ReplayServer(ThreadedServer):
    """Serves `/api/token` and whatever answers were queued for a path under `/v1`.

    Answers queued for one path are given in order; the last one repeats.
    """

    _thread_name = "spotify-replay"
    _label = "Replay server"

    def __init__(self) -> None:
        super().__init__("127.0.0.1", 0)
        self._answers: dict[str, deque[Answer]] = {}
        self._log: list[Seen] = []
        self._lock = threading.Lock()

    def _config(self) -> uvicorn.Config:
        return quiet_config(self._app())

    @property
    def accounts_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.accounts_url}/v1"

    @property
    def requests(self) -> list[Seen]:
        """Web API requests answered so far (token requests left out)."""
        with self._lock:
            return [seen for seen in self._log if seen.path.startswith("/v1/")]

    def answer(
        self,
        path: str,
        document: Any,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Queue `document` (JSON-encoded) as the next answer for `/v1/<path>`."""
        body = json.dumps(document).encode()
        answer = Answer(status, body, {"content-type": JSON_TYPE, **(headers or {})})
        with self._lock:
            self._answers.setdefault(f"/v1/{path.lstrip('/')}", deque()).append(answer)

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()
            self._log.clear()

    def _next(self, path: str) -> Answer:
        with self._lock:
            queued = self._answers.get(path)
            if not queued:
                return Answer(404, json.dumps(NOT_FOUND).encode(), {"content-type": JSON_TYPE})
            return queued.popleft() if len(queued) > 1 else queued[0]

    def _app(self) -> Starlette:
        async def token(request: Request) -> Response:
            return self._respond(request, Answer(200, json.dumps(TOKEN).encode()))

        async def web_api(request: Request) -> Response:
            return self._respond(request, self._next(request.url.path))

        return Starlette(
            routes=[
                Route("/api/token", token, methods=["POST"]),
                Route("/v1/{path:path}", web_api, methods=["GET"]),
            ]
        )

    def _respond(self, request: Request, answer: Answer) -> Response:
        seen = Seen(time.time(), request.method, request.url.path, request.url.query, answer.status)
        with self._lock:
            self._log.append(seen)
        headers = {"content-type": JSON_TYPE, **answer.headers}
        return Response(answer.body, status_code=answer.status, headers=headers)
