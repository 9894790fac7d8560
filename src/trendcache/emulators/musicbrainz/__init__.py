"""A faithful, local MusicBrainz ws/2 for tests, the demo and the matcher's evaluation.

``MusicBrainzEmulator`` builds a MusicBrainz catalog from the Spotify emulator's catalog,
with real-world matching difficulty and its ground truth (``truth``), and serves it over
real HTTP with MusicBrainz's response shapes, errors, User-Agent policy and rate limit.
"""

from .catalog import MusicBrainzCatalog
from .model import Expected, LinkMethod
from .server import MusicBrainzEmulator
from .stats import RequestRecord, Stats

__all__ = [
    "Expected",
    "LinkMethod",
    "MusicBrainzCatalog",
    "MusicBrainzEmulator",
    "RequestRecord",
    "Stats",
]
