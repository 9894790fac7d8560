"""A throw-away `redis-server` of our own, to kill and restart (the shared one must stay up).

Listens on 127.0.0.1 only, on a free port kept across restarts, with no persistence
(`--save "" --appendonly no`), so a restart comes back empty: no keys and no scripts, as
after a real restart or a failover to a replica that never saw our scripts.
"""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

from redis import Redis

START_SECONDS = 10.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class RedisServer:
    def __init__(self, executable: str, folder: Path) -> None:
        self.executable = executable
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert self.process is None, "already running"
        command = [self.executable, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.folder)]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        client = Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + START_SECONDS
        try:
            while True:
                try:
                    client.ping()
                    return
                except Exception:
                    if self.process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"redis-server did not start on {self.port}") from None
                    time.sleep(0.02)
        finally:
            client.close()

    def kill(self) -> None:
        """SIGKILL: gone at once, as in a crash or a lost host."""
        assert self.process is not None, "not running"
        self.process.kill()
        self.process.wait(START_SECONDS)
        self.process = None

    def restart(self) -> None:
        self.kill()
        self.start()
