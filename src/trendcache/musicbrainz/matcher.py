"""Matching a batch of albums to MusicBrainz, cheapest and surest method first.

1. URL relationships: one request looks up 100 Spotify album URLs.
2. Barcodes: one search asks for many UPCs at once, in every zero-padding MusicBrainz may
   have stored; compared with leading zeros stripped.
3. ISRCs: one recording search for many track ISRCs; each recording lists its releases.
4. Search: title and artist, several albums OR'ed into one query, scored by us.
5. Completion: release-group and artist MBIDs for matches that lack them (URL
   relationships carry neither), many releases per `reid:` search.

Each album leaves the pipeline at the first step that decides it (matched, or several
equally good candidates: needs review). Two levels of truth: where the release is not
known (twins nothing tells apart, or only other pressings of the album's recordings are
in MusicBrainz), the candidates may still all show one release group (`groups`): the
album is matched at that level, its release left unknown. What nothing decides is
"no match" for now.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import TypeVar

from trendcache.musicbrainz.client import MusicBrainzClient, any_of
from trendcache.musicbrainz.groups import decide_group
from trendcache.musicbrainz.models import Release
from trendcache.musicbrainz.normalize import barcode_key, barcode_spellings, split_title, words
from trendcache.musicbrainz.outcome import Outcome
from trendcache.musicbrainz.scoring import AlbumFacts, Decision, Method, Scored, decide

T = TypeVar("T")
BARCODE_ALBUMS_PER_QUERY = 40
ISRCS_PER_QUERY = 40
SEARCH_ALBUMS_PER_QUERY = 8
REIDS_PER_QUERY = 50
IsrcSource = Callable[[list[AlbumFacts]], dict[str, tuple[str, ...]]]
# Which of these release MBIDs other albums already hold (release MBID -> album id).
ClaimedReleases = Callable[[list[str]], dict[str, str]]
METHOD_RANK = {"url": 0, "barcode": 1, "isrc": 2, "fuzzy": 3}
OnDecided = Callable[[list["Outcome"]], None]


def batches(items: Sequence[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


class Matcher:
    def __init__(
        self,
        client: MusicBrainzClient,
        isrcs: IsrcSource,
        claimed: ClaimedReleases = lambda mbids: {},
    ) -> None:
        self.client = client
        self.isrcs = isrcs
        self.claimed = claimed

    def match(
        self,
        albums: list[AlbumFacts],
        on_decided: OnDecided = lambda outcomes: None,
        on_step: Callable[[Method], None] = lambda method: None,
        skip: Collection[str] = (),
    ) -> dict[str, Outcome]:
        """Decide every album; `on_decided` hears each step's decisions as they are made.

        `on_step` hears each finished step, so a resumed batch can `skip` the steps its
        albums already went through instead of asking MusicBrainz again.
        """
        outcomes: dict[str, Outcome] = {}
        held: dict[str, str] = {}  # release MBID -> album id, decided in this batch
        steps: list[tuple[Method, Callable[[list[AlbumFacts]], dict[str, list[Release]]]]] = [
            ("url", self._by_url),
            ("barcode", self._by_barcode),
            ("isrc", self._by_isrc),
            ("fuzzy", self._by_search),
        ]
        undecided = list(albums)
        last: dict[str, Outcome] = {}
        seen: dict[str, list[tuple[Scored, Method]]] = defaultdict(list)
        for method, find in steps:
            if not undecided:
                break
            if method in skip:
                continue
            found = find(undecided)
            decided: list[Outcome] = []
            for album in undecided:
                decision = decide(album, found.get(album.id, []), method)
                seen[album.id].extend((scored, method) for scored in decision.weighed)
                if decision.status == "needs_review":  # twins of one group: that is known
                    decision = decide_group(album, seen[album.id], decision)
                if decision.status == "no_match":
                    if decision.weighed or album.id not in last:  # keep what was weighed
                        last[album.id] = Outcome(album.id, decision)
                else:
                    decided.append(Outcome(album.id, decision))
            winners, losers = self._one_album_per_release(decided, held)
            for loser in losers:
                last[loser.album_id] = loser
            self._complete(winners)
            for outcome in winners:
                outcomes[outcome.album_id] = outcome
                if outcome.release_mbid:
                    held[outcome.release_mbid] = outcome.album_id
            undecided = [album for album in undecided if album.id not in outcomes]
            if winners:
                on_decided(winners)
            on_step(method)
        final = []
        for album in undecided:
            outcome = last.get(album.id) or Outcome(
                album.id, Decision("no_match", None, 0.0, None, ())
            )
            decision = decide_group(album, seen[album.id], outcome.decision)
            if decision is not outcome.decision:
                outcome = Outcome(album.id, decision, note=outcome.note)
            final.append(outcome)
        self._complete(final)
        outcomes.update((outcome.album_id, outcome) for outcome in final)
        if final:
            on_decided(final)
        return outcomes

    def _one_album_per_release(
        self, decided: list[Outcome], held: dict[str, str]
    ) -> tuple[list[Outcome], list[Outcome]]:
        """(winners, losers): a release is one Spotify album.

        An artist's earlier single of the same name is not this week's single. Where albums
        claim one release, an album that already holds it (decided earlier in this batch by
        a surer method, or in an earlier batch) keeps it; otherwise the surer method, then
        the higher confidence, wins. Losers go on to the next step, which may find theirs.
        """
        claims: dict[str, list[Outcome]] = defaultdict(list)
        winners = [o for o in decided if o.decision.chosen is None]  # needs review
        for outcome in decided:
            if outcome.decision.chosen is not None:
                claims[outcome.decision.chosen.release.id].append(outcome)
        earlier = self.claimed(list(claims)) | held
        losers: list[Outcome] = []
        for mbid, rivals in claims.items():
            rivals.sort(
                key=lambda o: (METHOD_RANK[o.decision.method or "fuzzy"], -o.decision.confidence)
            )
            holder = earlier.get(mbid)
            if holder is not None and holder not in {r.album_id for r in rivals}:
                beaten = rivals
            else:
                holder = rivals[0].album_id
                winners.append(rivals[0])
                beaten = rivals[1:]
            for loser in beaten:
                loser.decision = Decision("no_match", None, 0.0, None, loser.decision.weighed)
                loser.note = f"its best candidate {mbid} is album {holder}'s release"
                losers.append(loser)
        return winners, losers

    def _by_url(self, albums: list[AlbumFacts]) -> dict[str, list[Release]]:
        urls = self.client.urls([album.spotify_url for album in albums])
        found: dict[str, list[Release]] = {}
        for album in albums:
            url = urls.get(album.spotify_url)
            if url is not None:
                found[album.id] = [r.release for r in url.relations if r.release is not None]
        return found

    def _by_barcode(self, albums: list[AlbumFacts]) -> dict[str, list[Release]]:
        with_upc = [album for album in albums if barcode_key(album.upc)]
        found: dict[str, list[Release]] = defaultdict(list)
        for part in batches(with_upc, BARCODE_ALBUMS_PER_QUERY):
            spellings = [s for album in part for s in barcode_spellings(album.upc)]
            releases = self.client.search_releases(any_of("barcode", spellings), max_pages=5)
            by_key: dict[str | None, list[Release]] = defaultdict(list)
            for release in releases:
                by_key[barcode_key(release.barcode)].append(release)
            for album in part:
                found[album.id].extend(by_key.get(barcode_key(album.upc), []))
        return found

    def _by_isrc(self, albums: list[AlbumFacts]) -> dict[str, list[Release]]:
        isrcs = self.isrcs(albums)
        wanted = [(album.id, isrc) for album in albums for isrc in isrcs.get(album.id, ())]
        found: dict[str, list[Release]] = defaultdict(list)
        for part in batches(wanted, ISRCS_PER_QUERY):
            recordings = self.client.search_recordings(any_of("isrc", [i for _, i in part]))
            releases_of: dict[str, list[Release]] = defaultdict(list)
            for recording in recordings:
                for isrc in recording.isrcs:
                    releases_of[isrc.upper()].extend(recording.releases)
            for album_id, isrc in part:
                found[album_id].extend(releases_of.get(isrc.upper(), []))
        return self._with_barcodes(found)

    def _with_barcodes(self, found: dict[str, list[Release]]) -> dict[str, list[Release]]:
        """Candidates as a release search describes them, barcode included.

        A recording search lists its releases without barcodes; without them "another
        barcode is another release" cannot tell this album from another country's pressing
        of the same recordings. One `reid:` search completes many releases (and brings
        their release group and artists, so completion has nothing left to ask).
        """
        mbids = list(dict.fromkeys(r.id for releases in found.values() for r in releases))
        complete: dict[str, Release] = {}
        for part in batches(mbids, REIDS_PER_QUERY):
            quoted = " OR ".join(part)
            for release in self.client.search_releases(f"reid:({quoted})", max_pages=2):
                complete[release.id] = release
        return {
            album_id: [complete.get(r.id, r) for r in releases]
            for album_id, releases in found.items()
        }

    def _by_search(self, albums: list[AlbumFacts]) -> dict[str, list[Release]]:
        found: dict[str, list[Release]] = {}
        for part in batches(albums, SEARCH_ALBUMS_PER_QUERY):
            clauses = [clause for album in part if (clause := _search_clause(album))]
            if not clauses:
                continue
            releases = self.client.search_releases(" OR ".join(clauses))
            for album in part:
                found[album.id] = releases  # scoring sorts out whose hit is whose
        return found

    def _complete(self, outcomes: list[Outcome]) -> None:
        """The MBIDs of matched outcomes: release (at release level), release group and
        artists, fetched for the releases that lack them (URL relationships carry neither)."""
        shown = {o.album_id: s for o in outcomes if (s := o.decision.chosen or o.decision.group)}
        releases = {scored.release.id: scored.release for scored in shown.values()}
        lacking = [r.id for r in releases.values() if not (r.release_group and r.artist_credit)]
        for part in batches(lacking, REIDS_PER_QUERY):
            quoted = " OR ".join(part)
            for release in self.client.search_releases(f"reid:({quoted})", max_pages=2):
                releases[release.id] = release
        for outcome in outcomes:
            if outcome.album_id not in shown:
                continue
            release = releases[shown[outcome.album_id].release.id]
            outcome.release_mbid = release.id if outcome.decision.chosen is not None else None
            outcome.release_group_mbid = release.release_group.id if release.release_group else None
            outcome.artist_mbids = [credit.artist.id for credit in release.artist_credit]


def _search_clause(album: AlbumFacts) -> str | None:
    title = words(split_title(album.name).bare)  # "(Blue Album)" is not in MB's title
    artist = words(album.artists[0]) if album.artists else []
    if not title:
        return None
    clause = f"release:({' AND '.join(title)})"
    if artist:
        clause += f" AND artist:({' AND '.join(artist)})"
    return f"({clause})"
