"""The example nginx configuration (deploy/nginx/trendcache.conf) as tests run it: a copy
whose certificate, cache and (optionally) ports are moved, inside a minimal nginx.conf
with every file nginx writes kept in the test's folder."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.fixtures.services import missing

ROOT = Path(__file__).resolve().parents[2]
NGINX_CONF = ROOT / "deploy" / "nginx" / "trendcache.conf"
CERTIFICATE = "/etc/letsencrypt/live/trendcache.example.org/fullchain.pem"
KEY = "/etc/letsencrypt/live/trendcache.example.org/privkey.pem"
CACHE = "/var/cache/nginx/trendcache"
UPSTREAM = ("127.0.0.1:8001", "127.0.0.1:8002")


def nginx_binary() -> str:
    path = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if path is None:
        missing("nginx is not installed (Debian: apt-get install nginx-light)")
    assert path is not None
    return path


def throwaway_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate and its key (a day long), made by openssl."""
    openssl = shutil.which("openssl")
    if openssl is None:
        missing("openssl is not installed (Debian: apt-get install openssl)")
    assert openssl is not None
    certificate, key = folder / "cert.pem", folder / "key.pem"
    request = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    files = ["-keyout", str(key), "-out", str(certificate)]
    subprocess.run(
        [openssl, *request, "-subj", "/CN=trendcache.example.org", *files],
        capture_output=True,
        timeout=60,
        check=True,
    )
    return certificate, key


def _replaced(text: str, changes: dict[str, str]) -> str:
    for old, new in changes.items():
        assert old in text, f"{old!r} is no longer in {NGINX_CONF.name}"
        text = text.replace(old, new)
    return text


def nginx_copy(
    folder: Path,
    *,
    http_port: int | None = None,
    https_port: int | None = None,
    upstream: tuple[int, int] | None = None,
) -> Path:
    """The example, moved into `folder` inside a minimal nginx.conf; its path. With ports
    given, it listens on them (IPv4 only) and proxies to web processes on those."""
    certificate, key = throwaway_certificate(folder)
    changes = {CERTIFICATE: str(certificate), KEY: str(key), CACHE: str(folder / "cache")}
    if http_port is not None and https_port is not None:
        changes |= {
            "    listen [::]:80;\n": "",
            "    listen [::]:443 ssl;\n": "",
            "listen 80;": f"listen 127.0.0.1:{http_port};",
            "listen 443 ssl;": f"listen 127.0.0.1:{https_port} ssl;",
        }
    if upstream is not None:
        changes |= {old: f"127.0.0.1:{port}" for old, port in zip(UPSTREAM, upstream, strict=True)}
    (folder / "trendcache.conf").write_text(_replaced(NGINX_CONF.read_text(), changes))
    temp = " ".join(
        f"{kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # Run by root, nginx's workers would be `nobody`, and pytest's folders are root's only.
    user = "user root;\n" if os.geteuid() == 0 else ""
    wrapper = folder / "nginx.conf"
    wrapper.write_text(
        f"{user}pid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'};\nevents {{}}\n"
        f"http {{ access_log off; {temp} include {folder / 'trendcache.conf'}; }}\n"
    )
    return wrapper


def standalone_config(folder: Path, http: str) -> str:
    """A whole nginx.conf running in the foreground, one worker, every file it writes in
    `folder`, no access log; `http`: the rest of its `http` block (servers, upstreams)."""
    # Run by root, nginx's workers would be `nobody`, and pytest's folders are root's only.
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "".join(
        f"    {kind}_temp_path {folder / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"daemon off;\n{user}worker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\nevents {{ worker_connections 4096; }}\n"
        f"http {{\n    access_log off;\n{temp}{http}}}\n"
    )


def nginx_command(wrapper: Path, *options: str) -> list[str]:
    folder, error_log = wrapper.parent, wrapper.parent / "error.log"
    prefix = ["-p", str(folder), "-e", str(error_log), "-c", str(wrapper)]
    return [nginx_binary(), *options, *prefix]
