"""Limits on how a request arrives: its body within a deadline, its headers within a size.

A body dribbled a few bytes a second would hold a connection (and whatever the route
holds while reading) for as long as the sender likes: :class:`BodyDeadline` gives the
whole body ``Settings.body_timeout_seconds`` from the first read, then answers 408
and closes the connection. Headers are capped in the HTTP parser, before the app sees
them: :func:`http_protocol` is httptools with a byte count on the request line and
headers (431 and close past ``Settings.max_header_bytes``); h11 has its own cap.
"""

from __future__ import annotations

import asyncio
import importlib.util

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync_server.errors import ApiError, error_response

__all__ = ["DEFAULT_HEADER_LIMIT", "BodyDeadline", "HeaderLimit", "http_protocol"]

DEFAULT_HEADER_LIMIT = 64 * 1024
"""Largest request line plus headers, in bytes, unless the settings say otherwise."""


class BodyDeadline:
    """ASGI middleware: a request body must arrive whole within ``seconds`` (else 408)."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        deadline: float | None = None
        late = False
        body_done = False

        async def timed_receive() -> Message:
            nonlocal deadline, late, body_done
            if body_done:
                return await receive()  # waiting for the disconnect: no deadline
            if deadline is None:
                deadline = loop.time() + self.seconds
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                late = True
                raise ApiError(
                    408,
                    "request_timeout",
                    f"the request body must arrive within {self.seconds:g} s",
                ) from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            return message

        async def closing_send(message: Message) -> None:
            if late and message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k != b"connection"]
                message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        await self.app(scope, timed_receive, closing_send)


class HeaderLimit:
    """ASGI middleware: 431 (and close) for a request line plus headers over ``max_bytes``.

    httptools is capped in the parser (``http_tools``); h11 checks only a request still
    incomplete in its buffer, so a large one that arrives whole is refused here.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            size = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
            size += sum(len(name) + len(value) + 4 for name, value in scope["headers"])
            if size > self.max_bytes:
                response = error_response(
                    431,
                    "headers_too_large",
                    f"request headers are limited to {self.max_bytes} bytes",
                )
                response.headers["Connection"] = "close"
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def http_protocol(kind: str) -> str:
    """The uvicorn ``http`` option for ``kind`` (auto, httptools, h11) with headers capped.

    httptools (``auto`` when installed) becomes ``http_tools.CappedHttpTools``; h11 is capped
    by uvicorn itself. Both read the cap from ``h11_max_incomplete_event_size`` of the
    uvicorn config: pass ``Settings.max_header_bytes`` there.
    """
    if kind == "h11" or (kind == "auto" and importlib.util.find_spec("httptools") is None):
        return "h11"
    return "sync_server.http_tools:CappedHttpTools"
