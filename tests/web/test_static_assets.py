"""The static files' map: fingerprinted names, and nothing resolvable but the files in it."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from trendcache.web.app import HERE
from trendcache.web.static_assets import StaticAssets

CSS = b"body { color: #222; }\n"


def fingerprint(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()[:10]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "style.css").write_bytes(CSS)
    (tmp_path / "htmx.min.js").write_bytes(b"htmx = {};\n")
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "LICENSE").write_bytes(b"MIT\n")
    (tmp_path / "vendor" / "icon.svg").write_bytes(b"<svg/>")
    (tmp_path / ".hidden").write_bytes(b"editor swap file")
    (tmp_path / "vendor" / ".git").mkdir()
    (tmp_path / "vendor" / ".git" / "config").write_bytes(b"secret")
    return tmp_path


def test_urls_carry_a_hash_of_the_content_before_the_extension(folder: Path) -> None:
    assets = StaticAssets(folder)
    assert assets.url("style.css") == f"/static/style.{fingerprint(CSS)}.css"
    assert re.fullmatch(r"/static/htmx\.min\.[0-9a-f]{10}\.js", assets.url("htmx.min.js"))
    assert re.fullmatch(r"/static/vendor/LICENSE\.[0-9a-f]{10}", assets.url("vendor/LICENSE"))
    assert re.fullmatch(r"/static/vendor/icon\.[0-9a-f]{10}\.svg", assets.url("vendor/icon.svg"))


def test_a_changed_file_gets_a_new_url(folder: Path) -> None:
    before = StaticAssets(folder).url("style.css")
    (folder / "style.css").write_bytes(CSS + b"a { color: red; }\n")
    assert StaticAssets(folder).url("style.css") != before


def test_a_template_naming_a_missing_file_fails(folder: Path) -> None:
    with pytest.raises(KeyError):
        StaticAssets(folder).url("missing.css")


def test_the_current_fingerprint_and_the_plain_name_find_the_file(folder: Path) -> None:
    assets = StaticAssets(folder)
    for name in ("style.css", "htmx.min.js", "vendor/LICENSE", "vendor/icon.svg"):
        current = assets.find(assets.url(name).removeprefix("/static/"))
        assert current is not None and current.current and current.asset.name == name
        plain = assets.find(name)
        assert plain is not None and not plain.current and plain.asset is current.asset


def test_a_fingerprint_not_current_finds_the_file_as_not_current(folder: Path) -> None:
    assets = StaticAssets(folder)
    for stale, name in [
        ("style.0123456789.css", "style.css"),
        ("htmx.min.abcdefabcd.js", "htmx.min.js"),
        ("vendor/LICENSE.0000000000", "vendor/LICENSE"),
    ]:
        found = assets.find(stale)
        assert found is not None and found.asset.name == name and not found.current, stale


@pytest.mark.parametrize(
    "requested",
    [
        "",
        "vendor",
        "vendor/",
        "missing.css",
        ".hidden",
        "vendor/.git/config",
        "../app.py",
        "vendor/../style.css",
        "./style.css",
        "/style.css",
        "/style.0123456789.css",
        "//etc/passwd",
        "/etc/passwd",
        "vendor\\..\\style.css",
        "STYLE.css",
        "style.ABCDEF0123.css",  # fingerprints are lower-case hex
        "style.012345678.css",  # and ten digits long
        "other/style.0123456789.css",
        "style.css/",
    ],
)
def test_nothing_else_resolves(folder: Path, requested: str) -> None:
    assert StaticAssets(folder).find(requested) is None


def test_content_types_from_the_extension_with_a_charset_for_text(folder: Path) -> None:
    assets = {asset.name: asset.content_type for asset in StaticAssets(folder)}
    assert assets["style.css"] == b"text/css; charset=utf-8"
    assert assets["htmx.min.js"] in (
        b"text/javascript; charset=utf-8",
        b"application/javascript; charset=utf-8",
    )
    assert assets["vendor/icon.svg"] == b"image/svg+xml"
    assert assets["vendor/LICENSE"] == b"application/octet-stream"
    assert set(assets) == {"style.css", "htmx.min.js", "vendor/LICENSE", "vendor/icon.svg"}


def test_every_shipped_file_is_served_by_its_url() -> None:
    assets = StaticAssets(HERE / "static")
    names = {asset.name for asset in assets}
    assert {"style.css", "htmx.min.js", "swagger/swagger-ui-bundle.js"} <= names
    for asset in assets:
        assert asset.body == (HERE / "static" / asset.name).read_bytes()
        found = assets.find(assets.url(asset.name).removeprefix("/static/"))
        assert found is not None and found.current and found.asset is asset
