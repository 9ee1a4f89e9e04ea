"""Movies: generation through the workflow, progress reports, review notes (REST and push)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.sync_server.conftest import admin_tokens, bearer, signed_in, staff_tokens
from tests.sync_server.test_sync import Device, score
from vividverse_desktop.core.wire import (
    MovieProgress,
    Op,
    ReviewNoteEdit,
    ScriptMetadata,
    ScriptSubmission,
)
from vividverse_desktop.core.workflow import Status

pytestmark = pytest.mark.anyio

TEXT = "INT. ROOM - DAY\n\nA chair.\n"


async def _selected_script(client: httpx.AsyncClient) -> str:
    """A script scored by a quorum and selected by the admin; its id."""
    writer = Device(client, await signed_in(client, "ada"))
    submission = ScriptSubmission.of("Chosen", TEXT)
    await writer.push(Op.of(submission))
    for i in range(3):
        validator = Device(client, await signed_in(client, f"val{i}", "validator"))
        await validator.push(Op.of(score(validator, submission.version_id)))
    admin = Device(client, await admin_tokens(client))
    select = ScriptMetadata(submission.script_id, base_revision=2, status=Status.SELECTED)
    assert (await admin.push(Op.of(select))).results[0].outcome.value == "accepted"
    return submission.script_id


async def _movie(client: httpx.AsyncClient) -> tuple[dict[str, Any], Device]:
    script_id = await _selected_script(client)
    editor = Device(client, await staff_tokens(client, "eddie", "editor"))
    response = await client.post(
        "/api/movies/generate", json={"scriptId": script_id}, headers=editor.headers
    )
    assert response.status_code == 201, response.text
    movie: dict[str, Any] = response.json()
    return movie, editor


async def _script_status(client: httpx.AsyncClient) -> str:
    admin = bearer((await admin_tokens(client))["access_token"])
    listing = (await client.get("/api/scripts", headers=admin)).json()
    return str(listing["items"][0]["status"])


async def test_generate_moves_a_selected_script_to_generating(client: httpx.AsyncClient) -> None:
    """An editor starting a render makes a queued movie and the script Generating."""
    movie, _ = await _movie(client)
    assert (movie["status"], movie["progress"], movie["revision"]) == ("queued", 0.0, 1)
    assert await _script_status(client) == "Generating"


async def test_generate_needs_a_selected_script_and_an_editor(client: httpx.AsyncClient) -> None:
    """A writer gets 403; an editor asking for a script that is not Selected gets 409."""
    writer = await signed_in(client, "ada")
    created = await client.post(
        "/api/scripts",
        json={"title": "Draft", "fountain_text": TEXT},
        headers=bearer(writer["access_token"]),
    )
    body = {"scriptId": created.json()["id"]}
    editor = await staff_tokens(client, "eddie", "editor")
    as_writer = await client.post(
        "/api/movies/generate", json=body, headers=bearer(writer["access_token"])
    )
    as_editor = await client.post(
        "/api/movies/generate", json=body, headers=bearer(editor["access_token"])
    )
    assert (as_writer.status_code, as_editor.status_code) == (403, 409)


async def test_progress_report_and_completion(client: httpx.AsyncClient) -> None:
    """Progress is recorded with a new revision; completed moves the script to Completed."""
    movie, editor = await _movie(client)
    url = f"/api/movies/{movie['id']}/progress"
    half = await client.put(
        url,
        json={"status": "rendering", "progress": 0.5, "stage": "scene 3"},
        headers=editor.headers,
    )
    assert (half.json()["progress"], half.json()["revision"]) == (0.5, 2)
    done = await client.put(
        url,
        json={"status": "completed", "progress": 1, "videoUrl": "movies/" + "ab" * 16},
        headers=editor.headers,
    )
    assert done.json()["videoUrl"] == "movies/" + "ab" * 16
    assert await _script_status(client) == "Completed"


async def test_stale_progress_is_409_with_both_versions(client: httpx.AsyncClient) -> None:
    """A progress report based on an old revision is refused, carrying the server's movie."""
    movie, editor = await _movie(client)
    url = f"/api/movies/{movie['id']}/progress"
    body = {"status": "rendering", "progress": 0.2, "baseRevision": 1}
    assert (await client.put(url, json=body, headers=editor.headers)).status_code == 200
    stale = await client.put(url, json={**body, "progress": 0.3}, headers=editor.headers)
    assert stale.status_code == 409
    detail = stale.json()["detail"]
    assert (detail["mine"]["progress"], detail["theirs"]["progress"]) == (0.3, 0.2)


