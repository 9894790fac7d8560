"""The trending views served by `/api/cache/trending` and the browse page.

- newReleases: a market's current new releases in Spotify's order; across markets, by best
  position, then by how many markets list the album.
- popularAlbums: among current new releases. Extended tier: by Spotify `popularity`, ties
  by chart score. Development tier (no popularity): by chart score.
- trendingArtists: artists of current new releases. Extended tier: by Spotify artist
  `popularity`, ties by chart score. Development tier: by the sum of their albums' scores.

Chart score: every appearance in the last 7 days earns `10 / (position + 9)` points
(#1 → 1.0, #11 → 0.5, #91 → 0.1); per market the points are averaged over that market's
syncs in the window, so syncing more often does not inflate a score, and summed over
markets, so an album charting in three markets beats one charting in one.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trendcache.db.models import AlbumAppearance, CacheData, SpotifyAlbum, SpotifyArtist
from trendcache.pipeline.keys import NEW_RELEASES, new_releases_key
from trendcache.pipeline.views import album_item, artist_item

WINDOW = timedelta(days=7)
SECTION_SIZE = 20
Scores = dict[str, dict[str, float]]  # market -> album id -> averaged points


def chart_scores(session: Session, markets: list[str], since: datetime) -> Scores:
    recent = (
        AlbumAppearance.source == NEW_RELEASES,
        AlbumAppearance.market.in_(markets),
        AlbumAppearance.seen_at >= since,
        AlbumAppearance.position.is_not(None),
    )
    snapshots = dict(
        session.execute(
            select(AlbumAppearance.market, func.count(func.distinct(AlbumAppearance.seen_at)))
            .where(*recent)
            .group_by(AlbumAppearance.market)
        ).all()
    )
    points = session.execute(
        select(
            AlbumAppearance.market,
            AlbumAppearance.album_id,
            func.sum(10.0 / (AlbumAppearance.position + 9)),
        )
        .where(*recent)
        .group_by(AlbumAppearance.market, AlbumAppearance.album_id)
    ).all()
    scores: Scores = defaultdict(dict)
    for market, album_id, total in points:
        scores[market][album_id] = float(total) / snapshots[market]
    return scores


def build_views(
    session: Session,
    markets: list[str],
    tier: str,
    now: datetime,
    listings: dict[str, list[dict[str, Any]]] | None = None,
) -> dict[str | None, dict[str, Any]]:
    """One view per market and one (key None) across all markets.

    `listings` (market → items) saves re-reading what the caller just wrote.
    """
    if listings is None:
        listings = {}
        for market in markets:
            key = new_releases_key(market)
            row = session.scalar(select(CacheData).where(CacheData.key == key))
            listings[market] = row.data["albums"]["items"] if row else []
    album_ids = {item["id"] for items in listings.values() for item in items}
    details = _album_facts(session, album_ids)
    artist_ids = {a["id"] for items in listings.values() for item in items for a in item["artists"]}
    artists = _artists(session, artist_ids)
    scores = chart_scores(session, markets, now - WINDOW)
    views: dict[str | None, dict[str, Any]] = {
        market: _view(market, [market], listings, details, artists, scores, tier, now)
        for market in markets
    }
    views[None] = _view("all", markets, listings, details, artists, scores, tier, now)
    return views


def _album_facts(session: Session, ids: set[str]) -> dict[str, dict[str, Any]]:
    """The few fields of full albums a view shows, extracted by the database.

    Full album documents carry every track; decoding them all on each sync would cost more
    than the rest of the view.
    """
    if not ids:
        return {}
    data = SpotifyAlbum.data
    rows = session.execute(
        select(
            SpotifyAlbum.id,
            data["label"].as_string(),
            data["popularity"].as_integer(),
            data[("external_ids", "upc")].as_string(),
        ).where(SpotifyAlbum.id.in_(ids))
    ).all()
    return {
        album_id: {"label": label, "popularity": popularity, "external_ids": {"upc": upc}}
        for album_id, label, popularity, upc in rows
    }


def _artists(session: Session, ids: set[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    query = select(SpotifyArtist.id, SpotifyArtist.data).where(SpotifyArtist.id.in_(ids))
    return dict(session.execute(query).all())


def _view(
    label: str,
    scope: list[str],
    listings: dict[str, list[dict[str, Any]]],
    details: dict[str, dict[str, Any]],
    artists: dict[str, dict[str, Any]],
    scores: Scores,
    tier: str,
    now: datetime,
) -> dict[str, Any]:
    positions: dict[str, dict[str, int]] = defaultdict(dict)
    simplified: dict[str, dict[str, Any]] = {}
    for market in scope:
        for position, item in enumerate(listings[market], start=1):
            positions[item["id"]][market] = position
            simplified.setdefault(item["id"], item)
    chart = {
        album_id: round(sum(scores.get(m, {}).get(album_id, 0.0) for m in scope), 4)
        for album_id in simplified
    }
    items = {
        album_id: album_item(item, details.get(album_id), positions[album_id], chart[album_id])
        for album_id, item in simplified.items()
    }
    ordered = sorted(
        items.values(), key=lambda a: (a["bestPosition"], -len(a["positions"]), a["name"])
    )
    extended = tier == "extended"
    popular = sorted(
        items.values(),
        key=lambda a: (-(a["popularity"] or -1) if extended else 0, -a["score"], a["bestPosition"]),
    )
    return {
        "scope": label,
        "markets": scope,
        "tier": tier,
        "generatedAt": now.isoformat(),
        "newReleases": ordered,
        "popularAlbums": [
            {**album, "basis": "popularity" if extended else "chart"}
            for album in popular[:SECTION_SIZE]
        ],
        "trendingArtists": _trending_artists(ordered, artists, extended),
    }


def _trending_artists(
    albums: list[dict[str, Any]], artists: dict[str, dict[str, Any]], extended: bool
) -> list[dict[str, Any]]:
    credits: dict[str, list[dict[str, Any]]] = defaultdict(list)
    names: dict[str, str] = {}
    for album in albums:
        for artist in album["artists"]:
            credits[artist["id"]].append(album)
            names[artist["id"]] = artist["name"]
    ranked = [
        artist_item(artist_id, names[artist_id], artists.get(artist_id), credited, extended)
        for artist_id, credited in credits.items()
    ]
    ranked.sort(key=lambda a: (-(a["popularity"] or -1) if extended else 0, -a["score"], a["name"]))
    return ranked[:SECTION_SIZE]
