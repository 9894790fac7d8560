"""The Prometheus alert rules in deploy/prometheus: valid, unit-tested by promtool rule by
rule, and each one explained in the operations runbook."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.fixtures.services import missing

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS = ROOT / "deploy" / "prometheus"
RULES = PROMETHEUS / "alerts.yml"
RULE_TESTS = PROMETHEUS / "alerts_test.yml"
OPERATIONS = ROOT / "docs" / "operations.md"


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def alert_rules() -> list[dict[str, Any]]:
    return [rule for group in load(RULES)["groups"] for rule in group["rules"] if "alert" in rule]


@pytest.fixture(scope="module")
def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        missing("promtool is not installed (Debian: apt-get install prometheus)")
    assert path is not None
    return path


def run(promtool: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [promtool, *args], cwd=PROMETHEUS, capture_output=True, text=True, timeout=60, check=False
    )


def test_promtool_finds_the_rules_valid(promtool: str) -> None:
    result = run(promtool, "check", "rules", RULES.name)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(alert_rules())} rules found" in result.stdout


def test_promtool_passes_every_rule_unit_test(promtool: str) -> None:
    result = run(promtool, "test", "rules", RULE_TESTS.name)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_every_rule_has_a_severity_a_summary_a_description_and_a_runbook() -> None:
    incomplete = [
        rule["alert"]
        for rule in alert_rules()
        if rule.get("labels", {}).get("severity") not in {"critical", "warning"}
        or not {"summary", "description", "runbook_url"} <= set(rule.get("annotations", {}))
    ]
    assert incomplete == []


def test_every_rule_is_tested_both_firing_and_quiet() -> None:
    firing: set[str] = set()
    quiet: set[str] = set()
    for case in load(RULE_TESTS)["tests"]:
        for check in case.get("alert_rule_test", []):
            (firing if check.get("exp_alerts") else quiet).add(check["alertname"])
    names = {rule["alert"] for rule in alert_rules()}
    assert names - firing == set()
    assert names - quiet == set()


def test_every_runbook_url_leads_to_its_own_section_of_the_operations_doc() -> None:
    headings = re.findall(r"^### (\w+)$", OPERATIONS.read_text(), re.MULTILINE)
    for rule in alert_rules():
        assert rule["alert"] in headings
        assert rule["annotations"]["runbook_url"] == (f"docs/operations.md#{rule['alert'].lower()}")
