"""Test-suite wiring: shared fixtures live in tests/fixtures/ as plugins."""

import os

from trendcache.config import Settings

# A developer's own environment must not leak into tests (a real SPOTIFY_CLIENT_ID, say).
for _name in Settings.model_fields:
    os.environ.pop(_name.upper(), None)

pytest_plugins = [
    "tests.fixtures.services",
    "tests.fixtures.database",
    "tests.fixtures.spotify",
    "tests.fixtures.musicbrainz",
    "tests.fixtures.listenbrainz",
    "tests.fixtures.app",
    "tests.fixtures.accounts",
    "tests.fixtures.browser",
]
