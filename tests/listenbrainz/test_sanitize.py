"""ListenBrainz answers cleaned before validation: names made safe, MBIDs checked."""

from __future__ import annotations

from trendcache.listenbrainz.sanitize import NAME_LIMIT, clean_document

GROUP = "326b4a29-dff5-4fab-87dc-efc1494001c6"


def test_names_are_cleaned_and_bounded() -> None:
    document = {"release_group_name": "Mon\x00sters\u202e", "artist_name": "W" * 20_000}

    cleaned = clean_document(document)

    assert cleaned["release_group_name"] == "Monsters"
    assert len(cleaned["artist_name"]) == NAME_LIMIT


def test_mbids_are_lowercased_and_bad_ones_refused() -> None:
    document = {
        "release_groups": [
            {"release_group_mbid": GROUP.upper(), "artist_mbids": [GROUP, "nope"]},
            {"release_group_mbid": "not-an-mbid"},
        ],
        "caa_release_mbid": "12",
    }

    cleaned = clean_document(document)

    (group,) = cleaned["release_groups"]  # the unusable one is left out
    assert group == {"release_group_mbid": GROUP, "artist_mbids": [GROUP]}
    assert cleaned["caa_release_mbid"] is None
