"""Refusals of the pages' forms, as HTML: a whole page, or for htmx (which swaps error
responses in too) a short message in place of what was clicked; and how the OpenAPI
document describes them."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response


def html(description: str) -> dict[str, Any]:
    """A documented response whose body is an HTML page."""
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


class PageError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def render(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageError)
    templates = request.app.state.web.templates
    name = "fragments/error.html" if "hx-request" in request.headers else "error.html"
    response: HTMLResponse = templates.TemplateResponse(
        request, name, {"status": exc.status, "message": exc.message}, status_code=exc.status
    )
    response.headers.update(exc.headers)
    return response
