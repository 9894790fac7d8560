"""The matcher on a week's new releases, against the emulator's ground truth.

Albums come from the Spotify emulator's catalog (the one the MusicBrainz emulator is
built from), ISRCs from its tracks; `truth` says which release each album is, if any,
and the cheapest method that can find it.

The catalog is pinned to one day rather than the session's (which follows the calendar),
so these assertions hold on every day the suite runs. The day is chosen to include an
absent album whose artist has a same-titled single with another barcode at MusicBrainz
("norrsken"): search finds it; its barcode says it is another release.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from urllib.parse import parse_qs

import pytest

from tests.fixtures.musicbrainz import TEST_RATE
from tests.musicbrainz.conftest import CatalogIsrcs, album_facts
from trendcache.emulators.musicbrainz import Expected, MusicBrainzEmulator
from trendcache.emulators.spotify.catalog import Catalog
from trendcache.emulators.spotify.generate import build_catalog
from trendcache.musicbrainz.client import MusicBrainzClient
from trendcache.musicbrainz.matcher import ClaimedReleases, Matcher
from trendcache.musicbrainz.normalize import barcode_key, comparable, split_title
from trendcache.musicbrainz.outcome import Outcome
from trendcache.musicbrainz.scoring import AlbumFacts, Method

DAY = date(2026, 12, 5)
STEPS: list[Method] = ["url", "barcode", "isrc", "fuzzy"]
Run = Callable[..., dict[str, Outcome]]


@pytest.fixture(scope="module")
def spotify_catalog() -> Catalog:
    return build_catalog(today=DAY)


@pytest.fixture(scope="module")
def _pinned_musicbrainz(spotify_catalog: Catalog) -> Iterator[MusicBrainzEmulator]:
    with MusicBrainzEmulator(spotify_catalog, requests_per_second=TEST_RATE) as emulator:
        yield emulator


@pytest.fixture
def musicbrainz_emulator(_pinned_musicbrainz: MusicBrainzEmulator) -> MusicBrainzEmulator:
    """This module's emulator (overriding the session's), reset for every test."""
    _pinned_musicbrainz.reset()
    return _pinned_musicbrainz


@pytest.fixture
def new_releases(spotify_catalog: Catalog) -> list[AlbumFacts]:
    """The new releases on `DAY`, in editorial order."""
    return [album_facts(spotify_catalog, album) for album in spotify_catalog.new_releases()]


@pytest.fixture
def catalog_isrcs(spotify_catalog: Catalog) -> CatalogIsrcs:
    return CatalogIsrcs(spotify_catalog)


@pytest.fixture
def decided_steps() -> list[list[Outcome]]:
    return []


@pytest.fixture
def run(
    client: MusicBrainzClient, catalog_isrcs: CatalogIsrcs, decided_steps: list[list[Outcome]]
) -> Run:
    """`run(albums, claimed=…)`: match as a batch does, recording each `on_decided` call."""

    def match(
        albums: list[AlbumFacts], claimed: ClaimedReleases = lambda mbids: {}
    ) -> dict[str, Outcome]:
        return Matcher(client, catalog_isrcs, claimed).match(albums, decided_steps.append)

    return match


def truth_of(emulator: MusicBrainzEmulator, albums: list[AlbumFacts]) -> dict[str, Expected]:
    return {album.id: emulator.truth[album.id] for album in albums}


def lucene_queries(emulator: MusicBrainzEmulator) -> list[str]:
    """The `query` of every search the emulator was sent."""
    return [q for r in emulator.stats.requests for q in parse_qs(r.query).get("query", [])]


def look_alikes_of(emulator: MusicBrainzEmulator, album: AlbumFacts) -> set[str]:
    """MBIDs of releases with the album's title by the album's own (first) artist."""
    title, artist = comparable(split_title(album.name).base), comparable(album.artists[0])
    return {
        release.id
        for release in emulator.catalog.releases
        if comparable(split_title(release.title).base) == title
        and artist in {comparable(credit.artist.name) for credit in release.credit}
    }


def first_linked_by(
    emulator: MusicBrainzEmulator, albums: list[AlbumFacts], method: Method
) -> AlbumFacts:
    """The first album whose own release `method` finds (not only its release group)."""
    return next(
        a
        for a in albums
        if emulator.truth[a.id].linked_by == method and emulator.truth[a.id].release_mbid
    )


# The new releases, as a batch


def test_new_releases_are_matched_precisely_and_cheaply(
    run: Run, new_releases: list[AlbumFacts], musicbrainz_emulator: MusicBrainzEmulator
) -> None:
    truth = truth_of(musicbrainz_emulator, new_releases)
    assert len(new_releases) >= 100
    assert {t.linked_by for t in truth.values()} == {*STEPS, None}, "every difficulty present"

    outcomes = run(new_releases)

    assert set(outcomes) == set(truth)
    accepted = {a: o for a, o in outcomes.items() if o.level == "release"}
    correct = [a for a, o in accepted.items() if o.release_mbid == truth[a].release_mbid]
    present = [a for a, t in truth.items() if t.release_mbid is not None]
    assert len(correct) / len(accepted) == 1.0, "precision"
    assert len(correct) / len(present) >= 0.95, "recall"
    for album_id, outcome in accepted.items():
        assert outcome.decision.method == truth[album_id].linked_by, album_id
    # The release group, where the release is unknown (twins, another pressing only).
    groups = {a: o for a, o in outcomes.items() if o.decision.status == "matched"}
    assert all(o.release_group_mbid == truth[a].release_group_mbid for a, o in groups.items())
    in_groups = [a for a, t in truth.items() if t.release_group_mbid is not None]
    assert len(groups) / len(in_groups) >= 0.98, "release-group recall"
    assert any(o.level == "release_group" for o in groups.values()), "both levels present"
    searches = Counter(q.split(":")[0].lstrip("(") for q in lucene_queries(musicbrainz_emulator))
    assert set(searches) == {"barcode", "isrc", "release", "reid"}
    requests = musicbrainz_emulator.stats.total
    assert requests / len(new_releases) <= 0.15
    assert musicbrainz_emulator.stats.by_status == {200: requests}
    assert musicbrainz_emulator.stats.violations == []


def test_every_match_is_completed_with_release_group_and_artists(
    run: Run, new_releases: list[AlbumFacts], musicbrainz_emulator: MusicBrainzEmulator
) -> None:
    truth = truth_of(musicbrainz_emulator, new_releases)
    outcomes = run(new_releases)

    by_url = 0
    for album_id, outcome in outcomes.items():
        if outcome.decision.status != "matched":
            continue
        expected = truth[album_id]
        assert outcome.release_group_mbid == expected.release_group_mbid, album_id
        assert tuple(outcome.artist_mbids) == expected.artist_mbids, album_id
        by_url += outcome.decision.method == "url"
    assert by_url >= 40, "URL relationships carry neither group nor artists: completion did"
    assert any(q.startswith("reid:(") for q in lucene_queries(musicbrainz_emulator))


def test_each_step_reports_its_decisions_as_they_are_made(
    run: Run, new_releases: list[AlbumFacts], decided_steps: list[list[Outcome]]
) -> None:
    outcomes = run(new_releases)

    methods = [{o.decision.method for o in step} for step in decided_steps]
    assert methods[:4] == [{"url"}, {"barcode"}, {"isrc"}, {"fuzzy"}]
    for step in decided_steps[:-1]:
        for outcome in step:
            assert outcome.decision.status == "matched", outcome
            # The release, or (twins nothing tells apart) its group alone.
            assert outcome.release_mbid or outcome.level == "release_group"
            assert outcome.release_group_mbid
    # What no step decided: no match, or the group that the candidates of all steps show.
    last = decided_steps[-1]
    assert {o.decision.status for o in last} == {"no_match", "matched"}
    assert all(o.level == "release_group" for o in last if o.decision.status == "matched")
    reported = [o.album_id for step in decided_steps for o in step]
    assert sorted(reported) == sorted(outcomes), "every album once"
    assert all(outcomes[o.album_id] is o for step in decided_steps for o in step)


def test_isrcs_are_asked_only_for_albums_cheaper_steps_left_undecided(
    run: Run,
    new_releases: list[AlbumFacts],
    catalog_isrcs: CatalogIsrcs,
    musicbrainz_emulator: MusicBrainzEmulator,
) -> None:
    """Each ISRC costs a Spotify request; URL and barcode matches need none."""
    outcomes = run(new_releases)
    asked = set(catalog_isrcs.asked)
    cheap = {a for a, o in outcomes.items() if o.decision.method in ("url", "barcode")}
    assert asked and not asked & cheap
    assert asked == set(outcomes) - cheap


def test_albums_missing_from_musicbrainz_are_no_match_with_their_candidates(
    run: Run, new_releases: list[AlbumFacts], musicbrainz_emulator: MusicBrainzEmulator
) -> None:
    """Their own artists' same-titled releases (another single, another edition) are
    found, weighed, kept among the candidates and turned down."""
    truth = truth_of(musicbrainz_emulator, new_releases)
    absent = [a for a in new_releases if truth[a.id].release_group_mbid is None]
    look_alikes = {album.id: look_alikes_of(musicbrainz_emulator, album) for album in absent}
    assert sum(bool(found) for found in look_alikes.values()) >= 2

    outcomes = run(new_releases)

    for album in absent:
        outcome = outcomes[album.id]
        assert outcome.decision.status == "no_match", album.name
        assert outcome.release_mbid is None and outcome.decision.chosen is None
        record = outcome.as_json()
        assert (record["status"], record["method"], record["releaseMbid"]) == (
            "no_match",
            None,
            None,
        )
        candidates = record["candidates"]
        assert isinstance(candidates, list) and candidates, album.name
        if look_alikes[album.id]:
            assert {c["mbid"] for c in candidates} & look_alikes[album.id], album.name


def test_a_same_titled_release_with_another_barcode_is_another_release(
    run: Run, new_releases: list[AlbumFacts], musicbrainz_emulator: MusicBrainzEmulator
) -> None:
    """The artist's "norrsken" single of February is not this week's, whatever its date."""
    (album,) = [a for a in new_releases if a.name == "norrsken"]
    assert musicbrainz_emulator.truth[album.id].release_mbid is None

    outcome = run([album])[album.id]

    assert outcome.decision.status == "no_match"
    (twin,) = [s for s in outcome.decision.weighed if comparable(s.release.title) == "norrsken"]
    assert twin.parts["title"] == twin.parts["artist"] == twin.parts["tracks"] == 1.0
    assert barcode_key(twin.release.barcode) != barcode_key(album.upc)


def test_a_batch_of_nothing_asks_nothing(
    run: Run, musicbrainz_emulator: MusicBrainzEmulator, decided_steps: list[list[Outcome]]
) -> None:
    assert run([]) == {}
    assert musicbrainz_emulator.stats.total == 0 and decided_steps == []


# One album per release


def test_an_album_holding_a_release_keeps_it_from_a_later_step(
    run: Run, new_releases: list[AlbumFacts], musicbrainz_emulator: MusicBrainzEmulator
) -> None:
    """A copy with its own Spotify id finds the URL-linked album's release by barcode."""
    original = first_linked_by(musicbrainz_emulator, new_releases, "url")
    copy = replace(original, id="0copy0copy0copy0copy00")
    release = musicbrainz_emulator.truth[original.id].release_mbid

    outcomes = run([copy, original])

    assert outcomes[original.id].release_mbid == release
    assert outcomes[original.id].decision.method == "url"
    lost = outcomes[copy.id]
    assert lost.release_mbid is None, "a release is one album's"
    # ... but the same barcode's release group is the copy's too: the work is known
    assert lost.decision.status == "matched" and lost.level == "release_group"
    assert lost.release_group_mbid == musicbrainz_emulator.truth[original.id].release_group_mbid
    assert lost.note == f"its best candidate {release} is album {original.id}'s release"
    assert lost.decision.weighed, "what it weighed is kept"


