"""Security headers (`web/headers.py`): a strict CSP on pages, nosniff and no framing on all."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from fastapi.testclient import TestClient

from trendcache.web.headers import page_policy, plain_http_origin

PAGES = ["/", "/login", "/stats", "/collection", f"/albums/{'0' * 22}"]
NOT_PAGES = ["/api/cache/trending", "/api/cache/trending?via=route", "/api/status", "/healthz"]


def directives(policy: str) -> dict[str, list[str]]:
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_a_strict_policy(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["content-type"].startswith("text/html")
    policy = directives(response.headers["content-security-policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("path", NOT_PAGES)
def test_everything_else_is_nosniff_and_runs_nothing(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert (
        response.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    )
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers.get_list("x-content-type-options") == ["nosniff"]  # never twice


def test_errors_carry_the_headers_too(client: TestClient) -> None:
    for response in (client.get("/nowhere"), client.post("/api/cache/trending")):
        assert response.status_code in (404, 405)
        assert response.headers["x-content-type-options"] == "nosniff"


def test_no_template_has_inline_script_or_style(client: TestClient) -> None:
    for path in PAGES:
        html = client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=", html), path


def test_docs_allow_their_one_inline_script_by_hash(client: TestClient) -> None:
    response = client.get("/docs")
    scripts = re.findall(r"<script>(.*?)</script>", response.text, re.DOTALL)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    policy = directives(response.headers["content-security-policy"])
    assert policy["script-src"] == ["'self'", f"'sha256-{digest}'"]
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_covers_from_an_http_emulator_are_allowed_by_origin() -> None:
    assert plain_http_origin("http://127.0.0.1:8123/v1") == ["http://127.0.0.1:8123"]
    assert plain_http_origin("https://api.spotify.com/v1") == []
    images = directives(page_policy(["http://127.0.0.1:8123"]))["img-src"]
    assert images == ["'self'", "data:", "https:", "http://127.0.0.1:8123"]
