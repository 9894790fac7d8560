""" "On both": albums that charted in Spotify's new releases and in the ListenBrainz top in
the window, one album across the two through MusicBrainz (`pipeline/history/joined.py`:
a Spotify album matched to the release group ListenBrainz lists as `mb-<mbid>`).

Read in five bounded statements, each following the window's ListenBrainz top, never the
history: the history's first and last days (two index probes); the top's albums over the
window's blocks of days (as `days` reads them, ≤ 100 a week); the Spotify albums matched to
their release groups (the enrichment index by release group); which of those charted in
Spotify's new releases over the same blocks (by album); and both sides' first appearances
(`album_debuts`, by primary key). Nothing is read past the second when the top did not
chart in the window, nor at all with a `source` filter.

With a market, the Spotify side is that market's listing (first appearance there too);
ListenBrainz's top is worldwide.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select, union_all
from sqlalchemy.orm import Session

from trendcache.db.history import AlbumDebut
from trendcache.pipeline.history.joined import is_mbid_album, joined_ids
from trendcache.pipeline.history.rollup_rules import ALL
from trendcache.pipeline.keys import LISTENBRAINZ_TOP, NEW_RELEASES, WORLDWIDE
from trendcache.pipeline.stats.days import block_reads, history_days, window_blocks
from trendcache.pipeline.stats.window import StatsWindow


@dataclass(frozen=True)
class BothRow:
    """One album on both, before it is labelled."""

    spotify_id: str  # the first (by id) of its Spotify editions that charted in the window
    release_group_id: str  # `mb-<release group>`
    spotify_first_seen_at: datetime
    listenbrainz_first_seen_at: datetime

    @property
    def gap(self) -> float:
        return abs((self.listenbrainz_first_seen_at - self.spotify_first_seen_at).total_seconds())


def read_both(session: Session, window: StatsWindow) -> tuple[int, list[BothRow]]:
    """How many albums were on both in the window, and the first `limit`, the widest gap
    between their first appearances first (either source leading), then by album id."""
    if window.source or window.market == WORLDWIDE:
        return 0, []
    history = history_days(session)
    blocks = window_blocks(window, history) if history else {}
    if not blocks:
        return 0, []
    top = replace(window, source=LISTENBRAINZ_TOP, market=WORLDWIDE)
    listed = session.connection().execute(union_all(*block_reads(top, blocks))).all()
    group_ids = sorted({row[0] for row in listed if is_mbid_album(row[0])})
    if not group_ids:
        return 0, []
    editions = {
        group_id: [album_id for album_id in ids if not is_mbid_album(album_id)]
        for group_id, ids in joined_ids(session, group_ids).items()
    }
    candidates = sorted({album_id for ids in editions.values() for album_id in ids})
    if not candidates:
        return 0, []
    spotify = replace(window, source=NEW_RELEASES)
    found = union_all(*block_reads(spotify, blocks, candidates))
    charted = {
        album_id
        for album_id, market, *_ in session.connection().execute(found)
        if not spotify.markets or market in spotify.markets
    }
    pairs = {
        group_id: sorted(album_id for album_id in ids if album_id in charted)
        for group_id, ids in editions.items()
    }
    pairs = {group_id: ids for group_id, ids in pairs.items() if ids}
    if not pairs:
        return 0, []
    spotify_ids = sorted({album_id for ids in pairs.values() for album_id in ids})
    firsts = _first_seen(session, window.market or ALL, spotify_ids, sorted(pairs))
    rows = []
    for group_id, ids in pairs.items():
        seen = [firsts[(NEW_RELEASES, a)] for a in ids if (NEW_RELEASES, a) in firsts]
        listened = firsts.get((LISTENBRAINZ_TOP, group_id))
        if seen and listened:
            rows.append(BothRow(ids[0], group_id, min(seen), listened))
    rows.sort(key=lambda row: (-row.gap, row.spotify_id))
    return len(rows), rows[: window.limit]


def _first_seen(
    session: Session, market: str, spotify_ids: list[str], group_ids: list[str]
) -> dict[tuple[str, str], datetime]:
    """(source, album) → first appearance: Spotify's in `market` (or any), the top's."""
    debut = AlbumDebut
    reads = [
        select(debut.source, debut.album_id, debut.first_seen_at).where(
            debut.source == NEW_RELEASES, debut.market == market, debut.album_id.in_(spotify_ids)
        ),
        select(debut.source, debut.album_id, debut.first_seen_at).where(
            debut.source == LISTENBRAINZ_TOP,
            debut.market == ALL,
            debut.album_id.in_(group_ids),
        ),
    ]
    rows = session.connection().execute(union_all(*reads))
    return {(source, album_id): at for source, album_id, at in rows}
