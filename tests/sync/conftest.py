"""Fixtures: an in-memory keyring, a local store, a fake and a real server, fast retries."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.sync.fake_server import FakeServer
from tests.sync.memory_keyring import MemoryKeyring
from tests.sync.memory_keyring import installed as memory_keyring_installed
from tests.sync.studio import Studio
from vividverse_desktop.store import LocalStore
from vividverse_desktop.sync import RetryPolicy

SERVER_URL = "http://sync.test"


class Naps:
    """A stand-in for ``asyncio.sleep`` that records the pauses instead of taking them."""

    def __init__(self) -> None:
        self.taken: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.taken.append(seconds)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """The process's keyring is an in-memory one for the test, then the old one again."""
    with memory_keyring_installed() as backend:
        yield backend


@pytest.fixture
def naps() -> Naps:
    return Naps()


@pytest.fixture
def retry(naps: Naps) -> RetryPolicy:
    """Four tries, pauses recorded rather than slept."""
    return RetryPolicy(attempts=4, base_delay=0.25, max_delay=4.0, max_wait=30.0, sleep=naps)


@pytest.fixture
def fake() -> FakeServer:
    return FakeServer()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LocalStore]:
    with LocalStore.open(tmp_path / "client" / "store.sqlite3") as opened:
        yield opened


@pytest.fixture
async def studio(tmp_path: Path) -> AsyncIterator[Studio]:
    """The real server app with a script waiting for scores (see ``tests.sync.studio``)."""
    opened = await Studio.open(tmp_path / "server")
    try:
        yield opened
    finally:
        opened.close()
