"""The embedded sync server ("this computer"): ``python -m sync_server`` as a child process.

The server runs in its own process so its process-wide settings (environment, switch
interval, logging, signal handlers) never touch the desktop's. It listens on 127.0.0.1
on a free port, signs tokens with a secret passed through the child's environment only
(generated with ``secrets.token_urlsafe`` unless the caller keeps one), and keeps its
database and files in the data directory the caller names. The child's own output goes
to ``server.log`` in that directory.

``start()`` blocks until ``/api/health`` answers (a few seconds at most): call it off
the GUI thread. ``stop()`` asks the server to end (SIGTERM, a graceful shutdown) and
kills it when it does not end in time.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

import httpx

HOST = "127.0.0.1"
HEALTH_PATH = "/api/health"
LOG_NAME = "server.log"
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0
POLL_S = 0.05
SETTINGS_PREFIX = "VIVIDVERSE_"


class EmbeddedServerError(RuntimeError):
    """The embedded server could not start; the message says why (its last log lines)."""


def free_port(host: str = HOST) -> int:
    """A TCP port on ``host`` that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class EmbeddedServer:
    """The sync server as a child process; a context manager, or ``start()``/``stop()``.

    ``settings`` are extra ``VIVIDVERSE_*`` variables for the child (e.g. a first
    admin); the caller's own ``VIVIDVERSE_*`` variables are not passed on, so the child
    sees only its data directory, its secret and these.
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        secret: str | None = None,
        settings: Mapping[str, str] | None = None,
        start_timeout: float = START_TIMEOUT_S,
        stop_timeout: float = STOP_TIMEOUT_S,
    ) -> None:
        self.data_dir = Path(data_dir)
        self._secret = secret
        self.settings = dict(settings or {})
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.port: int | None = None
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The server's base URL (``http://127.0.0.1:PORT``); only while it runs."""
        if self.port is None or self._process is None:
            raise EmbeddedServerError("the embedded server is not running")
        return f"http://{HOST}:{self.port}"

    @property
    def running(self) -> bool:
        """Whether the child process is alive."""
        return self._process is not None and self._process.poll() is None

    def command(self, port: int) -> list[str]:
        """The child's argv: this Python running the server package on ``port``."""
        return [
            sys.executable, "-m", "sync_server",
            "--host", HOST, "--port", str(port),
            "--log-level", "warning", "--no-access-log",
            "--exit-with-parent", str(os.getpid()),
        ]  # fmt: skip

    def environment(self, secret: str) -> dict[str, str]:
        """The child's environment: this process's, minus its ``VIVIDVERSE_*`` settings,
        plus the data directory, the secret and the caller's ``settings``."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS_PREFIX)}
        env.update(self.settings)
        env["VIVIDVERSE_DATA_DIR"] = str(self.data_dir)
        env["VIVIDVERSE_JWT_SECRET"] = secret
        return env

    def start(self) -> str:
        """Start the server and wait until it answers; returns its URL.

        Raises :class:`EmbeddedServerError` (with the server's last log lines) when it
        exits or does not answer within ``start_timeout``.
        """
        if self.running:
            return self.url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        secret = self._secret or secrets.token_urlsafe(48)
        port = free_port()
        log_path = self.data_dir / LOG_NAME
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                self.command(port),
                env=self.environment(secret),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._process, self.port = process, port
        try:
            self._wait_until_healthy(process, port, log_path)
        except BaseException:
            self.stop()
            raise
        return self.url

    def _wait_until_healthy(
        self, process: subprocess.Popen[bytes], port: int, log_path: Path
    ) -> None:
        deadline = time.monotonic() + self.start_timeout
        health = f"http://{HOST}:{port}{HEALTH_PATH}"
        with httpx.Client(timeout=1.0, trust_env=False) as http:
            while True:
                try:
                    if http.get(health).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise EmbeddedServerError(
                        f"the embedded server did not answer within {self.start_timeout:.0f} s"
                        f"{_tail(log_path)}"
                    )
                try:
                    code = process.wait(timeout=POLL_S)  # a pause that ends if the child dies
                except subprocess.TimeoutExpired:
                    continue
                raise EmbeddedServerError(
                    f"the embedded server exited with status {code}{_tail(log_path)}"
                )

    def stop(self) -> None:
        """End the server: SIGTERM, then SIGKILL after ``stop_timeout``; waits for it."""
        process, self._process = self._process, None
        self.port = None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def __enter__(self) -> EmbeddedServer:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()


def _tail(log_path: Path, lines: int = 8) -> str:
    """The last lines of the server's log, as a suffix for an error message."""
    try:
        text = log_path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""
    if not text:
        return ""
    return ":\n" + "\n".join(text.splitlines()[-lines:])
