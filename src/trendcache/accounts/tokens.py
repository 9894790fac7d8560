"""API tokens: `tc_` and 43 URL-safe characters (32 random bytes), kept only as a hash.

The `tc_` prefix makes a leaked token recognisable (secret scanners, log greps). A token is
random and long, so its plain SHA-256 is enough to store: nothing can be guessed from it,
and a request finds its token with one indexed lookup.
"""

from __future__ import annotations

import hashlib
import re
import secrets

TOKEN_PREFIX = "tc_"
PREFIX_SHOWN = 10  # "tc_" and 7 characters: enough to tell a user's tokens apart
_TOKEN = re.compile(rf"^{TOKEN_PREFIX}[A-Za-z0-9_-]{{43}}$")


def new_token() -> str:
    return f"{TOKEN_PREFIX}{secrets.token_urlsafe(32)}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def shown_prefix(token: str) -> str:
    return token[:PREFIX_SHOWN]


def looks_like_token(value: str) -> bool:
    """Shaped like one of ours: anything else is refused without a database lookup."""
    return _TOKEN.fullmatch(value) is not None
