"""Probe a real `trendcache serve` as an attacker would: bodies, headers, slow clients, XFF.

    uv run python benchmarks/web_limits.py [--slow-clients 300] [--wait 15]

Starts `trendcache serve` in demo mode (no credentials: the built-in emulators) on a free
port of 127.0.0.1 in a temporary folder, and measures, one row each:

- bodies: the server's RSS before and after 4 anonymous 100 MB bodies (streamed, never held
  by this script) to `POST /api/albums/add-from-trending`, with their statuses and time;
  the same for one chunked 100 MB body;
- HEAD and OPTIONS: how many GET routes of the OpenAPI document (plus `/docs`,
  `/openapi.json`) answer HEAD with 200, and what OPTIONS answers;
- security headers of the browse page and of `/api/cache/trending`;
- slow clients: how many of N connections that never finish their headers are still open
  after `--wait` seconds; what a 16 MB header gets; how long an idle socket is kept;
- sign-in limit: how many of 12 wrong sign-ins for one name are refused with 429 when each
  claims another `X-Forwarded-For` address.

Every loop is bounded in count and time; only 127.0.0.1 is contacted. Measured, never
asserted: the tests under tests/faults/ assert the limits.
"""

from __future__ import annotations

import argparse
import os
import re
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2

from processes import free_port

MB = 1024 * 1024
BODY_PATH = "/api/albums/add-from-trending"


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else float("nan")


