"""What ``python -m trendcache.emulators.spotify`` and ``...musicbrainz`` share.

Each entry point starts its emulator, prints exactly one line, the API's base URL, to
stdout, and serves until SIGINT or SIGTERM, after which it stops cleanly and exits 0, so
another process (a shell script, a test, a client in another language) can start one,
read where it is and end it.
"""

from __future__ import annotations

import argparse
import signal
import threading
from types import FrameType

from trendcache.emulators.serving import ThreadedServer

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def non_negative(text: str) -> float:
    value = float(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {text}")
    return value


def positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, not {text}")
    return value


def parser(prog: str, description: str) -> argparse.ArgumentParser:
    """A parser with the options every emulator takes: where to listen, latency, seed."""
    arguments = argparse.ArgumentParser(prog=prog, description=description)
    arguments.add_argument("--host", default="127.0.0.1", help="address to listen on")
    arguments.add_argument("--port", type=int, default=0, help="port (default 0: a free one)")
    arguments.add_argument(
        "--latency",
        type=non_negative,
        default=0.0,
        help="seconds added before every answer (default 0)",
    )
    arguments.add_argument(
        "--seed", type=int, default=2026, help="catalog seed; the same seed gives the same data"
    )
    return arguments


def serve(server: ThreadedServer) -> int:
    """Start ``server``, print its base URL, serve until SIGINT/SIGTERM, stop; 0."""
    stopping = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    previous = {signum: signal.signal(signum, on_signal) for signum in STOP_SIGNALS}
    try:
        with server:
            print(server.base_url, flush=True)
            stopping.wait()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 0
