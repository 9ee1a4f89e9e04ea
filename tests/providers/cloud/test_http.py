"""The shared HTTP client: status codes become the provider errors the engine acts on."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import httpx
import pytest

from tests.providers.cloud.fake import FakeService, Reply, Seen, json_reply
from vividverse_desktop.core.cancel import CancelToken
from vividverse_desktop.providers.cloud.http import (
    ContentRefused,
    KeyRejected,
    OutOfCredits,
    ResultExpired,
    ServiceClient,
    TruncatedDownload,
    describe,
    policy_refusal,
)
from vividverse_desktop.providers.contract import ProviderCancelled, ProviderError
from vividverse_desktop.providers.retry import RateLimited


@pytest.fixture
def client(service: FakeService, http: httpx.Client) -> ServiceClient:
    """A client for the fake service sending a fixed bearer key."""
    return ServiceClient("svc", headers=lambda: {"Authorization": "Bearer k"}, http=http)


def _answer(service: FakeService, reply: Reply) -> None:
    @service.route("GET", "/x")
    def handler(seen: Seen, match: re.Match[str]) -> Reply:
        return reply


def test_auth_headers_are_sent(service: FakeService, client: ServiceClient) -> None:
    """Every call carries the provider's auth headers."""
    _answer(service, json_reply({}))
    client.call("GET", f"{service.url}/x")
    assert service.calls("GET", "/x")[0].headers["authorization"] == "Bearer k"


def test_429_carries_retry_after(service: FakeService, client: ServiceClient) -> None:
    """A 429 is RateLimited with the header's seconds."""
    _answer(service, json_reply({"error": "slow"}, 429, {"Retry-After": "12"}))
    with pytest.raises(RateLimited) as caught:
        client.call("GET", f"{service.url}/x")
    assert caught.value.retry_after == 12.0


@pytest.mark.parametrize(("status", "retryable"), [(500, True), (503, True), (400, False)])
def test_server_errors_are_retryable_client_errors_not(
    service: FakeService, client: ServiceClient, status: int, retryable: bool
) -> None:
    """5xx may succeed later; a 400 will not."""
    _answer(service, json_reply({"detail": "no"}, status))
    with pytest.raises(ProviderError) as caught:
        client.call("GET", f"{service.url}/x")
    assert caught.value.retryable is retryable


def test_401_is_a_rejected_key(service: FakeService, client: ServiceClient) -> None:
    """401 is KeyRejected, not retryable."""
    _answer(service, json_reply({"error": {"message": "bad key"}}, 401))
    with pytest.raises(KeyRejected, match="bad key") as caught:
        client.call("GET", f"{service.url}/x")
    assert not caught.value.retryable


def test_a_policy_answer_is_a_content_refusal(service: FakeService, client: ServiceClient) -> None:
    """A 400 naming the safety system is ContentRefused when the adapter says so."""
    _answer(service, json_reply({"error": {"message": "rejected by the safety system"}}, 400))
    with pytest.raises(ContentRefused):
        client.call("GET", f"{service.url}/x", refusal=policy_refusal)


def test_an_unreachable_service_is_retryable(http: httpx.Client, tmp_path: Path) -> None:
    """A refused connection may work later."""
    client = ServiceClient("svc", headers=dict, http=http)
    with pytest.raises(ProviderError, match="could not be reached") as caught:
        client.call("GET", "http://127.0.0.1:9/x")
    assert caught.value.retryable


@pytest.mark.parametrize("status", [403, 404, 410])
def test_a_dead_result_url_is_expired(
    service: FakeService, client: ServiceClient, tmp_path: Path, status: int
) -> None:
    """403/404/410 on a download mean: ask for a fresh URL."""
    _answer(service, Reply(status, b"expired"))
    with pytest.raises(ResultExpired):
        client.download(f"{service.url}/x", tmp_path / "f.part")


