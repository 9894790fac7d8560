"""The example nginx configuration in front of two real `trendcache web` processes on
PostgreSQL and Redis, as docs/deployment.md describes it: round robin over both, TLS, http
redirected, https known behind the proxy (a Secure cookie), gzip (ours passed through, nginx's
for the rest) with 304s still answered, static files' cache policy passed through,
/metrics hidden, and a web process restarted under load (a rolling restart) without one
failed request."""

from __future__ import annotations

import re
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import httpx2
import pytest

from tests.deploy.nginx import nginx_command, nginx_copy
from tests.faults.servers import (
    Server,
    free_port,
    server_env,
    start_command,
    synced_database,
)
from trendcache.emulators.spotify import SpotifyEmulator

CLIENTS = 4
WAIT_SECONDS = 60.0  # bounds every wait


def start_web(env: dict[str, str], port: int, folder: Path) -> Server:
    web = start_command(["web", "--port", str(port)], env, folder)
    web.wait_ready()
    return web


def wait_until_answering(url: str, nginx: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    with httpx2.Client(verify=False, timeout=2) as client:
        while True:
            assert nginx.poll() is None, "nginx exited"
            try:
                if client.get(f"{url}/livez").status_code == 200:
                    return
            except httpx2.TransportError:
                pass
            assert time.monotonic() < deadline, "nginx never answered"
            time.sleep(0.1)


def test_nginx_spreads_compresses_hides_metrics_and_rides_out_a_restart(
    request: pytest.FixtureRequest, spotify_emulator: SpotifyEmulator, tmp_path: Path
) -> None:
    url = request.getfixturevalue("postgres_database").url.render_as_string(False)
    request.getfixturevalue("redis_client")  # Redis's test database, emptied
    env = server_env(
        spotify_emulator,
        url,
        tmp_path / "data",
        REDIS_URL=request.getfixturevalue("redis_url"),
        TRUSTED_PROXIES="127.0.0.1",
    )
    synced_database(env)
    http, https, ports = free_port(), free_port(), (free_port(), free_port())
    wrapper = nginx_copy(tmp_path, http_port=http, https_port=https, upstream=ports)
    webs = [start_web(env, port, tmp_path / f"web-{port}") for port in ports]
    nginx = subprocess.Popen(
        nginx_command(wrapper, "-g", "daemon off;"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"https://127.0.0.1:{https}"
    try:
        wait_until_answering(base, nginx)
        with httpx2.Client(base_url=base, verify=False, timeout=10) as client:
            answering = {client.get("/livez").json()["process"] for _ in range(6)}
            assert len(answering) == 2, answering

            trending = client.get("/api/cache/trending", headers={"Accept-Encoding": "gzip"})
            assert trending.status_code == 200
            assert trending.headers["content-encoding"] == "gzip"
            etag = trending.headers["etag"]
            # compressed by trendcache once per snapshot: nginx passes it through untouched
            assert etag.startswith('"') and etag.endswith('-gzip"'), etag
            again = client.get(
                "/api/cache/trending",
                headers={"Accept-Encoding": "gzip", "If-None-Match": etag},
            )
            assert again.status_code == 304

            # X-Forwarded-Proto believed (TRUSTED_PROXIES): the session cookie is Secure.
            assert "secure" in client.get("/login").headers["set-cookie"].lower()
            direct = httpx2.get(f"http://127.0.0.1:{ports[1]}/login", timeout=10)
            assert "secure" not in direct.headers["set-cookie"].lower()

            assert client.get("/metrics").status_code == 404
            # Static files: trendcache's cache policy reaches the browser through nginx.
            style = client.get("/static/style.css")
            assert style.status_code == 200
            assert style.headers["cache-control"] == "no-cache"
            linked = re.search(r'href="(/static/style\.[0-9a-f]{10}\.css)"', client.get("/").text)
            assert linked, "the page links no fingerprinted stylesheet"
            for _ in range(2):  # what nginx keeps must carry the same headers
                fingerprinted = client.get(linked.group(1), headers={"Accept-Encoding": "br"})
                assert fingerprinted.status_code == 200
                assert fingerprinted.headers["content-encoding"] == "br"
                assert fingerprinted.content == style.content
                immutable = "public, max-age=31536000, immutable"
                assert fingerprinted.headers["cache-control"] == immutable
            again = client.get(
                linked.group(1),
                headers={"Accept-Encoding": "br", "If-None-Match": fingerprinted.headers["etag"]},
            )
            assert again.status_code == 304

        redirect = httpx2.get(f"http://127.0.0.1:{http}/stats?market=US", timeout=10)
        assert redirect.status_code == 301
        assert redirect.headers["location"] == "https://127.0.0.1/stats?market=US"

        # A rolling restart of one web process while clients keep reading.
        statuses: Counter[int | str] = Counter()
        restarted = threading.Event()

        def read() -> None:
            with httpx2.Client(base_url=base, verify=False, timeout=10) as client:
                deadline = time.monotonic() + WAIT_SECONDS
                while not restarted.is_set() and time.monotonic() < deadline:
                    try:
                        statuses[client.get("/api/cache/trending").status_code] += 1
                    except httpx2.TransportError as exc:
                        statuses[type(exc).__name__] += 1

        readers = [threading.Thread(target=read) for _ in range(CLIENTS)]
        for reader in readers:
            reader.start()
        try:
            time.sleep(0.5)
            webs[0].stop()
            stopped = sum(statuses.values())
            webs[0] = start_web(env, ports[0], tmp_path / f"web-{ports[0]}-again")
            while_one_was_down = sum(statuses.values()) - stopped
            time.sleep(0.5)
        finally:
            restarted.set()
            for reader in readers:
                reader.join(WAIT_SECONDS)
        assert while_one_was_down > 0, "the readers read while a web process was down"
        assert set(statuses) == {200}, statuses
    finally:
        nginx.terminate()
        _, errors = nginx.communicate(timeout=20)
        for web in webs:
            web.stop()
    assert b"[emerg]" not in errors and b"[alert]" not in errors, errors.decode()
