"""A webhook receiver on 127.0.0.1 for the alert tests: records each JSON post it accepts,
and can refuse the next few with 500 or be shut down and started again on its port."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver:
    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []  # accepted, in order
        self.refused = 0  # posts answered 500
        self.refuse_next = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with receiver._lock:
                    refuse = receiver.refuse_next > 0
                    if refuse:
                        receiver.refuse_next -= 1
                        receiver.refused += 1
                    else:
                        receiver.posts.append(body)
                self.send_response(500 if refuse else 204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def statuses(self) -> list[tuple[str, str]]:
        """(alert, status) of each accepted post, in order."""
        return [(post["alert"], post["status"]) for post in self.posts]


@contextmanager
def running_receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    receiver.start()
    try:
        yield receiver
    finally:
        receiver.stop()
