"""Client-credentials tokens against the emulator's accounts service, over real HTTP."""

from __future__ import annotations

import time

import pytest

from tests.spotify.conftest import ConnectorFactory, RecordingMeter
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.spotify.auth import RENEW_BEFORE_EXPIRY
from trendcache.spotify.errors import SpotifyAuthError

TOKEN = "/api/token"
NEW_RELEASES = "/browse/new-releases"
LEAKABLE_SECRET = "s3cret-that-must-never-be-shown"


def api_statuses(emulator: SpotifyEmulator) -> list[int]:
    return [r.status for r in emulator.stats.requests if r.template != TOKEN]


def test_one_token_serves_many_requests(
    spotify_emulator: SpotifyEmulator, make_connector: ConnectorFactory
) -> None:
    connector = make_connector()
    client = connector.client(RecordingMeter())
    listing = client.new_releases(100)
    ids = [album["id"] for page in listing for album in page["albums"]["items"]]
    client.album_each(ids[:5], "US")
    client.albums(ids[:30], "US")
    client.close()

    assert len(api_statuses(spotify_emulator)) == 2 + 5 + 2
    assert spotify_emulator.stats.count(TOKEN) == 1
    assert connector.tokens.fetched == 1


def test_a_token_close_to_expiry_is_renewed_before_it_is_used(
    spotify_emulator: SpotifyEmulator, make_connector: ConnectorFactory
) -> None:
    # One second after it is issued, a 61-second token is inside the renewal margin.
    spotify_emulator.faults.token_ttl = int(RENEW_BEFORE_EXPIRY) + 1
    connector = make_connector()
    session = connector.client(RecordingMeter()).session
    session.get("browse/new-releases", {"limit": 1})
    time.sleep(1.05)
    # ...and on the emulator the old token is now really expired: using it would cost a 401.
    spotify_emulator.advance(days=0, seconds=61)

    session.get("browse/new-releases", {"limit": 1})

    assert api_statuses(spotify_emulator) == [200, 200]
    assert spotify_emulator.stats.count(TOKEN, status=200) == 2
    assert connector.tokens.fetched == 2


@pytest.mark.parametrize("how", ["revoked", "expired"])
def test_a_refused_token_is_replaced_and_the_request_retried_once(
    spotify_emulator: SpotifyEmulator, make_connector: ConnectorFactory, how: str
) -> None:
    connector = make_connector()
    meter = RecordingMeter()
    session = connector.client(meter).session
    session.get("browse/new-releases", {"limit": 1})
    if how == "revoked":
        spotify_emulator.faults.revoke_tokens()
    else:
        spotify_emulator.advance(days=1)  # tokens age with the emulator's clock

    document = session.get("browse/new-releases", {"limit": 1})

    assert len(document["albums"]["items"]) == 1
    assert api_statuses(spotify_emulator) == [200, 401, 200]
    assert meter.statuses == [200, 401, 200]
    assert connector.tokens.fetched == 2


@pytest.mark.parametrize("wrong", ["spotify_client_id", "spotify_client_secret"])
def test_bad_credentials_name_the_settings_but_never_the_secret(
    spotify_emulator: SpotifyEmulator, make_connector: ConnectorFactory, wrong: str
) -> None:
    secret = spotify_emulator.client_secret if wrong == "spotify_client_id" else LEAKABLE_SECRET
    overrides = {"spotify_client_secret": secret}
    if wrong == "spotify_client_id":
        overrides["spotify_client_id"] = "not-our-app"
    client = make_connector(**overrides).client(RecordingMeter())

    with pytest.raises(SpotifyAuthError) as caught:
        client.new_releases(20)

    message = str(caught.value)
    assert "SPOTIFY_CLIENT_ID" in message
    assert "SPOTIFY_CLIENT_SECRET" in message
    shown = [
        message,
        repr(caught.value),
        str(caught.value.__cause__),
        str(caught.value.__context__),
    ]
    assert not any(secret in text for text in shown)
    # Refused once, not retried; the Web API never saw a request.
    assert spotify_emulator.stats.count(TOKEN) == 1
    assert api_statuses(spotify_emulator) == []
