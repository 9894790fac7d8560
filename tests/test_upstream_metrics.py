"""Upstream request labels: one outcome per answer or failure, endpoints without ids, zones
without addresses (bounded label values whatever the upstream sends)."""

from __future__ import annotations

import httpx2
import pytest

from trendcache.upstream_metrics import OUTCOMES, endpoint, outcome, zone


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (200, "2xx"),
        (204, "2xx"),
        (404, "404"),
        (429, "429"),
        (503, "503"),
        (500, "5xx"),
        (502, "5xx"),
        (400, "4xx"),
        (401, "4xx"),
        (403, "4xx"),
        (301, "error"),
    ],
)
def test_an_answer_is_classed_by_its_status(status: int, expected: str) -> None:
    assert outcome(status) == expected
    assert expected in OUTCOMES


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (httpx2.ReadTimeout("slow"), "timeout"),
        (httpx2.ConnectTimeout("slow"), "timeout"),
        (httpx2.PoolTimeout("busy"), "timeout"),
        (httpx2.ConnectError("refused"), "error"),
        (httpx2.RemoteProtocolError("dropped"), "error"),
    ],
)
def test_no_answer_is_a_timeout_or_an_error(error: Exception, expected: str) -> None:
    assert outcome(None, error) == expected


@pytest.mark.parametrize(
    ("url", "template"),
    [
        ("https://api.spotify.com/v1/albums?ids=a,b", "/v1/albums"),
        ("https://api.spotify.com/v1/albums/4aawyAB9vmqN3uQ7FjRGTy", "/v1/albums/{id}"),
        ("https://api.spotify.com/v1/browse/new-releases?offset=50", "/v1/browse/new-releases"),
        ("https://accounts.spotify.com/api/token", "/api/token"),
        ("https://musicbrainz.org/ws/2/release?query=x", "/ws/2/release"),
        (
            "https://musicbrainz.org/ws/2/release/5b11f4ce-a62d-471e-81fc-a69a8278c7da",
            "/ws/2/release/{id}",
        ),
        ("http://127.0.0.1:9/a/b/c/d/e/f/g", "/{id}/{id}/{id}/{id}/{id}"),
    ],
)
def test_an_endpoint_is_its_path_with_ids_replaced(url: str, template: str) -> None:
    assert endpoint(url) == template


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("ws ip=127.0.0.1", "ws"),
        ("global", "global"),
        (None, "none"),
        ("", "none"),
        ("x y", "other"),
    ],
)
def test_a_zone_is_its_kind_never_the_address(header: str | None, kind: str) -> None:
    assert zone(header) == kind