@pytest.mark.parametrize("progress", [-0.1, 1.5])
async def test_progress_out_of_range_is_422(client: httpx.AsyncClient, progress: float) -> None:
    """Progress must lie in 0..1."""
    movie, editor = await _movie(client)
    response = await client.put(
        f"/api/movies/{movie['id']}/progress",
        json={"status": "rendering", "progress": progress},
        headers=editor.headers,
    )
    assert response.status_code == 422


async def test_review_notes_are_added_and_listed_by_frame(client: httpx.AsyncClient) -> None:
    """A reviewer's notes come back ordered by frame; a writer may not read them."""
    movie, _ = await _movie(client)
    reviewer = bearer((await staff_tokens(client, "rita", "reviewer"))["access_token"])
    url = f"/api/movies/{movie['id']}/notes"
    for frame in (48, 12):
        note = {"frame": frame, "fps": 24, "timecode": f"00:00:0{frame // 24}:00", "text": "Cut"}
        assert (await client.post(url, json=note, headers=reviewer)).status_code == 201
    listed = (await client.get(url, headers=reviewer)).json()["items"]
    assert [n["frame"] for n in listed] == [12, 48]
    writer = bearer((await signed_in(client, "bob"))["access_token"])
    assert (await client.get(url, headers=writer)).status_code == 403


async def test_pushed_movie_progress_checks_the_base_revision(client: httpx.AsyncClient) -> None:
    """movie_progress ops apply on the current revision and conflict on an old one."""
    movie, editor = await _movie(client)
    current = MovieProgress(movie["id"], "rendering", 0.4, "mux", base_revision=1)
    stale = MovieProgress(movie["id"], "rendering", 0.6, "mux", base_revision=1)
    results = (await editor.push(Op.of(current), Op.of(stale))).results
    assert [r.outcome.value for r in results] == ["accepted", "conflict"]
    assert results[1].conflict is not None
    assert results[1].conflict.theirs is not None
    assert results[1].conflict.theirs["progress"] == 0.4


async def test_pushed_review_note_is_created_then_edited(client: httpx.AsyncClient) -> None:
    """A review_note op creates a note at revision 1; an edit on it makes revision 2."""
    movie, _ = await _movie(client)
    reviewer = Device(client, await staff_tokens(client, "rita", "reviewer"))
    note_id = str(uuid.uuid4())
    created = ReviewNoteEdit(note_id, movie["id"], 10, 20, 24.0, "00:00:00:10", "Too dark", "open")
    edited = ReviewNoteEdit(
        note_id, movie["id"], 10, 20, 24.0, "00:00:00:10", "Fixed", "resolved", base_revision=1
    )
    results = (await reviewer.push(Op.of(created), Op.of(edited))).results
    assert [r.outcome.value for r in results] == ["accepted", "accepted"]
    notes = [c.record() for c in await reviewer.pull_all() if c.entity.value == "review_note"]
    assert [(n.text, n.revision) for n in notes] == [("Fixed", 2)]  # type: ignore[union-attr]


async def test_validators_may_not_push_movie_progress(client: httpx.AsyncClient) -> None:
    """A validator's movie_progress op is forbidden."""
    movie, _ = await _movie(client)
    validator = Device(client, await signed_in(client, "vic", "validator"))
    op = Op.of(MovieProgress(movie["id"], "rendering", 0.5, "", base_revision=1))
    assert (await validator.push(op)).results[0].outcome.value == "forbidden"


@pytest.mark.parametrize(
    ("video_url", "status"),
    [
        ("javascript:alert(document.cookie)", 422),
        ("data:text/html,<script>alert(1)</script>", 422),
        ("movies/abc.mp4", 422),
        ("https://", 422),
        ("https://cdn.example/\nfilm.mp4", 422),
        ("http://[::1", 422),
        ("https://cdn.example/films/pier.mp4", 200),
        ("movies/" + "0f" * 16, 200),
    ],
)
async def test_video_url_is_a_storage_key_or_an_http_url(
    client: httpx.AsyncClient, video_url: str, status: int
) -> None:
    """A reported videoUrl that reviewers would open must be a key or an http(s) URL."""
    movie, editor = await _movie(client)
    response = await client.put(
        f"/api/movies/{movie['id']}/progress",
        json={"status": "rendering", "progress": 0.5, "videoUrl": video_url},
        headers=editor.headers,
    )
    assert response.status_code == status, response.text
    if status == 422:
        assert [p["field"] for p in response.json()["detail"]] == ["videoUrl"]
