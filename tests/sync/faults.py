"""Transport wrappers that break the network in one precise way, for reliability tests.

Each wraps a real transport (the server app through ``httpx.ASGITransport``, or a fake)
and misbehaves only on requests whose path matches, a bounded number of times.
"""

from __future__ import annotations

import httpx


class DropResponses(httpx.AsyncBaseTransport):
    """The request reaches the server and is handled (committed); the reply is lost."""

    def __init__(self, inner: httpx.AsyncBaseTransport, path: str, times: int) -> None:
        self.inner = inner
        self.path = path
        self.left = times
        self.dropped = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.url.path == self.path and self.left > 0:
            self.left -= 1
            self.dropped += 1
            await response.aread()
            await response.aclose()
            raise httpx.ReadError("connection reset after the server answered", request=request)
        return response


class CutPages(httpx.AsyncBaseTransport):
    """A pull page starts to arrive and the connection drops half-way through the body,
    ``times`` times, after the first ``after`` matching requests went through whole."""

    def __init__(
        self, inner: httpx.AsyncBaseTransport, path: str, times: int, after: int = 0
    ) -> None:
        self.inner = inner
        self.path = path
        self.left = times
        self.after = after

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.url.path != self.path or self.left <= 0:
            return response
        if self.after > 0:
            self.after -= 1
            return response
        self.left -= 1
        body = await response.aread()
        await response.aclose()
        raise httpx.RemoteProtocolError(
            f"peer closed connection after {len(body) // 2} of {len(body)} bytes",
            request=request,
        )


class DuplicateRequests(httpx.AsyncBaseTransport):
    """Every matching request reaches the server twice; the client sees the second answer."""

    def __init__(self, inner: httpx.AsyncBaseTransport, path: str) -> None:
        self.inner = inner
        self.path = path
        self.duplicated = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path != self.path:
            return await self.inner.handle_async_request(request)
        body = await request.aread()
        first = await self.inner.handle_async_request(_copy(request, body))
        await first.aread()
        await first.aclose()
        self.duplicated += 1
        return await self.inner.handle_async_request(_copy(request, body))


class HoldBack(httpx.AsyncBaseTransport):
    """The first matching request is stuck in the network (the client gives up on it and
    sends it again); it reaches the server late, after a later, different request."""

    def __init__(self, inner: httpx.AsyncBaseTransport, path: str) -> None:
        self.inner = inner
        self.path = path
        self.held: tuple[httpx.Request, bytes] | None = None
        self.delivered_late = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path != self.path:
            return await self.inner.handle_async_request(request)
        body = await request.aread()
        if self.held is None and not self.delivered_late:
            self.held = (_copy(request, body), body)
            raise httpx.ConnectTimeout("the request is stuck in the network", request=request)
        response = await self.inner.handle_async_request(_copy(request, body))
        if self.held is not None and self.held[1] != body:
            late = await self.inner.handle_async_request(self.held[0])
            await late.aread()
            await late.aclose()
            self.held = None
            self.delivered_late = True
        return response


def _copy(request: httpx.Request, body: bytes) -> httpx.Request:
    return httpx.Request(request.method, request.url, headers=request.headers, content=body)
