"""uvicorn's httptools protocol with a cap on the request line and headers (431 past it).

Imported by uvicorn (by name, see ``http_limits.http_protocol``) only where httptools
is installed.
"""

from __future__ import annotations

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from sync_server.http_limits import DEFAULT_HEADER_LIMIT


class CappedHttpTools(HttpToolsProtocol):
    """httptools counting the request line and headers; 431 and close past the cap."""

    _header_bytes = 0
    _over = False

    def on_message_begin(self) -> None:
        self._header_bytes = 0
        super().on_message_begin()

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4)
        super().on_header(name, value)

    def _limit(self) -> int:
        return self.config.h11_max_incomplete_event_size or DEFAULT_HEADER_LIMIT

    def _count(self, size: int) -> None:
        self._header_bytes += size
        if self._header_bytes > self._limit():
            self._over = True
            raise ValueError("request headers too large")  # stops the parser

    def send_400_response(self, msg: str) -> None:
        """The parser stopped: 431 when the headers were too large, else uvicorn's 400."""
        if not self._over:
            super().send_400_response(msg)
            return
        text = f"request headers are limited to {self._limit()} bytes".encode()
        self.transport.write(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
            b"content-type: text/plain; charset=utf-8\r\n"
            b"content-length: " + str(len(text)).encode() + b"\r\n"
            b"connection: close\r\n\r\n" + text
        )
        self.transport.close()
