"""What the matcher decided for one album, with the MBIDs completion filled in."""

from __future__ import annotations

from dataclasses import dataclass, field

from trendcache.musicbrainz.scoring import Decision


@dataclass
class Outcome:
    """The decision for one album, with the MBIDs that completion filled in."""

    album_id: str
    decision: Decision
    release_mbid: str | None = None
    release_group_mbid: str | None = None
    artist_mbids: list[str] = field(default_factory=list)
    note: str | None = None

    @property
    def level(self) -> str | None:
        """ "release", "release_group" (the release unknown), or None when not matched."""
        return self.decision.level

    def as_json(self) -> dict[str, object]:
        decision = self.decision
        return {
            "status": decision.status,
            "level": self.level,
            "note": self.note,
            "method": decision.method,
            "confidence": decision.confidence,
            "releaseMbid": self.release_mbid,
            "releaseGroupMbid": self.release_group_mbid,
            "artistMbids": self.artist_mbids,
            "candidates": [scored.as_json() for scored in decision.weighed[:5]],
        }
