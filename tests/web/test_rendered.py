"""Pages rendered from templates once per version of what they show, and shared parts
rendered once per their key."""

from __future__ import annotations

from collections.abc import Hashable

from jinja2 import DictLoader, Environment

from trendcache.web.prepared_pages import PreparedPages
from trendcache.web.rendered import Rendered

TEMPLATES = {"page.html": "<h1>{{ title }}</h1>{{ part }}", "part.html": "<p>{{ text }}</p>"}


def rendered() -> Rendered:
    env = Environment(loader=DictLoader(TEMPLATES), autoescape=True)
    pages: PreparedPages[Hashable] = PreparedPages(1 << 20)
    return Rendered(env, [(b"x-frame-options", b"DENY")], pages)


def test_one_render_per_version_of_a_key() -> None:
    pages = rendered()
    calls: list[str] = []

    def values(title: str) -> dict[str, str]:
        calls.append(title)
        return {"title": title, "part": ""}

    first = pages.body("page", 1, "page.html", lambda: values("a"))
    assert pages.body("page", 1, "page.html", lambda: values("a")) is first
    assert first.body == b"<h1>a</h1>" and calls == ["a"] and pages.renders == 1
    assert dict(first.variants["identity"].headers)[b"x-frame-options"] == b"DENY"
    assert dict(first.variants["identity"].headers)[b"content-type"].startswith(b"text/html")
    moved = pages.body("page", 2, "page.html", lambda: values("b"))
    assert moved.body == b"<h1>b</h1>" and calls == ["a", "b"]
    assert pages.body("page", 1, "page.html", lambda: values("a")) is not first  # one version kept
    assert pages.renders == 3


def test_a_change_announced_while_rendering_keeps_nothing() -> None:
    pages = rendered()

    def values() -> dict[str, str]:
        pages.pages.forget()  # another process's change lands mid-render
        return {"title": "old"}

    pages.body("page", 1, "page.html", values)
    assert len(pages.pages) == 0


def test_a_part_is_kept_per_group_until_its_key_moves() -> None:
    pages = rendered()
    one = pages.part("shelves", 1, "part.html", {"text": "<one>"})
    assert str(one) == "<p>&lt;one&gt;</p>"
    assert pages.part("shelves", 1, "part.html", {"text": "ignored"}) is one
    assert pages.part("other", 1, "part.html", {"text": "other"}) is not one
    assert str(pages.part("shelves", 2, "part.html", {"text": "two"})) == "<p>two</p>"
    page = pages.body("p", 1, "page.html", lambda: {"title": "t", "part": one})
    assert page.body == b"<h1>t</h1><p>&lt;one&gt;</p>"  # a part is markup: not escaped again
