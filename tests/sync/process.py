"""A sync server in its own process on 127.0.0.1, for tests over real HTTP."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.services import free_port
from tests.sync_server.conftest import ADMIN, ADMIN_PASSWORD, PASSWORD

START_TIMEOUT_S = 30.0
SCRIPT = "INT. HOUSE - DAY\n\nVera scores a script.\n"


def server_environment(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a test server: cheap bcrypt, a bootstrap admin, no stray settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("VIVIDVERSE_")}
    env.update(
        {
            "VIVIDVERSE_DATA_DIR": str(data_dir),
            "VIVIDVERSE_BCRYPT_ROUNDS": "4",
            "VIVIDVERSE_ADMIN_USERNAME": ADMIN,
            "VIVIDVERSE_ADMIN_PASSWORD": ADMIN_PASSWORD,
        }
    )
    env.update(extra)
    return env


class ServerProcess:
    """A server command listening on ``port``: start it, kill it (-9), start it again."""

    def __init__(
        self, command: Sequence[str], env: dict[str, str], port: int, cwd: Path | None = None
    ) -> None:
        self.command = list(command)
        self.env = env
        self.cwd = cwd
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the command and wait until /api/health answers."""
        process = subprocess.Popen(
            self.command,
            env=self.env,
            cwd=self.cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.process = process
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                output = process.stdout.read().decode() if process.stdout else ""
                raise RuntimeError(f"server exited with {process.returncode}:\n{output}")
            try:
                if httpx.get(f"{self.url}/api/health", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("server did not answer /api/health in time")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL the server, as a power cut would; wait until it is gone."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self._close()

    def stop(self) -> None:
        """Terminate the server (kill it after 10 s)."""
        process = self.process
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        self._close()

    def _close(self) -> None:
        if self.process is not None and self.process.stdout:
            self.process.stdout.close()
        self.process = None


@contextmanager
def served(command: Sequence[str], env: dict[str, str], port: int) -> Iterator[str]:
    """Run ``command`` (a server listening on ``port``) until /api/health answers; yield
    its base URL; stop it afterwards."""
    server = ServerProcess(command, env, port)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


def prepare_studio(base_url: str, validator: str = "vera") -> tuple[str, str]:
    """Register a writer and ``validator``, submit a script; returns (validator id, version id)."""
    with httpx.Client(base_url=base_url, timeout=10) as http:
        writer = f"{validator}-writer"
        for username, role in ((writer, "writer"), (validator, "validator")):
            answer = http.post(
                "/api/auth/register",
                json={"username": username, "password": PASSWORD, "role": role},
            )
            assert answer.status_code == 201, answer.text
            if role == "validator":
                validator_id = str(answer.json()["id"])
        tokens = http.post("/api/auth/login", json={"username": writer, "password": PASSWORD})
        submitted = http.post(
            "/api/scripts",
            json={"title": "Scores", "fountain_text": SCRIPT},
            headers={"Authorization": f"Bearer {tokens.json()['access_token']}"},
        )
        assert submitted.status_code == 201, submitted.text
        return validator_id, str(submitted.json()["latest_version"]["id"])


__all__ = [
    "PASSWORD",
    "ServerProcess",
    "free_port",
    "prepare_studio",
    "served",
    "server_environment",
]
