"""Name generators: artists, titles, edition suffixes, labels and copyright lines.

Every function takes the caller's ``random.Random`` so the catalog stays a pure function of
its seed; the templates mimic the naming habits seen in real new-release lists.
"""

from __future__ import annotations

import random

from .model import Copyright
from .words import (
    BAND_ADJECTIVES,
    BAND_NOUNS,
    DISTRIBUTORS,
    EN_MODIFIERS,
    EN_NOUNS,
    FAMILY_NAMES,
    GIVEN_NAMES,
    JA_GROUPS,
    LABEL_SUFFIXES,
    LABEL_WORDS,
    LANGUAGE_OF,
    MONONYMS,
    NORDIC_WORDS,
    REGIONAL_LABELS,
    SPANISH_BAND_NOUNS,
    STYLISED_NAMES,
    TITLE_PHRASES,
)

_EN_TEMPLATES = (
    "{adj} {noun}",
    "{adj} {noun}",
    "{noun}",
    "The {noun}",
    "{noun} of {noun2}",
    "{noun} & {noun2}",
    "I'll Be Fine",
    "Don't Look Back at the {noun}",
    "What If {noun}...?",
    "Call Me When It's {adj}",
    "Everything Is {adj}",
    "{adj}, {adj2} {noun}",
    "All My {noun}",
    "Say It Like You Mean It",
    "{noun}!",
    "{noun} Pt. 2",
    "Ain't No {noun}",
    "24/7",
)
_SUFFIX_FEAT = ("(feat. {name})", "(with {name})", "(feat. {name})", "(ft. {name})")
_TRACK_VARIANTS = (
    " (Sped Up)",
    " (Slowed + Reverb)",
    " (Acoustic)",
    " - Radio Edit",
    " (Remix)",
    " - Live",
    " (Interlude)",
)
_DELUXE = ("(Deluxe Edition)", "(Deluxe)", "(Expanded Edition)", "(Deluxe Version)")
# Self-titled albums go by their fans' nickname on Spotify: "Weezer (Blue Album)".
BACK_CATALOG_COLOURS = ("Blue", "Green", "Red")
CYCLE_COLOURS = (
    "White", "Black", "Teal", "Pink", "Orange", "Purple", "Grey", "Yellow", "Silver", "Gold",
)  # fmt: skip
_COMPILATIONS = (
    "Greatest Hits",
    "The Best of {artist}",
    "Essentials",
    "Gold: The Collection",
    "{artist} \N{EN DASH} Anthology {start}\N{EN DASH}{end}",
    "Singles {start}\N{EN DASH}{end}",
)
_VARIOUS = (
    "Summer Hits {year}",
    "Indie Favourites {year}",
    "Now That's Music Vol. {n}",
    "100 Greatest Road Trip Songs",
    "Chill Beats, Vol. {n}",
    "Éxitos Latinos {year}",
    "J-Pop Best {year}",
)


def artist_name(rng: random.Random, country: str) -> tuple[str, bool]:
    """A name in the style of the home market, and whether the act is a group."""
    lang = LANGUAGE_OF[country]
    roll = rng.random()
    if lang == "ja":
        if roll < 0.35:
            return rng.choice(FAMILY_NAMES["ja"]) + rng.choice(GIVEN_NAMES["ja"]), False
        if roll < 0.55:
            given, family = rng.choice(GIVEN_NAMES["ja_latn"]), rng.choice(FAMILY_NAMES["ja_latn"])
            return f"{given} {family}", False
        if roll < 0.8:
            return rng.choice(JA_GROUPS), True
        return rng.choice(STYLISED_NAMES), True
    person = f"{rng.choice(GIVEN_NAMES[lang])} {rng.choice(FAMILY_NAMES[lang])}"
    if roll < 0.42:
        return person, False
    if roll < 0.5:
        return rng.choice(MONONYMS + GIVEN_NAMES[lang]), False
    if roll < 0.62:
        return f"The {rng.choice(BAND_ADJECTIVES)} {rng.choice(BAND_NOUNS)}", True
    if roll < 0.68:
        return f"{rng.choice(BAND_ADJECTIVES)} {rng.choice(BAND_NOUNS)}", True
    if roll < 0.74:
        prefix = rng.choice(("DJ", "Lil", "MC", "Young"))
        return f"{prefix} {rng.choice(GIVEN_NAMES[lang])}", False
    if roll < 0.8:
        link = rng.choice(("&", "+", "and"))
        return f"{rng.choice(GIVEN_NAMES[lang])} {link} the {rng.choice(BAND_NOUNS)}", True
    if roll < 0.86:
        return f"{rng.choice(GIVEN_NAMES[lang])} & {rng.choice(GIVEN_NAMES[lang])}", True
    if roll < 0.9 and lang == "es":
        return f"Los {rng.choice(SPANISH_BAND_NOUNS)} de {rng.choice(FAMILY_NAMES['es'])}", True
    if roll < 0.94:
        return rng.choice(STYLISED_NAMES), True
    return " ".join(rng.sample(NORDIC_WORDS, 2)), True


