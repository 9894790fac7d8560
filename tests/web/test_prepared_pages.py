"""Prepared pages kept per version of their data, bounded in bytes (`web/prepared_pages.py`)."""

from __future__ import annotations

from trendcache.web.prepared import HTML, prepare
from trendcache.web.prepared_pages import PreparedPages, size_of


def page(text: str) -> bytes:
    return f"<!doctype html><p>{text}</p>".encode() * 100  # compressible, over MIN_SIZE


def test_a_page_is_served_for_its_version_only() -> None:
    pages: PreparedPages[str] = PreparedPages(1 << 20)
    prepared = prepare(page("a"), HTML)
    pages.keep("a", (1, None), prepared, pages.generation)
    assert pages.get("a", (1, None)) is prepared
    assert pages.get("a", (2, None)) is None  # the data moved on: render again
    assert pages.get("b", (1, None)) is None
    assert pages.rendered == 1


def test_least_recently_used_pages_leave_first_to_stay_within_the_bytes() -> None:
    prepared = {key: prepare(page(key), HTML) for key in "abc"}
    size = size_of(prepared["a"])
    assert size > len(page("a"))  # every encoding counts
    pages: PreparedPages[str] = PreparedPages(2 * size + size // 2)  # room for two
    pages.keep("a", 1, prepared["a"], pages.generation)
    pages.keep("b", 1, prepared["b"], pages.generation)
    assert pages.get("a", 1) is prepared["a"]  # now b is the least recently used
    pages.keep("c", 1, prepared["c"], pages.generation)
    assert pages.get("b", 1) is None
    assert pages.get("a", 1) is prepared["a"]
    assert pages.get("c", 1) is prepared["c"]
    assert len(pages) == 2
    assert pages.held_bytes == size_of(prepared["a"]) + size_of(prepared["c"])
    pages.keep("a", 2, prepared["a"], pages.generation)  # replaced, not counted twice
    assert pages.held_bytes == size_of(prepared["a"]) + size_of(prepared["c"])


def test_a_page_larger_than_the_whole_cache_is_not_kept() -> None:
    prepared = prepare(page("big"), HTML)
    pages: PreparedPages[str] = PreparedPages(size_of(prepared) - 1)
    pages.keep("big", 1, prepared, pages.generation)
    assert pages.get("big", 1) is None
    assert pages.held_bytes == 0


def test_forget_drops_everything_and_refuses_pages_rendered_across_it() -> None:
    pages: PreparedPages[str] = PreparedPages(1 << 20)
    pages.keep("a", 1, prepare(page("a"), HTML), pages.generation)
    started = pages.generation  # a request reads this, then the stamp, then the data...
    pages.forget()  # ...while a change is announced (one its stamp may not show)
    assert pages.get("a", 1) is None
    assert pages.held_bytes == 0
    pages.keep("b", 1, prepare(page("b"), HTML), started)
    assert pages.get("b", 1) is None  # built from data read across the change: not kept
    pages.keep("b", 1, prepare(page("b"), HTML), pages.generation)
    assert pages.get("b", 1) is not None
