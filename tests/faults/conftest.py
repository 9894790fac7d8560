"""Fault-suite fixtures: databases and a Redis of a test's own, which it may break at will
without disturbing other tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from tests.faults.redis_server import RedisServer
from tests.fixtures.database import throwaway_postgres
from tests.fixtures.services import missing


@dataclass
class OwnPostgres:
    """A migrated PostgreSQL database for one test, and the means to break it."""

    name: str
    url: str
    admin: Engine

    def _admin(self, *statements: str) -> None:
        with self.admin.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))

    def disconnect(self) -> None:
        """End every session on the database (its clients must reconnect)."""
        self._admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{self.name}' AND pid <> pg_backend_pid()"
        )

    def refuse_connections(self, refuse: bool = True) -> None:
        """The database as a server that is gone: no session, no new connection."""
        self._admin(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS {str(not refuse).lower()}')
        if refuse:
            self.disconnect()

    def read_only(self, read_only: bool = True) -> None:
        """The database as a read-only replica: it answers, it refuses every write."""
        value = "on" if read_only else "off"
        self._admin(f'ALTER DATABASE "{self.name}" SET default_transaction_read_only = {value}')
        self.disconnect()


@pytest.fixture
def own_postgres() -> Iterator[OwnPostgres]:
    name = f"trendcache_fault_{os.getpid()}"
    with throwaway_postgres(name) as (url, admin):
        yield OwnPostgres(name, url, admin)


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
