"""A local ListenBrainz API for tests and the demo: fresh releases and listeners' charts.

Shaped from the documented responses (``docs/users/api`` of metabrainz/listenbrainz-server
and the view docstrings it is generated from): ``GET /1/explore/fresh-releases/`` and
``GET /1/stats/sitewide/release-groups``, with ListenBrainz's ``X-RateLimit-*`` headers,
its 429 and 204, and fault switches (``faults``). Where to read more: ``catalog`` (the
invented data), ``limits`` (the rate limit), ``faults``, ``app`` (the order things apply).
"""

from .catalog import Catalog
from .request_log import RequestRecord, Stats
from .server import ListenBrainzEmulator

__all__ = ["Catalog", "ListenBrainzEmulator", "RequestRecord", "Stats"]
