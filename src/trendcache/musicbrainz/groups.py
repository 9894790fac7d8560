"""The release group, when the release is not known.

A Spotify album is one product; MusicBrainz may lack it while it holds other pressings of
the same recordings (another country's CD, a vinyl, last decade's reissue under the same
barcode), or hold two pressings nothing tells apart. The release is then unknown, but the
album as a work, its release group, is not: every such candidate belongs to one group.

A candidate is evidence for its group when it carries the album's work title (edition
words aside: "Nevermind (Remastered 2011)" is a Nevermind, "Nevermind (Live)" is not) and
artist, and either was found through the album itself (its Spotify URL, its barcode) or
through the recordings of its tracks at a comparable size (a title track's single shares
a recording and the name, not the work), or agrees on track count and date as closely as
a search match must. Evidence for two groups (an artist's two self-titled albums) is
never guessed between: a person must look.
"""

from __future__ import annotations

from trendcache.musicbrainz.scoring import SEARCH_BAR, AlbumFacts, Decision, Method, Scored

# Found through the album's own identifiers: the release shares its Spotify URL or its
# barcode digits, so a same-titled release by the artist is the same work.
LINKED: frozenset[Method] = frozenset({"url", "barcode"})
# A release sharing recordings is the same work when it is about as big: not the title
# track's single, not a box set; a few bonus tracks either way are fine.
SIZE_RATIO = 0.6


def is_evidence(album: AlbumFacts, scored: Scored, method: Method) -> bool:
    """Whether this candidate shows the album's release group."""
    parts = scored.parts
    if scored.release.release_group is None:
        return False
    if scored.work < SEARCH_BAR["title"] or parts["artist"] < SEARCH_BAR["artist"]:
        return False
    if method in LINKED:
        return True
    if method == "isrc":
        return _comparable_size(album.total_tracks, scored.release.tracks)
    return parts["tracks"] >= SEARCH_BAR["tracks"] and parts["date"] >= SEARCH_BAR["date"]


def _comparable_size(ours: int, theirs: int | None) -> bool:
    if not theirs or not ours:
        return False
    return min(ours, theirs) / max(ours, theirs) >= SIZE_RATIO


def decide_group(
    album: AlbumFacts, seen: list[tuple[Scored, Method]], fallback: Decision
) -> Decision:
    """The group-level decision from every candidate weighed so far (by any step); the
    release-level `fallback` when none of them is evidence of a group."""
    evidence = sorted(
        ((scored, method) for scored, method in seen if is_evidence(album, scored, method)),
        key=lambda pair: pair[0].total,
        reverse=True,
    )
    groups = {group.id for scored, _ in evidence if (group := scored.release.release_group)}
    if not groups:
        return fallback
    best, method = evidence[0]
    weighed = tuple(
        sorted({s.release.id: s for s, _ in seen}.values(), key=lambda s: s.total, reverse=True)
    )
    if len(groups) > 1:
        return Decision("needs_review", method, round(best.total, 3), None, weighed)
    return Decision("matched", method, round(best.total, 3), None, weighed, group=best)
