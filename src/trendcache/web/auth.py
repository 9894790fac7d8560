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


def api_user(
    context: Context,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Account:
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


ApiUser = Annotated[Account, Depends(api_user)]
