"""Cancel wakes a cloud provider's waits: a 60 s Retry-After ends the moment the user cancels."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.providers.cloud.fake import FakeService, json_reply
from vividverse_desktop.core.cancel import CancelToken
from vividverse_desktop.providers.cloud.luma import LumaVideo
from vividverse_desktop.providers.contract import ClipRequest, ProviderCancelled, fetch

GENERATIONS = "/dream-machine/v1/generations"
RETRY_AFTER = 60.0


def test_a_retry_after_wait_returns_cancelled_as_soon_as_cancel_is_pressed(
    service: FakeService, http: httpx.Client, clip: ClipRequest, tmp_path: Path
) -> None:
    """The service asks for 60 s; cancel after 0.2 s; fetch raises ProviderCancelled at once."""
    service.route("POST", GENERATIONS)(
        lambda seen, match: json_reply(
            {"detail": "Too many requests"}, 429, {"Retry-After": f"{RETRY_AFTER:g}"}
        )
    )
    provider = LumaVideo(api_key="k", base_url=service.url, http=http)
    token = CancelToken()
    threading.Timer(0.2, token.cancel, args=("the user pressed Cancel",)).start()
    started = time.monotonic()
    with pytest.raises(ProviderCancelled, match="pressed Cancel"):
        fetch(provider, clip, tmp_path / "clip.mp4", scratch=tmp_path, cancel=token)
    waited = time.monotonic() - started
    assert len(service.calls("POST", GENERATIONS)) == 1  # it was waiting, not retrying
    assert waited < RETRY_AFTER / 10
    assert not list(tmp_path.glob("clip.mp4*"))


def test_without_a_cancel_the_retry_after_is_honoured(
    service: FakeService, http: httpx.Client, clip: ClipRequest, tmp_path: Path
) -> None:
    """The same 429 under a token nobody cancels keeps waiting (the wait is the server's)."""
    service.route("POST", GENERATIONS)(
        lambda seen, match: json_reply({"detail": "slow down"}, 429, {"Retry-After": "60"})
    )
    provider = LumaVideo(api_key="k", base_url=service.url, http=http)
    token = CancelToken()
    done = threading.Event()

    def work() -> None:
        try:
            fetch(provider, clip, tmp_path / "clip.mp4", scratch=tmp_path, cancel=token)
        except ProviderCancelled:
            done.set()

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    assert not done.wait(1.0)  # still inside the server's 60 s
    token.cancel()
    worker.join(10)
    assert done.is_set()


def test_a_slow_request_in_flight_is_given_up_the_moment_cancel_is_pressed(
    service: FakeService, http: httpx.Client, clip: ClipRequest, tmp_path: Path
) -> None:
    """The service takes 5 s to answer the submit; cancel after 0.3 s returns at once."""

    def slow(seen: object, match: object) -> object:
        time.sleep(5)
        return json_reply({"detail": "too late"}, 500)

    service.route("POST", GENERATIONS)(slow)
    provider = LumaVideo(api_key="k", base_url=service.url, http=http)
    token = CancelToken()
    threading.Timer(0.3, token.cancel, args=("the user pressed Cancel",)).start()
    started = time.monotonic()
    with pytest.raises(ProviderCancelled, match="pressed Cancel"):
        fetch(provider, clip, tmp_path / "clip.mp4", scratch=tmp_path, cancel=token)
    assert time.monotonic() - started < 2.0  # not the 5 s the request would have taken
    assert len(service.calls("POST", GENERATIONS)) == 1
    assert not list(tmp_path.glob("clip.mp4*"))
