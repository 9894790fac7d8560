"""An artist's current release cycles, plus the helpers every release generator shares.

Artists release in cycles (lead singles, then an album or EP, sometimes a deluxe edition)
anchored to a fixed epoch, so a release keeps its id, date and content whatever ``today``
is. Which releases are materialised depends on a generation anchor, ``today`` rounded
down to a two-week period, so restarting the emulator on the next day rebuilds the very
same catalog. Release days cluster on Fridays, like real New Music Friday lists.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from . import names
from .codes import digest
from .model import Album, Artist
from .releases import ReleaseFactory, Song, markets_for

PERIOD_DAYS = 14  # the generation anchor moves in steps of this many days
HISTORY_DAYS = 45  # recent releases kept before the anchor (older ones are back catalog)
SCHEDULE_DAYS = 60  # scheduled releases after the period, revealed as advance() moves today
_CYCLE_SPAN = 160  # longest stretch from a cycle's first single to its deluxe edition
_EPOCH = date(2000, 1, 7)  # a Friday
SELF_TITLING_SHARE = 6  # percent of artists who name albums after themselves


def generation_anchor(today: date) -> date:
    """``today`` rounded down to its two-week period."""
    return today - timedelta(days=(today - _EPOCH).days % PERIOD_DAYS)


def friday(day: date, rng: random.Random) -> date:
    """Most releases land on the next Friday; the rest keep their day."""
    if rng.random() < 0.6:
        return day + timedelta(days=(4 - day.weekday()) % 7)
    return day


class Discography:
    """Generation state shared by the cycle, back-catalog and compilation generators."""

    def __init__(self, seed: int, anchor: date, artists: list[Artist]) -> None:
        self.seed = seed
        self.anchor = anchor
        self.artists = artists
        self.factory = ReleaseFactory(seed)
        self.first_day = anchor - timedelta(days=HISTORY_DAYS)
        self.last_day = anchor + timedelta(days=PERIOD_DAYS + SCHEDULE_DAYS)
        self.back_cutoff = self.first_day - timedelta(days=30)
        self.by_id = {a.id: a for a in artists}
        self.by_country: dict[str, list[Artist]] = {}
        for artist in artists:
            self.by_country.setdefault(artist.country, []).append(artist)
        self.labels = [
            names.label(random.Random(f"{seed}:label:{i}"), a.country, a.name)
            for i, a in enumerate(artists)
        ]
        self.self_titling = {
            i
            for i in range(len(artists))
            if digest(f"{seed}:self-titled:{i}") % 100 < SELF_TITLING_SHARE
        }

    def albums(self) -> list[Album]:
        return self.factory.albums

    def label(self, rng: random.Random, index: int) -> str:
        artist = self.artists[index]
        return self.labels[index] if rng.random() < 0.85 else names.label(rng, "", artist.name)

    def guest(self, rng: random.Random, artist: Artist) -> Artist:
        local = self.by_country[artist.country]
        guest = rng.choice(local if rng.random() < 0.7 else self.artists)
        while guest is artist:
            guest = rng.choice(self.artists)
        return guest

    def songs(self, rng: random.Random, key: str, artist: Artist, year: int, n: int) -> list[Song]:
        """New songs with titles unique on their release."""
        songs: list[Song] = []
        taken: set[str] = set()
        for i in range(n):
            name = names.title(rng, artist.country)
            while name in taken:
                name = names.title(rng, artist.country)
            taken.add(name)
            guest = self.guest(rng, artist) if rng.random() < 0.12 else None
            songs.append(self.factory.song(rng, f"{key}.{i}", artist, year, name=name, guest=guest))
        return songs

    def cycles(self, index: int, artist: Artist) -> None:
        rng = random.Random(f"{self.seed}:career:{index}")
        if rng.random() < 0.12:
            return
        period, phase = rng.randint(40, 110), rng.randrange(40)
        start = (self.first_day - _EPOCH).days - _CYCLE_SPAN - phase
        end = (self.last_day - _EPOCH).days - phase
        for k in range(start // period, end // period + 1):
            self._cycle(index, artist, k, _EPOCH + timedelta(days=phase + k * period))

    def _in_window(self, day: date | None) -> bool:
        return day is not None and self.first_day <= day <= self.last_day

    def _cycle(self, index: int, artist: Artist, k: int, anchor: date) -> None:
        """Lead singles, then an album or EP, sometimes a deluxe edition weeks later.

        Dates come from their own random stream and are drawn first, so cycles outside the
        window cost nothing; content draws never depend on what the window materialises.
        """
        timing = random.Random(f"{self.seed}:timing:{index}:{k}")
        singles, day = [], anchor
        for _ in range(timing.choice((0, 1, 1, 2, 2, 3))):
            singles.append(friday(day, timing))
            day += timedelta(days=timing.randint(7, 21))
        kind = timing.choices(("album", "ep", "none"), (0.6, 0.3, 0.1))[0]
        main = friday(day + timedelta(days=timing.randint(0, 21)), timing)
        deluxe: date | None = friday(main + timedelta(days=timing.randint(21, 56)), timing)
        if kind != "album" or timing.random() >= 0.2:
            deluxe = None
        if not any(map(self._in_window, [*singles, main if kind != "none" else None, deluxe])):
            return
        rng = random.Random(f"{self.seed}:cycle:{index}:{k}")
        key, markets, label = f"c{index}.{k}", markets_for(rng, artist), self.label(rng, index)
        leads = []
        for s, when in enumerate(singles):
            songs = self.songs(rng, f"{key}.s{s}", artist, when.year, 1)
            if rng.random() < 0.3:
                variant = names.track_variant(rng, songs[0].name)
                songs.append(
                    self.factory.song(rng, f"{key}.s{s}v", artist, when.year, name=variant)
                )
            guests = [self.by_id[i] for i in songs[0].artist_ids[1:]]
            credited = [artist, *guests] if rng.random() < 0.5 else [artist]
            name = names.single(rng, songs[0].name, len(songs))
            if self._in_window(when):
                self.factory.release(
                    f"{key}.s{s}",
                    name=name,
                    album_type="single",
                    artists=credited,
                    when=when,
                    songs=songs,
                    label=label,
                    markets=markets,
                )
            leads.append(songs[0])
        if kind == "none":
            return
        size = rng.randint(8, 15) if kind == "album" else rng.randint(4, 6)
        songs = leads + self.songs(rng, f"{key}.m", artist, main.year, max(0, size - len(leads)))
        rng.shuffle(songs)
        title = names.title(rng, artist.country)
        if kind == "album" and index in self.self_titling and digest(f"{self.seed}:{key}:st") % 2:
            colour = names.CYCLE_COLOURS[k % len(names.CYCLE_COLOURS)]
            title = names.self_titled(artist.name, colour)
        is_ep = kind == "ep"
        name = names.single(rng, title, len(songs)) if is_ep else title
        if self._in_window(main):
            self.factory.release(
                f"{key}.m",
                name=name,
                album_type="single" if is_ep else "album",
                artists=[artist],
                when=main,
                songs=songs,
                label=label,
                markets=markets,
            )
        if deluxe is not None and self._in_window(deluxe):
            bonus = self.songs(rng, f"{key}.d", artist, deluxe.year, rng.randint(3, 8))
            self.factory.release(
                f"{key}.d",
                name=names.deluxe(rng, title),
                album_type="album",
                artists=[artist],
                when=deluxe,
                songs=songs + bonus,
                label=label,
                markets=markets,
                disc_sizes=(len(songs), len(bonus)) if rng.random() < 0.5 else (),
            )
