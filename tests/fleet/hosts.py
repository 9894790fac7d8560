"""Hosts on one machine: network namespaces on an isolated bridge.

`network()` claims a bridge `tcbrN` with the private 10.231.N.0/24 (the root namespace's
side gets 10.231.N.1) and yields a `Network` whose `host()` adds a namespace `tcN-K` with
a veth pair to the bridge and the address 10.231.N.(K+1). The namespaces have the /24
and nothing else: no default route, so nothing in them can reach anything outside the
machine. N is claimed by creating the bridge (creating an existing one fails), so two
runs (pytest-xdist workers) never share names. On the way out every namespace, veth and
the bridge are deleted, whatever happened; processes running in a namespace must be
stopped first.

`Forwarder` relays TCP from an address on the bridge to one on loopback (the machine's
PostgreSQL listens on 127.0.0.1 only); `start_redis` runs a Redis of its own bound to
the bridge address.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from redis import Redis

from tests.faults.servers import free_port, terminate
from tests.fixtures.services import missing

PREFIX = "10.231"
START_SECONDS = 10.0  # bounds every wait for a helper to come up


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=10)
    if check and result.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)}: {result.stderr.strip()}")
    return result


def require_namespaces() -> None:
    """Skip (fail under CI) unless we are root with a working `ip netns`."""
    if os.geteuid() != 0:
        missing("network namespaces need root")
    if shutil.which("ip") is None:
        missing("`ip` is not installed (apt-get install iproute2)")
    if _ip("netns", "list", check=False).returncode != 0:
        missing("`ip netns` is not available")


@dataclass
class Host:
    """A network namespace on the bridge: `netns` its name, `address` its IP."""

    netns: str
    address: str

    @property
    def wrapper(self) -> list[str]:
        """The command prefix that runs a command in this namespace."""
        return ["ip", "netns", "exec", self.netns]

    def run(self, *command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.wrapper, *command], capture_output=True, text=True, timeout=10)


@dataclass
class Network:
    """The bridge `bridge` on 10.231.N.0/24; `gateway` is the root namespace's address."""

    number: int
    hosts: list[Host] = field(default_factory=list)
    _veths: list[str] = field(default_factory=list)

    @property
    def bridge(self) -> str:
        return f"tcbr{self.number}"

    @property
    def gateway(self) -> str:
        return f"{PREFIX}.{self.number}.1"

    def host(self) -> Host:
        """A new namespace with its own address, its veth's other end on the bridge."""
        index = len(self.hosts) + 1
        netns, outside, inside = (
            f"tc{self.number}-{index}",
            f"tc{self.number}v{index}",
            f"tc{self.number}p{index}",
        )
        address = f"{PREFIX}.{self.number}.{index + 1}"
        _ip("netns", "add", netns)
        self.hosts.append(Host(netns, address))  # deleted on the way out from here on
        _ip("link", "add", outside, "type", "veth", "peer", "name", inside)
        self._veths.append(outside)
        _ip("link", "set", inside, "netns", netns)
        _ip("link", "set", outside, "master", self.bridge, "up")
        _ip("-n", netns, "addr", "add", f"{address}/24", "dev", inside)
        _ip("-n", netns, "link", "set", inside, "up")
        _ip("-n", netns, "link", "set", "lo", "up")
        return self.hosts[-1]

    def delete(self) -> None:
        """Every namespace, veth and the bridge; what is gone already is no error."""
        for host in self.hosts:
            _ip("netns", "delete", host.netns, check=False)
        for veth in self._veths:
            _ip("link", "delete", veth, check=False)
        _ip("link", "delete", self.bridge, check=False)


def _claim() -> Network:
    """A bridge on the first free 10.231.N.0/24, trying N from one this process picks."""
    used = _ip("-o", "-4", "addr", "show").stdout
    start = os.getpid() % 250
    for offset in range(250):  # bounded: every N once
        number = (start + offset) % 250 + 2
        if f" {PREFIX}.{number}." in used:
            continue
        if _ip("link", "add", f"tcbr{number}", "type", "bridge", check=False).returncode:
            continue  # another run has it
        network = Network(number)
        try:
            _ip("addr", "add", f"{network.gateway}/24", "dev", network.bridge)
            _ip("link", "set", network.bridge, "up")
        except Exception:
            network.delete()
            raise
        return network
    raise RuntimeError(f"no free {PREFIX}.N.0/24 for a bridge")


@contextmanager
def network() -> Iterator[Network]:
    """An isolated bridge, deleted with every namespace on it on the way out."""
    require_namespaces()
    claimed = _claim()
    try:
        yield claimed
    finally:
        claimed.delete()


class Forwarder:
    """TCP from `host:port` (port picked) to `target`, a thread per connection direction.

    Every loop ends: the accept loop when `stop()` closes the listener, each relay when
    either side closes (or `stop()` closes both)."""

    def __init__(self, host: str, target: tuple[str, int]) -> None:
        self.target = target
        self._listener = socket.create_server((host, 0))
        self.host, self.port = host, int(self._listener.getsockname()[1])
        self._sockets: list[socket.socket] = []
        self.clients: set[str] = set()  # the addresses connections came from
        self._lock = threading.Lock()
        self._stopped = False
        threading.Thread(target=self._accept, name="forwarder", daemon=True).start()

    def _accept(self) -> None:
        while not self._stopped:
            try:
                client, (address, *_) = self._listener.accept()
            except OSError:
                return  # closed by stop()
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets += [client, upstream]
                self.clients.add(address)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()

    def stop(self) -> None:
        self._stopped = True
        self._listener.close()
        with self._lock:
            for sock in self._sockets:
                sock.close()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    with suppress(OSError):
        while data := source.recv(65536):
            sink.sendall(data)
    with suppress(OSError):
        sink.shutdown(socket.SHUT_WR)


@contextmanager
def redis_on(host: str, folder: Path) -> Iterator[str]:
    """A Redis server of its own bound to `host` only (no persistence); its URL. Protected
    mode (loopback clients only, without a password) is off: its clients are the
    namespaces, and the bridge it listens on leads nowhere else."""
    executable = shutil.which("redis-server")
    if executable is None:
        missing("redis-server is not installed (apt-get install redis-server)")
        raise AssertionError("unreachable")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port(host)
    command = [executable, "--bind", host, "--port", str(port), "--save", "", "--dir"]
    with (folder / "redis.log").open("wb") as log:
        process = subprocess.Popen(
            [*command, str(folder), "--appendonly", "no", "--protected-mode", "no"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"redis://{host}:{port}/0"
    try:
        client = Redis.from_url(url, socket_timeout=2)
        deadline = time.monotonic() + START_SECONDS
        while True:
            assert process.poll() is None, (folder / "redis.log").read_text()
            try:
                client.ping()
                break
            except Exception:
                assert time.monotonic() < deadline, "redis-server did not answer"
                time.sleep(0.05)
        client.close()
        yield url
    finally:
        terminate(process)
