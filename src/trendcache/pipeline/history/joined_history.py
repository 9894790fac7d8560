"""One album's trending history across sources: its Spotify listings and ListenBrainz's.

`joined.py` tells which ids are one album (a Spotify album and the `mb-` release group it
was matched to); each id keeps its own history, read here one by one and shown together
under the first id that has one (the Spotify album's when joined, for its richer facts).
A listing both ids were seen in (two Spotify editions of one release group in the same
market) is shown once, from the id read first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from trendcache.pipeline.history.album_history import MAX_POINTS, read_album_history
from trendcache.pipeline.history.album_history_types import AlbumHistory
from trendcache.pipeline.history.joined import is_mbid_album, same_album
from trendcache.pipeline.history.lead import first_seen_by_source


@dataclass(frozen=True)
class JoinedHistory:
    history: AlbumHistory  # under `ids[0]`, with every joined id's listings
    ids: list[str]  # the album's ids that have a history, the shown one first
    first_seen: dict[str, datetime]  # listing source → first sighting (`lead.py`)

    @property
    def sources(self) -> list[str]:
        return sorted({chart.source for chart in self.history.charts})


def read_joined_history(
    session: Session,
    album_id: str,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    max_points: int = MAX_POINTS,
) -> JoinedHistory | None:
    """`album_id`'s history with its joined ids', shown under the Spotify album's when
    there is one; None when none of them has a history."""
    ids = same_album(session, album_id)
    ids = [i for i in ids if not is_mbid_album(i)] + [i for i in ids if is_mbid_album(i)]
    return read_histories(session, ids, since=since, until=until, max_points=max_points)


def read_histories(
    session: Session,
    album_ids: Sequence[str],
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    max_points: int = MAX_POINTS,
) -> JoinedHistory | None:
    found = [
        (album_id, history)
        for album_id in album_ids
        if (
            history := read_album_history(
                session, album_id, since=since, until=until, max_points=max_points
            )
        )
        is not None
    ]
    if not found:
        return None
    shown = found[0][1]
    charts = list(shown.charts)
    listed = {(chart.source, chart.market) for chart in charts}
    for _, other in found[1:]:
        for chart in other.charts:
            if (chart.source, chart.market) not in listed:
                listed.add((chart.source, chart.market))
                charts.append(chart)
    charts.sort(key=lambda chart: (chart.source, chart.market))
    musicbrainz = shown.musicbrainz or next(
        (h.musicbrainz for _, h in found if h.musicbrainz), None
    )
    ids = [album_id for album_id, _ in found]
    return JoinedHistory(
        history=replace(shown, charts=charts, musicbrainz=musicbrainz),
        ids=ids,
        first_seen=first_seen_by_source(session, ids),
    )
