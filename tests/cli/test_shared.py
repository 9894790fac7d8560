"""What every command shares: a bad setting or missing credentials stop it with one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.helpers import run


@pytest.mark.parametrize(
    ("variable", "value"),
    [("CACHE_DURATION_HOURS", "six"), ("SPOTIFY_MARKETS", "USA"), ("DATABASE_URL", "mysql://x")],
)
def test_invalid_configuration_stops_with_one_line(
    tmp_path: Path, variable: str, value: str
) -> None:
    result = run(["sync"], tmp_path, {variable: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]
    assert "Traceback" not in result.stderr


def test_sync_and_worker_need_credentials(tmp_path: Path) -> None:
    for command in ("sync", "worker"):
        result = run([command], tmp_path)
        assert result.returncode == 2
        assert "SPOTIFY_CLIENT_ID" in result.stderr
