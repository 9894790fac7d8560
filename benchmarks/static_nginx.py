"""nginx (Debian's) serving files from a folder: the ceiling the read path is measured against.

One worker, access log off, 127.0.0.1 only, every file it writes in a temp folder, `sendfile`
on as in Debian's default config, and `gzip_static on`: a request that accepts gzip gets
`x.gz` when it lies beside `x` (nginx compresses nothing itself), any other gets `x`. The
caller pins it to a core by the command prefix it passes (`taskset -c N`); the worker
inherits the master's affinity.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.deploy, tests.faults

from tests.deploy.nginx import nginx_binary, standalone_config
from tests.faults.servers import free_port, terminate

SERVER = """\
    types {{ text/html html; application/json json; }}
    sendfile on;
    tcp_nopush on;
    server {{
        listen 127.0.0.1:{port};
        root {files};
        gzip_static on;
    }}
"""


@contextmanager
def serving(files: Path, folder: Path, prefix: Sequence[str] = ()) -> Iterator[str]:
    """nginx serving `files` (its state in `folder`), ready; its base URL. Stopped after."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = folder / "nginx.conf"
    config.write_text(standalone_config(folder, SERVER.format(files=files, port=port)))
    command = [nginx_binary(), "-e", str(folder / "error.log"), "-p", str(folder)]
    with (folder / "nginx.out").open("wb") as log:
        process = subprocess.Popen([*prefix, *command, "-c", str(config)], stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while True:
            if process.poll() is not None:
                raise SystemExit(f"nginx exited: {(folder / 'nginx.out').read_text()}")
            try:
                httpx2.get(url, timeout=2)
                break
            except httpx2.TransportError:
                if time.monotonic() > deadline:
                    raise SystemExit("nginx did not answer within 10 s") from None
                time.sleep(0.05)
        yield url
    finally:
        terminate(process)
