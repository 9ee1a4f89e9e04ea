"""HTTP for cloud adapters: one client per provider, errors mapped to the provider contract.

:class:`ServiceClient` turns HTTP answers into :class:`ProviderError` kinds the
engine understands: a rejected key (401), an account out of credits (402, or the
quota wording several services put on a 401/403/429), a content-policy refusal,
a 429 with its ``Retry-After`` (:class:`RateLimited`), retryable 5xx and
transport failures. A service whose status codes mean something else (Kling's
429 for an empty account, BFL's 403 for a key without rights) sets
:attr:`ServiceClient.interpret`. Callers retry with :func:`with_retries`;
downloads stream to a file and are checked against ``Content-Length`` so a
cut-off transfer never passes as done.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx

from vividverse_desktop.core.cancel import CancelToken
from vividverse_desktop.providers.contract import (
    ProviderCancelled,
    ProviderError,
    current_cancel,
)
from vividverse_desktop.providers.retry import RateLimited, parse_retry_after

TIMEOUT = httpx.Timeout(30.0, read=120.0)
"""Connect/write/pool 30 s; reading a slow answer (a synchronous image or speech) up to 120 s."""

CHUNK = 1 << 16


class KeyRejected(ProviderError):
    """The service refused the API key (401): fix the key, retrying will not help."""


class OutOfCredits(ProviderError):
    """The account has no credits or quota left: top it up; retrying will not help."""


class ContentRefused(ProviderError):
    """The service refused the prompt or its result under its content policy."""


class ResultExpired(ProviderError):
    """A result URL no longer serves the file (403/404/410): ask the service for a fresh one."""

    def __init__(self, message: str) -> None:
        super().__init__(message, retryable=True)


class TruncatedDownload(ProviderError):
    """The transfer ended before the promised length."""

    def __init__(self, message: str) -> None:
        super().__init__(message, retryable=True)


Refusal = Callable[[httpx.Response], bool]
Interpreter = Callable[[httpx.Response], ProviderError | None]
"""A service's own reading of an error answer: the error it stands for, or None for the default."""

EXHAUSTED = (
    "insufficient_quota", "exceeded your current quota", "quota_exceeded",
    "exhausted balance", "insufficient credits", "insufficient_credits",
)  # fmt: skip
"""Words of an empty account: OpenAI's 429 ``insufficient_quota``, ElevenLabs' 401
``quota_exceeded``, fal's 403 "Exhausted balance" (each service's error reference)."""


def _never(response: httpx.Response) -> bool:
    return False


