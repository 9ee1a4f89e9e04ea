"""A real HTTP server on 127.0.0.1 for fake cloud services: routes, faults and a request log."""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    """An answer; ``cut`` sends only that many body bytes (claiming them all), then hangs up."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    cut: int | None = None


def json_reply(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    """A JSON answer."""
    return Reply(status, json.dumps(value).encode(), {"Content-Type": "application/json",
                                                      **(headers or {})})  # fmt: skip


@dataclass(frozen=True)
class Seen:
    """A request as the fake received it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)


Handler = Callable[[Seen, re.Match[str]], Reply]


class FakeService:
    """Routes by method and path pattern; queued faults for a path are served before the route."""

    def __init__(self) -> None:
        self.routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self.faults: list[tuple[str, str, Reply]] = []
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        """Register ``handler`` for ``method`` and a full-match path regex."""

        def register(handler: Handler) -> Handler:
            self.routes.append((method, re.compile(pattern), handler))
            return handler

        return register

    def fail(self, method: str, prefix: str, *replies: Reply) -> None:
        """Answer the next requests whose path starts with ``prefix`` with ``replies``, in order."""
        with self.lock:
            self.faults.extend((method, prefix, reply) for reply in replies)

    def calls(self, method: str, prefix: str) -> list[Seen]:
        """Requests received so far for ``method`` under ``prefix``."""
        return [s for s in self.seen if s.method == method and s.path.startswith(prefix)]

    def answer(self, seen: Seen) -> Reply:
        """The reply to ``seen``: a queued fault, a route, or 404."""
        with self.lock:
            self.seen.append(seen)
            for n, (method, prefix, reply) in enumerate(self.faults):
                if method == seen.method and seen.path.startswith(prefix):
                    del self.faults[n]
                    return reply
        for method, pattern, handler in self.routes:
            match = pattern.fullmatch(seen.path)
            if method == seen.method and match:
                return handler(seen, match)
        return json_reply({"detail": "Not Found"}, 404)

    def start(self) -> FakeService:
        """Serve on a background thread."""
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def _handler_for(service: FakeService) -> type[BaseHTTPRequestHandler]:
    class Handle(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            reply = service.answer(Seen(self.command, parts.path, parse_qs(parts.query),
                                        headers, body))  # fmt: skip
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            if reply.cut is not None:
                self.send_header("Connection", "close")
            self.end_headers()
            if reply.cut is None:
                self.wfile.write(reply.body)
                return
            self.wfile.write(reply.body[: reply.cut])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)

        do_GET = do_POST = _serve

    return Handle
