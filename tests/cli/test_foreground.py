"""`trendcache sync` and `trendcache enrich` as a user runs them, against the emulators."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.cli.helpers import emulator_env, listenbrainz_env, run
from trendcache.emulators.spotify import SpotifyEmulator


def test_sync_fetches_with_a_summary_and_never_logs_the_secret(
    tmp_path: Path, spotify_emulator: SpotifyEmulator
) -> None:
    env = emulator_env(spotify_emulator, LOG_LEVEL="DEBUG", DATA_DIR=str(tmp_path / "data"))
    result = run(["sync"], tmp_path, env)
    assert result.returncode == 0, result.stderr
    assert "requests" in result.stdout
    assert "extended" in result.stdout
    assert spotify_emulator.client_secret not in result.stdout + result.stderr
    again = run(["sync"], tmp_path, env)
    assert "fresh" in again.stdout
    settings = run(["settings"], tmp_path, env)
    assert "SPOTIFY_CLIENT_SECRET" in settings.stdout
    assert spotify_emulator.client_secret not in settings.stdout


def test_sync_reports_an_upstream_failure_with_exit_status_1(
    tmp_path: Path, spotify_emulator: SpotifyEmulator
) -> None:
    spotify_emulator.faults.outage = True
    env = emulator_env(spotify_emulator, DATA_DIR=str(tmp_path / "data"))
    result = run(["sync"], tmp_path, env)
    assert result.returncode == 1
    assert "unreachable" in result.stderr.splitlines()[-1]
    assert "Traceback" not in result.stderr


def test_sync_of_listenbrainz_alone_or_of_every_source(
    tmp_path: Path, spotify_emulator: SpotifyEmulator, listenbrainz_emulator: Any
) -> None:
    env = emulator_env(
        spotify_emulator,
        DATA_DIR=str(tmp_path / "data"),
        **listenbrainz_env(listenbrainz_emulator),
    )
    alone = run(["sync", "--source", "listenbrainz"], tmp_path, env)
    assert alone.returncode == 0, alone.stderr
    assert len(listenbrainz_emulator.stats.requests) == 2
    assert spotify_emulator.stats.requests == [], "Spotify was not asked"
    both = run(["sync", "--source", "all"], tmp_path, env)
    assert both.returncode == 0, both.stderr
    assert "ListenBrainz: the cache is fresh" in both.stdout
    assert len(listenbrainz_emulator.stats.requests) == 2
    assert spotify_emulator.stats.requests, "Spotify synced"

    off = run(["sync", "--source", "listenbrainz"], tmp_path, {**env, "MUSICBRAINZ_USER_AGENT": ""})
    assert off.returncode == 2
    assert "MUSICBRAINZ_USER_AGENT" in off.stderr.splitlines()[-1]


def test_enrich_matches_in_the_foreground_and_refuses_an_anonymous_agent(
    tmp_path: Path, spotify_emulator: SpotifyEmulator, musicbrainz_emulator: Any
) -> None:
    env = emulator_env(
        spotify_emulator,
        DATA_DIR=str(tmp_path / "data"),
        MUSICBRAINZ_BASE_URL=musicbrainz_emulator.base_url,
        MUSICBRAINZ_RATE="50",
        MUSICBRAINZ_USER_AGENT="python-requests/2.32",
    )
    assert run(["sync"], tmp_path, env).returncode == 0
    refused = run(["enrich"], tmp_path, env)
    assert refused.returncode == 2
    assert "MUSICBRAINZ_USER_AGENT" in refused.stderr.splitlines()[-1]
    assert musicbrainz_emulator.stats.requests == []

    env["MUSICBRAINZ_USER_AGENT"] = "trendcache-tests/0.1 ( tests@trendcache.invalid )"
    enriched = run(["enrich"], tmp_path, env)
    assert enriched.returncode == 0, enriched.stderr
    assert "matched" in enriched.stdout
    assert "MusicBrainz requests" in enriched.stdout
    assert musicbrainz_emulator.stats.violations == []
