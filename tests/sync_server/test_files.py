"""File routes: script sources and movie files through the real app, local storage and S3."""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from starlette.applications import Starlette

from sync_server import models
from sync_server.app import create_app
from sync_server.settings import Settings
from sync_server.storage import LocalStorage
from sync_server.uploads import FileLimits, open_files
from sync_server.usn import UsnSequence
from tests.sync_server.conftest import (
    bearer,
    make_settings,
    signed_in,
    staff_tokens,
    submit_script,
)
from tests.sync_server.test_storage import s3_endpoint, s3_url

pytestmark = pytest.mark.anyio

__all__ = ["s3_endpoint"]

PDF = b"%PDF-1.4\n% a tiny stand-in for a screenplay PDF\n%%EOF\n"
VIDEO = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40


def _storage_files(settings: Settings) -> list[Path]:
    root = settings.data_dir / "storage"
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


async def _writer_with_script(client: httpx.AsyncClient) -> tuple[dict[str, str], str]:
    tokens = await signed_in(client, "ada")
    script = await submit_script(client, tokens["access_token"])
    return bearer(tokens["access_token"]), str(script["id"])


async def _upload_source(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    script_id: str,
    content: Any = PDF,
    *,
    content_type: str = "application/pdf",
    name: str = "The Lighthouse.pdf",
) -> httpx.Response:
    return await client.put(
        f"/api/scripts/{script_id}/source",
        params={"name": name},
        content=content,
        headers={**headers, "Content-Type": content_type},
    )


def _movie_row(app: Starlette, script_id: str) -> str:
    """A queued movie record for the script's newest version (as generate would make)."""
    with app.state.context.database.transaction() as session:
        version = session.query(models.ScriptVersion).filter_by(script_id=uuid.UUID(script_id))
        usns = UsnSequence(session).lock()
        author = session.get(models.Script, uuid.UUID(script_id)).author_id
        movie = models.Movie(
            script_version_id=version.one().id,
            status="queued",
            chapters=[],
            created_by=author,
            revision=1,
            usn=usns.take(),
        )
        session.add(movie)
        session.flush()
        usns.store()
        return str(movie.id)


async def _editor_and_movie(
    client: httpx.AsyncClient, app: Starlette
) -> tuple[dict[str, str], str]:
    _writer, script_id = await _writer_with_script(client)
    editor = bearer((await staff_tokens(client, "eddie", "editor"))["access_token"])
    return editor, _movie_row(app, script_id)


async def _upload_video(
    client: httpx.AsyncClient, headers: dict[str, str], movie_id: str, content: Any = VIDEO
) -> httpx.Response:
    return await client.put(
        f"/api/movies/{movie_id}/video",
        params={"duration": "12.5", "name": "final.mp4"},
        content=content,
        headers={**headers, "Content-Type": "video/mp4"},
    )


