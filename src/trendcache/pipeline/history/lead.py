"""Which source listed an album first, and by how long: Spotify's listings or ListenBrainz's.

An album joined across sources (`joined.py`) has a first sighting per listing; the one
sentence a reader wants is which side had it first and by how much ("Charted on Spotify
new releases 3 weeks before it entered the ListenBrainz top 100"). `first_seen_by_source`
reads the sightings (one index range of `album_charts` per id), `lead_sentence` words them
for the album page and `short_lead` for the statistics' "On both" list (pure; one
wording of a gap for both).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trendcache.db.history import AlbumChart
from trendcache.pipeline.keys import LISTENBRAINZ_FRESH, LISTENBRAINZ_TOP, NEW_RELEASES

SPOTIFY_PREFIX = "spotify_"
LISTENBRAINZ_PREFIX = "listenbrainz_"
DAY_SECONDS = 86400
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
WEEK = timedelta(weeks=1)


@dataclass(frozen=True)
class Lead:
    """The first sightings of one album on each side, and which came first."""

    spotify_source: str
    spotify_at: datetime
    listenbrainz_source: str
    listenbrainz_at: datetime

    @property
    def days(self) -> int:
        """Whole days between the two first sightings (0: the same day)."""
        return int(abs((self.listenbrainz_at - self.spotify_at).total_seconds()) // DAY_SECONDS)


def first_seen_by_source(session: Session, album_ids: Collection[str]) -> dict[str, datetime]:
    """Listing source → the earliest sighting of any of `album_ids` (one album's joined ids)
    in any market of it; sources that never listed them are absent."""
    if not album_ids:
        return {}
    rows = session.execute(
        select(AlbumChart.source, func.min(AlbumChart.first_seen_at))
        .where(AlbumChart.album_id.in_(list(album_ids)))
        .group_by(AlbumChart.source)
    ).all()
    return {str(source): at for source, at in rows}


def lead_of(first_seen: Mapping[str, datetime]) -> Lead | None:
    """Each side's listing and when; None unless both sides listed the album. Spotify's
    earliest listing; on ListenBrainz's side its top when the album entered it (the chart is
    the story: listeners caught up), else its earliest listing (fresh releases)."""
    spotify = _earliest(first_seen, SPOTIFY_PREFIX)
    listenbrainz = _earliest(first_seen, LISTENBRAINZ_PREFIX)
    if LISTENBRAINZ_TOP in first_seen:
        listenbrainz = (LISTENBRAINZ_TOP, first_seen[LISTENBRAINZ_TOP])
    if spotify is None or listenbrainz is None:
        return None
    return Lead(spotify[0], spotify[1], listenbrainz[0], listenbrainz[1])


def lead_sentence(first_seen: Mapping[str, datetime], chart_size: int | None = None) -> str | None:
    """One sentence on which side listed the album first and by how long; None unless both
    did. `chart_size`: how many the ListenBrainz top holds ("the ListenBrainz top 100")."""
    lead = lead_of(first_seen)
    if lead is None:
        return None
    spotify = f"on {listing_phrase(lead.spotify_source, chart_size)}"
    listenbrainz = listing_phrase(lead.listenbrainz_source, chart_size)
    if lead.days == 0:
        return f"Charted {spotify} and entered {listenbrainz} on the same day."
    gap = span_words(timedelta(days=lead.days))
    if lead.spotify_at < lead.listenbrainz_at:
        return f"Charted {spotify} {gap} before it entered {listenbrainz}."
    return f"Entered {listenbrainz} {gap} before it charted {spotify}."


def span_words(gap: timedelta) -> str:
    """A positive gap, rounded down to its largest whole unit: hours below a day, days below
    two weeks, weeks from then on ('5 hours', '13 days', '2 weeks')."""
    if gap < DAY:
        count, unit = gap // HOUR, "hour"
    elif gap < 2 * WEEK:
        count, unit = gap // DAY, "day"
    else:
        count, unit = gap // WEEK, "week"
    return f"{count} {unit}{'' if count == 1 else 's'}"


def short_lead(first: str, second: str, lead: timedelta) -> str:
    """`first` listed it `lead` before `second` (a negative lead: after), as a list's cell
    says it: "Spotify 3 weeks earlier"; within the hour, "the same hour"."""
    if abs(lead) < HOUR:
        return f"{first} and {second} within the same hour"
    earlier = first if lead > timedelta(0) else second
    return f"{earlier} {span_words(abs(lead))} earlier"


def listing_phrase(source: str, chart_size: int | None = None) -> str:
    """A listing as a sentence names it: 'Spotify new releases', 'the ListenBrainz top 100'."""
    if source == LISTENBRAINZ_TOP:
        return f"the ListenBrainz top {chart_size}" if chart_size else "the ListenBrainz top chart"
    if source == LISTENBRAINZ_FRESH:
        return "ListenBrainz's fresh releases"
    if source == NEW_RELEASES:
        return "Spotify new releases"
    return source.replace("_", " ").replace("spotify", "Spotify", 1)


def _earliest(first_seen: Mapping[str, datetime], prefix: str) -> tuple[str, datetime] | None:
    mine = [(at, source) for source, at in first_seen.items() if source.startswith(prefix)]
    if not mine:
        return None
    at, source = min(mine)
    return source, at
