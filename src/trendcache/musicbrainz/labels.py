"""Whether a release's label is the Spotify album's: what tells barcode twins apart.

Spotify gives an album's label and its copyright lines; MusicBrainz gives a release's
label-info. Filler words ("Records", "Music", "Inc") and MusicBrainz's "[no label]" aside,
a label fits when the names agree or a copyright line names it.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from trendcache.musicbrainz.models import Release
from trendcache.musicbrainz.normalize import comparable

_LABEL_FILLER = {
    "records", "recordings", "record", "music", "entertainment", "inc", "ltd", "llc",
    "gmbh", "group", "label", "the", "and", "co", "company", "limited", "productions",
}  # fmt: skip
NO_LABEL = "[no label]"  # MusicBrainz's special label for self-releases


def _label_words(text: str) -> str:
    found = comparable(text).split()
    return " ".join(word for word in found if word not in _LABEL_FILLER) or " ".join(found)


def label_fits(label: str | None, copyrights: tuple[str, ...], release: Release) -> bool | None:
    """Whether a label of the release is the album's (its label or a copyright line names
    it); None when either side names none."""
    theirs = [
        _label_words(info.label.name)
        for info in release.label_info
        if info.label is not None and info.label.name.strip().casefold() != NO_LABEL
    ]
    theirs = [name for name in theirs if name]
    ours = _label_words(label or "")
    if not theirs or not ours:
        return None
    lines = f" {' '.join(comparable(line) for line in copyrights)} "
    return any(fuzz.token_set_ratio(ours, name) >= 85 or f" {name} " in lines for name in theirs)
