"""The ``hostile_names`` fault: every album object served carries a hostile name."""

from __future__ import annotations

import httpx2

from tests.fixtures.spotify import local_client
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.emulators.spotify.hostile import VARIANTS, variant_of


def test_hostile_names_everywhere_albums_are_served(
    spotify_emulator: SpotifyEmulator, spotify_client: httpx2.Client
) -> None:
    clean = spotify_client.get("/browse/new-releases", params={"limit": 50}).json()
    with local_client(base_url=f"{spotify_emulator.accounts_url}/_emulator") as control:
        assert control.post("/faults", json={"hostile_names": True}).json()["hostile_names"]
    hostile = spotify_client.get("/browse/new-releases", params={"limit": 50}).json()

    seen = set()
    for before, after in zip(clean["albums"]["items"], hostile["albums"]["items"], strict=True):
        variant = variant_of(after["id"])
        seen.add(variant)
        assert after["name"] == VARIANTS[variant](before["name"]) != before["name"]
        artist, spoiled = before["artists"][0], after["artists"][0]
        assert spoiled["name"] == VARIANTS[variant](artist["name"])
        assert after["id"] == before["id"]
    assert seen == set(VARIANTS)

    # A listing and the album's own details agree, and the label is hostile too.
    item = hostile["albums"]["items"][0]
    detail = spotify_client.get(f"/albums/{item['id']}").json()
    assert detail["name"] == item["name"]
    original = spotify_emulator.catalog.album(item["id"])
    assert original is not None
    assert detail["label"] == VARIANTS[variant_of(item["id"])](original.label)

    spotify_emulator.reset()
    assert spotify_client.get("/browse/new-releases", params={"limit": 50}).json() == clean


def test_hostile_variants_include_the_worst() -> None:
    long = VARIANTS["long"]("x")
    assert len(long.encode()) > 20_000
    assert "\x00" in VARIANTS["nul"]("name")
    assert "\u202e" in VARIANTS["right_to_left"]("name")
    assert "\u200b" in VARIANTS["zero_width"]("name")
