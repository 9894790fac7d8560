"""The signed-in user's collection: its page, and the forms that add and remove albums.

The forms work without JavaScript (a redirect back) and with htmx, which gets just the
changed bit: the card's button turned "In collection ✓", or nothing for a removed row.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from trendcache.accounts.collection import UnknownAlbum, add_album, list_items, remove_album
from trendcache.accounts.follows import list_follows
from trendcache.accounts.notifications import list_notifications, mark_read, webhook_url
from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.web.deps import Context
from trendcache.web.pages.errors import PageError
from trendcache.web.pages.viewer import Viewer, back_to, check_csrf, read_form, viewer_of
from trendcache.web.sessions import PRIVATE

router = APIRouter(tags=["pages"])


def _htmx(request: Request) -> bool:
    return "hx-request" in request.headers


async def _signed_in_form(request: Request, context: Context) -> tuple[Viewer, str]:
    """The viewer and the album id a form names, once its CSRF token checks out."""
    form = await read_form(request)
    viewer = await viewer_of(request, context)
    check_csrf(request, viewer, form)
    if not viewer.signed_in:
        raise PageError(403, "Sign in to keep a collection.")
    return viewer, form.get("album_id", "")


@router.get(
    "/collection",
    response_class=HTMLResponse,
    summary="My collection page",
    description="The signed-in user's collected albums, newest first, with remove buttons; "
    "“New from artists you follow” (newest first; shown, they count as read), the artists "
    "they follow and their webhook URL form (not signed in: a redirect to the sign-in page).",
    responses={303: {"description": "Not signed in: to `/login`."}},
)
async def collection_page(request: Request, context: Context) -> Response:
    viewer = await viewer_of(request, context)
    if viewer.account is None:
        return RedirectResponse("/login?next=/collection", status_code=303)
    mine = await run_in_threadpool(_read, context.services.database, viewer.account.id)
    values = {"viewer": viewer, **mine, "demo_note": context.demo_note}
    response: HTMLResponse = context.templates.TemplateResponse(
        request, "collection.html", values, headers=PRIVATE
    )
    return response


def _read(database: Database, user_id: str) -> dict[str, object]:
    """The page's reads; the notifications shown are read from now on."""
    news = list_notifications(database, user_id)
    if any(not notification.read for notification in news):
        mark_read(database, user_id, utcnow())
    return {
        "items": list_items(database, user_id),
        "news": news,
        "follows": list_follows(database, user_id),
        "webhook_url": webhook_url(database, user_id),
    }


@router.post("/collection/add", include_in_schema=False)
async def add(request: Request, context: Context) -> Response:
    viewer, album_id = await _signed_in_form(request, context)
    assert viewer.account is not None
    try:
        await run_in_threadpool(add_album, context.services.database, viewer.account.id, album_id)
    except UnknownAlbum:
        raise PageError(404, "trendcache does not know this album.") from None
    if not _htmx(request):
        return RedirectResponse(back_to(request), status_code=303)
    collected = Viewer(viewer.session, viewer.account, frozenset({album_id}))
    response: HTMLResponse = context.templates.TemplateResponse(
        request, "fragments/collect.html", {"album_id": album_id, "viewer": collected}
    )
    return response


@router.post("/collection/remove", include_in_schema=False)
async def remove(request: Request, context: Context) -> Response:
    viewer, album_id = await _signed_in_form(request, context)
    assert viewer.account is not None
    await run_in_threadpool(
        remove_album, context.services.database, viewer.account.id, album_id
    )  # already gone (another tab, the API): the same outcome
    if not _htmx(request):
        return RedirectResponse("/collection", status_code=303)
    return HTMLResponse("")  # htmx deletes the row (a 204 would not be swapped)
