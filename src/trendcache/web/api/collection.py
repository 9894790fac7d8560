"""A user's album collection: add an album from the trending lists, list, remove.

Every route needs an API token (`Authorization: Bearer tc_…`) and acts on the token's user
only: another user's albums are, to the caller, simply not there.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Response
from starlette.concurrency import run_in_threadpool

from trendcache.accounts.collection import (
    Item,
    UnknownAlbum,
    add_album,
    list_items,
    remove_album,
)
from trendcache.web.api.models import (
    ALBUM_ID_DOC,
    ALBUM_ID_PATTERN,
    AddAlbum,
    CollectionItem,
    CollectionResponse,
    Message,
)
from trendcache.web.auth import ApiUser
from trendcache.web.deps import Context

router = APIRouter(tags=["collection"])
UNAUTHORIZED: dict[int | str, dict[str, Any]] = {
    401: {"model": Message, "description": "No API token, or not a valid one."}
}
AlbumId = Annotated[
    str,
    Path(
        alias="albumId",
        pattern=ALBUM_ID_PATTERN,
        description=ALBUM_ID_DOC,
    ),
]


def item_json(item: Item) -> dict[str, Any]:
    album = item.album
    return {
        "albumId": item.album_id,
        "name": album["name"],
        "artists": album.get("artists") or [],
        "image": album.get("image"),
        "spotifyUrl": album.get("spotifyUrl"),
        "releaseDate": album.get("releaseDate"),
        "addedAt": item.added_at,
    }


@router.post(
    "/api/albums/add-from-trending",
    status_code=201,
    response_model=CollectionItem,
    summary="Add an album to your collection",
    description="Adds an album trendcache knows (from the trending lists, now or in an "
    "earlier sync) to the caller's collection, with a snapshot of its name, artists and "
    "cover. 201 when added; 200 with the existing item when it was already there, so "
    "repeating the call is harmless.",
    responses={
        200: {"model": CollectionItem, "description": "Already in the collection."},
        400: {"model": Message, "description": "A body that is not JSON text (not UTF-8)."},
        **UNAUTHORIZED,
        404: {"model": Message, "description": "Not an album trendcache has synced."},
    },
)
async def add_from_trending(
    body: AddAlbum, user: ApiUser, context: Context, response: Response
) -> dict[str, Any]:
    try:
        item, created = await run_in_threadpool(
            add_album, context.services.database, user.id, body.albumId
        )
    except UnknownAlbum:
        raise HTTPException(
            404,
            f"album {body.albumId!r} is not one trendcache knows: only albums from the "
            "trending lists (GET /api/cache/trending) can be added",
        ) from None
    if not created:
        response.status_code = 200
    return item_json(item)


@router.get(
    "/api/collection",
    response_model=CollectionResponse,
    summary="Your collection",
    description="The albums in the caller's collection, newest first.",
    responses=UNAUTHORIZED,
)
async def collection(user: ApiUser, context: Context) -> dict[str, Any]:
    items = await run_in_threadpool(list_items, context.services.database, user.id)
    return {"items": [item_json(item) for item in items], "total": len(items)}


@router.delete(
    "/api/collection/{albumId}",
    status_code=204,
    response_class=Response,
    summary="Remove an album from your collection",
    description="Removes the album from the caller's collection.",
    responses={
        **UNAUTHORIZED,
        404: {"model": Message, "description": "Not in the caller's collection."},
    },
)
async def remove(album_id: AlbumId, user: ApiUser, context: Context) -> Response:
    removed = await run_in_threadpool(remove_album, context.services.database, user.id, album_id)
    if not removed:
        raise HTTPException(404, f"album {album_id!r} is not in your collection")
    return Response(status_code=204)
