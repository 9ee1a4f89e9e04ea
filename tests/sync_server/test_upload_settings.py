"""Upload limits from the environment: VIVIDVERSE_MAX_SCRIPT_BYTES, VIVIDVERSE_MAX_MOVIE_BYTES."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from sync_server.app import create_app
from sync_server.limits import FileLimits
from sync_server.settings import Settings, SettingsError
from tests.sync_server.conftest import (
    ADMIN,
    ADMIN_PASSWORD,
    bearer,
    signed_in,
    staff_tokens,
    submit_script,
)
from tests.sync_server.test_files import _movie_row
from vividverse_desktop.cli import main

PDF_HEAD = b"%PDF-1.4\n"
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42"


def environ(data_dir: Path, **limits: str) -> dict[str, str]:
    """A server environment: its own data dir and secret, cheap bcrypt, the given limits."""
    return {
        "VIVIDVERSE_DATA_DIR": str(data_dir),
        "VIVIDVERSE_JWT_SECRET": secrets.token_urlsafe(48),
        "VIVIDVERSE_BCRYPT_ROUNDS": "4",
        "VIVIDVERSE_ADMIN_USERNAME": ADMIN,
        "VIVIDVERSE_ADMIN_PASSWORD": ADMIN_PASSWORD,
        **limits,
    }


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Starlette]:
    """The real app, built from an environment limiting scripts to 2 KiB and movies to 4000 B."""
    env = environ(tmp_path, VIVIDVERSE_MAX_SCRIPT_BYTES="2K", VIVIDVERSE_MAX_MOVIE_BYTES="4000")
    made = create_app(Settings.from_environ(env))
    yield made
    made.state.context.database.dispose()


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://studio.test") as http:
        yield http


async def _script(client: httpx.AsyncClient) -> tuple[dict[str, str], str]:
    tokens = await signed_in(client, "ada")
    script = await submit_script(client, tokens["access_token"])
    return bearer(tokens["access_token"]), str(script["id"])


async def _source(client: httpx.AsyncClient, size: int) -> int:
    """Upload a PDF source of ``size`` bytes to a new script; the response status."""
    writer, script_id = await _script(client)
    response = await client.put(
        f"/api/scripts/{script_id}/source",
        params={"name": "pier.pdf"},
        content=PDF_HEAD + b"x" * (size - len(PDF_HEAD)),
        headers={**writer, "Content-Type": "application/pdf"},
    )
    return response.status_code


async def _film(client: httpx.AsyncClient, app: Starlette, size: int) -> int:
    """Upload a film of ``size`` bytes to a new queued movie as an editor; the status."""
    _, script_id = await _script(client)
    editor = bearer((await staff_tokens(client, "eddie", "editor"))["access_token"])
    response = await client.put(
        f"/api/movies/{_movie_row(app, script_id)}/video",
        params={"duration": "1.0", "name": "film.mp4"},
        content=MP4_HEAD + b"\0" * (size - len(MP4_HEAD)),
        headers={**editor, "Content-Type": "video/mp4"},
    )
    return response.status_code


@pytest.mark.anyio
async def test_a_script_over_the_configured_limit_is_413(client: httpx.AsyncClient) -> None:
    """With VIVIDVERSE_MAX_SCRIPT_BYTES=2K a 2049-byte source is refused."""
    assert await _source(client, 2049) == 413


@pytest.mark.anyio
async def test_a_script_at_the_configured_limit_is_taken(client: httpx.AsyncClient) -> None:
    """A source of exactly 2048 bytes is within the limit."""
    assert await _source(client, 2048) == 201


@pytest.mark.anyio
async def test_a_movie_over_the_configured_limit_is_413(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    """With VIVIDVERSE_MAX_MOVIE_BYTES=4000 a 4001-byte film is refused."""
    assert await _film(client, app, 4001) == 413


@pytest.mark.anyio
async def test_a_movie_within_the_configured_limit_is_taken(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    """A 4000-byte film is within the limit."""
    assert await _film(client, app, 4000) == 200


def test_sizes_take_binary_units(tmp_path: Path) -> None:
    """64M, 2G, 512KiB and plain digits are all byte counts."""
    settings = Settings.from_environ(
        environ(tmp_path, VIVIDVERSE_MAX_SCRIPT_BYTES="512KiB", VIVIDVERSE_MAX_MOVIE_BYTES="2G")
    )
    assert settings.file_limits == FileLimits(script_bytes=512 * 1024, movie_bytes=2 * 1024**3)
    plain = Settings.from_environ(environ(tmp_path, VIVIDVERSE_MAX_MOVIE_BYTES="1000"))
    assert plain.file_limits.movie_bytes == 1000


def test_without_the_variables_the_defaults_hold(tmp_path: Path) -> None:
    """No limit variables: the built-in limits (32 MiB scripts, 16 GiB movies)."""
    assert Settings.from_environ(environ(tmp_path)).file_limits == FileLimits()
    assert FileLimits() == FileLimits(script_bytes=32 * 1024**2, movie_bytes=16 * 1024**3)


@pytest.mark.parametrize("raw", ["lots", "0", "-5", "1.5G", "12 parsecs", "0K"])
@pytest.mark.parametrize("name", ["VIVIDVERSE_MAX_SCRIPT_BYTES", "VIVIDVERSE_MAX_MOVIE_BYTES"])
def test_a_bad_limit_is_a_start_up_error_naming_it(tmp_path: Path, name: str, raw: str) -> None:
    """A malformed or non-positive size is a SettingsError naming the variable and the value."""
    with pytest.raises(SettingsError) as caught:
        Settings.from_environ(environ(tmp_path, **{name: raw}))
    assert name in str(caught.value)
    assert repr(raw) in str(caught.value)


def test_serve_refuses_to_start_with_a_bad_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`vividverse-cli serve` with VIVIDVERSE_MAX_MOVIE_BYTES=lots: exit 2, one clear line."""
    for key, value in environ(tmp_path, VIVIDVERSE_MAX_MOVIE_BYTES="lots").items():
        monkeypatch.setenv(key, value)
    assert main(["serve", "--port", "9", "--data-dir", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert "VIVIDVERSE_MAX_MOVIE_BYTES must be a size in bytes" in captured.err
    assert "serving on" not in captured.out


@pytest.fixture
async def default_client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The real app with the built-in limits: 2 MiB JSON bodies, 32 MiB script files."""
    made = create_app(Settings.from_environ(environ(tmp_path)))
    try:
        transport = httpx.ASGITransport(app=made)
        async with httpx.AsyncClient(transport=transport, base_url="http://studio.test") as http:
            yield http
    finally:
        made.state.context.database.dispose()


@pytest.mark.anyio
async def test_a_3_mib_script_file_is_taken_on_the_real_route(
    default_client: httpx.AsyncClient,
) -> None:
    """PUT /api/scripts/{id}/source of a 3 MiB PDF: over the JSON limit, within the file limit."""
    assert await _source(default_client, 3 * 1024 * 1024) == 201


@pytest.mark.anyio
async def test_a_33_mib_script_file_is_413_naming_the_file_limit(
    default_client: httpx.AsyncClient,
) -> None:
    """A 33 MiB PDF passes the JSON limit's route check and meets the 32 MiB file limit."""
    writer, script_id = await _script(default_client)
    response = await default_client.put(
        f"/api/scripts/{script_id}/source",
        params={"name": "epic.pdf"},
        content=PDF_HEAD + b"x" * (33 * 1024 * 1024 - len(PDF_HEAD)),
        headers={**writer, "Content-Type": "application/pdf"},
    )
    assert response.status_code == 413
    assert str(32 * 1024 * 1024) in response.text or "32 MiB" in response.text, response.text
