"""`vividverse-cli render --publish` against a real sync server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import io
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import keyring
import pytest

from tests.render.conftest import SCRIPT
from tests.sync.memory_keyring import MemoryKeyring
from tests.sync.process import PASSWORD, free_port, served, server_environment
from tests.sync_server.conftest import (
    ADMIN,
    ADMIN_PASSWORD,
    admin_tokens,
    bearer,
    signed_in,
    staff_tokens,
)
from tests.sync_server.test_sync import Device, score
from vividverse_desktop.cli import main
from vividverse_desktop.cli.sync import PASSWORD_ENV, SERVER_ENV, USER_ENV
from vividverse_desktop.core.wire import Op, ScriptMetadata, ScriptSubmission
from vividverse_desktop.core.workflow import Status

TINY = ["--size", "160x90", "--fps", "12", "--jobs", "2"]


def _serve(tmp_path_factory: pytest.TempPathFactory, **env: str) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("served")
    port = free_port()
    command = [
        sys.executable, "-m", "vividverse_desktop.cli", "serve",
        "--port", str(port), "--data-dir", str(data_dir), "--log-level", "warning",
    ]  # fmt: skip
    with served(command, server_environment(data_dir, **env), port) as url:
        yield url


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`vividverse-cli serve` on a free loopback port."""
    yield from _serve(tmp_path_factory)


@pytest.fixture(scope="module")
def small_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server that takes movies of at most 1 KiB (VIVIDVERSE_MAX_MOVIE_BYTES)."""
    yield from _serve(tmp_path_factory, VIVIDVERSE_MAX_MOVIE_BYTES="1K")


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    """Never the real keyring; no server, user or password in the environment by default."""
    for name in (PASSWORD_ENV, SERVER_ENV, USER_ENV):
        monkeypatch.delenv(name, raising=False)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(scope="module")
def warm_job(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A job directory holding every asset of the script: later renders only stitch."""
    folder = tmp_path_factory.mktemp("warm")
    script = folder / "pier.fountain"
    script.write_text(SCRIPT, encoding="utf-8")
    job = folder / "job"
    argv = ["render", str(script), "-o", str(folder / "film.mp4"), *TINY, "--job-dir", str(job)]
    assert main(argv) == 0
    return job


@pytest.fixture
def render(tmp_path: Path, warm_job: Path) -> Callable[..., list[str]]:
    """The argv of a tiny render of the script to ``film``, reusing the warm job's assets."""
    script = tmp_path / "pier.fountain"
    script.write_text(SCRIPT, encoding="utf-8")

    def argv(film: Path, *extra: str) -> list[str]:
        reuse = ["--job-dir", str(warm_job), "--resume"]
        return ["render", str(script), "-o", str(film), *TINY, *reuse, *extra]

    return argv


async def _selected_script(url: str, tag: str) -> str:
    """A script by writer ``tag``-w, scored by three validators, Selected by the admin."""
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        writer = Device(http, await signed_in(http, f"{tag}-w"))
        submission = ScriptSubmission.of("Pier Nine", SCRIPT)
        await writer.push(Op.of(submission))
        for i in range(3):
            validator = Device(http, await signed_in(http, f"{tag}-v{i}", "validator"))
            await validator.push(Op.of(score(validator, submission.version_id)))
        admin = Device(http, await admin_tokens(http))
        select = ScriptMetadata(submission.script_id, base_revision=2, status=Status.SELECTED)
        assert (await admin.push(Op.of(select))).results[0].outcome.value == "accepted"
        return submission.script_id


async def _staff(url: str, username: str, role: str = "editor") -> str:
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        return (await staff_tokens(http, username, role))["access_token"]


def studio(url: str, tag: str, *, movie: bool = False) -> tuple[str, str]:
    """A Selected script and editor ``tag``-ed; with ``movie``, a movie queued for it.

    Returns (script id, movie id or "").
    """

    async def build() -> tuple[str, str]:
        script_id = await _selected_script(url, tag)
        token = await _staff(url, f"{tag}-ed")
        if not movie:
            return script_id, ""
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            made = await http.post(
                "/api/movies/generate", json={"scriptId": script_id}, headers=bearer(token)
            )
            assert made.status_code == 201, made.text
            return script_id, str(made.json()["id"])

    return asyncio.run(build())