def test_a_cut_transfer_is_truncated(
    service: FakeService, client: ServiceClient, tmp_path: Path
) -> None:
    """Fewer bytes than Content-Length is a TruncatedDownload."""
    _answer(service, Reply(200, b"x" * 5000, cut=1000))
    with pytest.raises(TruncatedDownload):
        client.download(f"{service.url}/x", tmp_path / "f.part")


def test_a_whole_transfer_is_written(
    service: FakeService, client: ServiceClient, tmp_path: Path
) -> None:
    """The file holds every byte and the count is returned."""
    _answer(service, Reply(200, bytes(range(256)) * 300))
    assert client.download(f"{service.url}/x", tmp_path / "f.part") == 256 * 300
    assert (tmp_path / "f.part").read_bytes() == bytes(range(256)) * 300


@pytest.mark.parametrize(
    ("body", "said"),
    [({"error": {"message": "m1"}}, "m1"), ({"detail": "m2"}, "m2"),
     ({"detail": [{"msg": "m3"}]}, "m3"), ({"name": "x", "errors": ["m4"]}, "m4")],
)  # fmt: skip
def test_describe_reads_each_providers_error_shape(body: object, said: str) -> None:
    """OpenAI, Luma/fal, FastAPI validation and Stability error bodies all give their words."""
    assert describe(httpx.Response(400, json=body)) == said


def test_a_cancelled_download_stops_and_says_so(
    service: FakeService, client: ServiceClient, tmp_path: Path
) -> None:
    """A cancelled token stops the transfer with ProviderCancelled."""
    _answer(service, Reply(200, b"x" * 300_000))
    cancel = CancelToken()
    cancel.cancel()
    with pytest.raises(ProviderCancelled):
        client.download(f"{service.url}/x", tmp_path / "f.part", cancel)


@pytest.mark.parametrize(
    ("status", "body"),
    [(402, {"detail": "Payment Required"}),
     (429, {"error": {"message": "You exceeded your current quota", "code": "insufficient_quota"}}),
     (401, {"detail": {"status": "quota_exceeded", "message": "Over quota"}}),
     (403, {"detail": "User is locked. Reason: Exhausted balance."})],
)  # fmt: skip
def test_an_empty_account_is_out_of_credits_not_a_key_or_rate_limit(
    service: FakeService, client: ServiceClient, status: int, body: object
) -> None:
    """402 and the documented quota words on 401/403/429 are OutOfCredits, never retryable."""
    _answer(service, json_reply(body, status))
    with pytest.raises(OutOfCredits) as caught:
        client.call("GET", f"{service.url}/x")
    assert not caught.value.retryable


def test_a_plain_rate_limit_is_not_taken_for_an_empty_account(
    service: FakeService, client: ServiceClient
) -> None:
    """A 429 saying only 'rate limit reached' stays RateLimited."""
    _answer(service, json_reply({"error": {"message": "Rate limit reached for requests"}}, 429))
    with pytest.raises(RateLimited):
        client.call("GET", f"{service.url}/x")


def test_a_service_interpreter_reads_errors_first(
    service: FakeService, client: ServiceClient
) -> None:
    """An interpreter's error wins; returning None falls back to the defaults."""
    _answer(service, json_reply({"code": 7}, 429))
    client.interpret = lambda r: ContentRefused("seven") if r.json()["code"] == 7 else None
    with pytest.raises(ContentRefused, match="seven"):
        client.call("GET", f"{service.url}/x")
    client.interpret = lambda r: None
    with pytest.raises(RateLimited):
        client.call("GET", f"{service.url}/x")


def test_threads_starting_at_once_share_one_lazily_made_client() -> None:
    """Scenes on several threads asking for the client at once all get the same one."""

    client = ServiceClient("svc", headers=dict)
    start = threading.Barrier(8)
    seen: list[httpx.Client] = []

    def first_request() -> None:
        start.wait()
        seen.append(client.http)

    threads = [threading.Thread(target=first_request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert len({id(made) for made in seen}) == 1
    finally:
        client.close()
