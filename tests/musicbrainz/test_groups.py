"""The release-group level, on real MusicBrainz release lookups (the eval corpus).

Where the release is unknown (another country's pressing only, barcode twins nothing tells
apart, an edition MusicBrainz lacks), the album's release group may still be certain;
where candidates show two groups, or share only a recording or a name, it is not.
"""

from __future__ import annotations

from tests.musicbrainz.test_scoring_real import album_of, real
from trendcache.musicbrainz.groups import decide_group, is_evidence
from trendcache.musicbrainz.models import Medium, Release
from trendcache.musicbrainz.scoring import Decision, Method, Scored, decide, score

NOTHING = Decision("no_match", None, 0.0, None, ())


def seen_by(album_releases: list[Release], method: Method, **album: object) -> Decision:
    """The release-level decision of one step, then the group level over its candidates."""
    facts = album_of(album_releases[0], **album)
    decision = decide(facts, album_releases, method)
    seen = [(scored, method) for scored in decision.weighed]
    return decide_group(facts, seen, decision)


def test_another_countrys_pressing_of_the_same_recordings_gives_the_group_only() -> None:
    """The German Dio Years CD is not in MusicBrainz, the Australian one (other barcode) is."""
    german, australian = real("9764a202"), real("c5192d47")
    album = album_of(german)
    assert decide(album, [australian], "isrc").status == "no_match"  # not this product
    seen: list[tuple[Scored, Method]] = [
        (scored, "isrc") for scored in decide(album, [australian], "isrc").weighed
    ]
    decision = decide_group(album, seen, NOTHING)
    assert decision.status == "matched" and decision.level == "release_group"
    assert decision.chosen is None
    assert decision.group is not None and decision.group.release.id == australian.id
    assert australian.release_group == german.release_group


def test_barcode_twins_nothing_tells_apart_give_the_group() -> None:
    """Weezer's US and German pressings share a barcode and a group; without a label on the
    Spotify side the release cannot be chosen, the group can."""
    us, german = real("3a8a6113"), real("b072b162")
    decision = seen_by([us, german], "barcode", name="Weezer (Blue Album)", label=None)
    assert decision.status == "matched" and decision.level == "release_group"
    assert decision.group is not None
    assert decision.group.release.release_group == us.release_group == german.release_group


def test_an_edition_mbrainz_lacks_is_still_its_work() -> None:
    """ "Nevermind (Remastered 2011)", its own UPC: another product, the same release group."""
    nevermind = real("8e061dc4")
    album = album_of(nevermind, name="Nevermind (Remastered 2011)", upc="190000000016")
    scored = score(album, nevermind)
    assert scored.parts["title"] < 1.0 and scored.work == 1.0
    assert is_evidence(album, scored, "isrc")


def test_a_live_album_of_the_same_name_is_another_work() -> None:
    nevermind = real("8e061dc4")
    album = album_of(nevermind, name="Nevermind (Live)", upc=None)
    scored = score(album, nevermind)
    assert scored.work < 0.85
    assert not is_evidence(album, scored, "isrc")
    assert not is_evidence(album, scored, "fuzzy")


def test_a_title_tracks_single_shares_a_recording_not_the_work() -> None:
    """An ISRC search finds every release of a recording: a one-track single named like
    the album is not the album's group."""
    metallica = real("2529f558")
    single = metallica.model_copy(
        update={"id": "single", "media": [Medium(format="CD", track_count=1)], "track_count": 1}
    )
    album = album_of(metallica, upc=None)
    assert not is_evidence(album, score(album, single), "isrc")
    assert is_evidence(album, score(album, metallica), "isrc")


def test_a_same_titled_album_of_another_year_found_by_search_is_no_evidence() -> None:
    """Weezer's Green Album (2001) for the Blue Album (1994): same title, artist, size."""
    blue, green = real("3a8a6113"), real("a9897d0b")
    album = album_of(blue, upc=None)
    assert not is_evidence(album, score(album, green), "fuzzy")
    decision = decide_group(album, [(score(album, green), "fuzzy")], NOTHING)
    assert decision is NOTHING


def test_evidence_for_two_groups_is_never_guessed_between() -> None:
    """An album that only says "Weezer, 10 tracks" by barcode-less search of no year."""
    blue, green = real("3a8a6113"), real("a9897d0b")
    album = album_of(blue, upc=None, release_date="")
    seen: list[tuple[Scored, Method]] = [(score(album, r), "fuzzy") for r in (blue, green)]
    decision = decide_group(album, seen, NOTHING)
    assert decision.status == "needs_review" and decision.level is None
    assert {s.release.id for s in decision.weighed} == {blue.id, green.id}
