"""Emulators run inside the host's process without speaking as the host's own server."""

from __future__ import annotations

import logging

import httpx2
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from trendcache.emulators.serving import QuietProtocol, ThreadedServer, quiet_config


class HelloServer(ThreadedServer):
    _thread_name = "hello-emulator"
    _label = "Hello server"

    def _config(self) -> uvicorn.Config:
        async def hello(_: object) -> PlainTextResponse:
            return PlainTextResponse("hello")

        return quiet_config(Starlette(routes=[Route("/", hello)]), protocol=QuietProtocol)


def test_an_emulator_logs_nothing_about_starting_but_serves(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO), HelloServer() as server:
        assert httpx2.get(server.origin).text == "hello"
    assert [r.getMessage() for r in caplog.records if r.name.startswith("uvicorn")] == []


def test_the_hosts_own_uvicorn_lines_still_pass(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        logging.getLogger("uvicorn.error").info("Started server process [%d]", 1)
    assert [r.getMessage() for r in caplog.records] == ["Started server process [1]"]
