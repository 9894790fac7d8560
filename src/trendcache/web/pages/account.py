"""Signing in to the pages (`/login`) and out (`/logout`).

People sign in with their user name and a password set on the server (`trendcache users
create NAME --password` or `trendcache users password NAME`); API tokens are for programs
and are not accepted here. Before the form is shown the visitor gets an anonymous session,
so even the sign-in form carries a CSRF token (no signing someone in as somebody else).
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from trendcache.accounts.users import is_valid_name, sign_in
from trendcache.web.deps import Context, WebContext
from trendcache.web.pages.errors import PageError, html
from trendcache.web.pages.viewer import FORM_ERRORS, check_csrf, local_path, read_form, viewer_of
from trendcache.web.sessions import COOKIE, PRIVATE, BrowserSession

router = APIRouter(tags=["pages"])
log = logging.getLogger(__name__)
NextQuery = Annotated[
    str | None, Query(max_length=500, description="Where to go once signed in (a path here).")
]


def form_body(fields: dict[str, Any]) -> dict[str, Any]:
    """An OpenAPI request body of a url-encoded form with `fields`, its CSRF token required."""
    schema = {"type": "object", "properties": fields, "required": ["csrf_token"]}
    content = {"application/x-www-form-urlencoded": {"schema": schema}}
    return {"requestBody": {"required": True, "content": content}}


SIGN_IN_FORM = form_body(
    {
        "csrf_token": {
            "type": "string",
            "description": "The token in the form `GET /login` served, with the session "
            "cookie it set.",
        },
        "name": {"type": "string", "description": "User name."},
        "password": {"type": "string"},
        "next": {"type": "string", "description": "As in `GET /login`."},
    }
)
SIGN_OUT_FORM = form_body(
    {
        "csrf_token": {
            "type": "string",
            "description": "The session's token, from any signed-in page.",
        }
    }
)


def _form(
    request: Request,
    context: WebContext,
    session: BrowserSession,
    target: str,
    *,
    name: str = "",
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    values = {
        "csrf": session.csrf,
        "next": target,
        "name": name,
        "error": error,
        "demo_note": context.demo_note,
    }
    response: HTMLResponse = context.templates.TemplateResponse(
        request, "login.html", values, status_code=status_code, headers=PRIVATE
    )
    return response


@router.get(
    "/login",
    response_class=HTMLResponse,
    summary="Sign-in page",
    description="The form to sign in to the browse page with a user name and password "
    "(signed in already: a redirect to `next`).",
    responses={303: {"description": "Signed in already: on to `next`."}},
)
async def login_page(request: Request, context: Context, next: NextQuery = None) -> Response:
    target = local_path(next)
    viewer = await viewer_of(request, context)
    if viewer.signed_in:
        return RedirectResponse(target, status_code=303)
    session = viewer.session or BrowserSession.new()
    response = _form(request, context, session, target)
    if viewer.session is None:
        context.sessions.write(response, request, session)
    return response


@router.post(
    "/login",
    response_class=HTMLResponse,
    summary="Sign in (the sign-in form)",
    description="What the sign-in form sends. Signed in: a redirect to `next` with the "
    "session cookie; a wrong name or password: the form again, saying so. Sign-in attempts "
    "are limited per client address.",
    openapi_extra=SIGN_IN_FORM,
    responses={
        200: {"description": "Wrong user name or password: the form again, with the error."},
        303: {"description": "Signed in: on to `next`."},
        **FORM_ERRORS,
        429: html("Too many sign-in attempts; `Retry-After` says when to try again."),
    },
)
async def login(request: Request, context: Context) -> Response:
    form = await read_form(request)
    viewer = await viewer_of(request, context)
    check_csrf(request, viewer, form)
    assert viewer.session is not None  # check_csrf refuses a request without one
    target = local_path(form.get("next"))
    name = form.get("name", "").strip()
    client = request.client.host if request.client else "unknown"
    wait = await run_in_threadpool(context.sign_ins.acquire, client, name)
    if wait is not None:
        raise PageError(
            429,
            f"Too many sign-in attempts: try again in {wait} seconds.",
            {"Retry-After": str(wait)},
        )
    account = await run_in_threadpool(
        sign_in, context.services.database, name, form.get("password", "")
    )
    if account is None:
        # Only names of the allowed shape reach the log: no arbitrary text, no line breaks.
        shown = repr(name) if is_valid_name(name) else "(not a valid user name)"
        log.info("sign-in refused for user name %s from %s", shown, client)
        error = "Wrong user name or password."
        return _form(request, context, viewer.session, target, name=name, error=error)
    log.info("%s signed in from %s", account.name, client)
    response = RedirectResponse(target, status_code=303)
    context.sessions.write(response, request, BrowserSession.new(account.id, account.stamp))
    return response


@router.post(
    "/logout",
    response_class=HTMLResponse,
    summary="Sign out",
    description="Ends the browser's session (the sign-out button); then a redirect to `/`.",
    openapi_extra=SIGN_OUT_FORM,
    responses={303: {"description": "Signed out: on to `/`."}, **FORM_ERRORS},
)
async def logout(request: Request, context: Context) -> Response:
    form = await read_form(request)
    check_csrf(request, await viewer_of(request, context), form)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(
        COOKIE, httponly=True, samesite="lax", secure=request.url.scheme == "https"
    )
    return response