def test_of_two_albums_claiming_one_release_in_one_step_the_surer_keeps_it(
    run: Run, new_releases: list[AlbumFacts], musicbrainz_emulator: MusicBrainzEmulator
) -> None:
    original = first_linked_by(musicbrainz_emulator, new_releases, "fuzzy")
    year, month, _ = original.release_date.split("-")
    near = replace(original, id="0near0near0near0near00", release_date=f"{year}-{month}")
    release = musicbrainz_emulator.truth[original.id].release_mbid

    outcomes = run([near, original])

    kept, lost = outcomes[original.id], outcomes[near.id]
    assert (kept.decision.method, kept.release_mbid) == ("fuzzy", release)
    assert lost.release_mbid is None and lost.level == "release_group"
    assert lost.release_group_mbid == musicbrainz_emulator.truth[original.id].release_group_mbid
    assert lost.note is not None and original.id in lost.note
    (best_lost,) = [s for s in lost.decision.weighed if s.release.id == release]
    assert best_lost.total < kept.decision.confidence


def test_a_release_another_batch_holds_is_not_taken(
    run: Run, new_releases: list[AlbumFacts], musicbrainz_emulator: MusicBrainzEmulator
) -> None:
    album = first_linked_by(musicbrainz_emulator, new_releases, "barcode")
    release = musicbrainz_emulator.truth[album.id].release_mbid
    assert release is not None
    asked: list[list[str]] = []

    def claimed(mbids: list[str]) -> dict[str, str]:
        asked.append(mbids)
        return {release: "elsewhere"} if release in mbids else {}

    outcome = run([album], claimed=claimed)[album.id]

    assert [release] in asked
    assert outcome.release_mbid is None and outcome.level == "release_group"
    assert outcome.release_group_mbid == musicbrainz_emulator.truth[album.id].release_group_mbid
    assert outcome.note == f"its best candidate {release} is album elsewhere's release"


