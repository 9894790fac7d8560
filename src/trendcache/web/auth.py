"""Bearer-token authentication for the JSON API (`Authorization: Bearer tc_…`).

The token is looked up by its hash; it is never logged, and a refusal says only that it
was missing or not valid.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from trendcache.accounts.users import Account, account_for_token
from trendcache.web.deps import Context

bearer = HTTPBearer(
    scheme_name="apiToken",
    bearerFormat="tc_…",
    description="An API token from `trendcache users create NAME` (or `trendcache users "
    "token NAME` for another one), sent as `Authorization: Bearer tc_…`.",
    auto_error=False,
)


Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def api_user(context: Context, credentials: Credentials) -> Account:
    """The caller; a 401 with `WWW-Authenticate: Bearer` without a valid token."""
    if credentials is None:
        raise HTTPException(
            401,
            "an API token is required: Authorization: Bearer tc_…",
            headers={"WWW-Authenticate": "Bearer"},
        )
    account = account_for_token(context.services.database, credentials.credentials)
    if account is None:
        raise HTTPException(
            401,
            "this API token is not valid",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return account


def admin_user(context: Context, credentials: Credentials) -> Account:
    """The caller if they are an admin; 401 without a valid token, 403 for a plain user."""
    account = api_user(context, credentials)
    if not account.is_admin:
        raise HTTPException(
            403, "this needs an admin's API token (trendcache users admin NAME makes one)"
        )
    return account


ApiUser = Annotated[Account, Depends(api_user)]
