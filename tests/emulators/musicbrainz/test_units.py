"""The pieces under the HTTP surface: query parser, analyser, limiter, agents, titles."""

from __future__ import annotations

import pytest

from trendcache.emulators.musicbrainz.ids import is_mbid, mbid, retyped_barcode
from trendcache.emulators.musicbrainz.limits import JITTER, ClientLimiter, identified
from trendcache.emulators.musicbrainz.lucene import Bool, Clause, Not, QuerySyntaxError, parse
from trendcache.emulators.musicbrainz.pressings import (
    CLEAN,
    DIGITAL,
    PHYSICAL,
    comment,
    described,
    pressing,
)
from trendcache.emulators.musicbrainz.search import analyse
from trendcache.emulators.musicbrainz.titles import drift, sort_name, styled


def test_field_phrase_and_default_field() -> None:
    assert parse('release:"drivers license"') == Clause("release", "drivers license", True)
    assert parse("Shake") == Clause(None, "Shake", False)


def test_and_binds_tighter_than_or_and_juxtaposition_is_or() -> None:
    assert parse("a OR b AND c") == Bool(
        "OR",
        (
            Clause(None, "a", False),
            Bool("AND", (Clause(None, "b", False), Clause(None, "c", False))),
        ),
    )
    assert parse("a b") == parse("a OR b") == parse("a || b")
    assert parse("a && b") == parse("a AND b")


def test_field_applies_inside_parentheses() -> None:
    assert parse("barcode:(0123 OR 4567)") == Bool(
        "OR", (Clause("barcode", "0123", False), Clause("barcode", "4567", False))
    )
    grouped = parse('reid:(a OR b) AND artist:"X Y"')
    assert isinstance(grouped, Bool) and grouped.op == "AND"
    assert grouped.children[1] == Clause("artist", "X Y", True)


def test_negation_excludes() -> None:
    assert parse("a -b") == Bool("AND", (Clause(None, "a", False), Not(Clause(None, "b", False))))
    assert parse("a NOT b") == parse("a AND NOT b") == parse("a AND !b")
    assert parse("+a") == Clause(None, "a", False)


def test_escapes_keep_special_characters() -> None:
    assert parse(r"release:AC\/DC\:\(live\)") == Clause("release", "AC/DC:(live)", False)
    assert parse(r'release:"say \"hi\""') == Clause("release", 'say "hi"', True)
    assert parse("12:00") == Clause(None, "12:00", False)  # not a field name


@pytest.mark.parametrize("bad", ["", "   ", "(a OR b", 'release:"open', "a AND", "()", ")"])
def test_syntax_errors(bad: str) -> None:
    with pytest.raises(QuerySyntaxError):
        parse(bad)


def test_analyser_folds_case_diacritics_and_punctuation() -> None:
    assert analyse("DÉJÀ-VU") == ("deja", "vu")
    assert analyse("Don\N{RIGHT SINGLE QUOTATION MARK}t") == analyse("don't") == ("don", "t")
    assert analyse("MØNSTER & Ænima") == ("monster", "aenima")
    assert analyse("君と夏") == ("君", "と", "夏")


def test_limiter_one_per_second_with_jitter_allowance() -> None:
    limiter = ClientLimiter(1.0)
    assert limiter.admit("a", 100.0) is None
    wait = limiter.admit("a", 100.5)
    assert wait == pytest.approx(0.5 - JITTER)
    assert limiter.admit("a", 101.0 - JITTER / 2) is None  # scheduling noise is forgiven
    assert limiter.admit("b", 101.0) is None  # clients do not share


def test_limiter_refusals_do_not_use_up_the_window() -> None:
    limiter = ClientLimiter(1.0)
    assert limiter.admit("a", 0.0) is None
    assert all(limiter.admit("a", t) is not None for t in (0.2, 0.4, 0.6, 0.8))
    assert limiter.admit("a", 1.0) is None