def movie_record(url: str, movie_id: str) -> dict[str, Any]:
    """The movie as the server has it now (the admin's pull)."""

    async def pull() -> dict[str, Any]:
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            admin = Device(http, await admin_tokens(http))
            found = [c for c in await admin.pull_all() if c.id == movie_id]
            return dict(found[-1].data)

    return asyncio.run(pull())


def script_status(url: str, script_id: str) -> str:
    """The script's status on the server (the admin's listing)."""
    with httpx.Client(base_url=url, timeout=30) as http:
        login = {"username": ADMIN, "password": ADMIN_PASSWORD}
        token = http.post("/api/auth/login", json=login)
        listing = http.get("/api/scripts", headers=bearer(token.json()["access_token"])).json()
    return next(str(s["status"]) for s in listing["items"] if s["id"] == script_id)


def downloaded_film(url: str, movie_id: str, editor: str) -> bytes:
    """The movie's film, fetched through its download link as ``editor``."""
    with httpx.Client(base_url=url, timeout=30) as http:
        token = http.post("/api/auth/login", json={"username": editor, "password": PASSWORD})
        headers = bearer(token.json()["access_token"])
        link = http.get(f"/api/movies/{movie_id}/video-url", headers=headers)
        assert link.status_code == 200, link.text
        film = http.get(link.json()["url"])
        assert film.status_code == 200
        return film.content


