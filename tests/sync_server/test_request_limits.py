"""How a request may arrive, on the real server over loopback: a body dribbled slowly is
cut off with 408, oversized headers get 431 (httptools) or 400 (h11), normal ones pass."""

from __future__ import annotations

import contextlib
import select
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.services import free_port
from tests.sync.process import served, server_environment

MAX_DRIBBLE_STEPS = 60
"""Half-second steps a dribbling client keeps sending before the test gives up (30 s)."""


@pytest.fixture(params=["auto", "h11"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[int, str]]:
    """A real server with a 1 s body deadline and 16 KiB of headers; (port, parser)."""
    port = free_port()
    env = server_environment(
        tmp_path, VIVIDVERSE_JWT_SECRET="limits-test-secret-" + "x" * 32,
        VIVIDVERSE_BODY_TIMEOUT_SECONDS="1", VIVIDVERSE_MAX_HEADER_BYTES="16KiB",
    )  # fmt: skip
    command = [sys.executable, "-m", "sync_server", "--host", "127.0.0.1", "--port", str(port)]
    with served([*command, "--http", request.param], env, port):
        yield port, request.param


def _read_all(connection: socket.socket) -> bytes:
    chunks: list[bytes] = []
    while True:
        try:
            chunk = connection.recv(65536)
        except ConnectionResetError:  # closed while the request was still arriving
            return b"".join(chunks)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def test_a_body_dribbled_at_two_bytes_a_second_is_cut_off_with_408(
    server: tuple[int, str],
) -> None:
    """The server answers 408 and closes long before the slow sender would have finished."""
    port, _parser = server
    body = b'{"username": "slow", "password": "' + b"x" * 60 + b'"}'
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(
            b"POST /api/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
        )
        sent = 0
        for _ in range(MAX_DRIBBLE_STEPS):
            readable, _, _ = select.select([connection], [], [], 0.5)
            if readable:
                break
            connection.sendall(body[sent : sent + 1])
            sent += 1
        else:
            pytest.fail("the server kept reading a dribbled body")
        answer = _read_all(connection)  # returns only once the server closed
    assert sent < len(body)
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert b"request_timeout" in answer


def test_a_body_sent_at_once_is_not_affected(server: tuple[int, str]) -> None:
    """An ordinary request on the same server gets its ordinary answer."""
    port, _parser = server
    response = httpx.post(
        f"http://127.0.0.1:{port}/api/auth/login",
        json={"username": "nobody", "password": "wrong password"},
        timeout=10,
    )
    assert response.status_code == 401


@pytest.mark.parametrize("size", [1024 * 1024, 20 * 1024])
def test_oversized_headers_are_refused_and_the_connection_closed(
    server: tuple[int, str], size: int
) -> None:
    """Headers past the cap: 431 (or h11's own 400 while incomplete); the connection closes."""
    port, parser = server
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        request = b"GET /api/health HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * size + b"\r\n\r\n"
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.sendall(request)  # the server may close before reading it all
        answer = _read_all(connection)
    if parser == "h11":  # h11 refuses a request still arriving with 400, or resets
        assert answer == b"" or answer.startswith((b"HTTP/1.1 431 ", b"HTTP/1.1 400 "))
    else:
        assert answer.startswith(b"HTTP/1.1 431 "), answer[:80]


def test_headers_under_the_cap_pass(server: tuple[int, str]) -> None:
    """8 KiB of headers (a long cookie, say) is an ordinary request."""
    port, _parser = server
    response = httpx.get(
        f"http://127.0.0.1:{port}/api/health", headers={"X-Long": "a" * 8192}, timeout=10
    )
    assert response.status_code == 200
