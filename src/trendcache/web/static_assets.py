"""The static files, each under a name that carries a hash of its content.

`StaticAssets` reads every file under `static/` once, when the app is built (about 2 ms for
the 2 MB there, Swagger UI included), and keeps its bytes: what is served is always what was
hashed, even when an upgrade replaces the files under a process still running. `url`
gives the fingerprinted address pages link (`/static/style.<hash>.css`), which may be kept
for a year; `find` resolves a request's name against the map alone, so a request can only
name a file enumerated here: `..`, absolute paths or anything else simply is not a key.

A fingerprint that is not the current one (a page from the previous release, asking during
a rolling restart, or a newer page asking a process not yet restarted) still gets the
current file, marked not current so that it is sent `no-cache`, never immutable: a 404
would leave that page unstyled or without htmx, while a file one release off is right but
for details, and is revalidated (by its ETag, of its content) on next use.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

PREFIX = "/static/"  # where the app serves them (`static_route.py`)
FINGERPRINT_LENGTH = 10  # hex digits: 40 bits, against the few versions a file ever has
# `style.0123456789.css`, `htmx.min.0123456789.js`, `LICENSE.0123456789`: the last segment.
FINGERPRINTED = re.compile(rf"^(.+)\.[0-9a-f]{{{FINGERPRINT_LENGTH}}}(\.[^./]+)?$")
# Text that browsers would otherwise decode by guesswork; JavaScript is
# `application/javascript` in some `mimetypes` tables.
TEXT_TYPES = ("text/", "application/javascript", "application/json")


@dataclass(frozen=True)
class Asset:
    name: str  # relative to static/, with `/`: "swagger/swagger-ui.css"
    body: bytes
    digest: str  # of the body, hex; its first digits are the fingerprint
    content_type: bytes

    @property
    def url(self) -> str:
        path = PurePosixPath(self.name)
        fingerprint = self.digest[:FINGERPRINT_LENGTH]
        return f"{PREFIX}{path.with_name(f'{path.stem}.{fingerprint}{path.suffix}')}"


@dataclass(frozen=True)
class Found:
    """The file a request names, and whether it named it by its current fingerprint."""

    asset: Asset
    current: bool


class StaticAssets:
    def __init__(self, directory: Path) -> None:
        self._assets: dict[str, Asset] = {}
        self._names: dict[str, Found] = {}  # plain names, and current fingerprinted ones
        for path in sorted(directory.rglob("*")):
            relative = path.relative_to(directory)
            if not path.is_file() or any(part.startswith(".") for part in relative.parts):
                continue
            asset = read_asset(relative.as_posix(), path.read_bytes())
            self._assets[asset.name] = asset
            self._names[asset.name] = Found(asset, current=False)
            self._names[asset.url.removeprefix(PREFIX)] = Found(asset, current=True)

    def url(self, name: str) -> str:
        """The fingerprinted address of `name` (a `KeyError` for a file that is not there,
        so a template naming one fails its tests rather than linking a 404)."""
        return self._assets[name].url

    def find(self, requested: str) -> Found | None:
        """The file a request's path (after `/static/`) names, if any."""
        found = self._names.get(requested)
        if found is not None:
            return found
        folder, slash, last = requested.rpartition("/")
        stale = FINGERPRINTED.match(last)
        if stale is None:
            return None
        plain = f"{folder}/{stale.group(1)}" if slash else stale.group(1)
        asset = self._assets.get(f"{plain}{stale.group(2) or ''}")
        return Found(asset, current=False) if asset is not None else None

    def __iter__(self) -> Iterator[Asset]:
        return iter(self._assets.values())


def read_asset(name: str, body: bytes) -> Asset:
    guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if guessed.startswith(TEXT_TYPES):
        guessed += "; charset=utf-8"
    digest = hashlib.blake2b(body, digest_size=16).hexdigest()
    return Asset(name=name, body=body, digest=digest, content_type=guessed.encode())