def test_limiter_sliding_window_for_faster_and_slower_rates() -> None:
    fast = ClientLimiter(3.0)
    assert [fast.admit("a", t) is None for t in (0.0, 0.1, 0.2, 0.3)] == [True, True, True, False]
    assert fast.admit("a", 1.0) is None
    slow = ClientLimiter(0.5)
    assert slow.span == 2.0 and slow.allowed == 1
    assert slow.admit("a", 0.0) is None and slow.admit("a", 1.5) is not None
    with pytest.raises(ValueError, match="positive"):
        ClientLimiter(0)


@pytest.mark.parametrize(
    ("agent", "ok"),
    [
        ("", False),
        ("   ", False),
        ("python-requests/2.32.3", False),
        ("python-httpx/0.28.1", False),
        ("python-httpx2/2.16.2", False),
        ("curl/8.5.0", False),
        ("curl/8.5.0 (ops@example.org)", True),
        ("trendcache/0.1 ( https://github.com/trendcache/trendcache )", True),
        ("trendcache/0.1", True),  # an application name of its own is enough
    ],
)
def test_user_agent_policy(agent: str, ok: bool) -> None:
    assert identified(agent) is ok


def test_mbids_are_stable_version_4_uuids() -> None:
    first = mbid(2026, "release:x")
    assert first == mbid(2026, "release:x") != mbid(2027, "release:x")
    assert is_mbid(first) and first[14] == "4" and first[19] in "89ab"
    assert is_mbid(first.upper()) and not is_mbid("not-an-mbid")


def test_barcodes_retyped_like_editors_do() -> None:
    assert retyped_barcode("0720642442524", 1) == "720642442524"
    assert retyped_barcode("720642442524", 1) == "0720642442524"
    assert retyped_barcode("602435640105", 2) == "00602435640105"
    assert retyped_barcode("0602435640105", 2) == "0602435640105"  # only 12-digit UPCs pad
    assert retyped_barcode("720642442524", 0) == "720642442524"


def test_spotify_titles_split_the_musicbrainz_way() -> None:
    assert styled("Golden Dreams (ft. The Golden Tides)").featured == "The Golden Tides"
    assert styled("Maré Alta - EP").base == styled("Maré Alta - Single").base == "Maré Alta"
    deluxe = styled("Season! (Deluxe Edition)")
    assert (deluxe.base, deluxe.edition, deluxe.marker) == (
        "Season!",
        "deluxe edition",
        "Deluxe Edition",
    )
    assert styled("Echoes - Remastered 2011").edition == "2011 remaster"
    assert sort_name("The Golden Tides", person=False) == "Golden Tides, The"
    assert sort_name("Maya Carter", person=True) == "Carter, Maya"


def test_self_titled_nicknames_leave_the_title_for_the_comment() -> None:
    weezer = styled("Weezer (Blue Album)")
    assert (weezer.base, weezer.bare, weezer.nickname) == (
        "Weezer (Blue Album)",
        "Weezer",
        "Blue Album",
    )
    remaster = styled("Weezer (Blue Album) (Remastered 2011)")
    assert (remaster.bare, remaster.nickname, remaster.edition) == (
        "Weezer",
        "Blue Album",
        "2011 remaster",
    )
    plain = styled("Blue Album")
    assert (plain.bare, plain.nickname) == ("Blue Album", "")


def test_pressing_comments_by_format() -> None:
    assert comment("blue album", "", "JVC Pressing") == "blue album, JVC Pressing"
    assert described("blue album, JVC Pressing") and described("clean")
    assert not described("deluxe edition") and not described("")
    physical = {pressing(2026, f"k{n}", physical=True, explicit=False) for n in range(400)}
    digital = {pressing(2026, f"k{n}", physical=False, explicit=True) for n in range(400)}
    clean = {pressing(2026, f"k{n}", physical=False, explicit=False) for n in range(400)}
    assert physical == {"", *PHYSICAL} and digital == {"", *DIGITAL}
    assert clean == {"", *DIGITAL, CLEAN}


def test_drift_only_claims_variations_that_change_the_title() -> None:
    import random

    for seed in range(50):
        text, applied = drift("Rock & Roll Don't Stop...", random.Random(seed))
        assert 1 <= len(applied) <= 2 and text != "Rock & Roll Don't Stop..."
    _, applied = drift("君と夏", random.Random(1))
    assert applied == ()
