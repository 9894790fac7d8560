"""Settling MusicBrainz matches from the admin page: resolve an album that needs review
(a weighed candidate, an MBID looked up on MusicBrainz, or not in MusicBrainz), retry one
album, or retry every album that failed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from trendcache.accounts.audit import record_action
from trendcache.accounts.users import Account
from trendcache.pipeline.enrichment.review import (
    Resolution,
    ReviewError,
    choose_candidate,
    lookup_client,
    mark_not_in_musicbrainz,
    resolve_by_mbid,
    retry_album,
    retry_errors,
)
from trendcache.web.deps import Context, WebContext
from trendcache.web.pages.account import form_body
from trendcache.web.pages.admin.access import ADMIN_ERRORS, admin_form
from trendcache.web.pages.admin.page import done, render
from trendcache.web.pages.admin.sync import CSRF, DONE, PLAIN_FORM
from trendcache.web.pages.errors import PageError, html
from trendcache.web.pages.viewer import viewer_of

router = APIRouter(tags=["admin"])
AlbumId = Annotated[
    str, Path(max_length=64, pattern=r"^[A-Za-z0-9]+$", description="Spotify album id.")
]
RESOLVE_FORM = form_body(
    {
        "csrf_token": CSRF,
        "candidate": {"type": "string", "description": "The MBID of a weighed candidate."},
        "mbid": {
            "type": "string",
            "description": "A release MBID (or its musicbrainz.org link), looked up.",
        },
        "not_in_musicbrainz": {"type": "string", "description": "Any value: not in MusicBrainz."},
    }
)


@router.post(
    "/admin/albums/{album_id}/resolve",
    response_class=HTMLResponse,
    summary="Resolve an album's MusicBrainz match (admin page)",
    description="One of: `candidate` (a weighed candidate's MBID), `mbid` (any release "
    "MusicBrainz has: looked up, its release group and artists taken from it) or "
    "`not_in_musicbrainz`. The decision is the operator's: no automatic run changes it.",
    openapi_extra=RESOLVE_FORM,
    responses={
        **DONE,
        **ADMIN_ERRORS,
        400: html(
            "Refused (a malformed or unknown MBID, or no choice made; or not a form this "
            "site sends): the page with the error."
        ),
    },
)
async def resolve(request: Request, context: Context, album_id: AlbumId) -> Response:
    account, form = await admin_form(request, context)
    try:
        resolution = await run_in_threadpool(_resolve, context, album_id, form, account.name)
    except ReviewError as exc:
        viewer = await viewer_of(request, context)
        return await render(request, context, viewer, errors={album_id: str(exc)}, status_code=400)
    action = "not_in_musicbrainz" if resolution.status == "no_match" else "resolve"
    details = resolution.as_json() | {"by": _how(form)}
    entry = await run_in_threadpool(
        record_action, context.services.database, account, action, album_id, details
    )
    context.services.announce("admin")
    return done(entry, "review")


def _how(form: dict[str, str]) -> str:
    for field in ("candidate", "mbid", "not_in_musicbrainz"):
        if form.get(field):
            return field
    raise PageError(400, "Choose a candidate, enter an MBID, or mark it not in MusicBrainz.")


def _resolve(context: WebContext, album_id: str, form: dict[str, str], by: str) -> Resolution:
    database, how = context.services.database, _how(form)
    if how == "not_in_musicbrainz":
        return mark_not_in_musicbrainz(database, album_id, by)
    client = lookup_client(context.services.enricher)
    if how == "candidate":
        return choose_candidate(database, client, album_id, form["candidate"], by)
    return resolve_by_mbid(database, client, album_id, form["mbid"], by)


@router.post(
    "/admin/albums/{album_id}/retry",
    response_class=HTMLResponse,
    summary="Retry one album's MusicBrainz match (admin page)",
    description="The album is due now; an operator's decision on it goes back to "
    "automatic matching.",
    openapi_extra=PLAIN_FORM,
    responses={**DONE, **ADMIN_ERRORS, 404: html("No such album is queued.")},
)
async def retry_one(request: Request, context: Context, album_id: AlbumId) -> Response:
    account, _form = await admin_form(request, context)
    if not await run_in_threadpool(retry_album, context.services.database, album_id):
        raise PageError(404, f"No album {album_id} is queued for MusicBrainz matching.")
    return await _audited(context, account, "retry", album_id, {})


@router.post(
    "/admin/enrichment/retry-errors",
    response_class=HTMLResponse,
    summary="Retry every failed MusicBrainz match (admin page)",
    description="Every album whose last attempt failed is due now (an operator's "
    "decisions are left alone).",
    openapi_extra=PLAIN_FORM,
    responses={**DONE, **ADMIN_ERRORS},
)
async def retry_all(request: Request, context: Context) -> Response:
    account, _form = await admin_form(request, context)
    retried = await run_in_threadpool(retry_errors, context.services.database)
    return await _audited(context, account, "retry_errors", None, {"albums": retried})


async def _audited(
    context: WebContext, account: Account, action: str, target: str | None, details: dict[str, int]
) -> Response:
    entry = await run_in_threadpool(
        record_action, context.services.database, account, action, target, details
    )
    return done(entry, "review")
