"""The caller's notifications: their followed artists' albums seen in new listings.

Needs an API token, like the collection: each user sees only their own.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from trendcache.accounts.follows import list_follows
from trendcache.accounts.notifications import Notification, list_notifications
from trendcache.db import Database
from trendcache.web.api.collection import UNAUTHORIZED
from trendcache.web.api.models import NotificationsResponse
from trendcache.web.auth import ApiUser
from trendcache.web.deps import Context

router = APIRouter(tags=["collection"])


def notification_json(notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.id,
        "artist": {"id": notification.artist_id, "name": notification.artist_name},
        "album": {"id": notification.album_id, "name": notification.album_name},
        "listing": {
            "source": notification.source,
            "market": notification.market,
            "position": notification.position,
        },
        "seenAt": notification.seen_at,
        "read": notification.read,
    }


def _read(database: Database, user_id: str) -> dict[str, Any]:
    items = list_notifications(database, user_id)
    follows = list_follows(database, user_id)
    return {
        "items": [notification_json(item) for item in items],
        "total": len(items),
        "followedArtists": [{"id": f.artist_id, "name": f.artist_name} for f in follows],
    }


@router.get(
    "/api/notifications",
    response_model=NotificationsResponse,
    summary="Your notifications",
    description="Albums of the artists the caller follows (follow them on the album and "
    "browse pages) seen in a listing after the follow, newest first: one per artist, "
    "album and listing (source and market). With a webhook URL set on the collection "
    "page, each is also posted there once as JSON.",
    responses=UNAUTHORIZED,
)
async def notifications(user: ApiUser, context: Context) -> dict[str, Any]:
    return await run_in_threadpool(_read, context.services.database, user.id)