async def test_writer_uploads_a_source_file_and_reads_it_back(client: httpx.AsyncClient) -> None:
    """The author's PDF is stored under a generated key and downloads byte for byte."""
    writer, script_id = await _writer_with_script(client)
    response = await _upload_source(client, writer, script_id)
    assert response.status_code == 201, response.text
    file = response.json()["file"]
    assert file["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert file["size"] == len(PDF)
    assert file["key"].startswith("scripts/")
    assert "Lighthouse" not in file["key"]
    download = await client.get(f"/api/scripts/{script_id}/source", headers=writer)
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert 'filename="The Lighthouse.pdf"' in download.headers["content-disposition"]


async def test_the_version_records_its_source_file_key(client: httpx.AsyncClient) -> None:
    """After the upload the version lists the stored file's key."""
    writer, script_id = await _writer_with_script(client)
    key = (await _upload_source(client, writer, script_id)).json()["file"]["key"]
    versions = (await client.get(f"/api/scripts/{script_id}/versions", headers=writer)).json()
    assert versions["items"][0]["sourceFileKey"] == key


async def test_a_version_takes_one_source_file(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    """A second upload for the same version is 409 and stores nothing more."""
    writer, script_id = await _writer_with_script(client)
    assert (await _upload_source(client, writer, script_id)).status_code == 201
    before = _storage_files(settings)
    again = await _upload_source(client, writer, script_id, content=PDF + b"\n")
    assert again.status_code == 409
    assert _storage_files(settings) == before


async def test_file_names_never_become_paths(client: httpx.AsyncClient, settings: Settings) -> None:
    """A name full of path parts is stored as a label; files stay under the storage root."""
    writer, script_id = await _writer_with_script(client)
    response = await _upload_source(
        client,
        writer,
        script_id,
        b"INT. ROOM\n",
        content_type="text/plain",
        name="../../../etc/passwd",
    )
    assert response.status_code == 201
    assert response.json()["file"]["filename"] == "passwd"
    stored = _storage_files(settings)
    assert len(stored) == 2
    assert all(path.name != "passwd" for path in stored)


async def test_validators_get_the_blind_text_not_the_file(client: httpx.AsyncClient) -> None:
    """A validator downloads the Fountain text without its title page, never the PDF."""
    writer, script_id = await _writer_with_script(client)
    await _upload_source(client, writer, script_id)
    validator = bearer((await signed_in(client, "val", "validator"))["access_token"])
    response = await client.get(f"/api/scripts/{script_id}/source", headers=validator)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/x-fountain")
    assert "INT. LIGHTHOUSE - NIGHT" in response.text
    assert "Ada Quill" not in response.text
    assert b"%PDF" not in response.content


async def test_other_writers_neither_upload_nor_download(client: httpx.AsyncClient) -> None:
    """Another writer's script is 403 both ways."""
    writer, script_id = await _writer_with_script(client)
    await _upload_source(client, writer, script_id)
    other = bearer((await signed_in(client, "bob"))["access_token"])
    assert (await _upload_source(client, other, script_id)).status_code == 403
    download = await client.get(f"/api/scripts/{script_id}/source", headers=other)
    assert download.status_code == 403


async def test_content_must_match_its_type(client: httpx.AsyncClient, settings: Settings) -> None:
    """A fake PDF or non-UTF-8 text is 422, an unknown type 415; nothing is kept."""
    writer, script_id = await _writer_with_script(client)
    fake_pdf = await _upload_source(client, writer, script_id, b"<html>" * 300)
    latin1 = await _upload_source(
        client, writer, script_id, "é".encode("latin-1"), content_type="text/plain"
    )
    html = await _upload_source(client, writer, script_id, b"<html>", content_type="text/html")
    assert (fake_pdf.status_code, latin1.status_code, html.status_code) == (422, 422, 415)
    assert _storage_files(settings) == []


async def test_an_oversized_declared_upload_is_refused_before_reading(
    client: httpx.AsyncClient, app: Starlette, settings: Settings
) -> None:
    """A Content-Length over the limit is 413 at once."""
    app.state.files = open_files(app.state.files.storage, FileLimits(script_bytes=1000))
    writer, script_id = await _writer_with_script(client)
    response = await _upload_source(client, writer, script_id, b"%PDF-" + b"x" * 1000)
    assert response.status_code == 413
    assert _storage_files(settings) == []


async def test_an_oversized_streamed_upload_is_cut_off(
    client: httpx.AsyncClient, app: Starlette, settings: Settings
) -> None:
    """A chunked body (no Content-Length) is counted as it streams: 413, nothing kept."""
    app.state.files = open_files(app.state.files.storage, FileLimits(script_bytes=100_000))
    writer, script_id = await _writer_with_script(client)

    async def chunks() -> AsyncIterator[bytes]:
        yield b"%PDF-1.4\n"
        for _ in range(50):
            yield b"x" * 4096

    response = await _upload_source(client, writer, script_id, chunks())
    assert response.status_code == 413
    assert _storage_files(settings) == []
    versions = (await client.get(f"/api/scripts/{script_id}/versions", headers=writer)).json()
    assert versions["items"][0]["sourceFileKey"] is None


async def test_a_failing_store_is_a_503_not_a_500(
    client: httpx.AsyncClient, app: Starlette, tmp_path: Path
) -> None:
    """When storage cannot write (its root is a file), the upload is 503 and nothing changes."""
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("x")
    app.state.files = open_files(LocalStorage(blocked, b"k" * 32))
    writer, script_id = await _writer_with_script(client)
    response = await _upload_source(client, writer, script_id)
    assert response.status_code == 503
    versions = (await client.get(f"/api/scripts/{script_id}/versions", headers=writer)).json()
    assert versions["items"][0]["sourceFileKey"] is None


async def test_uploads_may_exceed_the_json_body_limit(
    client: httpx.AsyncClient, app: Starlette, settings: Settings
) -> None:
    """File uploads follow their own limits, not the 2 MiB JSON body limit."""
    editor, movie_id = await _editor_and_movie(client, app)
    big = b"\x00\x00\x00\x18ftypmp42" + os.urandom(settings.max_body_bytes + 1)
    response = await _upload_video(client, editor, movie_id, big)
    assert response.status_code == 200, response.text
    assert response.json()["file"]["sha256"] == hashlib.sha256(big).hexdigest()


async def test_editor_uploads_a_movie_and_sets_its_duration(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    """The movie record gets the stored key, the duration and a new revision."""
    editor, movie_id = await _editor_and_movie(client, app)
    response = await _upload_video(client, editor, movie_id)
    assert response.status_code == 200, response.text
    movie = response.json()
    assert movie["videoKey"] == movie["file"]["key"]
    assert movie["durationS"] == 12.5
    assert movie["revision"] == 2


async def test_a_new_upload_replaces_the_old_file(
    client: httpx.AsyncClient, app: Starlette, settings: Settings
) -> None:
    """Uploading a re-render deletes the file it replaces."""
    editor, movie_id = await _editor_and_movie(client, app)
    first = (await _upload_video(client, editor, movie_id)).json()["file"]["key"]
    second = (await _upload_video(client, editor, movie_id, VIDEO + b"!")).json()["file"]["key"]
    names = {path.name for path in _storage_files(settings)}
    assert second.split("/")[1] in names
    assert first.split("/")[1] not in names


async def test_a_movie_needs_a_duration(client: httpx.AsyncClient, app: Starlette) -> None:
    """Without a positive duration the upload is 422."""
    editor, movie_id = await _editor_and_movie(client, app)
    for duration in ("", "-1", "nan", "inf", "abc"):
        response = await client.put(
            f"/api/movies/{movie_id}/video",
            params={"duration": duration},
            content=VIDEO,
            headers={**editor, "Content-Type": "video/mp4"},
        )
        assert response.status_code == 422, duration


async def _reviewer_link(client: httpx.AsyncClient, app: Starlette, expires: int) -> dict[str, Any]:
    editor, movie_id = await _editor_and_movie(client, app)
    assert (await _upload_video(client, editor, movie_id)).status_code == 200
    reviewer = bearer((await staff_tokens(client, "rita", "reviewer"))["access_token"])
    response = await client.get(
        f"/api/movies/{movie_id}/video-url", params={"expires": expires}, headers=reviewer
    )
    assert response.status_code == 200, response.text
    link: dict[str, Any] = response.json()
    return link


async def test_a_reviewer_plays_the_movie_through_a_signed_link(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    """The link serves the file without a token, including byte ranges for seeking."""
    link = await _reviewer_link(client, app, 60)
    assert link["expiresIn"] == 60
    full = await client.get(link["url"])
    assert full.status_code == 200
    assert full.content == VIDEO
    assert full.headers["content-type"] == "video/mp4"
    ranged = await client.get(link["url"], headers={"Range": "bytes=4-11"})
    assert ranged.status_code == 206
    assert ranged.content == b"ftypmp42"


async def test_a_forged_or_expired_link_is_refused(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    """Changing the signature is 403; so is a genuinely signed link past its expiry."""
    link = await _reviewer_link(client, app, 60)
    query = {name: values[0] for name, values in parse_qs(urlsplit(link["url"]).query).items()}
    forged = {**query, "signature": "0" * 64}
    assert (await client.get("/api/files", params=forged)).status_code == 403
    past = int(time.time()) - 1
    storage = app.state.files.storage
    expired = {**query, "expires": str(past), "signature": storage.sign(query["key"], past)}
    assert (await client.get("/api/files", params=expired)).status_code == 403
    assert (await client.get("/api/files", params=query)).status_code == 200


async def test_a_movie_without_a_file_has_no_link(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    """Before any upload the download URL is 404."""
    editor, movie_id = await _editor_and_movie(client, app)
    response = await client.get(f"/api/movies/{movie_id}/video-url", headers=editor)
    assert response.status_code == 404


@pytest.fixture
def s3_app(tmp_path: Path, s3_endpoint: str) -> Iterator[Starlette]:
    """The app on SQLite with its files in a bucket on the S3 test server."""
    bucket = f"vv-{uuid.uuid4().hex[:12]}"
    application = create_app(make_settings(tmp_path, storage_url=s3_url(s3_endpoint, bucket)))
    yield application
    application.state.context.database.dispose()


@pytest.fixture
async def s3_client(s3_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=s3_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def test_on_s3_the_movie_link_is_presigned_and_fetched_from_the_store(
    s3_client: httpx.AsyncClient, s3_app: Starlette, s3_endpoint: str
) -> None:
    """With S3 storage the link points at the store, expires as asked, and serves the file."""
    link = await _reviewer_link(s3_client, s3_app, 30)
    assert link["url"].startswith(s3_endpoint)
    assert "X-Amz-Expires=30" in urlsplit(link["url"]).query
    fetched = httpx.get(link["url"])
    assert fetched.status_code == 200
    assert fetched.content == VIDEO


async def test_on_s3_a_source_file_round_trips(s3_client: httpx.AsyncClient) -> None:
    """A script source uploaded to S3 downloads byte for byte through the server."""
    writer, script_id = await _writer_with_script(s3_client)
    assert (await _upload_source(s3_client, writer, script_id)).status_code == 201
    download = await s3_client.get(f"/api/scripts/{script_id}/source", headers=writer)
    assert download.content == PDF


async def test_link_lifetimes_outside_the_allowed_range_are_422(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    """expires must be whole seconds from 1 to a week, leading zeros or not."""
    editor, movie_id = await _editor_and_movie(client, app)
    for expires in ("0", "-5", "604801", "00000000000604801", "1e3", "abc"):
        response = await client.get(
            f"/api/movies/{movie_id}/video-url", params={"expires": expires}, headers=editor
        )
        assert response.status_code == 422, expires
