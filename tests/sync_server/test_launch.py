"""``python -m sync_server --workers N``: one TCP socket for N processes, and no Nagle stalls."""

from __future__ import annotations

import asyncio
import socket
import sys
from pathlib import Path

import httpx
import pytest

from sync_server.__main__ import tcp_listener
from tests.sync.process import ServerProcess, free_port, server_environment
from tests.sync_server.conftest import ADMIN, ADMIN_PASSWORD, PASSWORD


async def _nodelay_of_an_accepted_connection(listener: socket.socket) -> int:
    accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
    _reader, writer = await asyncio.open_connection(*listener.getsockname()[:2])
    try:
        return await asyncio.wait_for(accepted, 5)
    finally:
        writer.close()
        server.close()
        await server.wait_closed()


def test_connections_on_the_listener_get_tcp_nodelay() -> None:
    """asyncio sets TCP_NODELAY on connections accepted from the socket the launcher binds."""
    listener = tcp_listener("127.0.0.1", 0)
    try:
        assert asyncio.run(_nodelay_of_an_accepted_connection(listener)) == 1
    finally:
        listener.close()


@pytest.mark.slow
def test_two_workers_serve_and_revoke_across_processes(tmp_path: Path) -> None:
    """Two worker processes answer /me; after a disable every connection is refused."""
    port = free_port()
    env = server_environment(tmp_path / "server", VIVIDVERSE_JWT_SECRET="w" * 48)
    command = [sys.executable, "-m", "sync_server", "--port", str(port), "--workers", "2"]
    command += ["--log-level", "warning"]
    server = ServerProcess(command, env, port)
    server.start()
    try:
        base = server.url
        answer = httpx.post(
            f"{base}/api/auth/register",
            json={"username": "dora", "password": PASSWORD, "role": "writer"},
        )
        assert answer.status_code == 201
        user_id = answer.json()["id"]
        login = httpx.post(
            f"{base}/api/auth/login", json={"username": "dora", "password": PASSWORD}
        )
        token = {"Authorization": f"Bearer {login.json()['access_token']}"}
        # Fresh connections land on either worker.
        assert all(
            httpx.get(f"{base}/api/auth/me", headers=token).status_code == 200 for _ in range(8)
        )
        admin = httpx.post(
            f"{base}/api/auth/login", json={"username": ADMIN, "password": ADMIN_PASSWORD}
        )
        admin_auth = {"Authorization": f"Bearer {admin.json()['access_token']}"}
        disabled = httpx.post(f"{base}/api/users/{user_id}/disable", headers=admin_auth)
        assert disabled.status_code == 200
        assert all(
            httpx.get(f"{base}/api/auth/me", headers=token).status_code == 401 for _ in range(8)
        )
    finally:
        server.stop()


@pytest.mark.parametrize("workers", ["0", "-1"])
def test_fewer_than_one_worker_is_a_usage_error(workers: str) -> None:
    """--workers below 1 is refused before anything starts."""
    from sync_server.__main__ import main

    with pytest.raises(SystemExit) as stopped:
        main(["--workers", workers])
    assert stopped.value.code == 2
