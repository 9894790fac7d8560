"""Following artists from the pages: the forms that follow and unfollow, the webhook form of
the collection page, and which of a shared page's artists the viewer follows.

The album and browse pages are the same bytes for everyone, so their follow buttons come
from the viewer fragment (`/fragments/viewer`, placed by `static/viewer.js`) like the
collection buttons: the fragment says which of the page's artists the viewer follows and
carries both forms with their CSRF token. The forms work without JavaScript (a redirect
back) and with htmx, which swaps in the button's other state.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from trendcache.accounts.follows import (
    UnknownArtist,
    follow,
    followed_among,
    followed_on_album,
    unfollow,
)
from trendcache.accounts.notifications import InvalidWebhookUrl, set_webhook_url
from trendcache.web.deps import Context, WebContext
from trendcache.web.pages.errors import PageError
from trendcache.web.pages.viewer import Viewer, back_to, check_csrf, read_form, viewer_of

router = APIRouter(tags=["pages"])


async def _signed_in_form(request: Request, context: Context) -> tuple[Viewer, dict[str, str]]:
    """The viewer and the form they sent, once its CSRF token checks out."""
    form = await read_form(request)
    viewer = await viewer_of(request, context)
    check_csrf(request, viewer, form)
    if not viewer.signed_in:
        raise PageError(403, "Sign in to follow artists.")
    return viewer, form


def _button(request: Request, context: Context, viewer: Viewer, artist_id: str, on: bool) -> Any:
    return context.templates.TemplateResponse(
        request,
        "fragments/follow.html",
        {"artist_id": artist_id, "viewer": viewer, "following": on},
    )


@router.post("/follows/add", include_in_schema=False)
async def add(request: Request, context: Context) -> Response:
    viewer, form = await _signed_in_form(request, context)
    assert viewer.account is not None
    artist_id = form.get("artist_id", "")
    try:
        await run_in_threadpool(follow, context.services.database, viewer.account.id, artist_id)
    except UnknownArtist:
        raise PageError(404, "trendcache has not listed this artist.") from None
    if "hx-request" not in request.headers:
        return RedirectResponse(back_to(request), status_code=303)
    response: HTMLResponse = _button(request, context, viewer, artist_id, True)
    return response


@router.post("/follows/remove", include_in_schema=False)
async def remove(request: Request, context: Context) -> Response:
    viewer, form = await _signed_in_form(request, context)
    assert viewer.account is not None
    artist_id = form.get("artist_id", "")
    await run_in_threadpool(
        unfollow, context.services.database, viewer.account.id, artist_id
    )  # not followed (another tab): the same outcome
    if "hx-request" not in request.headers:
        return RedirectResponse(back_to(request, "/collection"), status_code=303)
    response: HTMLResponse = _button(request, context, viewer, artist_id, False)
    return response


@router.post("/collection/webhook", include_in_schema=False)
async def webhook(request: Request, context: Context) -> Response:
    """Set the user's webhook URL, or clear it (an empty field, or the clear button)."""
    viewer, form = await _signed_in_form(request, context)
    assert viewer.account is not None
    url = "" if "clear" in form else form.get("webhook_url", "")
    try:
        await run_in_threadpool(set_webhook_url, context.services.database, viewer.account.id, url)
    except InvalidWebhookUrl as exc:
        raise PageError(400, f"Webhook URL: {exc}.") from None
    return RedirectResponse("/collection", status_code=303)


def followed_on_page(
    context: WebContext,
    user_id: str,
    document: dict[str, Any] | None,
    album_id: str | None,
) -> list[str]:
    """Which artists of the page the viewer follows: an album page's credits (`album_id`),
    else the browse page's artist cards (from its trending view)."""
    database = context.services.database
    if album_id is not None:
        return sorted(followed_on_album(database, user_id, album_id))
    artists = {a["id"] for a in (document or {}).get("trendingArtists") or []}
    return sorted(followed_among(database, user_id, artists))
