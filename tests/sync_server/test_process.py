"""The real server process: ``python -m sync_server`` on 127.0.0.1, talked to over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.sync_server.conftest import PASSWORD

START_TIMEOUT_S = 20.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("VIVIDVERSE_")}
    env.update(
        {
            "VIVIDVERSE_DATA_DIR": str(data_dir),
            "VIVIDVERSE_BCRYPT_ROUNDS": "4",
            "VIVIDVERSE_ADMIN_USERNAME": "root",
            "VIVIDVERSE_ADMIN_PASSWORD": "root-password-1",
        }
    )
    env.update(extra)
    return env


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    env = _environment(tmp_path, VIVIDVERSE_JWT_SECRET="process-test-secret-" + "x" * 32)
    process = subprocess.Popen(
        [sys.executable, "-m", "sync_server", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                output = process.stdout.read().decode() if process.stdout else ""
                pytest.fail(f"server exited with {process.returncode}:\n{output}")
            try:
                if httpx.get(f"{base_url}/api/health", timeout=1.0).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("server did not answer /api/health in time")
            time.sleep(0.05)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()


def test_real_server_registers_logs_in_and_answers_me(server: str) -> None:
    """Over real HTTP: register, log in, call /me with the access token, refuse a big body."""
    with httpx.Client(base_url=server, timeout=10.0) as client:
        created = client.post(
            "/api/auth/register",
            json={"username": "netuser", "password": PASSWORD, "role": "writer"},
        )
        assert created.status_code == 201
        tokens = client.post(
            "/api/auth/login", json={"username": "netuser", "password": PASSWORD}
        ).json()
        me = client.get(
            "/api/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
        )
        assert me.json()["username"] == "netuser"
        too_big = client.post(
            "/api/auth/login",
            content=b" " * (3 * 1024 * 1024),
            headers={"Content-Type": "application/json"},
        )
        assert too_big.status_code == 413


def test_server_refuses_to_start_with_a_short_secret(tmp_path: Path) -> None:
    """A short secret stops the process with exit status 2 and a message naming the variable."""
    result = subprocess.run(
        [sys.executable, "-m", "sync_server", "--port", str(_free_port())],
        env=_environment(tmp_path, VIVIDVERSE_JWT_SECRET="too-short"),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "VIVIDVERSE_JWT_SECRET" in result.stderr
    assert "too-short" not in result.stderr
