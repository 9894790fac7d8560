"""Web sign-in passwords, hashed with scrypt from the standard library.

Parameters follow OWASP's scrypt equivalents (N=2^14, r=8, p=5: 16 MiB, about a quarter
of a second) and are stored with each hash, so they can be raised later without
invalidating existing passwords.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

MIN_LENGTH = 8
MAX_LENGTH = 1024  # a sign-in form is no place to make us hash megabytes
_N, _R, _P = 2**14, 8, 5
_MAXMEM = 64 * 1024 * 1024


class WeakPassword(ValueError):
    """A password too short (or absurdly long) to accept."""


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"a password may have at most {MAX_LENGTH} characters")


def hash_password(password: str) -> str:
    check_strength(password)
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, _N, _R, _P)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str | None) -> bool:
    """Whether `password` matches `stored`; with no stored hash, spend the same time anyway,
    so a response time does not tell whether a user name exists."""
    if stored is None or len(password) > MAX_LENGTH:
        _scrypt("not a password", b"\0" * 16, _N, _R, _P)
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = _scrypt(password, _unb64(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual, _unb64(digest))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=32)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
