"""Reviewing a film on the server: the decision on a movie (REST and push), replies in a
note's thread, and drawings on a note's frame."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.sync_server.conftest import admin_tokens, login, signed_in, staff_tokens
from tests.sync_server.test_movies import _movie
from tests.sync_server.test_sync import Device
from vividverse_desktop.core.wire import (
    Arrow,
    Box,
    Drawing,
    Entity,
    Label,
    MovieDecision,
    MovieRecord,
    NoteReplyEdit,
    NoteReplyRecord,
    Op,
    Pen,
    ReviewNoteEdit,
    ReviewNoteRecord,
)
from vividverse_desktop.core.workflow import Decision

pytestmark = pytest.mark.anyio

DRAWING = Drawing.of(
    Pen(((0.1, 0.1), (0.2, 0.25), (0.3, 0.2))),
    Arrow((0.5, 0.5), (0.6, 0.4), "#00ff00", 0.01),
    Box((0.0, 0.0), (1.0, 1.0)),
    Label((0.7, 0.8), "too dark", "#ffffff", 0.05),
)


async def _finished(client: httpx.AsyncClient) -> tuple[dict[str, Any], Device]:
    """A movie whose render the editor reported completed (revision 2)."""
    movie, editor = await _movie(client)
    response = await client.put(
        f"/api/movies/{movie['id']}/progress",
        json={"status": "completed", "progress": 1.0, "stage": "published"},
        headers=editor.headers,
    )
    assert response.status_code == 200, response.text
    finished: dict[str, Any] = response.json()
    return finished, editor


async def _reviewer(client: httpx.AsyncClient, name: str = "rita") -> Device:
    return Device(client, await staff_tokens(client, name, "reviewer"))


def _movies(changes: list[Any]) -> list[MovieRecord]:
    return [c.record() for c in changes if c.entity is Entity.MOVIE]


async def test_a_reviewer_approves_a_finished_movie_by_rest(client: httpx.AsyncClient) -> None:
    """The movie takes the status, who decided and the comment, at the next revision."""
    movie, _ = await _finished(client)
    rita = await _reviewer(client)
    response = await client.post(
        f"/api/movies/{movie['id']}/decision",
        json={"decision": "approved", "comment": "Ship it.", "baseRevision": 2},
        headers=rita.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["decidedBy"], body["decisionComment"], body["revision"]) == (
        "approved",
        rita.user_id,
        "Ship it.",
        3,
    )
    (pulled,) = _movies(await rita.pull_all())
    assert (pulled.status, pulled.decided_by, pulled.decision_comment) == (
        "approved",
        rita.user_id,
        "Ship it.",
    )


async def test_rest_decisions_refuse_stale_repeated_and_unfinished(
    client: httpx.AsyncClient,
) -> None:
    """409 for a stale base revision (with the server's movie), for the same decision
    again and for a film still rendering; an editor is 403."""
    movie, editor = await _finished(client)
    rita = await _reviewer(client)
    url = f"/api/movies/{movie['id']}/decision"
    first = await client.post(url, json={"decision": "approved"}, headers=rita.headers)
    assert first.status_code == 200
    stale = await client.post(
        url, json={"decision": "changes_requested", "baseRevision": 2}, headers=rita.headers
    )
    assert stale.status_code == 409
    assert stale.json()["detail"]["theirs"]["status"] == "approved"
    again = await client.post(url, json={"decision": "approved"}, headers=rita.headers)
    assert again.status_code == 409
    assert "already approved" in again.text
    by_editor = await client.post(url, json={"decision": "approved"}, headers=editor.headers)
    assert by_editor.status_code == 403
    queued, _ = await _movie_in(client)
    early = await client.post(
        f"/api/movies/{queued}/decision", json={"decision": "approved"}, headers=rita.headers
    )
    assert early.status_code == 409
    assert "only a finished film" in early.text


async def _movie_in(client: httpx.AsyncClient) -> tuple[str, Device]:
    """Another movie of the same script, still queued (a re-render)."""
    admin = Device(client, await admin_tokens(client))
    listing = (await client.get("/api/scripts", headers=admin.headers)).json()
    script_id = listing["items"][0]["id"]
    done = await client.put(
        f"/api/movies/{(await _only_movie(admin))}/progress",
        json={"status": "completed", "progress": 1.0},
        headers=admin.headers,
    )
    assert done.status_code == 200
    again = await client.post(
        "/api/movies/generate", json={"scriptId": script_id}, headers=admin.headers
    )
    assert again.status_code == 201, again.text
    return str(again.json()["id"]), admin


async def _only_movie(device: Device) -> str:
    (movie,) = _movies(await device.pull_all())
    return movie.id


async def test_a_pushed_decision_is_idempotent_and_pulled(client: httpx.AsyncClient) -> None:
    """The same op twice: accepted, then duplicate under the same usn; the pull carries
    the decided movie."""
    movie, _ = await _finished(client)
    rita = await _reviewer(client)
    op = Op.of(MovieDecision(movie["id"], Decision.CHANGES_REQUESTED, 2, "Scene 3 is too long."))
    first = (await rita.push(op)).results[0]
    second = (await rita.push(op)).results[0]
    assert (first.outcome.value, second.outcome.value) == ("accepted", "duplicate")
    assert first.usn == second.usn
    (pulled,) = _movies(await rita.pull_all())
    assert (pulled.status, pulled.revision, pulled.decision_comment) == (
        "changes_requested",
        3,
        "Scene 3 is too long.",
    )


async def test_a_stale_pushed_decision_is_a_conflict_with_both_versions(
    client: httpx.AsyncClient,
) -> None:
    """Two reviewers decide on the same revision: the second is a stale conflict carrying
    the first one's decision, and the movie keeps it."""
    movie, _ = await _finished(client)
    rita, otto = await _reviewer(client, "rita"), await _reviewer(client, "otto")
    approve = Op.of(MovieDecision(movie["id"], Decision.APPROVED, 2))
    send_back = Op.of(MovieDecision(movie["id"], Decision.CHANGES_REQUESTED, 2, "No."))
    assert (await rita.push(approve)).results[0].outcome.value == "accepted"
    (result,) = (await otto.push(send_back)).results
    assert result.outcome.value == "conflict"
    assert result.conflict is not None
    assert result.conflict.reason.value == "stale"
    assert result.conflict.mine["decision"] == "changes_requested"
    assert result.conflict.theirs is not None
    assert (result.conflict.theirs["status"], result.conflict.theirs["decidedBy"]) == (
        "approved",
        rita.user_id,
    )
    (pulled,) = _movies(await otto.pull_all())
    assert pulled.status == "approved"


@pytest.mark.parametrize(
    ("who", "outcome", "message"),
    [
        ("writer", "forbidden", "only reviewers and admins may approve a movie"),
        ("editor", "forbidden", "only reviewers and admins may approve a movie"),
        ("validator", "forbidden", "only reviewers and admins may approve a movie"),
    ],
)
async def test_only_reviewers_and_admins_push_decisions(
    client: httpx.AsyncClient, who: str, outcome: str, message: str
) -> None:
    """Other roles' decisions are refused with the capability table's reason."""
    movie, editor = await _finished(client)
    device = (
        editor if who == "editor" else Device(client, await signed_in(client, f"the_{who}", who))
    )
    (result,) = (await device.push(Op.of(MovieDecision(movie["id"], Decision.APPROVED, 2)))).results
    assert result.outcome.value == outcome
    assert message in result.message


async def test_a_pushed_decision_on_a_rendering_film_or_no_film_is_invalid(
    client: httpx.AsyncClient,
) -> None:
    """The workflow refuses a decision on a film that is not finished; an unknown movie
    is named."""
    movie, _ = await _movie(client)
    admin = Device(client, await admin_tokens(client))
    unknown = str(uuid.uuid4())
    results = (
        await admin.push(
            Op.of(MovieDecision(movie["id"], Decision.APPROVED, 1)),
            Op.of(MovieDecision(unknown, Decision.APPROVED, 1)),
        )
    ).results
    assert [r.outcome.value for r in results] == ["invalid", "invalid"]
    assert "the movie is queued: only a finished film" in results[0].message
    assert f"no movie {unknown}" in results[1].message


async def test_replies_thread_a_note_and_only_their_authors_edit_them(
    client: httpx.AsyncClient,
) -> None:
    """Replies are created, edited by their author (another reviewer is forbidden, an
    admin may), stale edits conflict, and the pull carries the thread."""
    movie, _ = await _movie(client)
    rita, otto = await _reviewer(client, "rita"), await _reviewer(client, "otto")
    admin = Device(client, await admin_tokens(client))
    note_id, reply_id = str(uuid.uuid4()), str(uuid.uuid4())
    note = ReviewNoteEdit(note_id, movie["id"], 10, None, 24.0, "00:00:00:10", "Dark", "open")
    results = (
        await rita.push(
            Op.of(note),
            Op.of(NoteReplyEdit(str(uuid.uuid4()), note_id, "I agree.")),
        )
    ).results
    assert [r.outcome.value for r in results] == ["accepted", "accepted"]
    (otto_reply,) = (await otto.push(Op.of(NoteReplyEdit(reply_id, note_id, "Fixed it?")))).results
    assert otto_reply.outcome.value == "accepted"
    edited = NoteReplyEdit(reply_id, note_id, "Fixed it in v2.", base_revision=1)
    by_rita = (await rita.push(Op.of(edited))).results[0]
    assert by_rita.outcome.value == "forbidden"
    assert (await otto.push(Op.of(edited))).results[0].outcome.value == "accepted"
    stale = NoteReplyEdit(reply_id, note_id, "Stale words.", base_revision=1)
    (conflicted,) = (await admin.push(Op.of(stale))).results
    assert conflicted.outcome.value == "conflict"
    assert conflicted.conflict is not None
    assert conflicted.conflict.theirs is not None
    assert conflicted.conflict.theirs["text"] == "Fixed it in v2."
    by_admin = NoteReplyEdit(reply_id, note_id, "Moderated.", base_revision=2)
    assert (await admin.push(Op.of(by_admin))).results[0].outcome.value == "accepted"
    replies = [c.record() for c in await rita.pull_all() if c.entity is Entity.NOTE_REPLY]
    assert all(isinstance(r, NoteReplyRecord) for r in replies)
    texts = sorted((r.text, r.revision, r.movie_id == movie["id"]) for r in replies)  # type: ignore[union-attr]
    assert texts == [("I agree.", 1, True), ("Moderated.", 3, True)]


async def test_a_reply_to_no_note_or_by_a_writer_is_refused(client: httpx.AsyncClient) -> None:
    """A reply names an existing note; writers may not reply."""
    await _movie(client)
    rita = await _reviewer(client)
    writer = Device(client, await signed_in(client, "wes"))
    missing = str(uuid.uuid4())
    (invalid,) = (await rita.push(Op.of(NoteReplyEdit(str(uuid.uuid4()), missing, "?")))).results
    assert (invalid.outcome.value, invalid.message) == ("invalid", f"no review note {missing}")
    (forbidden,) = (
        await writer.push(Op.of(NoteReplyEdit(str(uuid.uuid4()), missing, "?")))
    ).results
    assert forbidden.outcome.value == "forbidden"


async def test_a_drawing_travels_with_its_note_and_an_edit_can_remove_it(
    client: httpx.AsyncClient,
) -> None:
    """The shapes pushed are the shapes pulled; an edit without a drawing clears it."""
    movie, _ = await _movie(client)
    rita = await _reviewer(client)
    note_id = str(uuid.uuid4())
    drawn = ReviewNoteEdit(
        note_id, movie["id"], 5, None, 24.0, "00:00:00:05", "Here", "open", drawing=DRAWING
    )
    assert (await rita.push(Op.of(drawn))).results[0].outcome.value == "accepted"
    (note,) = [c.record() for c in await rita.pull_all() if c.entity is Entity.REVIEW_NOTE]
    assert isinstance(note, ReviewNoteRecord)
    assert note.drawing == DRAWING
    cleared = ReviewNoteEdit(
        note_id, movie["id"], 5, None, 24.0, "00:00:00:05", "Here", "open", base_revision=1
    )
    assert (await rita.push(Op.of(cleared))).results[0].outcome.value == "accepted"
    (note,) = [c.record() for c in await rita.pull_all() if c.entity is Entity.REVIEW_NOTE]
    assert isinstance(note, ReviewNoteRecord)
    assert note.drawing is None


async def test_a_bad_drawing_is_refused_naming_the_shape(client: httpx.AsyncClient) -> None:
    """Pushed or posted, a point off the frame is refused with its path."""
    movie, _ = await _movie(client)
    rita = await _reviewer(client)
    note = ReviewNoteEdit(str(uuid.uuid4()), movie["id"], 5, None, 24.0, "00:00:00:05", "x", "o")
    payload = note.to_json() | {
        "drawing": [
            {"kind": "arrow", "from": [0.1, 1.5], "to": [0, 0], "color": "#000000", "width": 0.01}
        ]
    }
    op = {
        "opId": str(uuid.uuid4()),
        "kind": "review_note",
        "payload": payload,
        "createdAt": "2026-12-01T10:00:00+00:00",
    }
    pushed = await client.post(
        "/api/sync/push", json={"deviceId": "d", "ops": [op]}, headers=rita.headers
    )
    (result,) = pushed.json()["results"]
    assert result["outcome"] == "invalid"
    assert result["message"] == (
        "ops[0].payload.drawing[0].from: y must be from 0 to 1 (a fraction of the frame)"
    )
    posted = await client.post(
        f"/api/movies/{movie['id']}/notes",
        json={
            "frame": 1,
            "fps": 24,
            "timecode": "00:00:00:01",
            "text": "x",
            "drawing": [{"kind": "blob"}],
        },
        headers=rita.headers,
    )
    assert posted.status_code == 422
    assert posted.json()["detail"] == [
        {"field": "drawing[0].kind", "message": "must be one of pen, arrow, box, text, not 'blob'"}
    ]


async def test_a_writer_pulls_the_notes_on_films_of_their_own_scripts_only(
    client: httpx.AsyncClient,
) -> None:
    """Ada wrote the script the film was rendered from: her pull brings the film's record,
    Rita's note and its reply. Another writer pulls none of them."""
    movie, _ = await _movie(client)
    rita = await _reviewer(client)
    note_id = str(uuid.uuid4())
    note = ReviewNoteEdit(
        note_id, movie["id"], 12, None, 24.0, "00:00:00:12", "Too dark", "open",
        scene="1. INT. KITCHEN - DAY",
    )  # fmt: skip
    reply = NoteReplyEdit(str(uuid.uuid4()), note_id, "Agreed, lift it.")
    results = (await rita.push(Op.of(note), Op.of(reply))).results
    assert [r.outcome.value for r in results] == ["accepted", "accepted"]
    ada = Device(client, (await login(client, "ada")).json())
    pulled = await ada.pull_all()
    entities = {c.entity for c in pulled}
    assert {Entity.MOVIE, Entity.REVIEW_NOTE, Entity.NOTE_REPLY} <= entities
    (seen,) = [c.record() for c in pulled if c.entity is Entity.REVIEW_NOTE]
    assert isinstance(seen, ReviewNoteRecord)
    assert (seen.id, seen.text, seen.frame) == (note_id, "Too dark", 12)
    assert seen.scene == "1. INT. KITCHEN - DAY"  # the chapter it was pinned in
    bob = Device(client, await signed_in(client, "bob"))
    others = {c.entity for c in await bob.pull_all()}
    assert not others & {Entity.MOVIE, Entity.REVIEW_NOTE, Entity.NOTE_REPLY}