def describe(response: httpx.Response) -> str:
    """The service's own words for an error answer, from the JSON shapes providers use."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200].strip() or response.reason_phrase
    found: Any = body
    for key in ("error", "detail", "message", "errors", "failure"):
        if isinstance(body, Mapping) and key in body:
            found = body[key]
            break
    if isinstance(found, Mapping):
        found = found.get("message") or found.get("detail") or found
    if isinstance(found, list):
        found = "; ".join(str(item.get("msg", item)) if isinstance(item, Mapping) else str(item)
                          for item in found)  # fmt: skip
    return str(found)[:300]


class ServiceClient:
    """One provider's HTTP client: auth headers, timeouts and error mapping.

    ``http`` may be injected (tests pass a client of their own); by default an
    ``httpx.Client`` with :data:`TIMEOUT` is made on first use. ``interpret`` (also
    settable after construction) reads a service's error answers before the defaults.
    """

    def __init__(
        self,
        service: str,
        *,
        headers: Callable[[], Mapping[str, str]],
        http: httpx.Client | None = None,
        interpret: Interpreter | None = None,
    ) -> None:
        self.service = service
        self.headers = headers
        self.interpret = interpret
        self._http = http
        self._owned = http is None
        self._lock = threading.Lock()

    @property
    def http(self) -> httpx.Client:
        """The underlying client (made lazily so constructing a provider never touches a key).

        Scenes render on several threads; the lock makes their first requests share one
        client instead of each making one and leaking all but the last.
        """
        with self._lock:
            if self._http is None:
                self._http = httpx.Client(timeout=TIMEOUT, follow_redirects=True)
            return self._http

    def close(self) -> None:
        """Close the connection pool (an injected client is the caller's to close)."""
        with self._lock:
            if self._http is not None and self._owned:
                self._http.close()
                self._http = None

    def call(
        self, method: str, url: str, *, refusal: Refusal = _never, **kwargs: Any
    ) -> httpx.Response:
        """One authenticated request; a 2xx answer, or the matching ProviderError raised."""
        headers = {**self.headers(), **kwargs.pop("headers", {})}
        try:
            response = self._request(method, url, headers, kwargs)
        except httpx.TimeoutException as error:
            raise ProviderError(f"{self.service} timed out: {error}", retryable=True) from error
        except httpx.TransportError as error:
            raise ProviderError(
                f"{self.service} could not be reached: {error}", retryable=True
            ) from error
        self.check(response, refusal)
        return response

    def _request(
        self, method: str, url: str, headers: Mapping[str, str], kwargs: dict[str, Any]
    ) -> httpx.Response:
        """The request, given up the moment the current fetch is cancelled.

        A synchronous image or speech call can take a minute; httpx cannot abort it, so
        under a cancel token (``contract.current_cancel``) it runs on its own thread and
        this waits on the token: Cancel returns at once, and the answer, when it comes,
        is closed unread.
        """
        token = current_cancel()
        if token is None:
            return self.http.request(method, url, headers=headers, **kwargs)
        token.check()
        box: dict[str, Any] = {}
        done = threading.Event()

        def run() -> None:
            try:
                box["response"] = self.http.request(method, url, headers=headers, **kwargs)
            except BaseException as error:  # handed to the waiting thread
                box["error"] = error
            finally:
                done.set()
                if token.is_set() and "response" in box:
                    box["response"].close()

        threading.Thread(target=run, name=f"{self.service} request", daemon=True).start()
        while not done.is_set():
            if token.wait(0.05):
                raise ProviderCancelled(
                    f"{token.reason or 'cancelled'} (while waiting for {self.service})"
                )
        if "error" in box:
            raise box["error"]
        response: httpx.Response = box["response"]
        return response

    def check(self, response: httpx.Response, refusal: Refusal = _never) -> None:
        """Raise the ProviderError an error answer stands for; 2xx passes."""
        code = response.status_code
        if code < 300:
            return
        if self.interpret is not None:
            found = self.interpret(response)
            if found is not None:
                raise found
        said = describe(response)
        if code == 402 or (code in (401, 403, 429) and exhausted(response)):
            raise OutOfCredits(
                f"{self.service} says the account is out of credits ({code}): {said}. "
                f"Top it up; retrying will not help."
            )
        if refusal(response):
            raise ContentRefused(f"{self.service} refused the request (content policy): {said}")
        if code == 401:
            raise KeyRejected(
                f"{self.service} rejected the API key (401): {said}. Store a valid key in the "
                f"keyring or the environment."
            )
        if code == 429:
            wait = parse_retry_after(response.headers.get("Retry-After"))
            raise RateLimited(f"{self.service} is rate limiting (429): {said}", wait)
        retryable = code >= 500 or code == 408
        raise ProviderError(f"{self.service} answered {code}: {said}", retryable=retryable)

    def download(self, url: str, part: Path, cancel: CancelToken | None = None) -> int:
        """Stream ``url`` (no auth: result URLs are pre-signed) into ``part``; bytes written.

        403/404/410 raise :class:`ResultExpired`; fewer bytes than ``Content-Length``
        raise :class:`TruncatedDownload`; both are retryable.
        """
        try:
            with self.http.stream("GET", url) as response:
                if response.status_code in (403, 404, 410):
                    raise ResultExpired(
                        f"{self.service}'s result URL answered {response.status_code}: expired"
                    )
                if response.status_code >= 300:
                    response.read()
                    self.check(response)
                expected = response.headers.get("Content-Length")
                written = 0
                with part.open("wb") as out:
                    for chunk in response.iter_raw(CHUNK):
                        if cancel is not None and cancel.is_set():
                            raise ProviderCancelled("cancelled")
                        out.write(chunk)
                        written += len(chunk)
        except httpx.TimeoutException as error:
            raise ProviderError(f"{self.service} download timed out", retryable=True) from error
        except httpx.TransportError as error:
            raise TruncatedDownload(f"{self.service} download broke off: {error}") from error
        if expected is not None and expected.isdigit() and written != int(expected):
            raise TruncatedDownload(
                f"{self.service} download ended at {written} of {expected} bytes"
            )
        return written


def exhausted(response: httpx.Response) -> bool:
    """Whether an error answer's words say the account has no credits or quota left."""
    text = response.text.lower()
    return any(word in text for word in EXHAUSTED)


def policy_refusal(response: httpx.Response) -> bool:
    """A 400/403/422 whose words name a content policy, moderation or safety system."""
    if response.status_code not in (400, 403, 422):
        return False
    text = response.text.lower()
    return any(word in text for word in ("policy", "moderat", "safety", "content_filtered"))
