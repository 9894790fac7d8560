"""``python -m trendcache.emulators.spotify``: the Spotify emulator as a process.

Prints its ``/v1`` base URL (accounts at the same origin, ``/api/token``) on one line,
then serves until SIGINT or SIGTERM. Client credentials are the emulator's defaults.
"""

from __future__ import annotations

from collections.abc import Sequence

from trendcache.emulators.cli import parser, serve

from .instance import TIERS
from .server import SpotifyEmulator


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parser("python -m trendcache.emulators.spotify", "A local Spotify Web API.")
    arguments.add_argument(
        "--tier",
        choices=TIERS,
        default="extended",
        help="the app's access tier (default: extended)",
    )
    args = arguments.parse_args(argv)
    emulator = SpotifyEmulator(
        tier=args.tier, latency=args.latency, seed=args.seed, host=args.host, port=args.port
    )
    return serve(emulator)


if __name__ == "__main__":
    raise SystemExit(main())
