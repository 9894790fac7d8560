"""Schemathesis over every operation of a live server: the OpenAPI document is the truth.

`schemathesis run`, configured by schemathesis.toml at the repository root (every check, every
phase, derandomized, a small example budget), against a real uvicorn server on a database
holding one real sync: once anonymously, and once with the API tokens of two users, who are
each other's peers for the object-level authorization check (neither may see the other's
collection). Its own report, with a curl command per failure, is the assertion message.

The CLI rather than schemathesis' pytest plugin: the plugin's fixture-based loader does not run
on pytest 9 (it sets `Function._nodeid`), and the CLI runs exactly what a developer runs by
hand, coverage and stateful phases included.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.web.conftest import serving
from trendcache.accounts.users import create_user
from trendcache.services import Services
from trendcache.web.app import create_app

ROOT = Path(__file__).resolve().parents[3]
CONFIG = ROOT / "schemathesis.toml"
USERS = ("alice", "bob")
RUN_SECONDS = 90


@pytest.fixture
def live_api(make_synced_services: Callable[..., Services]) -> Iterator[tuple[str, dict[str, str]]]:
    """A live server's base URL on a synced database, and API tokens of two of its users."""
    # Rate-limited routes must answer their data, not mostly 429s (which are documented).
    services = make_synced_services(api_rate_limit_per_minute=100_000)
    tokens = {name: create_user(services.database, name) for name in USERS}
    with serving(create_app(services, demo_note="Demo data")) as url:
        yield url, tokens


def with_users(tokens: dict[str, str], folder: Path) -> Path:
    """schemathesis.toml, plus the users (a Web Fuzzing Commons auth file) as peers."""
    users = folder / "users.json"
    users.write_text(
        json.dumps(
            {
                "auth": [
                    {
                        "name": name,
                        "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {token}"}],
                    }
                    for name, token in tokens.items()
                ]
            }
        )
    )
    config = folder / "schemathesis.toml"
    peers = ", ".join(f'"{name}"' for name in tokens)
    config.write_text(
        f"{CONFIG.read_text()}\n[auth.wfc]\npath = {json.dumps(str(users))}\npeers = [{peers}]\n"
    )
    return config


def schemathesis_run(url: str, config: Path) -> subprocess.CompletedProcess[str]:
    command = [
        *(sys.executable, "-m", "schemathesis.cli", "--config-file", str(config)),
        *("run", f"{url}/openapi.json"),
    ]
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("SCHEMATHESIS_")
    }
    return subprocess.run(
        command,
        cwd=ROOT,  # the hooks' path in schemathesis.toml is relative to it
        env={**environment, "NO_COLOR": "1", "COLUMNS": "120"},
        capture_output=True,
        text=True,
        timeout=RUN_SECONDS,
        check=False,
    )


@pytest.mark.timeout(RUN_SECONDS + 30)
@pytest.mark.parametrize("caller", ["anonymous", "tokens"])
def test_every_operation_keeps_to_the_document(
    live_api: tuple[str, dict[str, str]], caller: str, tmp_path: Path
) -> None:
    url, tokens = live_api
    config = CONFIG if caller == "anonymous" else with_users(tokens, tmp_path)
    result = schemathesis_run(url, config)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"Operations: +(\d+) selected / \1 total", result.stdout), result.stdout


def test_every_operation_is_described(synced_services: Services) -> None:
    document = create_app(synced_services).openapi()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation.get("description"), f"{method.upper()} {path} has no description"
    trending = document["paths"]["/api/cache/trending"]["get"]["description"]
    for words in ("popularAlbums", "trendingArtists", "Extended tier", "Development tier"):
        assert words in trending