def start(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SPOTIFY_", "DATABASE_"))}
    env = {**keep, "DATA_DIR": str(folder / "data"), "ENABLE_ENRICHMENT": "false"}
    process = subprocess.Popen(
        [sys.executable, "-m", "trendcache", "serve", "--port", str(port)],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx2.get(f"{url}/api/cache/trending", timeout=2).status_code == 200:
                time.sleep(2)  # let the first sync and start-up settle
                return process, url
        except httpx2.TransportError:
            time.sleep(0.2)
        if process.poll() is not None:
            raise SystemExit(f"serve exited with {process.returncode}")
    process.terminate()
    raise SystemExit("serve did not answer within 60 s")


def zeros(total: int, chunk: int = MB) -> Iterator[bytes]:
    block = bytes(chunk)
    sent = 0
    while sent < total:
        piece = block[: min(chunk, total - sent)]
        sent += len(piece)
        yield piece


def post_body(url: str, size: int, chunked: bool, out: list[str]) -> None:
    headers = {"content-type": "application/json"}
    if not chunked:
        headers["content-length"] = str(size)
    try:
        response = httpx2.post(url + BODY_PATH, content=zeros(size), headers=headers, timeout=120)
        out.append(str(response.status_code))
    except httpx2.HTTPError as exc:
        out.append(type(exc).__name__)


def bodies(process: subprocess.Popen[bytes], url: str) -> list[tuple[str, str]]:
    rows = []
    for label, count, chunked in (("4 x 100 MB", 4, False), ("1 x 100 MB chunked", 1, True)):
        before = rss_mb(process.pid)
        statuses: list[str] = []
        started = time.monotonic()
        threads = [
            threading.Thread(target=post_body, args=(url, 100 * MB, chunked, statuses))
            for _ in range(count)
        ]
        for thread in threads:
            thread.start()
        peak = before
        while any(thread.is_alive() for thread in threads):
            peak = max(peak, rss_mb(process.pid))
            time.sleep(0.05)
        elapsed = time.monotonic() - started
        time.sleep(1)
        after = rss_mb(process.pid)
        rows.append(
            (
                f"body {label}",
                f"{', '.join(sorted(statuses))} in {elapsed:.1f} s; RSS {before:.0f} MB -> "
                f"peak {peak:.0f} MB -> {after:.0f} MB",
            )
        )
    return rows


def methods(url: str) -> list[tuple[str, str]]:
    document = httpx2.get(f"{url}/openapi.json", timeout=10).json()
    paths = [p for p, ops in document["paths"].items() if "get" in ops and "{" not in p]
    paths += [p for p, ops in document["paths"].items() if "get" in ops and "{" in p]
    paths += ["/docs", "/openapi.json"]
    albums = httpx2.get(f"{url}/api/cache/trending", timeout=10).json()["newReleases"]
    album_id = albums[0]["id"] if albums else "0" * 22
    ok = []
    for path in paths:
        concrete = re.sub(r"\{[^}]+\}", album_id, path)
        get = httpx2.get(url + concrete, timeout=10).status_code
        head = httpx2.head(url + concrete, timeout=10).status_code
        ok.append((path, get, head))
    agree = sum(1 for _, get, head in ok if get == head)
    refused = [path for path, _, head in ok if head == 405]
    options = httpx2.request("OPTIONS", f"{url}/", timeout=10)
    options_api = httpx2.request("OPTIONS", f"{url}/api/cache/trending", timeout=10)
    return [
        ("HEAD on GET routes", f"{agree}/{len(ok)} answer as GET does; 405 on {len(refused)}"),
        (
            "OPTIONS",
            f"/ -> {options.status_code} Allow={options.headers.get('allow')!r}; "
            f"/api/cache/trending -> {options_api.status_code} "
            f"Allow={options_api.headers.get('allow')!r}",
        ),
    ]


def headers(url: str) -> list[tuple[str, str]]:
    rows = []
    wanted = (
        "content-security-policy",
        "x-content-type-options",
        "referrer-policy",
        "x-frame-options",
    )
    for path in ("/", "/login", "/docs", "/api/cache/trending", "/api/status"):
        response = httpx2.get(url + path, timeout=10)
        present = [name for name in wanted if name in response.headers]
        rows.append((f"headers {path}", ", ".join(present) or "none"))
    return rows


def slow_clients(url: str, count: int, wait: float) -> list[tuple[str, str]]:
    host, port = "127.0.0.1", int(url.rsplit(":", 1)[1])
    sockets = []
    for _ in range(count):
        sock = socket.create_connection((host, port), timeout=5)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        sockets.append(sock)
    deadline = time.monotonic() + wait
    open_ = set(sockets)
    while open_ and time.monotonic() < deadline:
        readable, _, _ = select.select(list(open_), [], [], 0.5)
        for sock in readable:
            try:
                if not sock.recv(65536):
                    open_.discard(sock)
            except OSError:
                open_.discard(sock)
    held = len(open_)
    for sock in sockets:
        sock.close()
    return [(f"{count} unfinished headers", f"{held} still open after {wait:.0f} s")]


def big_header(url: str) -> list[tuple[str, str]]:
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ")
        sent = 0
        try:
            block = b"a" * MB
            for _ in range(16):
                sock.sendall(block)
                sent += MB
            sock.sendall(b"\r\n\r\n")
        except OSError:
            pass
        try:
            answer = sock.recv(200).split(b"\r\n", 1)[0].decode(errors="replace")
        except OSError as exc:
            answer = type(exc).__name__
    return [("16 MB header", f"{sent // MB} MB accepted; answer {answer or 'closed'!r}")]


def idle(url: str, limit: float) -> list[tuple[str, str]]:
    port = int(url.rsplit(":", 1)[1])
    rows = []
    for label, request in (
        ("idle socket (nothing sent)", b""),
        ("idle after a response", b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"),
    ):
        with socket.create_connection(("127.0.0.1", port), timeout=limit) as sock:
            started = time.monotonic()
            if request:
                sock.sendall(request)
                sock.recv(65536)
                started = time.monotonic()
            try:
                while sock.recv(65536):
                    pass
                rows.append((label, f"closed after {time.monotonic() - started:.1f} s"))
            except TimeoutError:
                rows.append((label, f"still open after {limit:.0f} s"))
    return rows


def sign_ins(url: str) -> list[tuple[str, str]]:
    statuses = []
    with httpx2.Client(base_url=url, timeout=10) as client:
        form = client.get("/login").text
        found = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert found
        for n in range(12):
            response = client.post(
                "/login",
                data={"csrf_token": found.group(1), "name": "alice", "password": "wrong"},
                headers={"X-Forwarded-For": f"203.0.113.{n + 1}"},
            )
            statuses.append(response.status_code)
    refused = statuses.count(429)
    return [("12 sign-ins, one name, XFF per try", f"{refused} refused with 429 ({statuses})")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--slow-clients", type=int, default=300)
    parser.add_argument("--wait", type=float, default=15.0, help="seconds to watch them")
    parser.add_argument("--idle-limit", type=float, default=30.0)
    args = parser.parse_args()
    rows: list[tuple[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="trendcache-limits-") as name:
        process, url = start(Path(name))
        try:
            rows += headers(url)
            rows += methods(url)
            rows += sign_ins(url)
            rows += bodies(process, url)
            rows += big_header(url)
            rows += idle(url, args.idle_limit)
            rows += slow_clients(url, args.slow_clients, args.wait)
        finally:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


if __name__ == "__main__":
    main()
