"""Release groups ListenBrainz shares with the other emulators: Spotify's albums, heard later.

A share of the Spotify emulator's albums (``SHARE_PERCENT``, picked by a hash of the seed
and the album id) chart on ListenBrainz under the release group the MusicBrainz emulator
serves for them: the same MBIDs, title, type and artists, so enrichment's release-group
match joins the two listings. Listeners catch up late: such a group peaks 7 to 35 days
after Spotify's release day, so it typically enters the ListenBrainz top 100 days to weeks
after Spotify listed it among its new releases; a more popular artist draws more listens.
"""

from __future__ import annotations

import random
import zlib

from trendcache.emulators.musicbrainz.catalog import MusicBrainzCatalog
from trendcache.emulators.spotify.catalog import Catalog as SpotifyCatalog
from trendcache.emulators.spotify.model import Album

from .catalog import TAGS, Artist, ReleaseGroup, waves
from .drift import Audience

SHARE_PERCENT = 40
CATCH_UP_DAYS = (7, 35)


def shared_groups(
    spotify: SpotifyCatalog, musicbrainz: MusicBrainzCatalog, seed: int
) -> list[ReleaseGroup]:
    """The shared release groups: one per picked Spotify album MusicBrainz has a group for."""
    shared: dict[str, ReleaseGroup] = {}
    for album in spotify.albums:
        expected = musicbrainz.truth.get(album.id)
        if expected is None or expected.release_group_mbid is None:
            continue
        if zlib.crc32(f"{seed}:shared:{album.id}".encode()) % 100 >= SHARE_PERCENT:
            continue
        group = _group(spotify, musicbrainz, album, expected.release_group_mbid, seed)
        if group is not None:
            shared.setdefault(group.mbid, group)  # an album and its deluxe share a group
    return list(shared.values())


def _group(
    spotify: SpotifyCatalog,
    musicbrainz: MusicBrainzCatalog,
    album: Album,
    group_mbid: str,
    seed: int,
) -> ReleaseGroup | None:
    group = musicbrainz.release_group(group_mbid)
    releases = musicbrainz.releases_in(group) if group is not None else []
    if group is None or not releases:
        return None
    expected = musicbrainz.truth[album.id]
    rng = random.Random(f"{seed}:shared:{album.id}")
    artist = spotify.artist(album.artist_ids[0])
    popularity = artist.popularity if artist is not None else 30
    peak = (4 + popularity * 0.4) * rng.paretovariate(1.5)
    if album.album_type == "album":
        peak *= 1.5
    return ReleaseGroup(
        mbid=group.id,
        release_mbid=expected.release_mbid or releases[0].id,
        name=group.title,
        artists=tuple(Artist(credit.artist.id, credit.name) for credit in group.credit),
        release_date=album.release_date,
        primary_type=group.primary_type,
        secondary_type=group.secondary_types[0] if group.secondary_types else None,
        caa_id=rng.randint(10**9, 4 * 10**10) if rng.random() < 0.85 else None,
        tags=tuple(sorted(rng.sample(TAGS, rng.randint(0, 2)))),
        fresh=True,
        audience=Audience(waves(rng, min(600.0, peak), CATCH_UP_DAYS)),
    )
