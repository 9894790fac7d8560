"""`GET /api/notifications`: a bearer token's own notifications and follows only."""

from __future__ import annotations

from datetime import timedelta

from tests.accounts.test_follows import ARTIST, album, list_albums
from tests.web.conftest import ClientFactory
from trendcache.accounts.follows import follow
from trendcache.accounts.users import account_for_token, create_user
from trendcache.clock import utcnow
from trendcache.services import Services

URL = "/api/notifications"


def test_a_token_sees_its_own_notifications(services: Services, make_client: ClientFactory) -> None:
    database = services.database
    api = make_client(services)
    alice, bob = create_user(database, "alice"), create_user(database, "bob")
    assert api.get(URL).status_code == 401
    assert api.get(URL, headers={"Authorization": "Bearer tc_nope"}).status_code == 401

    list_albums(database, [album("a1", ARTIST)], utcnow() - timedelta(hours=1))
    account = account_for_token(database, alice)
    assert account is not None
    follow(database, account.id, ARTIST)
    list_albums(database, [album("a1", ARTIST)], utcnow())

    body = api.get(URL, headers={"Authorization": f"Bearer {alice}"}).json()
    assert body["total"] == 1
    [item] = body["items"]
    assert item["artist"] == {"id": ARTIST, "name": "Artist A"}
    assert item["album"] == {"id": "a1", "name": "Album a1"}
    assert item["listing"] == {"source": "spotify_new_releases", "market": "US", "position": 1}
    assert item["read"] is False
    assert body["followedArtists"] == [{"id": ARTIST, "name": "Artist A"}]
    others = api.get(URL, headers={"Authorization": f"Bearer {bob}"}).json()
    assert others == {"items": [], "total": 0, "followedArtists": []}
