"""A faithful, local MusicBrainz ws/2 for tests, the demo and the matcher's evaluation.

``MusicBrainzEmulator`` builds a MusicBrainz catalog from the Spotify emulator's catalog,
with real-world matching difficulty and its ground truth (``truth``), and serves it over
real HTTP with MusicBrainz's response shapes, errors, User-Agent policy and rate limit.

Where to read more: ``plan`` (the difficulty mix and the traps), ``search`` (Lucene subset, scores,
barcodes as stored), ``limits`` (client keys, the sliding window, agents refused),
``errors`` (bodies and headers of every refusal), ``pipeline`` (the order they apply in).
"""

from .catalog import MusicBrainzCatalog
from .model import HARD_CASES, Expected, HardCase, LinkMethod
from .request_log import RequestRecord, Stats
from .server import MusicBrainzEmulator

__all__ = [
    "HARD_CASES",
    "Expected",
    "HardCase",
    "LinkMethod",
    "MusicBrainzCatalog",
    "MusicBrainzEmulator",
    "RequestRecord",
    "Stats",
]
