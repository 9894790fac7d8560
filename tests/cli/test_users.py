"""`trendcache users` as a user runs it: real subprocesses, on both database backends."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.helpers import COMMAND, _env
from trendcache.accounts.users import account_for_token, sign_in
from trendcache.db import Database

TOKEN = re.compile(r"^tc_[A-Za-z0-9_-]{43}$", re.M)


Runner = Callable[..., subprocess.CompletedProcess[str]]


def runner(folder: Path, database: Database) -> Runner:
    """`run(*args, input=None, log_level="INFO")`: `trendcache users …` on `database`."""
    env = {
        "DATABASE_URL": database.url.render_as_string(hide_password=False),
        "DATA_DIR": str(folder / "data"),
    }

    def run(
        *args: str, input: str | None = None, log_level: str = "INFO"
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*COMMAND, "users", *args],
            cwd=folder,
            env=_env({**env, "LOG_LEVEL": log_level}),
            input=input,
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run


@pytest.fixture
def users(tmp_path: Path, sqlite_database: Database) -> Runner:
    """Each command starts a process of its own (seconds each): most tests run on SQLite,
    `test_on_postgresql` covers the other backend."""
    return runner(tmp_path, sqlite_database)


def token_of(result: subprocess.CompletedProcess[str]) -> str:
    found = TOKEN.findall(result.stdout)
    assert len(found) == 1, result.stdout
    return str(found[0])


def test_create_prints_the_token_once_and_stores_only_its_hash(
    users: Runner, sqlite_database: Database
) -> None:
    assert "No users yet" in users("list").stdout
    created = users("create", "alice", log_level="DEBUG")
    assert created.returncode == 0, created.stderr
    token = token_of(created)
    assert "will not be shown again" in created.stdout
    assert "trendcache users password alice" in created.stdout
    assert token not in created.stderr  # DEBUG logging never shows it
    account = account_for_token(sqlite_database, token)
    assert account is not None and account.name == "alice"

    listed = users("list")
    assert listed.returncode == 0, listed.stderr
    assert "alice" in listed.stdout
    assert token not in listed.stdout
    assert f"{token[:10]}…" in listed.stdout  # to tell tokens apart


def test_more_tokens_and_refusals_in_one_line_with_exit_status_1(
    users: Runner, sqlite_database: Database
) -> None:
    first = token_of(users("create", "alice"))
    again = users("create", "alice")
    assert again.returncode == 1
    assert again.stdout == ""
    lines = again.stderr.strip().splitlines()
    assert lines == ["trendcache users create: a user named 'alice' already exists"], again.stderr
    bad = users("create", "not a name")
    assert bad.returncode == 1
    assert len(bad.stderr.strip().splitlines()) == 1
    assert "invalid user name" in bad.stderr
    unknown = users("token", "bob")
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == (
        "trendcache users token: no user named 'bob' (see `trendcache users list`)"
    )
    assert "Traceback" not in again.stderr + bad.stderr + unknown.stderr

    issued = users("token", "alice")
    assert issued.returncode == 0, issued.stderr
    second = token_of(issued)
    assert second != first
    assert "will not be shown again" in issued.stdout
    assert account_for_token(sqlite_database, first) == account_for_token(sqlite_database, second)


def test_passwords_for_the_web_page(users: Runner, sqlite_database: Database) -> None:
    created = users("create", "alice", "--password", input="a long password\n")
    assert created.returncode == 0, created.stderr
    assert "users password alice" not in created.stdout  # has one already
    assert sign_in(sqlite_database, "alice", "a long password") is not None
    assert "a long password" not in created.stdout + created.stderr

    changed = users("password", "alice", input="another long one\n")
    assert changed.returncode == 0, changed.stderr
    assert sign_in(sqlite_database, "alice", "another long one") is not None
    assert sign_in(sqlite_database, "alice", "a long password") is None

    short = users("password", "alice", input="short\n")
    assert short.returncode == 1
    assert short.stderr.strip() == "trendcache users: a password needs at least 8 characters"


def test_users_is_in_the_help() -> None:
    helped = subprocess.run([*COMMAND, "--help"], capture_output=True, text=True, timeout=60)
    assert "users" in helped.stdout


def test_on_postgresql(tmp_path: Path, postgres_database: Database) -> None:
    users = runner(tmp_path, postgres_database)
    first = token_of(users("create", "alice", "--password", input="a long password\n"))
    second = token_of(users("token", "alice"))
    assert users("create", "alice").returncode == 1
    listed = users("list").stdout
    for shown in ("alice", f"{first[:10]}…", f"{second[:10]}…", "never", "password"):
        assert shown in listed, listed
    account = account_for_token(postgres_database, first)
    assert account is not None
    assert account == account_for_token(postgres_database, second)
    assert sign_in(postgres_database, "alice", "a long password") == account


def test_admins_are_made_at_creation_or_later(users: Runner, sqlite_database: Database) -> None:
    created = users("create", "ops", "--admin")
    assert created.returncode == 0, created.stderr
    assert "Created admin ops." in created.stdout
    plain = token_of(users("create", "bob"))
    ops = account_for_token(sqlite_database, token_of(created))
    bob = account_for_token(sqlite_database, plain)
    assert ops is not None and ops.is_admin
    assert bob is not None and not bob.is_admin
    listed = users("list").stdout
    assert re.search(r"ops\s+│?\s*admin", listed) and re.search(r"bob\s+│?\s*user", listed)

    assert users("admin", "bob").returncode == 0
    promoted = account_for_token(sqlite_database, plain)
    assert promoted is not None and promoted.is_admin
    assert users("admin", "bob", "--remove").returncode == 0
    demoted = account_for_token(sqlite_database, plain)
    assert demoted is not None and not demoted.is_admin
    unknown = users("admin", "nobody")
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == (
        "trendcache users admin: no user named 'nobody' (see `trendcache users list`)"
    )


def test_revoke_and_delete(users: Runner, sqlite_database: Database) -> None:
    first = token_of(users("create", "bob"))
    second = token_of(users("token", "bob"))
    revoked = users("revoke", "bob", second[:10] + "…")
    assert revoked.returncode == 0, revoked.stderr
    assert revoked.stdout.strip() == "Revoked 1 API token of bob."
    assert account_for_token(sqlite_database, second) is None
    assert account_for_token(sqlite_database, first) is not None
    both = users("revoke", "bob", second[:10], "--all")
    assert both.returncode == 2 and "not both" in both.stderr
    unasked = users("delete", "bob")  # not at a terminal: no way to confirm
    assert unasked.returncode == 2 and "--yes" in unasked.stderr
    assert account_for_token(sqlite_database, first) is not None
    deleted = users("delete", "bob", "--yes")
    assert deleted.returncode == 0, deleted.stderr
    assert account_for_token(sqlite_database, first) is None
    again = users("delete", "bob", "--yes")
    assert again.returncode == 1
    assert again.stderr.strip() == (
        "trendcache users delete: no user named 'bob' (see `trendcache users list`)"
    )
