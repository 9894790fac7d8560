"""Each static file compressed once per process, on its first request: not when an app is
built, not again by another app of the process, not twice by concurrent first requests."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette

from trendcache.services import Services
from trendcache.web import static_route
from trendcache.web.app import HERE, create_app
from trendcache.web.static_assets import StaticAssets
from trendcache.web.static_route import PreparedBodies, StaticRoute

STYLE = (HERE / "static" / "style.css").read_bytes()


def test_building_apps_prepares_nothing(
    web_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepared: list[str] = []
    original = PreparedBodies.prepare

    def counted(self: PreparedBodies, asset: static_route.Asset) -> static_route.Bodies:
        prepared.append(asset.name)
        return original(self, asset)

    monkeypatch.setattr(PreparedBodies, "prepare", counted)
    with TestClient(create_app(web_services)):
        pass
    assert prepared == []


@pytest.fixture
def compressed(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The bodies `prepare` compresses from now on."""
    bodies: list[bytes] = []
    original = static_route.prepare

    def counted(body: bytes, content_type: bytes, **kwargs: bytes) -> static_route.Prepared:
        bodies.append(body)
        return original(body, content_type, **kwargs)

    monkeypatch.setattr(static_route, "prepare", counted)
    return bodies


def test_each_file_is_prepared_once_for_every_app(tmp_path: Path, compressed: list[bytes]) -> None:
    other = STYLE + b"p { margin: 0; }\n"
    (tmp_path / "style.css").write_bytes(STYLE)
    (tmp_path / "other.css").write_bytes(other)
    bodies = PreparedBodies()
    apps = [Starlette(routes=[StaticRoute(StaticAssets(tmp_path), bodies)]) for _ in range(2)]
    assert compressed == []
    for app in apps:
        with TestClient(app) as client:
            for path in ("/static/style.css", "/static/style.css", "/static/other.css"):
                assert client.get(path).status_code == 200
    assert sorted(compressed) == sorted([STYLE, other])


def test_concurrent_first_requests_prepare_once(tmp_path: Path, compressed: list[bytes]) -> None:
    (tmp_path / "style.css").write_bytes(STYLE)
    asset = next(iter(StaticAssets(tmp_path)))
    bodies, started = PreparedBodies(), threading.Barrier(8)
    results: list[static_route.Bodies] = []

    def first_request() -> None:
        started.wait()
        results.append(bodies.prepare(asset))

    threads = [threading.Thread(target=first_request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert compressed == [STYLE]
    assert len(results) == 8 and all(result is results[0] for result in results)
