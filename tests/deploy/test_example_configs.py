"""The example Prometheus and Alertmanager configurations in deploy/: valid by the tools'
own checks, and wired as the alert rules expect (test_alerting_e2e.py runs them)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.deploy.prometheus import EXAMPLE_ALERTMANAGER, EXAMPLE_PROMETHEUS, RULES, load
from tests.fixtures.services import missing


def tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        missing(f"{name} is not installed (Debian: apt-get install {package})")
    assert path is not None
    return path


def check(argv: list[str], folder: Path) -> str:
    result = subprocess.run(
        argv, cwd=folder, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def test_promtool_finds_the_example_prometheus_config_and_its_rules_valid() -> None:
    promtool = tool("promtool", "prometheus")
    output = check(
        [promtool, "check", "config", EXAMPLE_PROMETHEUS.name], EXAMPLE_PROMETHEUS.parent
    )
    assert "SUCCESS: 1 rule files found" in output


def test_amtool_finds_the_example_alertmanager_config_valid() -> None:
    amtool = tool("amtool", "prometheus-alertmanager")
    output = check([amtool, "check-config", EXAMPLE_ALERTMANAGER.name], EXAMPLE_ALERTMANAGER.parent)
    assert "SUCCESS" in output


def test_the_example_scrapes_trendcache_under_the_job_the_rules_name_with_their_file() -> None:
    config = load(EXAMPLE_PROMETHEUS)
    assert [job["job_name"] for job in config["scrape_configs"]] == ["trendcache"]
    assert config["rule_files"] == [RULES.name]
    assert config["alerting"]["alertmanagers"]


def test_the_example_alertmanager_tells_its_receiver_when_an_alert_resolves() -> None:
    config = load(EXAMPLE_ALERTMANAGER)
    hooks = [hook for receiver in config["receivers"] for hook in receiver["webhook_configs"]]
    assert hooks and all(hook["send_resolved"] for hook in hooks)
