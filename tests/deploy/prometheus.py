"""Debian's Prometheus and Alertmanager on loopback for one test, and a webhook receiver
that records what Alertmanager posts.

The test's configurations are the examples in `deploy/` with loopback addresses and
intervals of a second, and its rules are `deploy/prometheus/alerts.yml` with every `for:`
cut to 0s (an alert fires on the first evaluation its expression holds); each daemon keeps
its data in the test's folder and logs to a file there.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx2
import yaml

from tests.cli.helpers import free_port
from tests.faults.servers import terminate
from tests.fixtures.services import missing

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_PROMETHEUS = ROOT / "deploy" / "prometheus" / "prometheus.yml"
RULES = ROOT / "deploy" / "prometheus" / "alerts.yml"
EXAMPLE_ALERTMANAGER = ROOT / "deploy" / "alertmanager" / "alertmanager.yml"
START_SECONDS = 30.0
# Scrape, evaluate and notify every second; the real configurations take 30 s and minutes.
INTERVAL = "1s"


def binaries() -> tuple[str, str]:
    """Debian's `prometheus` and `prometheus-alertmanager`, or skip (fail under CI)."""
    prometheus = shutil.which("prometheus")
    alertmanager = shutil.which("prometheus-alertmanager")
    if prometheus is None or alertmanager is None:
        missing(
            "Prometheus or Alertmanager is not installed "
            "(Debian: apt-get install prometheus prometheus-alertmanager)"
        )
    assert prometheus is not None and alertmanager is not None
    return prometheus, alertmanager


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def write(path: Path, document: Any) -> Path:
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def prompt_rules(target: Path) -> Path:
    """The real alert rules with every `for:` cut to 0s, and nothing else changed: the same
    expressions and windows, labels and annotations."""
    document = load(RULES)
    for group in document["groups"]:
        for rule in group["rules"]:
            if "for" in rule:
                rule["for"] = "0s"
    return write(target, document)


@dataclass(frozen=True)
class Notification:
    """One alert of one webhook post, and when it arrived (`time.monotonic()`)."""

    received: float
    status: str  # "firing" or "resolved"
    labels: dict[str, str]
    annotations: dict[str, str]


