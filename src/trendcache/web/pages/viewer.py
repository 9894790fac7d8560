"""Who is looking at a page, and whether a form they sent may act for them (CSRF).

Anonymous visitors cost nothing: without a session cookie there is no database lookup.
Every state-changing form carries the session's CSRF token in a hidden field (htmx sends
the form's fields too), or a script may send it as `X-CSRF-Token`; a POST without the
right one gets a 403.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from trendcache.accounts.collection import collected_ids
from trendcache.accounts.users import Account, account_by_id
from trendcache.web.deps import WebContext
from trendcache.web.pages.errors import PageError, html
from trendcache.web.sessions import BrowserSession

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
MAX_FORM_BYTES = 16 * 1024
# What any form may answer besides its own outcomes (`read_form`, `check_csrf`), documented.
FORM_ERRORS: dict[int | str, dict[str, Any]] = {
    400: html("Not a form this site sends (not UTF-8, or too many fields)."),
    403: html("No valid CSRF token: the form expired or did not come from this site."),
    413: html(f"A form over {MAX_FORM_BYTES // 1024} KB."),
}


@dataclass(frozen=True)
class Viewer:
    session: BrowserSession | None = None
    account: Account | None = None
    collection: frozenset[str] = field(default_factory=frozenset)

    @property
    def signed_in(self) -> bool:
        return self.account is not None

    @property
    def csrf(self) -> str | None:
        return self.session.csrf if self.session else None


ANONYMOUS = Viewer()


async def viewer_of(
    request: Request, context: WebContext, *, with_collection: bool = False
) -> Viewer:
    """The viewer; `with_collection` also reads which albums they collected (for buttons)."""
    session = context.sessions.read(request)
    if session is None:
        return ANONYMOUS
    if session.user_id is None:
        return Viewer(session)
    account, collection = await run_in_threadpool(
        _signed_in, context, session.user_id, with_collection
    )
    if account is None or not hmac.compare_digest(account.stamp, session.stamp or ""):
        return Viewer(session)  # deleted, or their password changed since: signed out
    return Viewer(session, account, collection)


def _signed_in(
    context: WebContext, user_id: str, with_collection: bool
) -> tuple[Account | None, frozenset[str]]:
    database = context.services.database
    account = account_by_id(database, user_id)
    if account is None or not with_collection:
        return account, frozenset()
    return account, frozenset(collected_ids(database, user_id))


async def read_form(request: Request) -> dict[str, str]:
    """An `application/x-www-form-urlencoded` body (what the pages' forms and htmx send)."""
    body = b""
    async for chunk in request.stream():  # never more than a form's worth in memory
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise PageError(413, "This form is too large.")
    try:
        return dict(parse_qsl(body.decode(), max_num_fields=20))
    except ValueError:  # not UTF-8, or too many fields
        raise PageError(400, "This is not a form this site sends.") from None


def check_csrf(request: Request, viewer: Viewer, form: dict[str, str]) -> None:
    sent = request.headers.get(CSRF_HEADER) or form.get(CSRF_FIELD) or ""
    expected = viewer.csrf
    if expected is None or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise PageError(
            403, "This form has expired or did not come from this site: reload the page."
        )


def local_path(target: str | None, default: str = "/") -> str:
    """`target` if it is a path on this site (no open redirects), else `default`."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or "\\" in target:
        return default
    return parts.path + (f"?{parts.query}" if parts.query else "")


def back_to(request: Request, default: str = "/") -> str:
    """Where a form without htmx returns: the page it was sent from, if it is ours."""
    referer = request.headers.get("referer")
    if not referer:
        return default
    parts = urlsplit(referer)
    if parts.netloc != request.url.netloc:
        return default
    return local_path(parts._replace(scheme="", netloc="", fragment="").geturl(), default)
