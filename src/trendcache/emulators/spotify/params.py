"""Query-parameter parsing with Spotify's 400 messages for bad values."""

from __future__ import annotations

from starlette.requests import Request

from . import errors
from .codes import is_base62_id
from .errors import ApiError
from .markets import is_market_code


def limit(request: Request, *, default: int, maximum: int) -> int:
    raw = request.query_params.get("limit")
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, errors.INVALID_LIMIT) from None
    if not 1 <= value <= maximum:
        raise ApiError(400, errors.INVALID_LIMIT)
    return value


def offset(request: Request, *, maximum: int | None = None) -> int:
    raw = request.query_params.get("offset")
    if raw is None:
        return 0
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, errors.INVALID_OFFSET) from None
    if value < 0 or (maximum is not None and value > maximum):
        raise ApiError(400, errors.INVALID_OFFSET)
    return value


def market(request: Request) -> str | None:
    """An ISO market, or None; ``from_token`` means nothing for client-credentials tokens."""
    raw = request.query_params.get("market")
    if raw is None or raw == "from_token":
        return None
    if not is_market_code(raw):
        raise ApiError(400, "Invalid market code")
    return raw


def spotify_id(value: str) -> str:
    if not is_base62_id(value):
        raise ApiError(400, errors.INVALID_ID)
    return value


def ids(request: Request, *, maximum: int) -> list[str]:
    raw = request.query_params.get("ids", "")
    values = [v for v in raw.split(",") if v]
    if not values:
        raise ApiError(400, "invalid id")
    if len(values) > maximum:
        raise ApiError(400, errors.TOO_MANY_IDS)
    return [spotify_id(v) for v in values]
