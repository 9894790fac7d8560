"""Pressings that share an album's barcode: the traps of ``plan`` that real releases showed.

Nevermind's AU and US CDs store 720642442524 and 0720642442524 and differ only in
country, label and catalogue number; Lift Your Skinny Fists' 2000 and 2018 vinyl share
666561001216 eighteen years apart. A barcode alone names neither; the label, the date
and the country do, when the album's own release is there to be told apart.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

from trendcache.emulators.spotify.codes import digest
from trendcache.emulators.spotify.discography import generation_anchor

from .constants import AREAS
from .factory import ReleaseFactory
from .ids import catalog_number, retyped_barcode
from .model import Release
from .plan import AlbumPlan

VINYL, GATEFOLD = '12" Vinyl', "Gatefold Cover"


def twin(factory: ReleaseFactory, plan: AlbumPlan, release: Release) -> Release:
    """The same barcode, title, date and tracks, licensed to another label abroad; the
    album's Spotify label and copyright lines name ``release``'s label, never the twin's."""
    album, key = plan.album, f"{plan.album.id}:twin"
    country = _abroad(factory.seed, key, release.country, factory.home(album))
    shown = [album.label, *(c.text for c in album.copyrights)]
    label = factory.people.licensee(key, country, shown)
    barcode = _padded_otherwise(factory.seed, key, release.barcode)
    return factory.copy(plan, release, "twin", country=country, barcode=barcode, label=label)


def national_twins(factory: ReleaseFactory, plan: AlbumPlan) -> tuple[Release, Release]:
    """Two national releases under the album's label, nothing but the country and the
    catalogue number apart, and no worldwide one: which Spotify sells is unknowable."""
    album, key = plan.album, f"{plan.album.id}:twin"
    digital = factory.release(plan, "digital")
    home = factory.home(album)
    first = replace(
        digital,
        country=home if home != "XW" else "US",
        catalog_number=catalog_number(factory.seed, album.id, digital.label.name),
    )
    country = _abroad(factory.seed, key, first.country)
    barcode = _padded_otherwise(factory.seed, key, first.barcode)
    second = factory.copy(plan, first, "twin", country=country, barcode=barcode)
    return first, replace(second, disambiguation=first.disambiguation)  # not a pressing apart


def reissue(factory: ReleaseFactory, plan: AlbumPlan, release: Release) -> Release:
    """A vinyl reissue years apart (before, for albums too recent) storing the same digits."""
    album, key = plan.album, f"{plan.album.id}:reissue"
    rng = random.Random(f"{factory.seed}:mb:reissue:{album.id}")
    apart, year = rng.randint(3, 18), album.release_date.year
    this_year = generation_anchor(factory.spotify.today).year  # the same all period long
    year = year + apart if year + apart < this_year else year - apart
    day = str(year) if rng.random() < 0.5 else date(year, rng.randint(1, 12), 15).isoformat()
    country = _abroad(factory.seed, key, release.country, factory.home(album))
    barcode = _padded_otherwise(factory.seed, key, release.barcode)
    return factory.copy(
        plan, release, "reissue", country=country, barcode=barcode, day=day, form=VINYL,
        packaging=GATEFOLD,
    )  # fmt: skip


def _abroad(seed: int, key: str, *taken: str) -> str:
    countries = sorted(c for c in AREAS if c != "XW" and c not in taken)
    return countries[digest(f"{seed}:mb:abroad:{key}") % len(countries)]


def _padded_otherwise(seed: int, key: str, barcode: str | None) -> str | None:
    """Half the time the other padding of the same digits (``0720…`` for ``720…``)."""
    if barcode and digest(f"{seed}:mb:padding:{key}") % 2:
        return retyped_barcode(barcode, 1)
    return barcode
