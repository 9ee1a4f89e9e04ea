"""Blind review stays blind (issue 14): whatever text the writer sends, validators never
see the title page, the author, the source file, their own scripts or another's score."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.sync_server.conftest import admin_tokens, bearer, signed_in, staff_tokens
from tests.sync_server.test_movies import _movie
from tests.sync_server.test_sync import Device, score, score_by
from vividverse_desktop.core.scoring import DEFAULT_RUBRIC
from vividverse_desktop.core.wire import (
    Entity,
    Op,
    Outcome,
    ReviewNoteEdit,
    ScriptSubmission,
    content_sha256,
)

pytestmark = pytest.mark.anyio

BODY = "INT. LIGHTHOUSE - NIGHT\n\nThe lamp turns.\n\nKEEPER\nAnother storm.\n"
TITLE = "Title: The Lighthouse\nAuthor: Ada Quill\nContact: ada@example.com\n"
LEAKY = {
    "bom": "\ufeff" + TITLE + "\n" + BODY,
    "boneyard before": "/* draft 3 */" + TITLE + "\n" + BODY,
    "boneyard inside": "Title: The Lighthouse\n/*\n\n*/\nAuthor: Ada Quill\n"
    "Contact: ada@example.com\n\n" + BODY,
    "crlf and bom": "\ufeff" + (TITLE + "\n" + BODY).replace("\n", "\r\n"),
}
SECRETS = ("Ada", "Quill", "Lighthouse\n", "ada@example.com")


def _clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text
    assert "INT. LIGHTHOUSE - NIGHT" in text


async def _blind_versions(validator: Device) -> list[Any]:
    changes = await validator.pull_all()
    return [c.record() for c in changes if c.entity is Entity.SCRIPT_VERSION]


@pytest.mark.parametrize("shape", sorted(LEAKY))
async def test_pushed_text_reaches_validators_without_its_title_page(
    client: httpx.AsyncClient, shape: str
) -> None:
    """Pull and source download give the blind copy, hashed as sent, for any parsed shape."""
    writer = Device(client, await signed_in(client, "ada"))
    submission = ScriptSubmission.of("The Lighthouse", LEAKY[shape])
    assert (await writer.push(Op.of(submission))).results[0].outcome is Outcome.ACCEPTED
    validator = Device(client, await signed_in(client, "val", "validator"))
    [version] = await _blind_versions(validator)
    _clean(version.fountain_text)
    assert version.content_sha256 == content_sha256(version.fountain_text)
    source = await client.get(
        f"/api/scripts/{submission.script_id}/source", headers=validator.headers
    )
    assert source.status_code == 200
    assert source.text == version.fountain_text


@pytest.mark.parametrize("shape", sorted(LEAKY))
async def test_rest_submitted_text_is_blind_in_the_queue_with_the_blind_hash(
    client: httpx.AsyncClient, shape: str
) -> None:
    """GET /api/scripts for a validator carries the blind copy's hash, not the original's."""
    tokens = await signed_in(client, "ada")
    created = await client.post(
        "/api/scripts",
        json={"title": "The Lighthouse", "fountain_text": LEAKY[shape]},
        headers=bearer(tokens["access_token"]),
    )
    assert created.status_code == 201
    validator = Device(client, await signed_in(client, "val", "validator"))
    [item] = (await client.get("/api/scripts", headers=validator.headers)).json()["items"]
    [version] = await _blind_versions(validator)
    _clean(version.fountain_text)
    assert item["latest_version"]["content_sha256"] == content_sha256(version.fountain_text)
    assert item["latest_version"]["content_sha256"] != content_sha256(LEAKY[shape])
    assert "title" not in item["latest_version"]["stats"]


@pytest.mark.parametrize(
    ("content", "content_type", "name"),
    [
        (b"%PDF-1.4\n% Ada Quill\n%%EOF\n", "application/pdf", "ada-quill.pdf"),
        (("Title: The Lighthouse\nAuthor: Ada Quill\n\n" + BODY).encode(), "text/plain", "a.txt"),
    ],
)
async def test_validators_never_get_the_uploaded_source_file(
    client: httpx.AsyncClient, content: bytes, content_type: str, name: str
) -> None:
    """A PDF or text upload carries the author: a validator downloads the blind Fountain."""
    tokens = await signed_in(client, "ada")
    writer = bearer(tokens["access_token"])
    created = await client.post(
        "/api/scripts",
        json={"title": "The Lighthouse", "fountain_text": TITLE + "\n" + BODY},
        headers=writer,
    )
    script_id = created.json()["id"]
    uploaded = await client.put(
        f"/api/scripts/{script_id}/source",
        params={"name": name},
        content=content,
        headers={**writer, "Content-Type": content_type},
    )
    assert uploaded.status_code == 201, uploaded.text
    validator = Device(client, await signed_in(client, "val", "validator"))
    source = await client.get(f"/api/scripts/{script_id}/source", headers=validator.headers)
    assert source.headers["content-type"].startswith("text/x-fountain")
    _clean(source.text)
    [version] = await _blind_versions(validator)
    assert version.source_file_key is None
    assert version.source_format.value == "fountain"


async def test_an_ex_writer_made_validator_never_sees_or_scores_its_own_script(
    client: httpx.AsyncClient,
) -> None:
    """REST and push refuse the score; the blind queue, pull and download leave it out."""
    tokens = await signed_in(client, "wes")
    writer = Device(client, tokens)
    submission = ScriptSubmission.of("Mine", TITLE + "\n" + BODY)
    assert (await writer.push(Op.of(submission))).results[0].outcome is Outcome.ACCEPTED
    admin = bearer((await admin_tokens(client))["access_token"])
    granted = await client.put(
        f"/api/users/{writer.user_id}/roles", json={"roles": ["validator"]}, headers=admin
    )
    assert granted.status_code == 200
    validator = Device(client, (await client.post(
        "/api/auth/login", json={"username": "wes", "password": "correct horse battery"}
    )).json())  # fmt: skip
    pushed = (await validator.push(Op.of(score(validator, submission.version_id)))).results[0]
    assert pushed.outcome is Outcome.FORBIDDEN
    rest = await client.post(
        "/api/validations",
        json={"scriptId": submission.script_id, "scores": dict.fromkeys(DEFAULT_RUBRIC.names, 6)},
        headers=validator.headers,
    )
    assert rest.status_code == 403
    listing = (await client.get("/api/scripts", headers=validator.headers)).json()
    assert listing["items"] == []
    pulled = await validator.pull_all()
    assert [c for c in pulled if c.entity in (Entity.SCRIPT, Entity.SCRIPT_VERSION)] == []
    source = await client.get(
        f"/api/scripts/{submission.script_id}/source", headers=validator.headers
    )
    assert source.status_code == 403


async def test_a_reused_score_id_does_not_show_the_first_validators_event(
    client: httpx.AsyncClient,
) -> None:
    """Validator B pushing A's event id gets a conflict without A's event in it."""
    writer = Device(client, await signed_in(client, "ada"))
    submission = ScriptSubmission.of("T", BODY)
    await writer.push(Op.of(submission))
    first = Device(client, await signed_in(client, "val1", "validator"))
    second = Device(client, await signed_in(client, "val2", "validator"))
    event = score(first, submission.version_id, 9)
    assert (await first.push(Op.of(event))).results[0].outcome is Outcome.ACCEPTED
    reused = score_by(second.user_id, submission.version_id, 3)
    reused = type(reused)(**{**{f: getattr(reused, f) for f in reused.__dataclass_fields__},
                             "id": event.id})  # fmt: skip
    [result] = (await second.push(Op.of(reused))).results
    assert result.outcome is Outcome.CONFLICT
    assert result.conflict is not None
    assert result.conflict.theirs is None
    assert first.user_id not in str(result.to_json())
    # A's own retry with other values still sees its event.
    changed = type(event)(**{**{f: getattr(event, f) for f in event.__dataclass_fields__},
                             "overall": 2})  # fmt: skip
    [own] = (await first.push(Op.of(changed))).results
    assert own.conflict is not None
    assert own.conflict.theirs is not None


async def test_a_reviewer_may_not_rewrite_another_reviewers_note(
    client: httpx.AsyncClient,
) -> None:
    """Authors edit their own notes; another reviewer's edit is forbidden, an admin's goes."""
    movie, _ = await _movie(client)
    rita = Device(client, await staff_tokens(client, "rita", "reviewer"))
    rob = Device(client, await staff_tokens(client, "rob", "reviewer"))
    note_id = str(uuid.uuid4())
    note = ReviewNoteEdit(note_id, movie["id"], 10, 20, 24.0, "00:00:00:10", "Too dark", "open")
    assert (await rita.push(Op.of(note))).results[0].outcome is Outcome.ACCEPTED
    rewrite = ReviewNoteEdit(
        note_id, movie["id"], 10, 20, 24.0, "00:00:00:10", "Fine", "resolved", base_revision=1
    )
    assert (await rob.push(Op.of(rewrite))).results[0].outcome is Outcome.FORBIDDEN
    admin = Device(client, await admin_tokens(client))
    assert (await admin.push(Op.of(rewrite))).results[0].outcome is Outcome.ACCEPTED


async def test_editors_see_validators_as_stable_anonymous_labels(
    client: httpx.AsyncClient,
) -> None:
    """The leaderboard names validators by id for admins only; editors get stable labels."""
    writer = Device(client, await signed_in(client, "ada"))
    submission = ScriptSubmission.of("T", BODY)
    await writer.push(Op.of(submission))
    validators = [Device(client, await signed_in(client, f"val{i}", "validator")) for i in range(2)]
    for validator in validators:
        await validator.push(Op.of(score(validator, submission.version_id)))
    editor = bearer((await staff_tokens(client, "eddie", "editor"))["access_token"])
    admin = bearer((await admin_tokens(client))["access_token"])
    boards = [(await client.get("/api/leaderboard", headers=editor)).json() for _ in range(2)]
    full = (await client.get("/api/leaderboard", headers=admin)).json()
    ids = {v.user_id for v in validators}
    assert set(full["population"]["validatorOffsets"]) == ids
    labels = boards[0]["population"]["validatorOffsets"]
    assert len(labels) == 2
    assert not ids & set(labels)
    assert all(label.startswith("Validator ") for label in labels)
    assert ids.isdisjoint(str(boards[0]).split("'"))
    assert boards[0] == boards[1]