def test_an_album_already_holding_its_release_keeps_it_when_asked_again(
    run: Run, new_releases: list[AlbumFacts], musicbrainz_emulator: MusicBrainzEmulator
) -> None:
    """A resumed batch re-decides albums whose matches are stored already."""
    album = first_linked_by(musicbrainz_emulator, new_releases, "isrc")
    release = musicbrainz_emulator.truth[album.id].release_mbid
    assert release is not None

    outcome = run([album], claimed=lambda mbids: {release: album.id})[album.id]

    assert (outcome.decision.status, outcome.release_mbid) == ("matched", release)


# Steps, skipped and reported


def test_steps_are_reported_and_skipped_steps_ask_nothing(
    client: MusicBrainzClient,
    catalog_isrcs: CatalogIsrcs,
    new_releases: list[AlbumFacts],
    musicbrainz_emulator: MusicBrainzEmulator,
) -> None:
    albums = new_releases[:30]
    finished: list[Method] = []
    outcomes = Matcher(client, catalog_isrcs).match(
        albums, on_step=finished.append, skip={"url", "barcode"}
    )

    assert finished == ["isrc", "fuzzy"]
    assert musicbrainz_emulator.stats.count("/ws/2/url") == 0
    searches = lucene_queries(musicbrainz_emulator)
    assert searches and not any(q.startswith("barcode:") for q in searches)
    assert {o.decision.method for o in outcomes.values()} <= {"isrc", "fuzzy", None}
