"""`trendcache check` as an operator runs it: one line per check, exit 1 when one fails."""

from __future__ import annotations

from pathlib import Path

from tests.cli.helpers import emulator_env, free_port, listenbrainz_env, run
from trendcache.checks import NAMES
from trendcache.db import Database
from trendcache.emulators.listenbrainz import ListenBrainzEmulator
from trendcache.emulators.spotify import SpotifyEmulator

AGENT = "trendcache-tests/0.1 ( tests@trendcache.invalid )"
WEBHOOK = "https://hooks.example.org/services/T0K3N-never-shown"


def lines(stdout: str) -> dict[str, tuple[str, str]]:
    """name → (status, detail), checking every line has the documented shape."""
    found = {}
    for line in stdout.splitlines():
        status, name, detail = line.split(maxsplit=2)
        assert status in ("ok", "FAIL", "skip"), line
        found[name] = (status, detail)
    assert list(found) == list(NAMES)
    return found


def migrated(cwd: Path, env: dict[str, str]) -> dict[str, str]:
    result = run(["migrate"], cwd, env)
    assert result.returncode == 0, result.stderr
    return env


def test_everything_ok_against_the_emulator_on_sqlite(
    tmp_path: Path, spotify_emulator: SpotifyEmulator, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    env = emulator_env(
        spotify_emulator,
        DATA_DIR=str(tmp_path / "data"),
        ALERT_WEBHOOK_URL=WEBHOOK,
        **listenbrainz_env(listenbrainz_emulator),
    )
    result = run(["check"], tmp_path, migrated(tmp_path, env))
    assert result.returncode == 0, result.stdout + result.stderr
    found = lines(result.stdout)
    assert {name: status for name, (status, _) in found.items()} == {
        name: "skip" if name == "redis" else "ok" for name in NAMES
    }
    assert "schema at head" in found["database"][1]
    assert spotify_emulator.accounts_url in found["spotify"][1]
    assert found["webhook"][1].startswith("https://hooks.example.org/…")
    assert "T0K3N" not in result.stdout + result.stderr
    assert list(spotify_emulator.stats.by_endpoint) == ["/api/token"]  # no API request spent
    assert found["listenbrainz"][1].endswith("answers; last sync: never")
    assert listenbrainz_emulator.stats.requests == [], "a connection, no request"


def test_the_listenbrainz_line_tells_its_last_sync_and_an_unreachable_host(
    tmp_path: Path, spotify_emulator: SpotifyEmulator, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    env = emulator_env(
        spotify_emulator,
        DATA_DIR=str(tmp_path / "data"),
        **listenbrainz_env(listenbrainz_emulator),
    )
    synced = run(["sync", "--source", "listenbrainz"], tmp_path, migrated(tmp_path, env))
    assert synced.returncode == 0, synced.stderr
    assert "requests" in synced.stdout and "2" in synced.stdout
    status, detail = lines(run(["check"], tmp_path, env).stdout)["listenbrainz"]
    assert status == "ok" and "last sync: ok, " in detail

    closed = {**env, "LISTENBRAINZ_BASE_URL": f"http://127.0.0.1:{free_port()}"}
    result = run(["check"], tmp_path, closed)
    assert result.returncode == 1
    status, detail = lines(result.stdout)["listenbrainz"]
    assert status == "FAIL" and "unreachable" in detail


def test_everything_ok_scaled_out_on_postgresql_and_redis(
    tmp_path: Path,
    spotify_emulator: SpotifyEmulator,
    postgres_database: Database,
    redis_url: str,
) -> None:
    url = postgres_database.url.set(password="hunter2")  # trust authentication ignores it
    env = emulator_env(
        spotify_emulator,
        DATA_DIR=str(tmp_path / "data"),
        DATABASE_URL=url.render_as_string(hide_password=False),
        REDIS_URL=redis_url,
        MUSICBRAINZ_USER_AGENT=AGENT,
    )
    result = run(["check"], tmp_path, migrated(tmp_path, env))
    assert result.returncode == 0, result.stdout + result.stderr
    found = lines(result.stdout)
    not_ok = [name for name, (status, _) in found.items() if status != "ok"]
    assert not_ok == ["listenbrainz", "webhook"], "ListenBrainz off, as in every test"
    assert found["settings"][1] == "valid: PostgreSQL, Redis"
    assert found["queue"][1].startswith("in Redis")
    assert "hunter2" not in result.stdout + result.stderr


def test_an_unreachable_database_fails_its_line_and_the_command(
    tmp_path: Path, spotify_emulator: SpotifyEmulator
) -> None:
    closed = f"postgresql+psycopg://postgres:hunter2@127.0.0.1:{free_port()}/trendcache"
    env = emulator_env(
        spotify_emulator,
        DATA_DIR=str(tmp_path / "data"),
        DATABASE_URL=closed,
        MUSICBRAINZ_USER_AGENT=AGENT,
    )
    result = run(["check"], tmp_path, env)
    assert result.returncode == 1
    found = lines(result.stdout)
    status, detail = found["database"]
    assert status == "FAIL"
    assert "unreachable" in detail and "Connection refused" in detail
    assert "hunter2" not in result.stdout + result.stderr
    assert [name for name, (status, _) in found.items() if status == "FAIL"] == ["database"]


def test_a_database_behind_this_release_says_to_migrate(
    tmp_path: Path, spotify_emulator: SpotifyEmulator
) -> None:
    env = emulator_env(spotify_emulator, DATA_DIR=str(tmp_path / "data"))
    result = run(["check"], tmp_path, env)
    assert result.returncode == 1
    status, detail = lines(result.stdout)["database"]
    assert status == "FAIL" and "`trendcache migrate`" in detail
    assert not (tmp_path / "data" / "trendcache.sqlite3").exists()  # check made no database


def test_unreachable_redis_fails_redis_and_the_queue(
    tmp_path: Path, spotify_emulator: SpotifyEmulator
) -> None:
    env = emulator_env(
        spotify_emulator, DATA_DIR=str(tmp_path / "data"), MUSICBRAINZ_USER_AGENT=AGENT
    )
    env = migrated(tmp_path, env)
    result = run(["check"], tmp_path, {**env, "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"})
    assert result.returncode == 1
    found = lines(result.stdout)
    assert found["redis"][0] == "FAIL" and "Connection refused" in found["redis"][1]
    assert found["queue"][0] == "FAIL"
    assert found["database"][0] == "ok"


def test_without_credentials_spotify_is_skipped_as_demo_mode(tmp_path: Path) -> None:
    env = migrated(tmp_path, {"DATA_DIR": str(tmp_path / "data")})
    result = run(["check"], tmp_path, env)
    assert result.returncode == 0, result.stdout + result.stderr
    found = lines(result.stdout)
    assert found["spotify"][0] == "skip" and "demo mode" in found["spotify"][1]
    assert found["musicbrainz"][0] == "skip"  # the demo brings its own agent


def test_refused_credentials_a_generic_user_agent_and_a_bad_webhook_fail(
    tmp_path: Path, spotify_emulator: SpotifyEmulator
) -> None:
    env = emulator_env(
        spotify_emulator,
        DATA_DIR=str(tmp_path / "data"),
        SPOTIFY_CLIENT_SECRET="not-the-secret",
        MUSICBRAINZ_USER_AGENT="python-requests/2.32 ( me@example.net )",
        ALERT_WEBHOOK_URL="https://hooks.example.org:99999/T0K3N",
        LISTENBRAINZ_ENABLED="true",
    )
    result = run(["check"], tmp_path, migrated(tmp_path, env))
    assert result.returncode == 1
    found = lines(result.stdout)
    assert found["spotify"][0] == "FAIL" and "refused the client credentials" in found["spotify"][1]
    assert found["musicbrainz"][0] == "FAIL" and "generic" in found["musicbrainz"][1]
    status, detail = found["listenbrainz"]
    assert status == "FAIL" and "generic" in detail and "LISTENBRAINZ_ENABLED=false" in detail
    assert found["webhook"][0] == "FAIL" and "not a usable URL" in found["webhook"][1]
    assert "not-the-secret" not in result.stdout + result.stderr
    assert "T0K3N" not in result.stdout + result.stderr


def test_a_data_dir_that_cannot_be_written_fails(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    result = run(["check"], tmp_path, {"DATA_DIR": str(tmp_path / "file")})
    assert result.returncode == 1
    assert lines(result.stdout)["data_dir"][0] == "FAIL"


def test_invalid_settings_fail_and_nothing_else_is_checked(tmp_path: Path) -> None:
    result = run(["check"], tmp_path, {"SPOTIFY_MARKETS": "USA", "DATA_DIR": str(tmp_path)})
    assert result.returncode == 1
    found = lines(result.stdout)
    assert found["settings"][0] == "FAIL" and "SPOTIFY_MARKETS" in found["settings"][1]
    assert {status for name, (status, _) in found.items() if name != "settings"} == {"skip"}