class WebhookReceiver:
    """An HTTP server on 127.0.0.1 recording every alert Alertmanager posts to it."""

    def __init__(self) -> None:
        self.notifications: list[Notification] = []
        self.changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                self.send_response(200)
                self.end_headers()
                receiver.record(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/alerts"

    def record(self, body: dict[str, Any]) -> None:
        now = time.monotonic()
        with self.changed:
            for alert in body["alerts"]:
                self.notifications.append(
                    Notification(now, alert["status"], alert["labels"], alert["annotations"])
                )
            self.changed.notify_all()

    def first(self, alertname: str, status: str) -> Notification | None:
        with self.changed:
            return next(
                (
                    note
                    for note in self.notifications
                    if note.labels.get("alertname") == alertname and note.status == status
                ),
                None,
            )

    def wait_for(self, alertname: str, status: str, timeout: float) -> Notification:
        """The first `status` notification of `alertname`, waiting up to `timeout` seconds."""
        with self.changed:
            self.changed.wait_for(lambda: self.first(alertname, status) is not None, timeout)
        note = self.first(alertname, status)
        assert note is not None, (
            f"no {status} {alertname} at the webhook within {timeout:.0f} s; "
            f"received: {self.notifications}"
        )
        return note

    def names(self) -> set[tuple[str, str]]:
        with self.changed:
            return {(n.labels.get("alertname", ""), n.status) for n in self.notifications}


@contextmanager
def webhook_receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
        thread.join(10)


@dataclass
class Daemon:
    """A Prometheus or an Alertmanager process, its base URL and its log file."""

    name: str
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def wait_ready(self) -> None:
        """Until `/-/ready` answers 200; fail with the log if it exits or takes too long."""
        deadline = time.monotonic() + START_SECONDS
        with httpx2.Client(timeout=2) as client:
            while True:
                if (status := self.process.poll()) is not None:
                    raise AssertionError(f"{self.name} exited {status}:\n{self.tail()}")
                try:
                    if client.get(f"{self.url}/-/ready").status_code == 200:
                        return
                except httpx2.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError(f"{self.name} not ready:\n{self.tail()}")
                time.sleep(0.1)

    def stop(self) -> None:
        """SIGTERM, SIGKILL if it has not ended within 10 s."""
        terminate(self.process)


@contextmanager
def running(name: str, argv: list[str], folder: Path, port: int) -> Iterator[Daemon]:
    """`argv` started in `folder`, ready; stopped on the way out, whatever happened."""
    log = folder / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(argv, cwd=folder, stdout=out, stderr=subprocess.STDOUT)
    daemon = Daemon(name, process, f"http://127.0.0.1:{port}", log)
    try:
        daemon.wait_ready()
        yield daemon
    finally:
        daemon.stop()


@contextmanager
def alertmanager(executable: str, folder: Path, webhook: str) -> Iterator[Daemon]:
    """The example Alertmanager, posting every group to `webhook` within a second."""
    folder.mkdir(parents=True, exist_ok=True)
    config = load(EXAMPLE_ALERTMANAGER)
    config["route"].update(group_wait=INTERVAL, group_interval=INTERVAL, repeat_interval="1h")
    [receiver] = config["receivers"]
    [hook] = receiver["webhook_configs"]
    hook["url"] = webhook
    port = free_port()
    argv = [
        executable,
        f"--config.file={write(folder / 'alertmanager.yml', config)}",
        f"--storage.path={folder / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
        "--cluster.listen-address=",  # no gossip: a cluster of one
    ]
    with running("alertmanager", argv, folder, port) as daemon:
        yield daemon


@contextmanager
def prometheus(executable: str, folder: Path, target: str, alertmanager: str) -> Iterator[Daemon]:
    """The example Prometheus scraping `target` (host:port) and evaluating the prompt rules
    every second, alerting to `alertmanager` (host:port)."""
    folder.mkdir(parents=True, exist_ok=True)
    config = load(EXAMPLE_PROMETHEUS)
    config["global"].update(scrape_interval=INTERVAL, evaluation_interval=INTERVAL)
    config["rule_files"] = [str(prompt_rules(folder / "alerts.yml"))]
    [managers] = config["alerting"]["alertmanagers"]
    managers["static_configs"] = [{"targets": [alertmanager]}]
    [job] = config["scrape_configs"]
    assert job["job_name"] == "trendcache"
    job["static_configs"] = [{"targets": [target]}]
    port = free_port()
    argv = [
        executable,
        f"--config.file={write(folder / 'prometheus.yml', config)}",
        f"--storage.tsdb.path={folder / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
    ]
    with running("prometheus", argv, folder, port) as daemon:
        yield daemon


def query(daemon: Daemon, expression: str) -> list[dict[str, Any]]:
    """An instant PromQL query's result vector."""
    response = httpx2.get(f"{daemon.url}/api/v1/query", params={"query": expression}, timeout=5)
    assert response.status_code == 200, response.text
    result: list[dict[str, Any]] = response.json()["data"]["result"]
    return result


def _unix(rfc3339: str) -> float:
    """Prometheus's RFC 3339 times (nanoseconds, `Z`) as Unix time."""
    match = re.fullmatch(r"(.+?)(\.\d+)?(Z|[+-]\d\d:\d\d)", rfc3339)
    assert match, rfc3339
    whole, fraction, zone = match.groups()
    seconds = datetime.fromisoformat(whole + ("+00:00" if zone == "Z" else zone)).timestamp()
    return seconds + float(fraction or 0)


def evaluated_rules(daemon: Daemon, after: float, timeout: float = 30.0) -> list[dict[str, Any]]:
    """Every rule as `/api/v1/rules` describes it (`health`, `state`, `lastError`…), once
    each has been evaluated after `after` (Unix time)."""
    deadline = time.monotonic() + timeout
    while True:
        response = httpx2.get(f"{daemon.url}/api/v1/rules", timeout=5)
        assert response.status_code == 200, response.text
        groups = response.json()["data"]["groups"]
        rules: list[dict[str, Any]] = [rule for group in groups for rule in group["rules"]]
        if rules and all(_unix(rule["lastEvaluation"]) > after for rule in rules):
            return rules
        assert time.monotonic() < deadline, f"rules not evaluated:\n{daemon.tail()}"
        time.sleep(0.2)
