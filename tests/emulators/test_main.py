"""``python -m trendcache.emulators.spotify``, ``...musicbrainz`` and ``...listenbrainz`` as
real processes.

Each is started as another process would start it, its one line of output read for the
base URL, asked real questions, then ended by a signal, after which it must exit 0.
"""

from __future__ import annotations

import re
import select
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.fixtures.musicbrainz import USER_AGENT
from tests.fixtures.spotify import local_client

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0
EXIT_TIMEOUT = 10.0
SPOTIFY = "trendcache.emulators.spotify"
MUSICBRAINZ = "trendcache.emulators.musicbrainz"
LISTENBRAINZ = "trendcache.emulators.listenbrainz"
CREDENTIALS = ("trendcache-demo", "trendcache-demo-secret")  # the emulator's defaults

Launch = Callable[..., tuple[subprocess.Popen[bytes], str]]


@pytest.fixture
def launch() -> Iterator[Launch]:
    """Start ``python -m <module> <args>``; the process and its first line, the base URL."""
    started: list[subprocess.Popen[bytes]] = []

    def start(module: str, *args: str) -> tuple[subprocess.Popen[bytes], str]:
        process = subprocess.Popen(
            [sys.executable, "-m", module, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
        )
        started.append(process)
        return process, _first_line(process)

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.communicate()


def _first_line(process: subprocess.Popen[bytes]) -> str:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT)
    if not ready:
        pytest.fail(f"no base URL within {START_TIMEOUT} s")
    line = process.stdout.readline().decode()
    if not line.endswith("\n"):
        _, err = process.communicate(timeout=EXIT_TIMEOUT)
        pytest.fail(f"exited {process.returncode} without a URL line: {err.decode()}")
    return line.removesuffix("\n")


def _end(process: subprocess.Popen[bytes], signum: int) -> None:
    """Signal the process; it must exit 0 promptly, having printed nothing more."""
    process.send_signal(signum)
    out, err = process.communicate(timeout=EXIT_TIMEOUT)
    assert process.returncode == 0, err.decode()
    assert out == b""


def _token(origin: str) -> str:
    with local_client() as client:
        response = client.post(
            f"{origin}/api/token", data={"grant_type": "client_credentials"}, auth=CREDENTIALS
        )
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_spotify_serves_until_signalled(launch: Launch, signum: int) -> None:
    process, url = launch(SPOTIFY, "--tier", "development", "--latency", "0.01", "--seed", "7")
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/v1", url)
    origin = url.removesuffix("/v1")
    headers = {"Authorization": f"Bearer {_token(origin)}"}
    with local_client(base_url=url, headers=headers) as client:
        album = client.get("/search", params={"q": "a", "type": "album", "limit": 1})
        assert album.status_code == 200
        assert album.json()["albums"]["items"]
        # Development Mode apps may not list new releases: --tier reached the emulator.
        assert client.get("/browse/new-releases").status_code == 403
        summary = client.get(f"{origin}/_emulator").json()
    assert (summary["seed"], summary["tier"]) == (7, "development")
    assert summary["faults"]["latency"] == 0.01
    _end(process, signum)


def test_musicbrainz_pairs_with_spotify_of_the_same_seed(launch: Launch) -> None:
    spotify, spotify_url = launch(SPOTIFY, "--seed", "7")
    musicbrainz, url = launch(MUSICBRAINZ, "--seed", "7", "--rate", "50", "--port", "0")
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/ws/2", url)
    headers = {"Authorization": f"Bearer {_token(spotify_url.removesuffix('/v1'))}"}
    with local_client(base_url=spotify_url, headers=headers) as client:
        page = client.get("/browse/new-releases", params={"limit": 50}).json()
    links = [f"https://open.spotify.com/album/{a['id']}" for a in page["albums"]["items"]]
    with local_client(base_url=url, headers={"User-Agent": USER_AGENT}) as client:
        found = client.get("/url", params={"resource": links, "fmt": "json"})
        assert found.status_code == 200
        # Some of this Spotify seed's albums are linked: the catalog came from seed 7 too.
        assert found.json()["url-count"] > 0
        summary = client.get(f"{url.removesuffix('/ws/2')}/_emulator").json()
    assert summary["requests_per_second"] == 50
    _end(musicbrainz, signal.SIGTERM)
    _end(spotify, signal.SIGTERM)


def test_listenbrainz_serves_until_signalled(launch: Launch) -> None:
    process, url = launch(LISTENBRAINZ, "--seed", "7")
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
    with local_client(base_url=url, headers={"User-Agent": USER_AGENT}) as client:
        fresh = client.get("/1/explore/fresh-releases/", params={"days": 90})
        summary = client.get("/_emulator").json()
    assert fresh.status_code == 200
    assert fresh.json()["payload"]["releases"]
    assert summary["catalog"]["fresh"] > 0
    _end(process, signal.SIGTERM)


def test_bad_arguments_are_usage_errors() -> None:
    result = subprocess.run(
        [sys.executable, "-m", MUSICBRAINZ, "--rate", "0"],
        capture_output=True,
        cwd=ROOT,
        timeout=START_TIMEOUT,
    )
    assert result.returncode == 2
    assert b"--rate: must be more than 0" in result.stderr
    assert result.stdout == b""
