"""Choosing a Content-Encoding from Accept-Encoding, and what is worth compressing."""

from __future__ import annotations

import gzip

import brotli
import pytest
import zstandard

from trendcache.web.encodings import MIN_SIZE, encode, negotiate

ALL = {"identity": b"", "br": b"", "zstd": b"", "gzip": b""}


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, "identity"),
        ("", "identity"),
        ("gzip", "gzip"),
        ("gzip, deflate, br", "br"),  # equal q: br first
        ("gzip, zstd", "zstd"),
        ("br;q=0.5, gzip", "gzip"),  # the higher q wins over our preference
        ("br;q=0.5, gzip;q=0.4", "br"),
        ("GZIP;Q=1", "gzip"),  # names and parameters are case-insensitive
        (" gzip ; q=0.9 , br ; q=0.8", "gzip"),
        ("br;q=0, gzip;q=0", "identity"),
        ("deflate, compress", "identity"),  # nothing we have: identity
        ("*", "br"),
        ("*;q=0.5, gzip", "gzip"),
        ("gzip;q=0.2, *;q=0.3", "br"),
        ("identity;q=0, gzip;q=0.1", "gzip"),
        ("identity", "identity"),
        ("br;q=nonsense, gzip;q=0.1", "gzip"),  # a malformed q refuses that coding
        ("x-unknown;q=1, identity;q=0.5", "identity"),
    ],
)
def test_negotiate(accept: str | None, chosen: str) -> None:
    assert negotiate(accept, ALL) == chosen


def test_negotiate_offers_only_what_is_available() -> None:
    assert negotiate("br, gzip;q=0.5", {"identity": b"", "gzip": b""}) == "gzip"
    assert negotiate("br, gzip", {"identity": b""}) == "identity"


def test_identity_refused_and_nothing_else_acceptable_is_still_identity() -> None:
    assert negotiate("identity;q=0, deflate", ALL) == "identity"
    assert negotiate("*;q=0", ALL) == "identity"


def test_every_encoding_decodes_to_the_body() -> None:
    body = b'{"x":"' + b"trending " * 500 + b'"}'
    encoded = encode(body)
    assert set(encoded) == {"identity", "br", "zstd", "gzip"}
    assert encoded["identity"] is body
    assert brotli.decompress(encoded["br"]) == body
    assert zstandard.ZstdDecompressor().decompress(encoded["zstd"]) == body
    assert gzip.decompress(encoded["gzip"]) == body
    assert all(len(encoded[name]) < len(body) for name in ("br", "zstd", "gzip"))


def test_small_bodies_stay_identity_only() -> None:
    small = b"{" + b" " * (MIN_SIZE - 3) + b"}"
    assert encode(small) == {"identity": small}
    assert set(encode(small + b" ")) == {"identity", "br", "zstd", "gzip"}
