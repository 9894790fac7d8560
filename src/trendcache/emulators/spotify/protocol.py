"""The emulator's HTTP protocol: full-outage simulation below HTTP, and no access log.

During a real outage clients see connections reset or closed without an answer, not a
tidy 5xx; an ASGI app cannot do that, so the protocol itself drops the connection when a
request arrives. The control surface stays reachable so another process can end the
outage. Access logging is switched off here, per connection, because uvicorn's own
switch reconfigures the process-wide ``uvicorn.access`` logger of the host application.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .app import template_for
from .state import EmulatorState

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def emulator_protocol(state: EmulatorState) -> type[asyncio.Protocol]:
    class EmulatorProtocol(HttpToolsProtocol):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.access_log = False

        def data_received(self, data: bytes) -> None:
            if state.faults.outage and self._drop(data):
                self.transport.close()
                return
            super().data_received(data)

        @staticmethod
        def _drop(data: bytes) -> bool:
            request_line = data.split(b"\r\n", 1)[0].decode("latin-1")
            method, _, rest = request_line.partition(" ")
            target = rest.partition(" ")[0]
            path, _, query = target.partition("?")
            if method not in _METHODS or path.startswith("/_emulator"):
                return False
            state.stats.record(method, path, template_for(path), query, 0)
            return True

    return EmulatorProtocol
