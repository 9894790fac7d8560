"""The ``hostile_names`` fault: every entity's title and names served hostile, ids intact."""

from __future__ import annotations

from typing import Any

import httpx2

from trendcache.emulators.hostile import VARIANTS, variant_of
from trendcache.emulators.musicbrainz import MusicBrainzEmulator


def _search(client: httpx2.Client, query: str) -> Any:
    response = client.get("/release", params={"query": query, "limit": 100})
    assert response.status_code == 200
    return response.json()


def test_hostile_names_on_every_entity_of_an_answer(
    musicbrainz_emulator: MusicBrainzEmulator, musicbrainz_client: httpx2.Client
) -> None:
    query = "status:official"
    clean = _search(musicbrainz_client, query)
    musicbrainz_emulator.faults.hostile_names = True
    hostile = _search(musicbrainz_client, query)

    seen = set()
    assert [r["id"] for r in hostile["releases"]] == [r["id"] for r in clean["releases"]]
    for before, after in zip(clean["releases"], hostile["releases"], strict=True):
        spoil = VARIANTS[variant_of(after["id"])]
        seen.add(variant_of(after["id"]))
        assert after["title"] == spoil(before["title"]) != before["title"]
        assert after.get("disambiguation") == (
            spoil(before["disambiguation"]) if before.get("disambiguation") else None
        )
        for credit, spoiled in zip(before["artist-credit"], after["artist-credit"], strict=True):
            assert spoiled["name"] == spoil(credit["name"])  # the release's variant
            artist = VARIANTS[variant_of(credit["artist"]["id"])]  # the artist's own
            assert spoiled["artist"]["name"] == artist(credit["artist"]["name"])
            assert spoiled["artist"]["id"] == credit["artist"]["id"]
        group = VARIANTS[variant_of(after["release-group"]["id"])]
        assert after["release-group"]["title"] == group(before["release-group"]["title"])
    assert seen == set(VARIANTS)

    # A lookup of one of them agrees with its search hit.
    first = hostile["releases"][0]
    lookup = musicbrainz_client.get(f"/release/{first['id']}", params={"inc": "artist-credits"})
    assert lookup.json()["title"] == first["title"]
    # Refusals are left as they are.
    assert musicbrainz_client.get("/release/not-an-mbid").json()["error"] == "Invalid mbid."

    musicbrainz_emulator.reset()
    assert not musicbrainz_emulator.faults.hostile_names
    assert _search(musicbrainz_client, query)["releases"] == clean["releases"]
