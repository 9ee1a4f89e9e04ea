"""The real server process: ``python -m sync_server`` on 127.0.0.1, talked to over HTTP."""

from __future__ import annotations

import os
import signal
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


def _start(port: int, env: dict[str, str], *extra: str) -> subprocess.Popen[bytes]:
    """``python -m sync_server`` on ``port``, answering /api/health (else the test fails);
    its log goes to ``server.log`` in the data directory."""
    log = Path(env["VIVIDVERSE_DATA_DIR"]) / "server.log"
    with log.open("ab") as sink:
        argv = [sys.executable, "-m", "sync_server", "--host", "127.0.0.1", "--port", str(port)]
        process = subprocess.Popen(
            [*argv, *extra],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1.0).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("server did not answer /api/health in time")
        time.sleep(0.05)


def _children(pid: int) -> list[int]:
    """The pids of ``pid``'s child processes (Linux /proc)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text()
        found.extend(int(child) for child in text.split())
    return found


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_workers_exit_when_their_parent_is_killed(tmp_path: Path) -> None:
    """kill -9 of a --workers 2 server's parent: its workers exit, and a new server starts
    on the same port."""
    port = _free_port()
    env = _environment(tmp_path, VIVIDVERSE_JWT_SECRET="process-test-secret-" + "x" * 32)
    parent = _start(port, env, "--workers", "2")
    workers: list[int] = []
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        workers = [pid for pid in _children(parent.pid) if _alive(pid)]
        while len(workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
            workers = [pid for pid in _children(parent.pid) if _alive(pid)]
        assert len(workers) >= 2, workers
        parent.kill()
        parent.wait(timeout=10)
        deadline = time.monotonic() + 20
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in workers), "workers outlived their parent"
        again = _start(port, env)
        again.terminate()
        again.wait(timeout=10)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait(timeout=10)
        for pid in workers:  # a failed run must not leave orphans serving
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_rotating_forwarded_for_from_loopback_resets_no_budget(server: str) -> None:
    """On the real server (uvicorn), X-Forwarded-For from an untrusted peer names nobody:
    the sixth wrong password for one account is 429 whatever address the header claims."""
    with httpx.Client(base_url=server, timeout=10.0) as client:
        client.post(
            "/api/auth/register",
            json={"username": "target", "password": PASSWORD, "role": "writer"},
        )
        codes = [
            client.post(
                "/api/auth/login",
                json={"username": "target", "password": "guess guess"},
                headers={"X-Forwarded-For": f"192.0.2.{n}"},
            ).status_code
            for n in range(6)
        ]
        assert codes == [401] * 5 + [429]