def test_publish_to_a_movie_completes_it_with_the_very_film(
    server: str,
    render: Callable[..., list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--publish --movie: the record ends completed at 100 %, its film is the rendered bytes."""
    script_id, movie_id = studio(server, "alma", movie=True)
    film = tmp_path / "film.mp4"
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    argv = render(film, "--publish", "--movie", movie_id, "--server", server)
    assert main([*argv, "--user", "alma-ed"]) == 0
    err = capsys.readouterr().err
    assert f"published movie {movie_id} on {server}: completed at 100%" in err
    record = movie_record(server, movie_id)
    assert (record["status"], record["progress"]) == ("completed", 1.0)
    assert record["durationS"] == pytest.approx(16.0, abs=0.1)
    assert downloaded_film(server, movie_id, "alma-ed") == film.read_bytes()
    assert script_status(server, script_id) == Status.COMPLETED.value


def test_publish_for_a_script_starts_its_movie(
    server: str,
    render: Callable[..., list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--script-id (server, user and password from the environment) makes and completes a movie."""
    script_id, _ = studio(server, "bo")
    film = tmp_path / "film.mp4"
    for name, value in ((PASSWORD_ENV, PASSWORD), (SERVER_ENV, server), (USER_ENV, "bo-ed")):
        monkeypatch.setenv(name, value)
    assert main(render(film, "--publish", "--script-id", script_id)) == 0
    err = capsys.readouterr().err
    started = next(line for line in err.splitlines() if line.startswith("started movie "))
    movie_id = started.split()[2]
    assert movie_record(server, movie_id)["status"] == "completed"
    assert downloaded_film(server, movie_id, "bo-ed") == film.read_bytes()


def test_the_next_publish_uses_the_kept_session(
    server: str,
    render: Callable[..., list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
) -> None:
    """After one publish with a password, the keyring's refresh token signs the next one in."""
    _, first = studio(server, "cy", movie=True)
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    common = ["--publish", "--server", server, "--user", "cy-ed"]
    assert main(render(tmp_path / "a.mp4", *common, "--movie", first)) == 0
    assert len(memory_keyring.secrets) == 1
    monkeypatch.delenv(PASSWORD_ENV)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    _, second = studio(server, "cy2", movie=True)
    assert main(render(tmp_path / "b.mp4", *common, "--movie", second)) == 0
    assert movie_record(server, second)["status"] == "completed"


def test_without_a_server_publishing_is_the_local_film(
    render: Callable[..., list[str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--publish with no --server or VIVIDVERSE_SERVER_URL renders and says the film stays local."""
    film = tmp_path / "film.mp4"
    assert main(render(film, "--publish")) == 0
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("no sync server configured")
    assert str(film) in last
    assert film.is_file()


def test_a_server_that_is_down_is_one_line_and_exit_1(
    render: Callable[..., list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Nothing listening: exit 1, one line naming the address; no traceback."""
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    url = f"http://127.0.0.1:{free_port()}"
    movie = "0f0f0f0f-0000-4000-8000-000000000001"
    argv = render(tmp_path / "f.mp4", "--publish", "--movie", movie, "--server", url)
    assert main([*argv, "--user", "eddie"]) == 1
    err = capsys.readouterr().err
    assert f"cannot reach the sync server at {url}" in err
    assert "Traceback" not in err
    assert [line for line in err.splitlines() if "error" in line] == [err.strip().splitlines()[-1]]


def test_a_wrong_password_is_one_line_and_exit_1(
    server: str,
    render: Callable[..., list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A refused sign-in (401): exit 1 with the reason; nothing rendered."""
    _, movie_id = studio(server, "dee", movie=True)
    monkeypatch.setenv(PASSWORD_ENV, "not the password")
    film = tmp_path / "film.mp4"
    argv = render(film, "--publish", "--movie", movie_id, "--server", server)
    assert main([*argv, "--user", "dee-ed"]) == 1
    err = capsys.readouterr().err
    assert "publish failed: wrong username or password" in err
    assert not film.exists()
    assert movie_record(server, movie_id)["status"] == "queued"


def test_a_writer_may_not_publish(
    server: str,
    render: Callable[..., list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A writer's account (403 role): exit 1 naming the role, before any render."""
    _, movie_id = studio(server, "eve", movie=True)
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    film = tmp_path / "film.mp4"
    argv = render(film, "--publish", "--movie", movie_id, "--server", server)
    assert main([*argv, "--user", "eve-w"]) == 1
    err = capsys.readouterr().err
    assert "eve-w is a writer" in err
    assert "only editors and admins publish films" in err
    assert not film.exists()


def test_an_unknown_movie_is_refused_before_the_render(
    server: str,
    render: Callable[..., list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A movie id the server does not know: exit 1 with its 404 reason; nothing rendered."""
    studio(server, "fay")
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    film = tmp_path / "film.mp4"
    movie = "0f0f0f0f-0000-4000-8000-000000000002"
    argv = render(film, "--publish", "--movie", movie, "--server", server)
    assert main([*argv, "--user", "fay-ed"]) == 1
    err = capsys.readouterr().err
    assert f"HTTP 404): no movie {movie}" in err
    assert not film.exists()


def test_a_script_that_is_not_selected_cannot_start_a_movie(
    server: str,
    render: Callable[..., list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--script-id of a script already Generating: exit 1 with the server's 409 reason."""
    script_id, _ = studio(server, "gus", movie=True)
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    argv = render(tmp_path / "f.mp4", "--publish", "--script-id", script_id)
    assert main([*argv, "--server", server, "--user", "gus-ed"]) == 1
    err = capsys.readouterr().err
    assert f"would not start a movie for script {script_id} (HTTP 409)" in err


def test_a_refused_upload_keeps_the_film_and_fails_the_movie(
    small_server: str,
    render: Callable[..., list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A film over the server's movie limit (413): exit 1, the film kept, the movie failed."""
    _, movie_id = studio(small_server, "hal", movie=True)
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    film = tmp_path / "film.mp4"
    argv = render(film, "--publish", "--movie", movie_id, "--server", small_server)
    assert main([*argv, "--user", "hal-ed"]) == 1
    err = capsys.readouterr().err
    last = err.strip().splitlines()[-1]
    assert "the server refused the film (HTTP 413)" in last
    assert f"the film is kept at {film}" in last
    assert film.is_file()
    record = movie_record(small_server, movie_id)
    assert record["status"] == "failed"
    assert record["videoKey"] is None


@pytest.mark.parametrize(
    ("extra", "needs"),
    [
        (["--publish", "--server", "http://127.0.0.1:9", "--user", "x"], "--movie ID"),
        (["--publish", "--server", "http://127.0.0.1:9", "--movie", "0" * 32], "--user NAME"),
        (["--movie", "0" * 32], "go with --publish"),
    ],
)
def test_publish_options_that_do_not_fit_are_usage_errors(
    render: Callable[..., list[str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    needs: str,
) -> None:
    """Missing a movie or user, or --movie without --publish: exit 2 before any work."""
    film = tmp_path / "film.mp4"
    assert main(render(film, *extra)) == 2
    assert needs in capsys.readouterr().err
    assert not film.exists()
