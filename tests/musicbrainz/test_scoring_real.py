"""The scoring's failure mechanisms of issue 8, on real MusicBrainz release lookups.

The releases are the eval corpus in tests/reference/musicbrainz/eval/releases (real ws/2
lookups): the Weezer pressings that share a barcode, Nevermind's barcode twins, The
Blueprint²'s "clean/edited" disambiguation. Each album is what Spotify shows of one of them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from trendcache.musicbrainz.models import Release
from trendcache.musicbrainz.scoring import AlbumFacts, decide, score

RELEASES = Path(__file__).parents[1] / "reference" / "musicbrainz" / "eval" / "releases"


def real(prefix: str) -> Release:
    return Release.model_validate(json.loads((RELEASES / f"{prefix}.json").read_text()))


def album_of(release: Release, **changes: Any) -> AlbumFacts:
    """What Spotify shows of this release: its title, credit, track count and date."""
    facts: dict[str, Any] = {
        "id": "spotify-album",
        "name": release.title,
        "artists": tuple(credit.name for credit in release.artist_credit),
        "total_tracks": release.tracks or 0,
        "release_date": release.date or "",
        "upc": release.barcode,
    }
    return AlbumFacts(**(facts | changes))


def test_a_parenthetical_that_is_part_of_spotifys_name_does_not_hide_the_release() -> None:
    """Mechanism 1: "Weezer (Blue Album)" is MusicBrainz's "Weezer", found by its barcode."""
    blue = real("3a8a6113")
    album = album_of(blue, name="Weezer (Blue Album)")
    assert score(album, blue).parts["title"] == 1.0
    decision = decide(album, [blue], "barcode")
    assert decision.status == "matched"
    assert decision.chosen is not None and decision.chosen.release.id == blue.id


def test_a_pressing_in_the_disambiguation_is_not_another_edition() -> None:
    """Mechanism 2: "clean/edited", "silver faced", "Disctronics S pressing": a release
    without barcode, exact on tracks, date and artist, still clears the search bar."""
    for prefix in ("2c5e4198", "5c62d977", "f4469159"):
        release = real(prefix)
        album = album_of(release, upc=None)
        decision = decide(album, [release], "fuzzy")
        assert decision.status == "matched", (prefix, score(album, release).parts)


def test_a_release_linked_to_this_spotify_url_needs_no_title_bar() -> None:
    """Mechanism 3: the Japanese storefront's name, the release editors linked to it."""
    nevermind = real("8e061dc4")
    album = album_of(nevermind, name="ネヴァーマインド")
    assert score(album, nevermind).parts["title"] < 0.6
    assert decide(album, [nevermind], "url").status == "matched"


def test_a_url_link_to_another_artists_release_of_another_length_is_refused() -> None:
    nevermind, greatest = real("8e061dc4"), real("ee99a91b")
    album = album_of(nevermind, name="ネヴァーマインド")
    assert decide(album, [greatest], "url").status == "no_match"


def test_scores_two_hundredths_apart_are_not_a_tie_by_rounding() -> None:
    """Mechanism 6: the US pressing (same day) against the German (six days later)."""
    us, de = real("3a8a6113"), real("b072b162")
    album = album_of(us, upc=None)
    first, second = score(album, us).total, score(album, de).total
    assert round(first - second, 9) == 0.02
    decision = decide(album, [de, us], "fuzzy")
    assert decision.status == "matched"
    assert decision.chosen is not None and decision.chosen.release.id == us.id


def test_a_pressing_without_barcode_is_not_an_album_with_a_upc() -> None:
    """Mechanism 4: Elton John's 1984 CD (no barcode) holds the recordings Spotify's own
    digital product (UPC 197356598258) carries; nothing says it is that product."""
    cd = real("a9d4cf0c")
    digital = album_of(cd, upc="197356598258")
    assert decide(digital, [cd], "isrc").status == "no_match"
    assert decide(album_of(cd, upc=None), [cd], "isrc").status == "matched"


def test_a_barcode_shared_by_a_release_eighteen_years_earlier_is_not_this_album() -> None:
    """Mechanism 5: 666561001216 is on the 2000 AU LP and on the 2018 CA reissue."""
    reissue, original = real("748e3e26"), real("e3334c4e")
    album = album_of(reissue)  # 2018
    assert decide(album, [original], "barcode").status == "no_match"
    decision = decide(album, [original, reissue], "barcode")
    assert decision.status == "matched"
    assert decision.chosen is not None and decision.chosen.release.id == reissue.id


def test_the_label_tells_barcode_twins_apart() -> None:
    """Mechanism 7: Nevermind's AU (DGC) and US (Geffen) CDs store the same digits, title,
    date and tracks."""
    us, au = real("8e061dc4"), real("eccae410")
    for label, right in (("Geffen Records", us), ("DGC", au)):
        album = album_of(us, label=label, copyrights=(f"\u2117 1991 {label}",))
        decision = decide(album, [au, us], "barcode")
        assert decision.chosen is not None and decision.chosen.release.id == right.id, label
    assert decide(album_of(us), [au, us], "barcode").status == "needs_review"  # no label
    lone = decide(album_of(us, label="Geffen Records"), [au], "barcode")
    assert lone.status == "needs_review"  # the twin of a release MusicBrainz lacks


def test_pressing_remarks_beside_the_edition_in_a_disambiguation_cost_nothing() -> None:
    """ "deluxe, 24bit/96kHz": the edition is the album's, the rest is about the pressing."""
    nevermind = real("8e061dc4")
    for comment, name in (
        ("deluxe, 24bit/96kHz", "Nevermind (Deluxe Edition)"),
        ("2025 remaster; JVC Pressing", "Nevermind (Remastered 2025)"),
    ):
        release = nevermind.model_copy(update={"disambiguation": comment})
        assert score(album_of(release, name=name), release).parts["title"] == 1.0, comment
    other = nevermind.model_copy(update={"disambiguation": "2011 remaster, 24bit/96kHz"})
    assert score(album_of(other, name="Nevermind (Remastered 2025)"), other).parts["title"] < 1.0
