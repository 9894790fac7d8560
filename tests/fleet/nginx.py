"""nginx (Debian's) as a round-robin in front of web processes: a config of its own in a
folder of its own (pid, logs, temp paths), on a free port, in the foreground."""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx2

from tests.deploy.nginx import nginx_binary, standalone_config
from tests.faults.servers import free_port, terminate

HTTP = """\
    upstream trendcache {{
{servers}
        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://trendcache;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_read_timeout 120s;
        }}
    }}
"""


@dataclass
class Nginx:
    """nginx round-robin over `upstreams`, on `url`."""

    process: subprocess.Popen[bytes]
    url: str
    folder: Path

    def stop(self) -> None:
        terminate(self.process)


def start_nginx(upstreams: list[str], folder: Path) -> Nginx:
    """nginx in front of `upstreams` (`http://127.0.0.1:PORT`), ready to answer."""
    executable = nginx_binary()
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    servers = "\n".join(f"        server {url.removeprefix('http://')};" for url in upstreams)
    config = folder / "nginx.conf"
    config.write_text(standalone_config(folder, HTTP.format(servers=servers, port=port)))
    log = (folder / "nginx.out").open("wb")
    process = subprocess.Popen(
        [executable, "-e", str(folder / "error.log"), "-p", str(folder), "-c", str(config)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    nginx = Nginx(process, f"http://127.0.0.1:{port}", folder)
    deadline = time.monotonic() + 10
    while True:
        assert process.poll() is None, (folder / "nginx.out").read_text()
        try:
            httpx2.get(f"{nginx.url}/livez", timeout=2)
            return nginx
        except httpx2.TransportError:
            assert time.monotonic() < deadline, "nginx did not answer"
            time.sleep(0.05)
