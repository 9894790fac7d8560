"""Syncing from the admin page: sync now (all markets or one), pause and resume background
syncs, and the live sync panel its htmx polls.

A sync from here is forced (it spends budget on purpose) with trigger `admin`, queued like
any background sync; the syncer's lease keeps it the one sync at a time. A pause stops the
scheduled syncs and those stale reads ask for, never an admin's own.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from trendcache.accounts.audit import record_action
from trendcache.web.deps import Context
from trendcache.web.pages.account import form_body
from trendcache.web.pages.admin.access import ADMIN_ERRORS, admin_form, admin_of
from trendcache.web.pages.admin.overview import sync_panel
from trendcache.web.pages.admin.page import done
from trendcache.web.pages.errors import PageError, html
from trendcache.web.pages.viewer import viewer_of
from trendcache.web.sessions import PRIVATE

router = APIRouter(tags=["admin"])
CSRF = {"type": "string", "description": "The session's token, from the admin page."}
SYNC_FORM = form_body(
    {
        "csrf_token": CSRF,
        "market": {
            "type": "string",
            "description": "One of the configured SPOTIFY_MARKETS; empty or absent: all.",
        },
    }
)
PLAIN_FORM = form_body({"csrf_token": CSRF})
DONE: dict[int | str, dict[str, Any]] = {
    303: {"description": "Done (and audited): back to `/admin`."}
}


@router.post(
    "/admin/sync",
    response_class=HTMLResponse,
    summary="Sync now (admin page)",
    description="Queue a forced sync of every market, or of `market`; it runs even while "
    "background syncs are held (a quota pause still applies).",
    openapi_extra=SYNC_FORM,
    responses={**DONE, **ADMIN_ERRORS, 400: html("Not a configured market.")},
)
async def sync_now(request: Request, context: Context) -> Response:
    account, form = await admin_form(request, context)
    market = form.get("market", "").strip().upper()
    if market and market not in context.markets:
        raise PageError(400, f"{market!r} is not one of the markets synced here.")
    markets = [market] if market else None
    queued = await run_in_threadpool(
        lambda: context.syncs.request(force=True, trigger="admin", markets=markets)
    )
    entry = await run_in_threadpool(
        record_action,
        context.services.database,
        account,
        "sync",
        market or "all markets",
        {"queued": queued},
    )
    return done(entry, "sync")


@router.post(
    "/admin/sync/pause",
    response_class=HTMLResponse,
    summary="Pause background syncs (admin page)",
    description="Scheduled syncs, and those stale reads ask for, wait until resumed.",
    openapi_extra=PLAIN_FORM,
    responses={**DONE, **ADMIN_ERRORS},
)
async def pause_syncs(request: Request, context: Context) -> Response:
    account, _form = await admin_form(request, context)
    await run_in_threadpool(context.services.syncer.hold_background, account.name)
    entry = await run_in_threadpool(
        record_action, context.services.database, account, "pause_syncs"
    )
    return done(entry, "sync")


@router.post(
    "/admin/sync/resume",
    response_class=HTMLResponse,
    summary="Resume background syncs (admin page)",
    description="Scheduled syncs, and those stale reads ask for, run again.",
    openapi_extra=PLAIN_FORM,
    responses={**DONE, **ADMIN_ERRORS},
)
async def resume_syncs(request: Request, context: Context) -> Response:
    account, _form = await admin_form(request, context)
    await run_in_threadpool(context.services.syncer.resume_background)
    entry = await run_in_threadpool(
        record_action, context.services.database, account, "resume_syncs"
    )
    return done(entry, "sync")


@router.get(
    "/admin/fragments/sync",
    response_class=HTMLResponse,
    summary="Admin page sync panel (htmx)",
    description="Whether a sync runs and how far it got, the last outcome, paused or not, "
    "pauses, and the budget left; polled every second while a sync runs.",
    responses={403: html("Not signed in as an admin.")},
)
async def sync_fragment(request: Request, context: Context) -> HTMLResponse:
    viewer = await viewer_of(request, context)
    admin_of(viewer)
    panel = await run_in_threadpool(sync_panel, context.services)
    response: HTMLResponse = context.templates.TemplateResponse(
        request,
        "partials/admin_sync.html",
        {"panel": panel, "viewer": viewer, "markets": context.markets},
        headers=PRIVATE,
    )
    return response
