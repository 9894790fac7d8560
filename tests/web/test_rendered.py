"""Rendered pages kept by what they show: rendered once per key, a shared part once per
its key, least recently used dropped."""

from __future__ import annotations

from jinja2 import DictLoader, Environment

from trendcache.web.rendered import Rendered

TEMPLATES = {"page.html": "<h1>{{ title }}</h1>{{ part }}", "part.html": "<p>{{ text }}</p>"}


def rendered(limit: int = 64) -> Rendered:
    env = Environment(loader=DictLoader(TEMPLATES), autoescape=True)
    return Rendered(env, [(b"x-frame-options", b"DENY")], limit=limit)


def test_one_render_per_key() -> None:
    pages = rendered()
    calls: list[str] = []

    def values(title: str) -> dict[str, str]:
        calls.append(title)
        return {"title": title, "part": ""}

    first = pages.body("a", "page.html", lambda: values("a"))
    assert pages.body("a", "page.html", lambda: values("a")) is first
    assert first.body == b"<h1>a</h1>" and calls == ["a"] and pages.renders == 1
    assert dict(first.variants["identity"].headers)[b"x-frame-options"] == b"DENY"
    assert pages.body("b", "page.html", lambda: values("b")).body == b"<h1>b</h1>"
    assert calls == ["a", "b"] and pages.renders == 2


def test_least_recently_used_dropped() -> None:
    pages = rendered(limit=2)
    for key in ("a", "b", "a", "c"):  # "b" is the least recently used when "c" comes
        pages.body(key, "page.html", lambda key=key: {"title": key})
    assert pages.renders == 3
    pages.body("a", "page.html", lambda: {"title": "a"})
    assert pages.renders == 3
    pages.body("b", "page.html", lambda: {"title": "b"})
    assert pages.renders == 4


def test_a_part_is_kept_per_group_until_its_key_moves() -> None:
    pages = rendered()
    one = pages.part("shelves", 1, "part.html", {"text": "<one>"})
    assert str(one) == "<p>&lt;one&gt;</p>"
    assert pages.part("shelves", 1, "part.html", {"text": "ignored"}) is one
    assert pages.part("other", 1, "part.html", {"text": "other"}) is not one
    assert str(pages.part("shelves", 2, "part.html", {"text": "two"})) == "<p>two</p>"
    page = pages.body("p", "page.html", lambda: {"title": "t", "part": one})
    assert page.body == b"<h1>t</h1><p>&lt;one&gt;</p>"  # a part is markup: not escaped again
