"""The documentation a newcomer reads: a short README whose commands are CI's, links that
lead somewhere, and a glossary of the words the code uses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PAGES = [README, ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def section(text: str, heading: str) -> str:
    """The text under `## heading`, up to the next heading of that level."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"no '## {heading}' section"
    return match[1]


def anchors(page: Path) -> set[str]:
    """The anchors GitHub gives the page's headings."""
    text = FENCE.sub("", page.read_text())
    headings = re.findall(r"^#+ (.+)$", text, re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def test_the_readme_stays_short() -> None:
    assert len(README.read_text().splitlines()) <= 120


def test_the_readme_quickstart_gives_exactly_the_two_commands() -> None:
    quickstart = section(README.read_text(), "Quickstart")
    commands = re.findall(r"^```sh\n(.*?)\n```", quickstart, re.MULTILINE | re.DOTALL)
    assert commands == ["uv run trendcache serve", "uv run pytest"]


def test_ci_runs_the_readmes_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert "uv run pytest" in ci


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_relative_link_reaches_a_file_and_its_heading(page: Path) -> None:
    broken = []
    for target in LINK.findall(FENCE.sub("", page.read_text())):
        if re.match(r"^[a-z]+:", target):
            continue  # http(s), mailto: not ours to check
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        if not linked.exists():
            broken.append(target)
            continue
        if anchor and (linked.suffix != ".md" or anchor not in anchors(linked)):
            broken.append(target)
    assert broken == []


def test_the_glossary_defines_the_words_the_code_uses() -> None:
    architecture = (ROOT / "docs" / "architecture.md").read_text()
    glossary = section(architecture, "Glossary")
    defined = set(re.findall(r"^\*\*([a-z ]+)\*\*", glossary, re.MULTILINE))
    words = {"listing", "snapshot", "source", "market", "span", "debut", "appearance"}
    assert words - defined == set()
    assert "### The seed" in glossary
