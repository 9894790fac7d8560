"""Starting with a broken dependency: one line naming the setting, exit status 2, no
traceback (unless `--debug`), and nothing written where it should not be."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from tests.cli.helpers import COMMAND, _env, free_port
from tests.fixtures.services import missing

CREDENTIALS = {"SPOTIFY_CLIENT_ID": "id", "SPOTIFY_CLIENT_SECRET": "secret"}


def start(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    extra = {"DATA_DIR": str(folder / "data"), **env}
    return subprocess.run(
        [*COMMAND, *args], cwd=folder, env=_env(extra), capture_output=True, text=True, timeout=60
    )


def refused(result: subprocess.CompletedProcess[str], setting: str) -> str:
    """The one line a refused start printed, after checking how it was refused."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"trendcache: {setting}: "), lines[0]
    return lines[0]


@pytest.mark.parametrize("command", [["migrate"], ["sync"], ["worker"], ["users", "list"]])
def test_an_unreachable_database(tmp_path: Path, command: list[str]) -> None:
    url = f"postgresql+psycopg://trendcache:hunter2@127.0.0.1:{free_port()}/trendcache"
    line = refused(start(tmp_path, *command, DATABASE_URL=url, **CREDENTIALS), "DATABASE_URL")
    assert "Connection refused" in line
    assert "hunter2" not in line  # the password is never shown


def test_a_database_url_with_an_unknown_driver(tmp_path: Path) -> None:
    line = refused(
        start(tmp_path, "migrate", DATABASE_URL="postgresql+nodriver://db/trendcache"),
        "DATABASE_URL",
    )
    assert "not a usable database URL" in line


def test_an_unreachable_redis(tmp_path: Path) -> None:
    url = f"redis://:hunter2@127.0.0.1:{free_port()}/0"
    line = refused(start(tmp_path, "sync", REDIS_URL=url, **CREDENTIALS), "REDIS_URL")
    assert "Connection refused" in line
    assert "hunter2" not in line


def test_a_data_dir_that_cannot_be_made(tmp_path: Path) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("a file where the data dir should be")
    line = refused(start(tmp_path, "migrate", DATA_DIR=str(blocker / "data")), "DATA_DIR")
    assert str(blocker / "data") in line


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB tmpfs, filled to the last byte."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if made.returncode != 0:
        missing(f"mounting a small tmpfs needs root: {made.stderr.strip()}")
    try:
        with (mount / "filler").open("wb") as filler:
            try:
                while True:
                    filler.write(b"\0" * 65536)
                    filler.flush()
            except OSError:
                pass
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk(tmp_path: Path, full_disk: Path) -> None:
    line = refused(start(tmp_path, "migrate", DATA_DIR=str(full_disk)), "DATA_DIR")
    assert "the disk is full" in line


def test_a_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = refused(start(tmp_path, "serve", "--port", str(port), **CREDENTIALS), "--port")
    assert f"127.0.0.1:{port}" in line and "in use" in line


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/trendcache"
    result = start(tmp_path, "--debug", "migrate", DATABASE_URL=url)
    assert result.returncode != 0
    assert "Traceback" in result.stderr
    assert "StartupError: DATABASE_URL" in result.stderr


@pytest.mark.parametrize("setting", ["DATABASE_URL", "REDIS_URL"])
def test_the_demo_never_writes_into_a_configured_deployment(tmp_path: Path, setting: str) -> None:
    """No credentials with a real database or queue configured is a mistake to report,
    not a reason to fill that deployment with invented albums."""
    database = tmp_path / "production.sqlite3"
    url = f"sqlite:///{database}"
    env = {"DATABASE_URL": url} if setting == "DATABASE_URL" else {"REDIS_URL": "redis://x:1/0"}
    line = refused(start(tmp_path, "serve", "--port", str(free_port()), **env), setting)
    assert "SPOTIFY_CLIENT_ID" in line
    if setting == "DATABASE_URL":
        engine = create_engine(url)
        assert inspect(engine).get_table_names() == []  # not even migrated
        engine.dispose()
