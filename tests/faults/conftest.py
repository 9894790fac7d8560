"""Fixtures of the fault suite: services we may break without disturbing other tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.redis_server import RedisServer
from tests.fixtures.services import missing


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of this test's own on a free port, killed at the end."""
    executable = shutil.which("redis-server")
    if executable is None:
        missing("redis-server is not installed (apt-get install redis-server)")
        raise AssertionError("unreachable")
    server = RedisServer(executable, tmp_path)
    server.start()
    yield server
    if server.process is not None:
        server.kill()
