"""The example deployment in deploy/systemd and deploy/nginx (docs/deployment.md): every
command a unit runs is one the CLI has, with options it accepts; the settings file holds
real, valid settings, the required ones among them; nginx and systemd accept the files."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.core import TyperGroup

from tests.deploy.nginx import NGINX_CONF, nginx_command, nginx_copy
from trendcache.cli import app
from trendcache.config import Settings

ROOT = Path(__file__).resolve().parents[2]
SYSTEMD = ROOT / "deploy" / "systemd"
UNITS = sorted(SYSTEMD.glob("*.service"))
ENV_EXAMPLE = SYSTEMD / "trendcache.env.example"
ENV_FILE = "/etc/trendcache/trendcache.env"
BINARY = "/opt/trendcache/venv/bin/trendcache"
EXEC_KEYS = {"ExecStartPre", "ExecStart", "ExecStartPost", "ExecReload", "ExecStop"}
# An instance name for each template, as `systemctl start name@INSTANCE` would give it.
INSTANCES = {"trendcache-web@.service": "8001", "trendcache-worker@.service": "1"}
# Settings no process of a scaled-out deployment can do without.
REQUIRED = {
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "SPOTIFY_CLIENT_ID",
    "SPOTIFY_CLIENT_SECRET",
    "MUSICBRAINZ_USER_AGENT",
    "TRUSTED_PROXIES",
    "DATA_DIR",
}
SETTING_LINE = re.compile(r"^(#?)([A-Z][A-Z0-9_]*)=(.*)$")

Unit = dict[str, list[tuple[str, str]]]


def parse_unit(text: str) -> Unit:
    """A unit file's sections, each its (key, value) pairs in order (systemd allows a key
    more than once, so no dict); comments dropped, backslash continuations joined."""
    sections: Unit = {}
    current: list[tuple[str, str]] | None = None
    for line in text.replace("\\\n", " ").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        key, equals, value = line.partition("=")
        assert equals and current is not None, f"not a key=value in a section: {line!r}"
        current.append((key.strip(), value.strip()))
    return sections


def values(unit: Unit, section: str, key: str) -> list[str]:
    return [value for name, value in unit.get(section, []) if name == key]


def commands(path: Path) -> list[tuple[str, list[str]]]:
    """(key, argv) of every command the unit runs, its specifiers filled in as for the
    instance of INSTANCES (`%i`), systemd's prefixes (`-`, `@`, `+`, …) dropped."""
    instance = INSTANCES.get(path.name, "")
    found = []
    for key, value in parse_unit(path.read_text()).get("Service", []):
        if key in EXEC_KEYS:
            argv = shlex.split(value.replace("%i", instance).replace("%I", instance))
            argv[0] = argv[0].lstrip("-@+!:")
            found.append((key, argv))
    return found


def cli_command(words: list[str]) -> tuple[Any, list[str]]:
    """The CLI command `words` start with (`users list` is two words) and its arguments."""
    command = typer.main.get_command(app)  # typer's own click, vendored: duck-typed here
    while isinstance(command, TyperGroup) and words:
        sub = command.commands.get(words[0])
        assert sub is not None, f"`trendcache {words[0]}` is not a command of the CLI"
        command, words = sub, words[1:]
    assert not isinstance(command, TyperGroup), "a command group, not a command"
    return command, words


def refused(argv: list[str]) -> str | None:
    """Why the CLI would refuse `argv` (`…/trendcache COMMAND [OPTIONS]`), or None: the
    command must exist and parse its options and their values as it would when run."""
    if Path(argv[0]).name != "trendcache":
        return f"{argv[0]} is not the trendcache command"
    try:
        command, arguments = cli_command(argv[1:])
        command.make_context(f"trendcache {' '.join(argv[1:2])}", arguments)
    except (AssertionError, typer.TyperException) as exc:
        return str(exc)
    return None


def test_the_example_holds_units_for_every_role() -> None:
    names = {unit.name for unit in UNITS}
    assert names == {
        "trendcache-migrate.service",
        "trendcache-web@.service",
        "trendcache-worker@.service",
    }


@pytest.mark.parametrize("path", UNITS, ids=lambda path: path.name)
def test_every_unit_runs_as_trendcache_with_the_settings_file(path: Path) -> None:
    unit = parse_unit(path.read_text())
    assert values(unit, "Service", "EnvironmentFile") == [ENV_FILE]
    assert values(unit, "Service", "User") == ["trendcache"]
    assert values(unit, "Install", "WantedBy") == ["multi-user.target"]
    assert commands(path), "no command"
    for _, argv in commands(path):
        assert argv[0] == BINARY


