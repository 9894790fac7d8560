"""A faithful, local Spotify Web API (2026) for tests and the demo.

``SpotifyEmulator`` serves a generated catalog over real HTTP, with Spotify's two access
tiers, its exact error bodies, rate limits and quota, and switchable faults.
"""

from .catalog import Catalog
from .generate import build_catalog
from .model import Album, Artist, Copyright, Track
from .server import SpotifyEmulator

__all__ = ["Album", "Artist", "Catalog", "Copyright", "SpotifyEmulator", "Track", "build_catalog"]
