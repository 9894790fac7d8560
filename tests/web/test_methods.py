"""A 405 names every method its path takes, across the routes that serve it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/login", "GET, POST"),  # two routes: the form and what it sends
        ("DELETE", "/login", "GET, POST"),
        ("GET", "/logout", "POST"),
        ("PATCH", "/api/collection", "GET"),
        ("GET", "/api/collection/3IqzqH6ShrRtie9Yd2ODyG", "DELETE"),
        ("PUT", "/api/cache/trending", "GET"),
    ],
)
def test_allow_lists_every_method_of_the_path(
    client: TestClient, method: str, path: str, allow: str
) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.json() == {"detail": "Method Not Allowed"}


def test_static_files_answer_their_own(client: TestClient) -> None:
    response = client.post("/static/style.css")
    assert (response.status_code, response.headers["allow"]) == (405, "GET, HEAD")
