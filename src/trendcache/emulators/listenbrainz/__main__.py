"""``python -m trendcache.emulators.listenbrainz``: the ListenBrainz emulator as a process.

Prints its API root on one line, then serves until SIGINT or SIGTERM.
"""

from __future__ import annotations

from collections.abc import Sequence

from trendcache.emulators.cli import parser, serve

from .server import ListenBrainzEmulator


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parser("python -m trendcache.emulators.listenbrainz", "A local ListenBrainz API.")
    args = arguments.parse_args(argv)
    emulator = ListenBrainzEmulator(
        seed=args.seed, latency=args.latency, host=args.host, port=args.port
    )
    return serve(emulator)


if __name__ == "__main__":
    raise SystemExit(main())
