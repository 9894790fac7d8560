"""The emulator's HTTP protocol: arrival stamps, full-outage simulation, no access log.

Arrival is stamped when the request line begins, before the request waits for the event
loop, so the per-client limit measures the spacing the client actually produced. During
an outage clients see connections closed without an answer, which an ASGI app cannot
do, so the protocol drops web-service requests itself; ``/_emulator`` stays reachable.
``QuietProtocol`` (``trendcache.emulators.serving``) keeps the access log off.
"""

from __future__ import annotations

import asyncio
import time

from trendcache.emulators.serving import QuietProtocol

from .app import template_for
from .instance import EmulatorState
from .pipeline import client_key
from .request_log import RequestRecord


def emulator_protocol(state: EmulatorState) -> type[asyncio.Protocol]:
    class EmulatorProtocol(QuietProtocol):
        def on_message_begin(self) -> None:
            super().on_message_begin()
            self.scope["state"].update(mb_at=time.time(), mb_arrived=time.monotonic())

        def drop(self, data: bytes) -> bool:
            if not state.faults.outage:
                return False
            head, _, _ = data.partition(b"\r\n\r\n")
            request_line, *headers = head.decode("latin-1").split("\r\n")
            method, _, rest = request_line.partition(" ")
            path, _, query = rest.partition(" ")[0].partition("?")
            if not path.startswith("/ws/"):
                return False
            agent = next(
                (
                    v.strip()
                    for k, _, v in (h.partition(":") for h in headers)
                    if k.lower() == "user-agent"
                ),
                "",
            )
            address = self.client[0] if self.client else "unknown"
            state.stats.record(
                RequestRecord(
                    at=time.time(),
                    arrived=time.monotonic(),
                    method=method,
                    path=path,
                    template=template_for(path),
                    query=query,
                    status=0,
                    client=client_key(address, agent),
                )
            )
            return True

    return EmulatorProtocol
