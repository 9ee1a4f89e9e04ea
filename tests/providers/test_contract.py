"""The provider contract: submit -> poll -> download -> verify, and only then the asset exists."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from vividverse_desktop.core.cancel import CancelToken
from vividverse_desktop.providers.contract import (
    Modality,
    PollResult,
    Provider,
    ProviderCancelled,
    ProviderError,
    Request,
    Ticket,
    VoiceRequest,
    fetch,
    part_path,
)


class FakeCloud:
    """A provider that is pending for ``pending`` polls, then writes ``payload``."""

    name = "fake"
    modality = Modality.VOICE
    version = "1"

    def __init__(self, pending: int = 0, payload: bytes = b"audio", valid: bool = True) -> None:
        self.pending, self.payload, self.valid = pending, payload, valid
        self.polls = 0
        self.seen_part: Path | None = None

    def settings(self) -> Mapping[str, Any]:
        return {}

    def cost(self, request: Request) -> float:
        return 0.25

    def submit(self, request: Request, scratch: Path) -> Ticket:
        return Ticket("job-1", request, scratch)

    def poll(self, ticket: Ticket) -> PollResult:
        self.polls += 1
        return PollResult(done=self.polls > self.pending, wait=3.0)

    def download(self, ticket: Ticket, part: Path, cancel: CancelToken | None) -> None:
        self.seen_part = part
        part.write_bytes(self.payload)

    def verify(self, path: Path, request: Request) -> float:
        if not self.valid:
            raise ProviderError("not audio")
        return 1.5


REQUEST = VoiceRequest("Hello.", "MARA", "v1")


def test_fake_meets_the_protocol() -> None:
    """The test double is a Provider as the registry checks it."""
    assert isinstance(FakeCloud(), Provider)


def test_fetch_writes_a_part_file_then_renames_it(tmp_path: Path) -> None:
    """The provider writes NAME.*.part; the verified asset appears at NAME with cost and length."""
    provider = FakeCloud()
    asset = fetch(provider, REQUEST, tmp_path / "line.wav", scratch=tmp_path / "s")
    assert provider.seen_part is not None
    assert provider.seen_part.parent == tmp_path
    assert provider.seen_part.name.startswith("line.wav.")
    assert provider.seen_part.suffix == ".part"
    assert asset.path.read_bytes() == b"audio"
    assert (asset.cost, asset.seconds) == (0.25, 1.5)
    assert list(tmp_path.glob("*.part")) == []


def test_part_paths_are_unique_per_writer(tmp_path: Path) -> None:
    """Two writers of one asset never share a .part file."""
    assert part_path(tmp_path / "a.mp4") != part_path(tmp_path / "a.mp4")


def test_fetch_polls_until_done_honouring_the_wait(tmp_path: Path) -> None:
    """A pending ticket is polled again after the provider's requested wait."""
    waits: list[float] = []
    provider = FakeCloud(pending=2)
    fetch(provider, REQUEST, tmp_path / "a.wav", scratch=tmp_path, sleep=waits.append)
    assert provider.polls == 3
    assert waits == [3.0, 3.0]


def test_an_asset_that_fails_its_probe_leaves_nothing(tmp_path: Path) -> None:
    """Verification failure: no asset and no .part file remain."""
    with pytest.raises(ProviderError, match="not audio"):
        fetch(FakeCloud(valid=False), REQUEST, tmp_path / "a.wav", scratch=tmp_path)
    assert list(tmp_path.glob("a.wav*")) == []


def test_fetch_gives_up_after_its_timeout(tmp_path: Path) -> None:
    """A ticket that never finishes is a retryable error once the time limit passes."""
    with pytest.raises(ProviderError, match="no result within") as caught:
        fetch(FakeCloud(pending=10**9), REQUEST, tmp_path / "a.wav", scratch=tmp_path,
              timeout=0.05, sleep=lambda s: None)  # fmt: skip
    assert caught.value.retryable


def test_fetch_stops_when_cancelled(tmp_path: Path) -> None:
    """A cancelled token stops polling before anything is downloaded."""
    cancel = CancelToken()
    cancel.cancel()
    provider = FakeCloud(pending=5)
    with pytest.raises(ProviderCancelled):
        fetch(provider, REQUEST, tmp_path / "a.wav", scratch=tmp_path, cancel=cancel)
    assert provider.seen_part is None
