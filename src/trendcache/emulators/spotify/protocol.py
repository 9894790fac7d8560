"""The emulator's HTTP protocol: full-outage simulation below HTTP, and no access log.

During a real outage clients see connections reset or closed without an answer, not a
tidy 5xx; an ASGI app cannot do that, so the protocol itself drops the connection when a
request arrives. The control surface stays reachable so another process can end the
outage. ``QuietProtocol`` (``trendcache.emulators.serving``) keeps the access log off.
"""

from __future__ import annotations

import asyncio

from trendcache.emulators.serving import QuietProtocol

from .app import template_for
from .instance import EmulatorState

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def emulator_protocol(state: EmulatorState) -> type[asyncio.Protocol]:
    class EmulatorProtocol(QuietProtocol):
        def drop(self, data: bytes) -> bool:
            if not state.faults.outage:
                return False
            request_line = data.split(b"\r\n", 1)[0].decode("latin-1")
            method, _, rest = request_line.partition(" ")
            target = rest.partition(" ")[0]
            path, _, query = target.partition("?")
            if method not in _METHODS or path.startswith("/_emulator"):
                return False
            state.stats.record(method, path, template_for(path), query, 0)
            return True

    return EmulatorProtocol
