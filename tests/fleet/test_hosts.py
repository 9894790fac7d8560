"""The fleet across hosts: each web process and worker in a network namespace of its own
(its own address, a veth to an isolated bridge; `hosts.py`), PostgreSQL, Redis and both
emulators reached over that bridge, never over loopback.

- Redis: a `redis-server` of the test's own bound to the bridge address (10.231.N.1).
- PostgreSQL: the machine's (127.0.0.1:5432, a throwaway database as in conftest.py)
  through a TCP forwarder thread listening on the bridge address only. A forwarder, not a
  cluster of its own: initdb and a second server cost seconds of the two cores and a
  teardown of their own, while what the test shows is the same — every process's
  connections leave its namespace and cross the bridge (PostgreSQL sees the forwarder).
- The emulators listen on the bridge address. The house rule is loopback-only for
  emulators; this isolated bridge is the one exception issue 11 asks for. It has no
  route out of the machine (the namespaces have the /24 only, no default route), so
  nothing can reach the internet; the first test checks that.

2 `trendcache web` and 2 `trendcache worker`, each started as `ip netns exec NAME python
-m trendcache ...` (a new interpreter, as an operator runs it). Asserted: each web process
answers on its own address; a sync asked through web A is served by web B within 1 s (the
change bus over Redis across addresses); the workers enrich every album through the
MusicBrainz emulator, their requests coming from their own addresses, with 0 rate-limit
violations; `/metrics` through A and through B agree on the shared counters.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import httpx2
import pytest
from prometheus_client.parser import text_string_to_metric_families
from redis import Redis
from sqlalchemy.engine import make_url

from tests.faults.servers import Server, start_command, synced_database
from tests.fixtures.database import throwaway_postgres
from tests.fleet.conftest import (
    MUSICBRAINZ_RATE,
    albums_by_status,
    claimed_count,
    finished,
    fleet_env,
    seen_within,
    wait_for,
)
from tests.fleet.hosts import Forwarder, Host, Network, network, redis_on
from tests.pipeline.helpers import make_stale
from trendcache.db import Database
from trendcache.emulators.musicbrainz import MusicBrainzEmulator
from trendcache.emulators.spotify import SpotifyEmulator

PORT = 8000  # every web process on its own address, so one port for all
SEEN_WITHIN = 1.0  # seconds: the "served by every web process within 1 s"
SYNC_PATH = "/api/spotify/sync?wait=true"
BATCH_SIZE = "4"  # small batches, so that both workers have some
SHARED = ("trendcache_sync_runs", "trendcache_enrichment_albums")  # read from the database


@dataclass
class Hosts:
    network: Network
    web: list[Server]
    workers: list[Server]
    web_hosts: list[Host]
    worker_hosts: list[Host]
    database: Database
    musicbrainz: MusicBrainzEmulator
    forwarder: Forwarder
    redis_url: str

    @property
    def processes(self) -> list[Server]:
        return [*self.web, *self.workers]


@pytest.fixture(scope="module")
def hosts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hosts]:
    folder = tmp_path_factory.mktemp("hosts")
    started: list[Server] = []
    with network() as net, redis_on(net.gateway, folder / "redis") as redis_url:
        # Our emulators on the bridge's address, not loopback: the one exception to the
        # house rule, as the issue asks. The bridge has no route out of the machine, so
        # nothing here can reach the internet (test_the_namespaces_... checks it).
        spotify = SpotifyEmulator(host=net.gateway)
        musicbrainz = MusicBrainzEmulator(
            spotify.catalog, host=net.gateway, requests_per_second=MUSICBRAINZ_RATE
        )
        forwarder: Forwarder | None = None
        try:
            spotify.start()
            musicbrainz.start()
            with throwaway_postgres(f"trendcache_hosts_{net.number}") as (local_url, _admin):
                forwarder = Forwarder(net.gateway, ("127.0.0.1", 5432))
                url = make_url(local_url).set(host=net.gateway, port=forwarder.port)
                env = fleet_env(
                    spotify,
                    musicbrainz,
                    url.render_as_string(hide_password=False),
                    redis_url,
                    folder / "data",
                    ENRICHMENT_BATCH_SIZE=BATCH_SIZE,
                )
                (folder / "data").mkdir()
                synced_database(env)  # from the root namespace, over the bridge too
                database = Database(local_url)
                try:
                    web_hosts = [net.host(), net.host()]
                    worker_hosts = [net.host(), net.host()]
                    for host in web_hosts:
                        argv = ["web", "--host", host.address, "--port", str(PORT)]
                        web_env = {**env, "LOG_LEVEL": "WARNING"}
                        started.append(
                            start_command(argv, web_env, folder / host.netns, wrapper=host.wrapper)
                        )
                    for host in worker_hosts:
                        argv = ["worker", "--workers", "2"]
                        started.append(
                            start_command(argv, env, folder / host.netns, wrapper=host.wrapper)
                        )
                    web, workers = started[:2], started[2:]
                    for server in web:
                        server.wait_ready()
                    wait_for(
                        lambda: all("schedule on" in w.output() for w in workers),
                        "the workers started",
                        started,
                    )
                    yield Hosts(
                        net,
                        web,
                        workers,
                        web_hosts,
                        worker_hosts,
                        database,
                        musicbrainz,
                        forwarder,
                        redis_url,
                    )
                finally:
                    for server in started:
                        server.stop()
                    database.dispose()
        finally:
            if forwarder is not None:
                forwarder.stop()
            musicbrainz.stop()
            spotify.stop()


def test_the_namespaces_reach_the_bridge_and_nothing_beyond_it(hosts: Hosts) -> None:
    host = hosts.network.hosts[0]
    route = host.run("ip", "route", "get", hosts.network.gateway)
    assert route.returncode == 0 and host.address in route.stdout, route
    # No route to anything outside the machine: the kernel refuses before a packet leaves.
    outside = host.run("ip", "route", "get", "192.0.2.1")  # TEST-NET-1, never contacted
    assert outside.returncode != 0 and "unreachable" in outside.stderr.lower(), outside


def test_each_web_process_answers_on_its_own_address(hosts: Hosts) -> None:
    urls = [web.url for web in hosts.web]
    assert urls == [f"http://{host.address}:{PORT}" for host in hosts.web_hosts]
    names = {httpx2.get(f"{url}/livez", timeout=10).json()["process"] for url in urls}
    assert len(names) == 2, names
    # And only there: in its namespace, 127.0.0.1:PORT refuses (`web --host` binds one address).
    for host in hosts.web_hosts:
        probe = host.run("python3", "-c", _CONNECT.format(address="127.0.0.1", port=PORT))
        assert probe.returncode != 0 and "ConnectionRefusedError" in probe.stderr, probe


_CONNECT = "import socket; socket.create_connection(('{address}', {port}), timeout=2)"


def test_every_process_reaches_postgresql_and_redis_from_its_own_address(hosts: Hosts) -> None:
    addresses = {host.address for host in [*hosts.web_hosts, *hosts.worker_hosts]}
    assert addresses <= hosts.forwarder.clients, hosts.forwarder.clients
    redis = Redis.from_url(hosts.redis_url)
    try:
        connected = {client["addr"].rsplit(":", 1)[0] for client in redis.client_list()}
    finally:
        redis.close()
    assert addresses <= connected, connected


def test_a_sync_through_web_a_is_served_by_web_b_within_a_second(hosts: Hosts) -> None:
    a, b = hosts.web
    make_stale(hosts.database)
    views = [f"{a.url}/api/cache/trending", f"{b.url}/api/cache/trending"]
    wait_for(
        lambda: all(httpx2.get(view, timeout=10).json()["stale"] for view in views),
        "both web processes serving the stale data",
        hosts.processes,
    )
    answer = httpx2.get(f"{a.url}{SYNC_PATH}", timeout=60)
    assert answer.status_code == 200
    synced = answer.json()
    assert synced["source"] == "fresh" and not synced["stale"]
    seen = seen_within(views[1:], synced, SEEN_WITHIN)
    assert set(seen) == {views[1]}, f"web B did not serve web A's sync within 1 s: {seen}"
    print(f"\nsync through {a.url}, served by {b.url} after {seen[views[1]]:.3f} s")


def test_the_workers_enrich_every_album_from_their_own_addresses_within_the_limit(
    hosts: Hosts,
) -> None:
    database = hosts.database
    wait_for(
        lambda: "pending" not in albums_by_status(database) and claimed_count(database) == 0,
        "every album decided",
        hosts.processes,
    )
    statuses = albums_by_status(database)
    assert statuses and "error" not in statuses, statuses
    stats = hosts.musicbrainz.stats
    assert stats.total > 0
    assert stats.violations == []
    sources = {client.split(" ", 1)[0] for client in stats.by_client}
    assert sources == {host.address for host in hosts.worker_hosts}, sources
    assert all(finished(worker) for worker in hosts.workers), "both workers finished batches"
    print(
        f"\nalbums {statuses}; MusicBrainz {stats.total} requests from {sorted(sources)}, "
        f"{len(stats.violations)} violations"
    )


def test_metrics_through_a_and_b_agree_on_the_shared_counters(hosts: Hosts) -> None:
    a, b = hosts.web
    scraped = wait_for(lambda: _agreeing(a, b), "A and B agreeing", hosts.processes)
    assert any(name.startswith("trendcache_sync_runs") and value > 0 for name, value in scraped)
    assert any(name.startswith("trendcache_enrichment_albums") for name, value in scraped)


def test_a_failure_inside_the_network_leaves_no_namespace_veth_or_bridge_behind() -> None:
    made: list[Network] = []
    with pytest.raises(RuntimeError, match="in the middle"):
        _fail_inside_a_network(made)
    [net] = made
    assert not {host.netns for host in net.hosts} & set(_netns())
    veths = (f"tc{net.number}v", f"tc{net.number}p")  # both ends of every pair
    assert not [link for link in _links() if link == net.bridge or link.startswith(veths)]


def test_no_process_logged_a_traceback(hosts: Hosts) -> None:
    for process in hosts.processes:
        assert "Traceback" not in process.output(), process.tail()


def _agreeing(a: Server, b: Server) -> frozenset[tuple[str, float]] | None:
    """The shared samples, when A's and B's `/metrics` report the same ones."""
    scraped = _shared(a.url)
    return scraped if scraped and scraped == _shared(b.url) else None


def _shared(url: str) -> frozenset[tuple[str, float]]:
    text = httpx2.get(f"{url}/metrics", timeout=10).text
    return frozenset(
        (f"{sample.name}{sorted(sample.labels.items())}", sample.value)
        for family in text_string_to_metric_families(text)
        if family.name in SHARED
        for sample in family.samples
    )


def _netns() -> list[str]:
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, timeout=10)
    return [line.split()[0] for line in listed.stdout.splitlines() if line.strip()]


def _links() -> list[str]:
    listed = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True, timeout=10)
    return [line.split(": ")[1].split("@")[0] for line in listed.stdout.splitlines()]


def _fail_inside_a_network(made: list[Network]) -> None:
    """Two namespaces on a bridge (checked there), then a failure."""
    with network() as net:
        made.append(net)
        hosts = [net.host(), net.host()]
        assert set(_netns()) >= {host.netns for host in hosts}
        assert net.bridge in _links()
        raise RuntimeError("a failure in the middle")