def title(rng: random.Random, country: str) -> str:
    """A song or album title in the home market's language (English everywhere, too)."""
    lang = LANGUAGE_OF[country]
    if lang != "en" and rng.random() < 0.6:
        text = rng.choice(TITLE_PHRASES[lang])
        if rng.random() < 0.1:
            text += rng.choice((" Pt. 2", " II", ", Vol. 1"))
    else:
        text = rng.choice(_EN_TEMPLATES).format(
            adj=rng.choice(EN_MODIFIERS),
            adj2=rng.choice(EN_MODIFIERS),
            noun=rng.choice(EN_NOUNS),
            noun2=rng.choice(EN_NOUNS),
        )
    style = rng.random()
    if style < 0.08:
        return text.lower()
    if style < 0.13:
        return text.upper()
    return text


def featuring(rng: random.Random, song: str, guest: str) -> str:
    return f"{song} {rng.choice(_SUFFIX_FEAT).format(name=guest)}"


def track_variant(rng: random.Random, song: str) -> str:
    return song + rng.choice(_TRACK_VARIANTS)


def deluxe(rng: random.Random, album: str) -> str:
    return f"{album} {rng.choice(_DELUXE)}"


def self_titled(artist: str, colour: str) -> str:
    """A self-titled album as Spotify lists it; MusicBrainz prints the artist's name alone."""
    return f"{artist} ({colour} Album)"


def remaster(rng: random.Random, album: str, year: int) -> str:
    form = rng.choice(("{a} (Remastered {y})", "{a} - Remastered {y}", "{a} ({y} Remaster)"))
    return form.format(a=album, y=year)


def single(rng: random.Random, song: str, tracks: int) -> str:
    """Single and EP titles; the odd ``- Single`` suffix leaks in from distributor feeds."""
    if tracks >= 4:
        return rng.choice(("{s} EP", "{s} - EP", "{s}")).format(s=song)
    return f"{song} - Single" if rng.random() < 0.08 else song


def compilation(rng: random.Random, artist: str, start: int, end: int) -> str:
    return rng.choice(_COMPILATIONS).format(artist=artist, start=start, end=end)


def various(rng: random.Random, year: int) -> str:
    return rng.choice(_VARIOUS).format(year=year, n=rng.randint(2, 31))


def label(rng: random.Random, country: str, artist: str | None) -> str:
    """A label name; self-released artists (``artist`` given) appear as their own label."""
    roll = rng.random()
    if roll < 0.15 and artist:
        return artist
    if roll < 0.4 and country in REGIONAL_LABELS:
        return rng.choice(REGIONAL_LABELS[country])
    name = f"{rng.choice(LABEL_WORDS)} {rng.choice(LABEL_SUFFIXES)}"
    return f"{name}/{rng.choice(DISTRIBUTORS)}" if roll < 0.5 else name


def copyrights(rng: random.Random, year: int, label: str, artist: str) -> tuple[Copyright, ...]:
    style = rng.randrange(4)
    if style == 0:
        texts = (f"© {year} {label}", f"℗ {year} {label}")
    elif style == 1:
        texts = (f"{year} {label}", f"{year} {label}")
    elif style == 2:
        owner = f"{artist}, under exclusive licence to {label}"
        texts = (f"© {year} {owner}", f"℗ {year} {owner}")
    else:
        texts = (f"(C) {year} {label}", f"(P) {year} {label}")
    return Copyright(texts[0], "C"), Copyright(texts[1], "P")
