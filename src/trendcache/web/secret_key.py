"""The key that signs sign-in cookies: SECRET_KEY, or one generated once and kept in DATA_DIR.

A key generated per start would sign everybody out on every restart; one kept beside the
SQLite database survives them. Processes starting together agree on it through a file lock.
Several web processes on different machines must be given the same SECRET_KEY.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from filelock import FileLock

from trendcache.config import Settings

KEY_FILE = "secret_key"


def secret_key(settings: Settings) -> bytes:
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value().encode()
    return _kept_key(settings.data_dir / KEY_FILE).encode()


def _kept_key(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(f"{path}.lock"):
        if path.exists():
            key = path.read_text().strip()
            if key:
                return key
        key = secrets.token_hex(32)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(f"{key}\n")
        return key
