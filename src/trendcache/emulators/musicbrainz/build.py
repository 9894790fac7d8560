"""The MusicBrainz side of the catalog and its ground truth, built from the plans.

The truth is decided here, from what the built releases let anyone tell apart (``plan``
lists the traps): the album's own release when MusicBrainz has it and something singles
it out, else only its release group when a release of it is there, else nothing.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import timedelta

from trendcache.emulators.spotify import codes
from trendcache.emulators.spotify.catalog import Catalog
from trendcache.emulators.spotify.model import Track as SpotifyTrack

from .constants import ENGLISH
from .factory import ReleaseFactory, primary_type
from .ids import mbid
from .model import (
    ArtistCredit,
    Credit,
    Expected,
    HardCase,
    Medium,
    Recording,
    Release,
    ReleaseGroup,
)
from .plan import AlbumPlan, plan_albums
from .pressings import described
from .titles import split_featuring, styled
from .traps import national_twins, reissue, twin


class Builder:
    def __init__(self, catalog: Catalog, seed: int) -> None:
        self.seed = seed
        self.factory = ReleaseFactory(catalog, seed)
        self.people = self.factory.people
        self.releases: list[Release] = []
        self.truth: dict[str, Expected] = {}
        for plan in plan_albums(catalog, seed):
            self._add(plan)

    def _add(self, plan: AlbumPlan) -> None:
        factory, album, cases = self.factory, plan.album, _cases(plan)
        if plan.method is None:
            self.truth[album.id] = Expected(None, None, hard_cases=cases)
        elif plan.trap == "other-pressing-only":
            self._group_only(plan, [self._keep(factory.release(plan, "cd"))], cases)
        elif plan.trap == "twins-only":
            self._group_only(plan, [self._keep(r) for r in national_twins(factory, plan)], cases)
        else:
            digital = self._keep(factory.release(plan, "digital"))
            if described(digital.disambiguation):
                cases += ("pressing-comment",)
            artists = tuple(c.artist.id for c in digital.credit)
            self.truth[album.id] = Expected(
                digital.id, digital.group.id, artists, plan.method, cases
            )
            if plan.trap == "barcode-twin":
                self._keep(twin(factory, plan, digital))
            elif plan.trap == "shared-barcode-reissue":
                self._keep(reissue(factory, plan, digital))
        if plan.cd_edition and plan.trap != "other-pressing-only":
            self._keep(factory.release(plan, "cd"))
        if plan.same_title_decoy:
            self._decoy(plan)

    def _group_only(
        self, plan: AlbumPlan, releases: Sequence[Release], cases: tuple[HardCase, ...]
    ) -> None:
        """MusicBrainz holds the album, but no release one could name as Spotify's."""
        if any(described(r.disambiguation) for r in releases):
            cases += ("pressing-comment",)
        artists = tuple(c.artist.id for c in releases[0].credit)
        group = releases[0].group.id
        self.truth[plan.album.id] = Expected(None, group, artists, plan.method, cases)

    def _keep(self, release: Release) -> Release:
        self.releases.append(release)
        return release

    def _decoy(self, plan: AlbumPlan) -> None:
        """A release with the album's title by an unrelated artist: a cover, a namesake."""
        album, key = plan.album, f"{plan.album.id}:decoy"
        rng = random.Random(f"{self.seed}:mb:decoy:{album.id}")
        artist = self.people.decoy_for(album.id)
        credit: ArtistCredit = (Credit(artist, artist.name),)
        title = styled(album.name).bare
        tracks = tuple(
            self.factory.track(key, n, self._decoy_recording(key, n, t, credit), t.duration_ms)
            for n, t in enumerate(album.tracks, 1)
        )
        group = ReleaseGroup(
            mbid(self.seed, f"release-group:{key}"), title, primary_type(album), (), credit
        )
        day = album.release_date - timedelta(days=rng.randint(30, 3000))
        self._keep(
            Release(
                id=mbid(self.seed, f"release:{key}"),
                title=title,
                credit=credit,
                group=group,
                date=day.isoformat(),
                country="XW",
                barcode=codes.upc(f"{self.seed}:mb:decoy:{album.id}")
                if rng.random() < 0.6
                else None,
                packaging="None",
                media=(Medium(mbid(self.seed, f"medium:{key}:1"), 1, "Digital Media", tracks),),
                label=self.people.label(artist.name, [artist.name]),
                catalog_number=None,
                language=ENGLISH[0],
                script=ENGLISH[1],
            )
        )

    def _decoy_recording(
        self, key: str, n: int, track: SpotifyTrack, credit: tuple[Credit, ...]
    ) -> Recording:
        title, _ = split_featuring(track.name)
        return Recording(
            mbid(self.seed, f"recording:{key}:{n}"), title, track.duration_ms, credit, ()
        )


def _cases(plan: AlbumPlan) -> tuple[HardCase, ...]:
    """The album's traps known from its plan and name (pressing comments come later)."""
    trap: tuple[HardCase, ...] = (plan.trap,) if plan.trap else ()
    return (*trap, "self-titled") if styled(plan.album.name).nickname else trap