@pytest.mark.parametrize(
    ("unit", "key", "argv"),
    [(path.name, key, argv) for path in UNITS for key, argv in commands(path)],
    ids=lambda value: " ".join(value[1:3]) if isinstance(value, list) else str(value),
)
def test_every_command_a_unit_runs_exists_in_the_cli_with_its_options(
    unit: str, key: str, argv: list[str]
) -> None:
    assert refused(argv) is None


@pytest.mark.parametrize(
    "argv",
    [
        [BINARY, "webserver"],
        [BINARY, "worker", "--no-such-option"],
        [BINARY, "web", "--port", "not-a-port"],
        [BINARY, "users"],
        ["/usr/bin/gunicorn", "trendcache"],
    ],
)
def test_the_check_refuses_what_the_cli_would(argv: list[str]) -> None:
    assert refused(argv) is not None


def test_the_migrate_unit_migrates_then_checks_once_per_release() -> None:
    path = SYSTEMD / "trendcache-migrate.service"
    unit = parse_unit(path.read_text())
    assert values(unit, "Service", "Type") == ["oneshot"]
    assert [argv[1:] for _, argv in commands(path)] == [["migrate"], ["check"]]
    for name in ("trendcache-web@.service", "trendcache-worker@.service"):
        other = parse_unit((SYSTEMD / name).read_text())
        assert "trendcache-migrate.service" in " ".join(values(other, "Unit", "After"))
        # Wants, not Requires: a failed check (Spotify down) must not keep the web down.
        assert values(other, "Unit", "Requires") == []


def test_nginx_proxies_to_the_web_units_ports_from_a_trusted_address() -> None:
    """The upstream's servers are web units' instances on 127.0.0.1, which
    TRUSTED_PROXIES of the settings file believes (nginx connects from there)."""
    conf = NGINX_CONF.read_text()
    upstream = re.search(r"upstream trendcache_web \{(.*?)\}", conf, re.S)
    assert upstream is not None
    servers = re.findall(r"^\s*server (\S+?):(\d+)\b", upstream[1], re.M)
    assert len(servers) >= 2, "rolling restarts need more than one web process"
    web = SYSTEMD / "trendcache-web@.service"
    for host, port in servers:
        (_, argv), *_ = commands(web)
        command, arguments = cli_command(argv[1:])
        params = command.make_context("trendcache web", arguments).params
        assert params["host"] == host == "127.0.0.1"
        assert port.isdigit()
    assert "127.0.0.1" in example_settings()["TRUSTED_PROXIES"].split(",")
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "Host"):
        assert re.search(rf"proxy_set_header {header} \$", conf), header


def example_settings(*, commented: bool = False) -> dict[str, str]:
    """VARIABLE=value lines of the settings example (with `commented`, `#VARIABLE=…` too)."""
    found = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = SETTING_LINE.match(line)
        if match and (commented or not match[1]):
            found[match[2]] = match[3]
    return found


def test_every_setting_in_the_example_is_a_real_one() -> None:
    real = {name.upper() for name in Settings.model_fields}
    names = set(example_settings(commented=True))
    assert names - real == set()
    documented = (ROOT / "docs" / "configuration.md").read_text()
    assert [name for name in names if f"| `{name}` |" not in documented] == []


def test_the_example_sets_every_required_setting_to_a_valid_value() -> None:
    settings = example_settings()
    assert REQUIRED - set(settings) == set()
    fields: dict[str, Any] = {name.lower(): value for name, value in settings.items()}
    loaded = Settings(_env_file=None, **fields)
    assert loaded.has_spotify_credentials
    assert loaded.redis_url and loaded.database_url
    assert loaded.resolved_database_url.startswith("postgresql+psycopg://")


def test_nginx_accepts_the_example(tmp_path: Path) -> None:
    """`nginx -t` on a copy inside a minimal nginx.conf: certificate, cache and log paths
    moved into tmp_path (a throwaway certificate from openssl), nothing else changed."""
    wrapper = nginx_copy(tmp_path)
    result = subprocess.run(
        nginx_command(wrapper, "-t"), capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
    assert "[warn]" not in result.stderr


def test_systemd_accepts_the_units(tmp_path: Path) -> None:
    """`systemd-analyze verify` where there is one, each template as an instance; the
    binary is this checkout's (verify insists that it exists). Unknown keys and values
    are only warnings to it, so any output at all fails."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed: the units are only parsed")
    binary = Path(sys.executable).parent / "trendcache"
    assert binary.exists()
    names = []
    for path in UNITS:
        (tmp_path / path.name).write_text(path.read_text().replace(BINARY, str(binary)))
        name = path.name.replace("@.", f"@{INSTANCES.get(path.name, '')}.")
        if name != path.name:
            (tmp_path / name).symlink_to(tmp_path / path.name)
        names.append(str(tmp_path / name))
    result = subprocess.run(
        [analyze, "verify", "--man=no", *names],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout + result.stderr == ""
