"""`vividverse-cli serve` and `vividverse-cli sync` as a shell user meets them."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from tests.core.scoring.builders import score
from tests.sync.memory_keyring import MemoryKeyring
from tests.sync.process import PASSWORD, free_port, prepare_studio, served, server_environment
from vividverse_desktop.cli import main
from vividverse_desktop.cli.sync import PASSWORD_ENV, SERVER_ENV, USER_ENV
from vividverse_desktop.core.scoring import ScoreEvent
from vividverse_desktop.store import LocalStore

SERVE_DIR_NAME = "served"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`python -m vividverse_desktop.cli serve` on a free loopback port, no JWT secret set."""
    data_dir = tmp_path_factory.mktemp(SERVE_DIR_NAME)
    port = free_port()
    command = [
        sys.executable, "-m", "vividverse_desktop.cli", "serve",
        "--port", str(port), "--data-dir", str(data_dir), "--log-level", "warning",
    ]  # fmt: skip
    with served(command, server_environment(tmp_path_factory.mktemp("elsewhere")), port) as url:
        yield url, data_dir


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    """Never touch the real keyring; no password or server in the environment by default."""
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    monkeypatch.delenv(SERVER_ENV, raising=False)
    monkeypatch.delenv(USER_ENV, raising=False)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def saved_scores(path: Path, validator_id: str, version_id: str, count: int) -> list[ScoreEvent]:
    events = [score(version_id, validator_id) for _ in range(count)]
    with LocalStore.open(path) as store:
        for event in events:
            store.save_score(event)
    return events


def test_serve_keeps_a_generated_secret_in_its_data_dir(server: tuple[str, Path]) -> None:
    """Started without VIVIDVERSE_JWT_SECRET, serve makes one, readable by its owner only."""
    _url, data_dir = server
    secret = data_dir / "jwt_secret"
    assert secret.is_file()
    assert secret.stat().st_mode & 0o077 == 0
    assert (data_dir / "sync-server.sqlite3").is_file()


def test_sync_pushes_saved_scores_and_says_so(
    server: tuple[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """With the password in the environment, sync sends 25 scores and reports 25 accepted."""
    url, _ = server
    validator_id, version_id = prepare_studio(url, "vic")
    store = tmp_path / "store.sqlite3"
    saved_scores(store, validator_id, version_id, 25)
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    code = main(["sync", "--server", url, "--user", "vic", "--store", str(store)])
    out = capsys.readouterr().out
    assert code == 0
    assert "pushed 25: 25 accepted, 0 already on the server" in out
    with LocalStore.open(store) as opened:
        assert opened.outbox() == ()


def test_sync_reports_json_for_scripts(
    server: tuple[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--json prints the counts as an object, and a second sync has nothing to push."""
    url, _ = server
    validator_id, version_id = prepare_studio(url, "val")
    store = tmp_path / "store.sqlite3"
    saved_scores(store, validator_id, version_id, 3)
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    argv = ["sync", "--server", url, "--user", "val", "--store", str(store), "--json"]
    assert main(argv) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(argv) == 0
    second = json.loads(capsys.readouterr().out)
    assert (first["pushed"], first["accepted"], first["kept"]) == (3, 3, [])
    assert first["pulled"] >= 3
    assert (second["pushed"], second["pulled"]) == (0, 0)


def test_ops_the_server_refuses_are_listed_and_kept(
    server: tuple[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A score on someone else's behalf is refused (403): listed with its reason, exit 1."""
    url, _ = server
    _validator_id, version_id = prepare_studio(url, "vince")
    store = tmp_path / "store.sqlite3"
    [event] = saved_scores(store, "5e1f1b0e-0000-4000-8000-000000000001", version_id, 1)
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    code = main(["sync", "--server", url, "--user", "vince", "--store", str(store)])
    out = capsys.readouterr().out
    assert code == 1
    assert "1 refused: your role may not do this (kept)" in out
    assert f"kept forbidden score              {event.id}: a score must be your own" in out
    with LocalStore.open(store) as opened:
        assert [entry.op.entity_id for entry in opened.outbox()] == [event.id]


def test_a_wrong_password_fails_with_a_clear_message(
    server: tuple[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A refused password exits 1 and says so on stderr."""
    url, _ = server
    monkeypatch.setenv(PASSWORD_ENV, "not the password")
    store = tmp_path / "store.sqlite3"
    assert main(["sync", "--server", url, "--user", "nobody", "--store", str(store)]) == 1
    assert "wrong username or password" in capsys.readouterr().err


def test_without_a_password_or_terminal_sync_explains_what_to_set(
    server: tuple[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Headless with no VIVIDVERSE_PASSWORD: exit 2 naming the variable."""
    url, _ = server
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code = main(["sync", "--server", url, "--user", "vera", "--store", str(tmp_path / "s.db")])
    assert code == 2
    assert PASSWORD_ENV in capsys.readouterr().err


def test_an_unreachable_server_fails_with_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nothing listening on the port: exit 1 with 'cannot reach' and the address."""
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    url = f"http://127.0.0.1:{free_port()}"
    code = main(["sync", "--server", url, "--user", "vera", "--store", str(tmp_path / "s.db")])
    err = capsys.readouterr().err
    assert code == 1
    assert f"cannot reach the sync server at {url}" in err


def test_sync_needs_a_server_address(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Neither --server nor VIVIDVERSE_SERVER_URL: a usage error naming both."""
    assert main(["sync", "--user", "vera", "--store", str(tmp_path / "s.db")]) == 2
    assert SERVER_ENV in capsys.readouterr().err


def test_a_batch_size_beyond_the_protocol_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--batch-size above the protocol's 500 ops per push is refused before any work."""
    argv = ["sync", "--server", "http://127.0.0.1:9", "--user", "vera", "--batch-size", "501"]
    assert main([*argv, "--store", str(tmp_path / "s.db")]) == 2
    assert "--batch-size must be from 1 to 500" in capsys.readouterr().err
    assert not (tmp_path / "s.db").exists()


def test_a_kept_session_needs_no_password_next_time(
    server: tuple[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """After one sync with a password, the keyring's refresh token signs the next one in."""
    url, _ = server
    prepare_studio(url, "viv")
    argv = ["sync", "--server", url, "--user", "viv", "--store", str(tmp_path / "s.db")]
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    assert main(argv) == 0
    assert len(memory_keyring.secrets) == 1
    monkeypatch.delenv(PASSWORD_ENV)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(argv) == 0
    assert "pushed 0" in capsys.readouterr().out


def test_the_username_may_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With VIVIDVERSE_USER set, --user may be left out (here the server is simply not there)."""
    monkeypatch.setenv(USER_ENV, "vera")
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    url = f"http://127.0.0.1:{free_port()}"
    assert main(["sync", "--server", url, "--store", str(tmp_path / "s.db")]) == 1
    assert "cannot reach the sync server" in capsys.readouterr().err


def test_without_a_username_sync_is_a_usage_error(tmp_path: Path) -> None:
    """Neither --user nor VIVIDVERSE_USER: argparse refuses the command line (exit 2)."""
    with pytest.raises(SystemExit) as caught:
        main(["sync", "--server", "http://127.0.0.1:9", "--store", str(tmp_path / "s.db")])
    assert caught.value.code == 2
