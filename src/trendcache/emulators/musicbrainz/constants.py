"""MusicBrainz's own fixed identifiers, copied from real data so clients see real values.

Every MBID here was checked against recorded responses or MusicBrainz's database dumps
(statuses, packaging, formats and release-group types in ../shared/reference fixtures
and eval releases;
countries from musicbrainz-server's sample data). Generated entities get generated MBIDs;
these never change and clients may legitimately hard-code them.
"""

from __future__ import annotations

from typing import NamedTuple

HELP = "For usage, please see: https://musicbrainz.org/development/mmd"
VARIOUS_ARTISTS_MBID = "89ad4ac3-39f7-470e-963a-56509c546377"
NO_LABEL_MBID = "157afde4-4bf5-4039-8ad2-5a15acc85176"  # "[no label]": self-released
FREE_STREAMING = ("free streaming", "08445ccf-7b99-4438-9f9a-fb9ac18099ee")
SPOTIFY_ALBUM_URL = "https://open.spotify.com/album/{id}"

STATUS_IDS = {"Official": "4e304316-386d-3409-af2e-78857eec5cfe"}
PACKAGING_IDS = {
    "None": "119eba76-b343-3e02-a292-f0f00644bb9b",
    "Jewel Case": "ec27701a-4a22-37f4-bfac-6616e0f9750a",
    "Gatefold Cover": "e724a489-a7e8-30a1-a17c-30dfd6831202",
}
FORMAT_IDS = {
    "Digital Media": "907a28d9-b3b2-3ef6-89a8-7b18d91d4794",
    "CD": "9712d52a-4509-3d4b-a1a2-67c88c643e31",
    '12" Vinyl': "3e9080b0-5e6c-34ab-bd15-f526b6306a64",
}
PRIMARY_TYPE_IDS = {
    "Album": "f529b476-6e62-324f-b0aa-1f3e33d313fc",
    "Single": "d6038452-8ee0-3f68-affc-2de9a1ede0b9",
    "EP": "6d0c5bf6-7a33-3420-a519-44fc63eedebf",
}
SECONDARY_TYPE_IDS = {"Compilation": "dd2a21e1-0c00-3729-a7a0-de60b84eb5d1"}
ARTIST_TYPE_IDS = {
    "Person": "b6e035f4-3ce9-331c-97df-83397230b0df",
    "Group": "e431f5f6-b5d2-343d-8b36-72607fffb74b",
}
LABEL_TYPE = ("Original Production", "7aaa37fe-2def-3476-b359-80245850062d")


class Area(NamedTuple):
    id: str
    name: str
    code: str


AREAS = {
    area.code: area
    for area in (
        Area("525d4e18-3d00-31b9-a58b-a146a916de8f", "[Worldwide]", "XW"),
        Area("489ce91b-6658-3307-9877-795b68554c98", "United States", "US"),
        Area("8a754a16-0027-3a29-b6d7-2b40ea0481ed", "United Kingdom", "GB"),
        Area("85752fda-13c4-31a3-bee5-0e5cb1f51dad", "Germany", "DE"),
        Area("23d10872-f5ae-3f0c-bf55-332788a16ecb", "Sweden", "SE"),
        Area("08310658-51eb-3801-80de-5a0739207115", "France", "FR"),
        Area("2db42837-c832-3c27-b4a3-08198f75693c", "Japan", "JP"),
        Area("f45b47f8-5796-386e-b172-6c31b009a5d8", "Brazil", "BR"),
        Area("3e08b2cd-69f3-317c-b1e4-e71be581839e", "Mexico", "MX"),
        Area("71bbafaa-e825-3e15-8ca9-017dcad1748b", "Canada", "CA"),
        Area("106e0bec-b638-3b37-b731-f53d507dc00e", "Australia", "AU"),
    )
}

# (language, script) of a release's text, by the artist's home market.
TEXT_REPRESENTATION = {
    "DE": ("deu", "Latn"),
    "SE": ("swe", "Latn"),
    "FR": ("fra", "Latn"),
    "JP": ("jpn", "Jpan"),
    "BR": ("por", "Latn"),
    "MX": ("spa", "Latn"),
}
ENGLISH = ("eng", "Latn")
