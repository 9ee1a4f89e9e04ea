"""The sandbox runs a function in a child process and enforces its limits."""

from __future__ import annotations

import math
import os
import sys
import time
from pathlib import Path

import pytest

from vividverse_desktop.media import sandbox
from vividverse_desktop.media.sandbox import (
    Limits,
    SandboxFailure,
    SandboxMemoryError,
    SandboxTimeout,
)


def test_returns_the_functions_result() -> None:
    """A plain-data result comes back from the child unchanged."""
    assert sandbox.run(math.sqrt, 16.0) == 4.0


def test_runs_in_another_process() -> None:
    """The function runs in a child, not in the calling process."""
    assert sandbox.run(os.getpid) != os.getpid()


def test_exception_becomes_failure_with_kind_and_message() -> None:
    """An exception in the child arrives as its class name and message, no traceback."""
    with pytest.raises(SandboxFailure) as caught:
        sandbox.run(int, "not a number")
    assert caught.value.kind == "ValueError"
    assert "not a number" in caught.value.message
    assert "Traceback" not in str(caught.value)


def test_memory_limit_stops_a_huge_allocation() -> None:
    """Allocating past the address-space limit is reported as a memory error."""
    with pytest.raises(SandboxMemoryError):
        sandbox.run(bytearray, 2 * 1024**3, limits=Limits(memory_bytes=512 * 1024**2))


def test_wall_clock_timeout_kills_the_child() -> None:
    """A child that outlives the wall-clock limit is killed and reported promptly."""
    start = time.perf_counter()
    with pytest.raises(SandboxTimeout):
        sandbox.run(time.sleep, 30, limits=Limits(seconds=0.5))
    assert time.perf_counter() - start < 5


def test_cpu_limit_stops_a_busy_child() -> None:
    """A child spinning the CPU past its CPU-time limit is stopped and reported as a timeout."""
    start = time.perf_counter()
    with pytest.raises(SandboxTimeout):
        sandbox.run(math.factorial, 10**8, limits=Limits(seconds=30, cpu_seconds=1))
    assert time.perf_counter() - start < 10


def test_result_that_is_not_plain_data_is_a_failure() -> None:
    """Only JSON-able results cross back; anything else is refused, not pickled."""
    with pytest.raises(SandboxFailure) as caught:
        sandbox.run(complex, 1.0, 2.0)
    assert caught.value.kind == "TypeError"


SLEEPER_SECONDS = "31.4159"


def start_helper_and_hang() -> None:
    """Sandbox target: fork a helper process (a recognisable sleep), then hang."""
    if os.fork() == 0:
        os.execvp("sleep", ["sleep", SLEEPER_SECONDS])
    time.sleep(30)


def sleepers() -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if cmdline.split(b"\0")[:2] == [b"sleep", SLEEPER_SECONDS.encode()]:
            found.append(entry.name)
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_timeout_also_kills_the_childs_helpers() -> None:
    """On timeout the child's whole process group goes, helpers included, promptly."""
    start = time.monotonic()
    with pytest.raises(SandboxTimeout):
        sandbox.run(start_helper_and_hang, limits=Limits(seconds=2))
    assert time.monotonic() - start < 10  # a surviving helper would hold the pipe open
    deadline = time.monotonic() + 3
    while sleepers() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sleepers() == []


def test_cancel_kills_the_child_at_once() -> None:
    """A token cancelled while the child sleeps ends the call long before its limits."""
    import threading

    from vividverse_desktop.core.cancel import CancelToken

    token = CancelToken()
    threading.Timer(0.3, token.cancel, args=("the user pressed Cancel",)).start()
    start = time.perf_counter()
    with pytest.raises(sandbox.SandboxCancelled, match="pressed Cancel"):
        sandbox.run(time.sleep, 30, limits=Limits(seconds=60), cancel=token)
    assert time.perf_counter() - start < 30 / 3
