"""Lease owners: a dead process of this machine is recognised, nobody else's ever is."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from trendcache.owners import HOST_CHARS, new_owner, owner_is_dead

PRINT_OWNER = "from trendcache.owners import new_owner; print(new_owner(), flush=True)"


@pytest.fixture(autouse=True)
def _linux() -> None:
    if not os.path.exists("/proc/self/ns/pid"):
        pytest.skip("owners carry a process tag on Linux only")


def exited_owner() -> str:
    """The owner a process wrote before it exited (and was reaped)."""
    done = subprocess.run(
        [sys.executable, "-c", PRINT_OWNER], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_an_owner_names_its_process_and_fits_the_column() -> None:
    owner = new_owner()
    host, pid, token, tag = owner.split(":")
    assert len(host) <= HOST_CHARS and int(pid) == os.getpid()
    assert len(token) == 8 and len(tag) == 12
    assert len(owner) <= 64, "leases.owner is a String(64)"
    assert new_owner() != owner, "two keepers in one process never share an owner"


def test_a_live_process_is_not_dead() -> None:
    assert not owner_is_dead(new_owner())


def test_an_exited_process_is_dead() -> None:
    assert owner_is_dead(exited_owner())


def test_a_zombie_is_dead() -> None:
    """Killed but not yet reaped by its parent: still in the process table, not running."""
    child = subprocess.Popen([sys.executable, "-c", PRINT_OWNER], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    owner = child.stdout.readline().strip()
    child.stdout.read()  # end of output: the child is exiting
    deadline = time.monotonic() + 10
    while not owner_is_dead(owner) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert owner_is_dead(owner), "an exited, unreaped child"
    child.wait(10)


def test_a_reused_pid_is_not_mistaken_for_the_holder() -> None:
    """Our own pid, alive, but with another start time: the holder was an earlier process."""
    host, pid, token, tag = new_owner().split(":")
    other_start = tag[:6] + ("000000" if tag[6:] != "000000" else "111111")
    assert owner_is_dead(f"{host}:{pid}:{token}:{other_start}")


@pytest.mark.parametrize(
    "change",
    ["another host", "another pid namespace or boot", "no tag", "not an owner", "pid 0"],
)
def test_a_process_we_cannot_see_is_taken_to_be_alive(change: str) -> None:
    """Its lease runs out as before; we never take over what we cannot check."""
    host, pid, token, tag = exited_owner().split(":")
    owner = {
        "another host": f"elsewhere-{host}"[:HOST_CHARS] + f":{pid}:{token}:{tag}",
        "another pid namespace or boot": f"{host}:{pid}:{token}:{'0' * 6 + tag[6:]}",
        "no tag": f"{host}:{pid}:{token}",
        "not an owner": "a",
        "pid 0": f"{host}:0:{token}:{tag}",
    }[change]
    assert not owner_is_dead(owner)
