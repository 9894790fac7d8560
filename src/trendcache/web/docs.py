"""`/docs` from the vendored Swagger UI: FastAPI's default loads it from a CDN.

FastAPI's page starts Swagger UI with one inline script. Rather than allow inline scripts,
its CSP allows that script alone by its SHA-256, computed here from the page itself, so an
upgrade of FastAPI that changes the script cannot break the page or widen the policy.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from trendcache.web.headers import page_policy

INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def script_hashes(html: bytes) -> list[str]:
    """CSP sources (`'sha256-…'`) for each inline script of `html`."""
    return [
        f"'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'"
        for script in INLINE_SCRIPT.findall(html)
    ]


def install_docs(app: FastAPI, static_url: Callable[[str], str]) -> None:
    """`static_url` names the vendored files by their fingerprinted address."""
    page = get_swagger_ui_html(
        openapi_url=app.openapi_url or "/openapi.json",
        title=f"{app.title} API",
        swagger_js_url=static_url("swagger/swagger-ui-bundle.js"),
        swagger_css_url=static_url("swagger/swagger-ui.css"),
        swagger_favicon_url=static_url("swagger/favicon.svg"),
    )
    allowed = " ".join(script_hashes(bytes(page.body)))
    policy = page_policy().replace("script-src 'self'", f"script-src 'self' {allowed}")
    headers = {"Content-Security-Policy": policy}

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(page.body, headers=headers)
