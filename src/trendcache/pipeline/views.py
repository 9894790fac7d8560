"""The compact, camelCase items of the trending views, built from Spotify's raw objects."""

from __future__ import annotations

from typing import Any

COVER_SIZE = 300


def pick_image(images: list[dict[str, Any]], size: int = COVER_SIZE) -> str | None:
    """The smallest image at least `size` wide, else the largest there is."""
    if not images:
        return None
    by_width = sorted(images, key=lambda image: image.get("width") or 0)
    for image in by_width:
        if (image.get("width") or 0) >= size:
            return str(image["url"])
    return str(by_width[-1]["url"])


def album_item(
    item: dict[str, Any],
    detail: dict[str, Any] | None,
    positions: dict[str, int],
    score: float,
) -> dict[str, Any]:
    detail = detail or {}
    return {
        "id": item["id"],
        "name": item["name"],
        "albumType": item["album_type"],
        "artists": [
            {
                "id": artist["id"],
                "name": artist["name"],
                "spotifyUrl": artist.get("external_urls", {}).get("spotify"),
            }
            for artist in item["artists"]
        ],
        "releaseDate": item["release_date"],
        "releaseDatePrecision": item["release_date_precision"],
        "totalTracks": item["total_tracks"],
        "image": pick_image(item["images"]),
        "spotifyUrl": item.get("external_urls", {}).get("spotify"),
        "uri": item["uri"],
        "label": detail.get("label"),
        "popularity": detail.get("popularity"),
        "upc": (detail.get("external_ids") or {}).get("upc"),
        "positions": positions,
        "bestPosition": min(positions.values()),
        "score": score,
    }


def artist_item(
    artist_id: str,
    name: str,
    detail: dict[str, Any] | None,
    albums: list[dict[str, Any]],
    extended: bool,
) -> dict[str, Any]:
    detail = detail or {}
    followers = detail.get("followers") or {}
    return {
        "id": artist_id,
        "name": name,
        "spotifyUrl": (detail.get("external_urls") or {}).get("spotify")
        or next(
            (a["spotifyUrl"] for album in albums for a in album["artists"] if a["id"] == artist_id),
            None,
        ),
        "image": pick_image(detail.get("images") or []) or albums[0]["image"],
        "genres": detail.get("genres") or [],
        "popularity": detail.get("popularity"),
        "followers": followers.get("total"),
        "albums": [{"id": album["id"], "name": album["name"]} for album in albums],
        "score": round(sum(album["score"] for album in albums), 4),
        "basis": "popularity" if extended else "chart",
    }
