"""Lease owners that name their process, so a lease left by a dead process is recognised.

A lease expires unless renewed, so a killed holder blocks the others for one lease at
most (30 s for the sync). When the holder ran on this machine we can do better: if its
process is gone, the lease is dead now. An owner reads `host:pid:random:tag`, where the
12 hex digits of `tag` fingerprint

- where the pid means something (6 digits): this boot of this machine (the kernel's
  boot id) and this pid namespace, so a container sharing our hostname is not mistaken
  for us;
- the process itself (6 digits): its pid and start time, so a pid the kernel has since
  given to another process does not pass for the holder.

Only a process in the same place can tell: an owner from another machine, container or
boot, or one written without a tag (no /proc here, or an older trendcache), is taken to
be alive, and its lease runs out as before.
"""

from __future__ import annotations

import functools
import hashlib
import os
import secrets
import socket
from pathlib import Path

HOST_CHARS = 30  # leases.owner is 64 characters: 30 + pid (≤ 7) + 8 + 12 + separators
SPACE_DIGITS = 6
TAG_DIGITS = 12
# /proc/<pid>/stat states of a process that has exited (a zombie waits for its parent).
EXITED_STATES = ("Z", "X", "x")


def new_owner() -> str:
    """A fresh owner for this process; two keepers in one process never share one."""
    pid = os.getpid()
    owner = f"{_host()}:{pid}:{secrets.token_hex(4)}"
    tag = _tag(pid)
    return f"{owner}:{tag}" if tag else owner


def owner_is_dead(owner: str) -> bool:
    """True only if `owner` was a process of ours (same host and pid namespace) that is gone."""
    parts = owner.split(":")
    if len(parts) != 4:
        return False
    host, pid_text, _, tag = parts
    space = _space()
    if host != _host() or space is None or len(tag) != TAG_DIGITS or tag[:SPACE_DIGITS] != space:
        return False
    if not pid_text.isdigit() or int(pid_text) <= 0:
        return False
    pid = int(pid_text)
    try:
        os.kill(pid, 0)  # signal 0 only asks whether the pid exists
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # it exists, as another user's process
    stat = _stat(pid)
    if stat is None:  # exists, but /proc will not say more (hidepid): assume it is the holder
        return False
    state, started = stat
    return state in EXITED_STATES or tag != _fingerprint(space, pid, started)


def _host() -> str:
    return socket.gethostname()[:HOST_CHARS]


def _tag(pid: int) -> str | None:
    space = _space()
    stat = _stat(pid)
    if space is None or stat is None:
        return None
    return _fingerprint(space, pid, stat[1])


def _fingerprint(space: str, pid: int, started: str) -> str:
    process = hashlib.sha256(f"{space}:{pid}:{started}".encode()).hexdigest()
    return space + process[: TAG_DIGITS - SPACE_DIGITS]


@functools.cache
def _space() -> str | None:
    """This boot and pid namespace, hashed; None where /proc cannot tell (not Linux)."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        return None
    return hashlib.sha256(f"{boot}:{namespace}".encode()).hexdigest()[:SPACE_DIGITS]


def _stat(pid: int) -> tuple[str, str] | None:
    """(state, start time in clock ticks since boot) of `pid`, or None if unreadable."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (2nd field) may hold spaces and parentheses: split after the last ")".
    fields = stat.rpartition(")")[2].split()
    if len(fields) < 20:
        return None
    return fields[0], fields[19]
