"""`trendcache migrate` as an operator runs it (`backfill`: tests/pipeline/history)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from tests.cli.helpers import run
from trendcache.db import Database


def test_migrate_creates_the_schema_in_a_fresh_sqlite_file(tmp_path: Path) -> None:
    result = run(["migrate"], tmp_path, {"DATA_DIR": str(tmp_path / "data")})
    assert result.returncode == 0, result.stderr
    (file,) = (tmp_path / "data").glob("*.sqlite3")
    assert result.stdout.strip() == f"Database is up to date: sqlite:///{file}"
    engine = create_engine(f"sqlite:///{file}")
    assert {"cache_data", "album_appearances"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_migrate_is_idempotent_on_postgresql_and_never_shows_the_password(
    tmp_path: Path, postgres_database: Database
) -> None:
    url = postgres_database.url.set(password="hunter2")  # trust authentication ignores it
    env = {"DATABASE_URL": url.render_as_string(hide_password=False), "DATA_DIR": str(tmp_path)}
    result = run(["migrate"], tmp_path, env)
    assert result.returncode == 0, result.stderr
    shown = result.stdout.strip().removeprefix("Database is up to date: ")
    assert make_url(shown) == url.set(password="***")
    assert "hunter2" not in result.stdout + result.stderr


def test_a_schema_newer_than_this_release_is_one_line_and_exit_2(tmp_path: Path) -> None:
    env = {"DATA_DIR": str(tmp_path / "data")}
    assert run(["migrate"], tmp_path, env).returncode == 0
    (file,) = (tmp_path / "data").glob("*.sqlite3")
    engine = create_engine(f"sqlite:///{file}")
    with engine.begin() as connection:  # what a newer release's migration leaves
        connection.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    engine.dispose()
    for command in (["migrate"], ["backfill"]):
        result = run(command, tmp_path, env)
        assert result.returncode == 2, result.stderr
        [line] = result.stderr.strip().splitlines()
        assert "schema is at revision 0999, newer than this release knows" in line
        assert "Traceback" not in result.stderr
