"""Password guessing: the sign-in limit holds per address and per name, across processes.

Before: the count was per process and per address, and uvicorn believed `X-Forwarded-For`
from 127.0.0.1, so a local client (or anything behind a local proxy) claiming a new
address per try was never limited; a second web process doubled the allowance.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx2
import pytest
from fastapi.testclient import TestClient

from tests.fixtures.app import ServicesFactory
from tests.web.conftest import serving, sign_in
from trendcache.db import Database
from trendcache.web.app import create_app

ATTEMPTS = 11  # the limit is ten a minute


def guesses(url: str, names: Callable[[int], str], addresses: Callable[[int], str]) -> list[int]:
    """`ATTEMPTS` wrong sign-ins through the form, each claiming a forwarded address."""
    statuses = []
    with httpx2.Client(base_url=url, timeout=10) as client:
        found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
        assert found
        for n in range(ATTEMPTS):
            response = client.post(
                "/login",
                data={"csrf_token": found.group(1), "name": names(n), "password": "guess"},
                headers={"X-Forwarded-For": addresses(n)},
            )
            statuses.append(response.status_code)
    return statuses


def test_a_forwarded_address_from_an_untrusted_client_is_ignored(
    make_services: ServicesFactory, sqlite_database: Database
) -> None:
    services = make_services(sqlite_database)  # TRUSTED_PROXIES unset
    with serving(create_app(services)) as url:
        statuses = guesses(url, lambda n: f"user{n}", lambda n: f"203.0.113.{n + 1}")
    assert statuses == [200] * 10 + [429]


def test_one_name_is_limited_whatever_the_address(
    make_services: ServicesFactory, sqlite_database: Database
) -> None:
    services = make_services(sqlite_database, trusted_proxies=["127.0.0.1"])
    with serving(create_app(services)) as url:
        spread = guesses(url, lambda n: f"user{n}", lambda n: f"203.0.113.{n + 1}")
        one_name = guesses(url, lambda n: "alice", lambda n: f"198.51.100.{n + 1}")
    assert spread == [200] * ATTEMPTS  # a trusted proxy's addresses are believed
    assert one_name == [200] * 10 + [429]


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_two_web_processes_share_the_limit(
    backend: str,
    make_services: ServicesFactory,
    sqlite_database: Database,
    request: pytest.FixtureRequest,
) -> None:
    """Two apps, each with its own services, on one data dir or one Redis."""
    overrides = {}
    if backend == "redis":
        request.getfixturevalue("redis_client")  # an empty test database
        overrides["redis_url"] = request.getfixturevalue("redis_url")
    first, second = (
        TestClient(create_app(make_services(sqlite_database, **overrides))) for _ in range(2)
    )
    statuses = [sign_in(client, "alice", "guess").status_code for client in [first, second] * 5]
    assert statuses == [200] * 10
    assert sign_in(first, "alice", "guess").status_code == 429
    assert sign_in(second, "bob", "guess").status_code == 429  # same address: "testclient"
