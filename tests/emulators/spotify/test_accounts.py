"""The accounts service: client-credentials tokens and Spotify's OAuth errors."""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import pytest

from tests.fixtures.spotify import local_client
from trendcache.emulators.spotify import SpotifyEmulator

GRANT = {"grant_type": "client_credentials"}


@pytest.fixture
def accounts(spotify_emulator: SpotifyEmulator) -> Iterator[httpx2.Client]:
    with local_client(base_url=spotify_emulator.accounts_url) as client:
        yield client


def test_basic_auth_and_form_credentials(
    spotify_emulator: SpotifyEmulator, accounts: httpx2.Client
) -> None:
    credentials = (spotify_emulator.client_id, spotify_emulator.client_secret)
    issued = accounts.post("/api/token", data=GRANT, auth=credentials)
    assert issued.status_code == 200
    assert issued.headers["content-type"] == "application/json; charset=utf-8"
    body = issued.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 3600)
    form = {**GRANT, "client_id": credentials[0], "client_secret": credentials[1]}
    assert accounts.post("/api/token", data=form).status_code == 200


@pytest.mark.parametrize(
    ("data", "auth", "error", "description"),
    [
        (GRANT, ("someone-else", "x"), "invalid_client", "Invalid client"),
        (GRANT, ("trendcache-demo", "wrong"), "invalid_client", "Invalid client secret"),
        (GRANT, None, "invalid_client", "Invalid client"),
        ({}, ("trendcache-demo", "trendcache-demo-secret"), "unsupported_grant_type",
         "grant_type parameter is missing"),
        ({"grant_type": "password"}, ("trendcache-demo", "trendcache-demo-secret"),
         "unsupported_grant_type",
         "grant_type must be client_credentials, authorization_code or refresh_token"),
    ],
)  # fmt: skip
def test_oauth_errors(
    data: dict[str, str],
    auth: tuple[str, str] | None,
    error: str,
    description: str,
    accounts: httpx2.Client,
) -> None:
    response = accounts.post("/api/token", data=data, auth=auth)
    assert response.status_code == 400
    assert response.json() == {"error": error, "error_description": description}


def test_tokens_are_opaque_and_distinct(accounts: httpx2.Client) -> None:
    auth = ("trendcache-demo", "trendcache-demo-secret")
    tokens = {
        accounts.post("/api/token", data=GRANT, auth=auth).json()["access_token"] for _ in range(3)
    }
    assert len(tokens) == 3
    assert all(len(t) > 100 for t in tokens)
