"""Who may use the admin page: admins signed in to the pages. Signed-out visitors are sent
to the sign-in page (and back); anyone else gets a 403 page. A form must carry the
session's CSRF token before anything else is looked at."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse

from trendcache.accounts.users import Account
from trendcache.web.deps import WebContext
from trendcache.web.pages.errors import PageError, html
from trendcache.web.pages.viewer import FORM_ERRORS, Viewer, check_csrf, read_form, viewer_of

NOT_ADMIN = "The admin page is for admins (trendcache users admin NAME makes one)."
ADMIN_ERRORS = {**FORM_ERRORS, 403: html(f"No valid CSRF token, or not an admin: {NOT_ADMIN}")}


def sign_in_first(request: Request) -> RedirectResponse:
    """To the sign-in page, which returns here."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(here, safe='')}", status_code=303)


def admin_of(viewer: Viewer) -> Account:
    """The viewer's account if they are an admin; a 403 page otherwise."""
    if viewer.account is None or not viewer.account.is_admin:
        raise PageError(403, NOT_ADMIN)
    return viewer.account


async def admin_form(request: Request, context: WebContext) -> tuple[Account, dict[str, str]]:
    """The admin who sent a form, and its fields: 403 without the CSRF token or for a
    non-admin."""
    form = await read_form(request)
    viewer = await viewer_of(request, context)
    check_csrf(request, viewer, form)
    return admin_of(viewer), form
