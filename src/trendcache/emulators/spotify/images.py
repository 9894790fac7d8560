"""Generated cover art served in place of i.scdn.co, which nothing here can reach.

Each album gets a deterministic design (gradient plus one of several geometric motifs,
with its title set in type); artists get a portrait-style disc with their initials. SVG
keeps it small and crisp at Spotify's three sizes.
"""

from __future__ import annotations

import random
from xml.sax.saxutils import escape

from .catalog import Catalog
from .codes import ALBUM_IMAGE_PREFIXES, ARTIST_IMAGE_PREFIXES

SVG_TYPE = "image/svg+xml"
_ALBUM_SIZES = {prefix: size for size, prefix in ALBUM_IMAGE_PREFIXES.items()}
_ARTIST_SIZES = {prefix: size for size, prefix in ARTIST_IMAGE_PREFIXES.items()}
_FONT = "font-family=\"'Helvetica Neue', Helvetica, Arial, 'Noto Sans CJK JP', sans-serif\""


class CoverIndex:
    """Maps image file names back to what they depict."""

    def __init__(self, catalog: Catalog) -> None:
        self._albums = {
            a.image_key: (a.name, ", ".join(x.name for x in catalog.artists_of(a.artist_ids)))
            for a in catalog.albums
        }
        self._artists = {a.image_key: a.name for a in catalog.artists}

    def svg(self, name: str) -> str | None:
        """The SVG for an image file name (size prefix + key), or None if there is none."""
        prefix, key = name[:16], name[16:]
        if prefix in _ALBUM_SIZES and key in self._albums:
            title, artists = self._albums[key]
            return album_cover(key, _ALBUM_SIZES[prefix], title, artists)
        if prefix in _ARTIST_SIZES and key in self._artists:
            return artist_portrait(key, _ARTIST_SIZES[prefix], self._artists[key])
        return None


def _palette(rng: random.Random) -> tuple[str, str, str]:
    hue = rng.randrange(360)
    shift = rng.choice((35, 60, 150, 200))
    sat, light = rng.randint(55, 80), rng.randint(38, 58)
    return (
        f"hsl({hue},{sat}%,{light}%)",
        f"hsl({(hue + shift) % 360},{sat}%,{light - 18}%)",
        f"hsl({(hue + 180) % 360},{min(95, sat + 15)}%,{min(85, light + 25)}%)",
    )


def _motif(rng: random.Random, accent: str) -> str:
    kind = rng.randrange(5)
    if kind == 0:  # concentric rings
        cx, cy = rng.randint(160, 480), rng.randint(120, 360)
        return "".join(
            f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="none" stroke="{accent}" '
            f'stroke-width="{rng.randint(3, 14)}" opacity="{0.25 + r / 900:.2f}"/>'
            for r in range(40, 420, rng.choice((28, 36, 48)))
        )
    if kind == 1:  # diagonal bands
        width = rng.choice((40, 64, 90))
        return "".join(
            f'<rect x="{x}" y="-200" width="{width // 2}" height="1100" fill="{accent}" '
            f'opacity="{rng.uniform(0.08, 0.35):.2f}" transform="rotate(35 320 320)"/>'
            for x in range(-400, 1000, width)
        )
    if kind == 2:  # sunset over a striped horizon
        sun = f'<circle cx="320" cy="330" r="{rng.randint(130, 190)}" fill="{accent}"/>'
        lines = "".join(
            f'<rect x="0" y="{y}" width="640" height="{4 + (y - 330) // 14}" fill="#0b0b14" '
            f'opacity="0.85"/>'
            for y in range(340, 520, 22)
        )
        return sun + lines
    if kind == 3:  # dot grid
        step = rng.choice((32, 40, 53))
        return "".join(
            f'<circle cx="{x}" cy="{y}" r="{rng.randint(2, 9)}" fill="{accent}" opacity="0.55"/>'
            for x in range(step // 2, 640, step)
            for y in range(step // 2, 470, step)
        )
    return "".join(  # soft overlapping discs
        f'<circle cx="{rng.randint(0, 640)}" cy="{rng.randint(0, 480)}" '
        f'r="{rng.randint(60, 220)}" fill="{accent}" opacity="{rng.uniform(0.12, 0.4):.2f}"/>'
        for _ in range(rng.randint(5, 9))
    )


def _lines(text: str, width: int) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return lines[:2] if len(lines) <= 2 else [lines[0], lines[1] + "…"]


def _frame(size: int, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 640 640">{body}</svg>'
    )


def album_cover(key: str, size: int, title: str, artists: str) -> str:
    rng = random.Random(key)
    start, end, accent = _palette(rng)
    body = (
        f'<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">'
        f'<stop offset="0" stop-color="{start}"/><stop offset="1" stop-color="{end}"/>'
        f'</linearGradient><linearGradient id="s" x1="0" y1="0" x2="0" y2="1">'
        f'<stop offset="0.55" stop-color="#000" stop-opacity="0"/>'
        f'<stop offset="1" stop-color="#000" stop-opacity="0.55"/></linearGradient></defs>'
        f'<rect width="640" height="640" fill="url(#g)"/>{_motif(rng, accent)}'
        f'<rect width="640" height="640" fill="url(#s)"/>'
    )
    if size >= 300:
        lines = _lines(title, 22)
        top = 560 - 52 * (len(lines) - 1)
        text = "".join(
            f'<tspan x="40" y="{top + 52 * i}">{escape(line)}</tspan>'
            for i, line in enumerate(lines)
        )
        body += (
            f'<text {_FONT} font-size="46" font-weight="700" fill="#fff">{text}</text>'
            f'<text {_FONT} x="40" y="604" font-size="26" fill="#fff" opacity="0.8">'
            f"{escape(_lines(artists, 40)[0])}</text>"
        )
    return _frame(size, body)


def artist_portrait(key: str, size: int, name: str) -> str:
    rng = random.Random(key)
    start, end, accent = _palette(rng)
    initials = "".join(word[0] for word in name.split()[:2]).upper() or "?"
    body = (
        f'<defs><radialGradient id="r" cx="0.35" cy="0.3" r="0.9">'
        f'<stop offset="0" stop-color="{start}"/><stop offset="1" stop-color="{end}"/>'
        f'</radialGradient></defs><rect width="640" height="640" fill="url(#r)"/>'
        f'<circle cx="320" cy="330" r="230" fill="{accent}" opacity="0.18"/>'
        f'<text {_FONT} x="320" y="392" font-size="180" font-weight="700" fill="#fff" '
        f'text-anchor="middle" opacity="0.92">{escape(initials)}</text>'
    )
    return _frame(size, body)
