"""`GET /admin`: the admin page, and how its forms come back to it.

Every form posts, is audited, and redirects back here with `done` naming its audit entry,
which the page shows as what was just done (only to the admin who did it). A form the
page must refuse (an MBID MusicBrainz does not know, say) renders the page again with the
error beside that form.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from trendcache.accounts.users import Account
from trendcache.web.deps import Context, WebContext
from trendcache.web.pages.admin.access import admin_of, sign_in_first
from trendcache.web.pages.admin.overview import overview
from trendcache.web.pages.errors import html
from trendcache.web.pages.viewer import Viewer, viewer_of
from trendcache.web.sessions import PRIVATE

router = APIRouter(tags=["admin"])
PATH = "/admin"


def done(entry_id: int, anchor: str) -> RedirectResponse:
    """Back to the page after an action, naming its audit entry (post, redirect, get)."""
    return RedirectResponse(f"{PATH}?done={entry_id}#{anchor}", status_code=303)


async def render(
    request: Request,
    context: WebContext,
    viewer: Viewer,
    *,
    done_id: int | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    account = admin_of(viewer)
    shown = await run_in_threadpool(overview, context.services)
    values: dict[str, Any] = {
        "viewer": viewer,
        "here": "admin",
        "view": shown,
        "panel": shown.sync,
        "markets": context.markets,
        "done": _done(shown.audit, done_id, account),
        "errors": errors or {},
        "demo_note": context.demo_note,
    }
    response: HTMLResponse = context.templates.TemplateResponse(
        request, "admin.html", values, status_code=status_code, headers=PRIVATE
    )
    return response


def _done(audit: list[Any], done_id: int | None, account: Account) -> Any:
    if done_id is None:
        return None
    return next((e for e in audit if e.id == done_id and e.user_name == account.name), None)


@router.get(
    PATH,
    response_class=HTMLResponse,
    summary="Admin page",
    description="Sync now (all markets or one) and pause background syncs, settle albums "
    "that need MusicBrainz review, retry failed ones; recent syncs, the budget left, "
    "current alerts and the audit log. For admins: signed out, a redirect to the "
    "sign-in page; signed in as a plain user, 403.",
    responses={
        303: {"description": "Not signed in: on to `/login`, and back here after."},
        403: html("Signed in, but not as an admin."),
    },
)
async def admin_page(
    request: Request,
    context: Context,
    done_id: Annotated[
        int | None,
        Query(alias="done", ge=1, description="The audit entry of the action just taken."),
    ] = None,
) -> Response:
    viewer = await viewer_of(request, context)
    if not viewer.signed_in:
        return sign_in_first(request)
    return await render(request, context, viewer, done_id=done_id)
