"""The embedded sync server: a child process on 127.0.0.1 with its own secret and settings."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.sync_server.conftest import PASSWORD
from vividverse_desktop.media.embedded_server import EmbeddedServer, EmbeddedServerError

FAST = {"VIVIDVERSE_BCRYPT_ROUNDS": "4"}


def _register(url: str, username: str) -> httpx.Response:
    body = {"username": username, "password": PASSWORD, "role": "writer"}
    return httpx.post(f"{url}/api/auth/register", json=body, timeout=10)


def _login(url: str, username: str) -> httpx.Response:
    body = {"username": username, "password": PASSWORD}
    return httpx.post(f"{url}/api/auth/login", json=body, timeout=10)


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def test_a_started_server_answers_and_a_stopped_one_frees_its_port(tmp_path: Path) -> None:
    """Start: health answers, a user registers and signs in. Stop: the port is free again."""
    server = EmbeddedServer(tmp_path / "server", settings=FAST)
    url = server.start()
    port = server.port
    assert port is not None
    assert url == f"http://127.0.0.1:{port}"
    try:
        assert httpx.get(f"{url}/api/health", timeout=5).status_code == 200
        assert _register(url, "ada").status_code == 201
        assert _login(url, "ada").status_code == 200
    finally:
        server.stop()
    assert not server.running
    assert _port_is_free(port)


def test_a_second_start_on_the_same_data_sees_the_same_user(tmp_path: Path) -> None:
    """Users live in the data directory: a new run (new port, new secret) signs them in."""
    with EmbeddedServer(tmp_path / "server", settings=FAST) as first:
        assert _register(first.url, "bea").status_code == 201
    with EmbeddedServer(tmp_path / "server", settings=FAST) as second:
        answer = _login(second.url, "bea")
    assert answer.status_code == 200, answer.text
    assert answer.json()["user"]["username"] == "bea"


def test_the_callers_environment_is_neither_changed_nor_passed_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The secret never enters this process's environment; its VIVIDVERSE_* settings (here
    an unusable database) do not reach the child, which starts on its own data directory."""
    monkeypatch.setenv("VIVIDVERSE_DATABASE_URL", "postgresql://nowhere.invalid/none")
    before = dict(os.environ)
    with EmbeddedServer(tmp_path / "server", settings=FAST) as server:
        assert httpx.get(f"{server.url}/api/health", timeout=5).status_code == 200
        assert dict(os.environ) == before
    assert (tmp_path / "server" / "sync-server.sqlite3").is_file()


def test_a_server_that_cannot_start_says_why(tmp_path: Path) -> None:
    """Unusable settings: start raises with the server's own message, and no child is left."""
    server = EmbeddedServer(tmp_path / "server", settings={"VIVIDVERSE_BCRYPT_ROUNDS": "2"})
    with pytest.raises(EmbeddedServerError, match="VIVIDVERSE_BCRYPT_ROUNDS must be between"):
        server.start()
    assert not server.running


def _token_survives_a_restart(data_dir: Path, secret: str | None) -> bool:
    with EmbeddedServer(data_dir, secret=secret, settings=FAST) as first:
        assert _register(first.url, "cyd").status_code == 201
        token = _login(first.url, "cyd").json()["access_token"]
    with EmbeddedServer(data_dir, secret=secret, settings=FAST) as again:
        me = {"Authorization": f"Bearer {token}"}
        return httpx.get(f"{again.url}/api/auth/me", headers=me, timeout=5).status_code == 200


def test_each_start_signs_with_a_new_secret_unless_one_is_given(tmp_path: Path) -> None:
    """A token from one run fails on the next; with a kept secret it still works."""
    assert not _token_survives_a_restart(tmp_path / "a", None)
    assert _token_survives_a_restart(tmp_path / "b", "k" * 48)


def test_a_desktop_killed_with_sigkill_leaves_no_server_behind(tmp_path: Path) -> None:
    """A parent process starts the server and dies by SIGKILL (no cleanup runs); the
    server notices it was orphaned and shuts down by itself."""
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from vividverse_desktop.media.embedded_server import EmbeddedServer\n"
        "server = EmbeddedServer(Path(sys.argv[1]))\n"
        "server.start()\n"
        "print(server._process.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path / "data")], stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    with parent.stdout:
        server_pid = int(parent.stdout.readline())
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and _alive(server_pid):
        time.sleep(0.1)
    assert not _alive(server_pid)


def _alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie reaped by init counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except FileNotFoundError:
        return False
    return state != "Z"
