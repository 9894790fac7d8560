"""``python -m trendcache.emulators.musicbrainz``: the MusicBrainz emulator as a process.

Its catalog is built from the Spotify emulator's catalog of the same ``--seed``, so it
pairs with ``python -m trendcache.emulators.spotify --seed N``. Prints its ``/ws/2`` base
URL on one line, then serves until SIGINT or SIGTERM.
"""

from __future__ import annotations

from collections.abc import Sequence

from trendcache.emulators.cli import parser, positive, serve
from trendcache.emulators.spotify import build_catalog

from .server import MusicBrainzEmulator


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parser("python -m trendcache.emulators.musicbrainz", "A local MusicBrainz ws/2.")
    arguments.add_argument(
        "--rate",
        type=positive,
        default=1.0,
        help="requests per second allowed per client (default 1, as MusicBrainz)",
    )
    args = arguments.parse_args(argv)
    emulator = MusicBrainzEmulator(
        build_catalog(args.seed),
        seed=args.seed,
        requests_per_second=args.rate,
        latency=args.latency,
        host=args.host,
        port=args.port,
    )
    return serve(emulator)


if __name__ == "__main__":
    raise SystemExit(main())
