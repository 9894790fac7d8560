"""The per-client API limit and the sign-in limit while Redis (where they are kept) is gone.

Both fail closed, with a 503 naming Redis: a limit against abuse that lifted itself when
Redis went away would be open exactly when nobody is watching, and 503 with Retry-After
is what every other route that needs Redis answers meanwhile. Never a 500; the read path,
which no limit guards, stays up; both limits work again when Redis is back.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.faults.redis_server import RedisServer
from tests.fixtures.app import ServicesFactory
from tests.web.conftest import sign_in, wait_for
from trendcache.db import Database
from trendcache.web.app import create_app


def test_both_limits_answer_503_while_redis_is_gone_and_work_again_after(
    make_services: ServicesFactory, sqlite_database: Database, redis_server: RedisServer
) -> None:
    services = make_services(
        sqlite_database,
        spotify_markets=["US"],
        redis_url=redis_server.url,
        api_rate_limit_per_minute=2,
    )
    assert services.syncer.sync("cli").source == "fresh"
    with TestClient(create_app(services)) as client:
        assert client.get("/api/spotify/trending").status_code == 200
        assert sign_in(client, "alice", "guess").status_code == 200
        redis_server.kill()
        form = client.get("/login")  # the form itself needs no Redis
        assert form.status_code == 200
        for response in (
            client.get("/api/spotify/trending"),
            sign_in(client, "alice", "guess"),
        ):
            assert response.status_code == 503
            assert int(response.headers["retry-after"]) > 0
            assert "Redis is unavailable" in response.text
        assert client.get("/api/spotify/trending").json()["dependency"] == "redis"
        assert client.get("/api/cache/trending").status_code == 200

        redis_server.start()  # empty, as after a real restart: counts start again
        assert wait_for(lambda: client.get("/api/spotify/trending").status_code == 200)
        assert client.get("/api/spotify/trending").status_code == 200
        assert client.get("/api/spotify/trending").status_code == 429
        assert sign_in(client, "alice", "guess").status_code == 200
