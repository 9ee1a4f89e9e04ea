"""Push and pull as the wire package documents them: idempotent, per-op results, pages."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tests.sync_server.conftest import admin_tokens, bearer, signed_in, staff_tokens
from vividverse_desktop.core.scoring import DEFAULT_RUBRIC, ScoreEvent
from vividverse_desktop.core.wire import (
    Op,
    OpKind,
    PullResponse,
    PushRequest,
    PushResponse,
    ScriptMetadata,
    ScriptRevision,
    ScriptSubmission,
    content_sha256,
)
from vividverse_desktop.core.workflow import Status

pytestmark = pytest.mark.anyio

TEXT = "Title: Secret Title\nAuthor: Ada Quill\n\nINT. ROOM - DAY\n\nA chair.\n"


class Device:
    """One signed-in client: pushes ops and pulls pages through the real app."""

    def __init__(self, client: httpx.AsyncClient, tokens: dict[str, Any]) -> None:
        self.client = client
        self.headers = bearer(tokens["access_token"])
        self.user_id = str(tokens["user"]["id"])

    async def push(self, *ops: Op) -> PushResponse:
        request = PushRequest("device-1", ops)
        response = await self.client.post(
            "/api/sync/push", json=request.to_json(), headers=self.headers
        )
        assert response.status_code == 200, response.text
        return PushResponse.from_json(response.json())

    async def pull(self, since: int = 0, limit: int | None = None) -> PullResponse:
        params = {"since": str(since)} | ({} if limit is None else {"limit": str(limit)})
        response = await self.client.get("/api/sync/pull", params=params, headers=self.headers)
        assert response.status_code == 200, response.text
        return PullResponse.from_json(response.json(), since=since)

    async def pull_all(self) -> list[Any]:
        since, changes = 0, []
        while True:
            page = await self.pull(since)
            changes.extend(page.changes)
            since = page.next_since
            if not page.has_more:
                return changes


async def _device(client: httpx.AsyncClient, name: str, role: str = "writer") -> Device:
    if role in ("writer", "validator"):
        return Device(client, await signed_in(client, name, role))
    return Device(client, await staff_tokens(client, name, role))


def score(validator: Device, version_id: str, value: int = 7) -> ScoreEvent:
    """A score event as a validator's desktop makes it offline."""
    return score_by(validator.user_id, version_id, value)


def score_by(validator_id: str, version_id: str, value: int = 7) -> ScoreEvent:
    """A score event of the validator with this user id."""
    return ScoreEvent(
        id=str(uuid.uuid4()),
        script_version_id=version_id,
        validator_id=validator_id,
        criteria=dict.fromkeys(DEFAULT_RUBRIC.names, value),
        overall=value,
        verdict=None,
        confidence=3,
        comments="",
        scene_ref=None,
        created_at=datetime.now(UTC),
        device_id="device-1",
    )


async def _submitted(writer: Device) -> ScriptSubmission:
    submission = ScriptSubmission.of("Secret Title", TEXT)
    result = (await writer.push(Op.of(submission))).results[0]
    assert result.outcome.value == "accepted", result
    return submission


async def test_submission_push_creates_a_pending_script(client: httpx.AsyncClient) -> None:
    """A submit_script op creates the script (PendingValidation) and its version 1."""
    writer = await _device(client, "ada")
    submission = await _submitted(writer)
    records = {change.entity.value: change.record() for change in await writer.pull_all()}
    assert records["script"].status is Status.PENDING_VALIDATION  # type: ignore[union-attr]
    assert records["script"].id == submission.script_id
    assert records["script_version"].n == 1  # type: ignore[union-attr]


async def test_same_op_pushed_twice_is_a_duplicate_with_the_original_usn(
    client: httpx.AsyncClient,
) -> None:
    """Re-pushing an accepted op answers duplicate under its first usn; no second score."""
    writer = await _device(client, "ada")
    submission = await _submitted(writer)
    validator = await _device(client, "val1", "validator")
    op = Op.of(score(validator, submission.version_id))
    first = (await validator.push(op)).results[0]
    again = (await validator.push(op, op)).results
    assert first.outcome.value == "accepted"
    assert [r.outcome.value for r in again] == ["duplicate", "duplicate"]
    assert {r.usn for r in again} == {first.usn}
    scores = [c for c in await validator.pull_all() if c.entity.value == "score_event"]
    assert len(scores) == 1


async def test_op_id_reused_for_another_payload_is_a_conflict(client: httpx.AsyncClient) -> None:
    """The same op id with a different payload is a payload_mismatch conflict."""
    writer = await _device(client, "ada")
    submission = await _submitted(writer)
    validator = await _device(client, "val1", "validator")
    op = Op.of(score(validator, submission.version_id, 7))
    await validator.push(op)
    forged = Op(op.op_id, OpKind.SCORE, score(validator, submission.version_id, 3), op.created_at)
    result = (await validator.push(forged)).results[0]
    assert result.outcome.value == "conflict"
    assert result.conflict is not None
    assert result.conflict.reason.value == "payload_mismatch"


async def test_ops_of_a_batch_apply_in_order(client: httpx.AsyncClient) -> None:
    """A submission, a revision and a retitle in one batch all apply, in order."""
    writer = await _device(client, "ada")
    submission = ScriptSubmission.of("First", TEXT)
    revision = ScriptRevision.of(submission.script_id, TEXT + "\nMore.\n")
    retitle = ScriptMetadata(submission.script_id, base_revision=1, title="Second")
    results = (await writer.push(Op.of(submission), Op.of(revision), Op.of(retitle))).results
    assert [r.outcome.value for r in results] == ["accepted"] * 3
    assert results[0].usn < results[1].usn < results[2].usn  # type: ignore[operator]
    records = [c.record() for c in await writer.pull_all()]
    versions = sorted(r.n for r in records if r.__class__.__name__ == "ScriptVersionRecord")  # type: ignore[union-attr]
    assert versions == [1, 2]
    assert [r.title for r in records if r.__class__.__name__ == "ScriptRecord"] == ["Second"]  # type: ignore[union-attr]


async def test_stale_edit_is_a_conflict_carrying_both_versions(
    client: httpx.AsyncClient,
) -> None:
    """An edit based on an old revision is a stale conflict with the server's record."""
    writer = await _device(client, "ada")
    submission = await _submitted(writer)
    first = ScriptMetadata(submission.script_id, base_revision=1, title="From laptop")
    second = ScriptMetadata(submission.script_id, base_revision=1, title="From desktop")
    assert (await writer.push(Op.of(first))).results[0].outcome.value == "accepted"
    result = (await writer.push(Op.of(second))).results[0]
    assert result.outcome.value == "conflict"
    conflict = result.conflict
    assert conflict is not None
    assert conflict.reason.value == "stale"
    assert conflict.mine["title"] == "From desktop"
    assert conflict.theirs is not None
    assert conflict.theirs["title"] == "From laptop"
    assert (conflict.base_revision, conflict.server_revision) == (1, 2)


async def test_revoked_role_is_forbidden_and_the_op_can_be_sent_again(
    client: httpx.AsyncClient,
) -> None:
    """A score pushed after the role was revoked is forbidden; once restored it is accepted."""
    writer = await _device(client, "ada")
    submission = await _submitted(writer)
    validator = await _device(client, "val1", "validator")
    admin = bearer((await admin_tokens(client))["access_token"])
    op = Op.of(score(validator, submission.version_id))
    role_url = f"/api/users/{validator.user_id}/role"
    await client.put(role_url, json={"role": "writer"}, headers=admin)
    refused = (await validator.push(op)).results[0]
    await client.put(role_url, json={"role": "validator"}, headers=admin)
    accepted = (await validator.push(op)).results[0]
    assert (refused.outcome.value, refused.outcome.http_status) == ("forbidden", 403)
    assert refused.message
    assert accepted.outcome.value == "accepted"


async def test_bad_op_is_invalid_and_the_rest_of_the_batch_applies(
    client: httpx.AsyncClient,
) -> None:
    """An op breaking a rule is answered invalid by id; the other ops still apply."""
    writer = await _device(client, "ada")
    submission = await _submitted(writer)
    validator = await _device(client, "val1", "validator")
    good = Op.of(score(validator, submission.version_id)).to_json()
    bad = Op.of(score(validator, submission.version_id)).to_json()
    bad["payload"]["criteria"]["premise"] = 42
    body = {"deviceId": "device-1", "ops": [bad, good]}
    response = await client.post("/api/sync/push", json=body, headers=validator.headers)
    results = PushResponse.from_json(response.json()).results
    assert [r.outcome.value for r in results] == ["invalid", "accepted"]
    assert "premise" in results[0].message


async def test_unreadable_envelope_is_422(client: httpx.AsyncClient) -> None:
    """A push without deviceId is refused as a whole with 422."""
    writer = await _device(client, "ada")
    response = await client.post("/api/sync/push", json={"ops": []}, headers=writer.headers)
    assert response.status_code == 422


async def test_pull_comes_in_pages_in_usn_order(client: httpx.AsyncClient) -> None:
    """Pages hold at most the limit, in rising usn order, and end with hasMore false."""
    writer = await _device(client, "ada")
    ops = [Op.of(ScriptSubmission.of(f"Script {i}", TEXT)) for i in range(6)]
    await writer.push(*ops)
    first = await writer.pull(0, limit=5)
    rest = await writer.pull(first.next_since, limit=5)
    last = await writer.pull(rest.next_since, limit=5)
    assert (len(first.changes), first.has_more) == (5, True)
    assert (len(rest.changes), rest.has_more) == (5, True)
    assert (len(last.changes), last.has_more) == (3, False)  # 12 records and the user's own
    usns = [c.usn for page in (first, rest, last) for c in page.changes]
    assert usns == sorted(set(usns))


async def test_bad_since_is_422(client: httpx.AsyncClient) -> None:
    """A negative or non-numeric cursor is refused."""
    writer = await _device(client, "ada")
    for since in ("-1", "abc", "1" * 25):
        response = await client.get(
            "/api/sync/pull", params={"since": since}, headers=writer.headers
        )
        assert response.status_code == 422


async def test_validators_pull_blind_scripts_and_only_their_own_scores(
    client: httpx.AsyncClient,
) -> None:
    """A validator's pull hides title, author and title page, and others' scores."""
    writer = await _device(client, "ada")
    submission = await _submitted(writer)
    mine = await _device(client, "val1", "validator")
    other = await _device(client, "val2", "validator")
    await mine.push(Op.of(score(mine, submission.version_id)))
    await other.push(Op.of(score(other, submission.version_id)))
    records = [c.record() for c in await mine.pull_all()]
    by_kind = {type(r).__name__: r for r in records}
    script, version = by_kind["ScriptRecord"], by_kind["ScriptVersionRecord"]
    assert "Secret" not in script.title  # type: ignore[union-attr]
    assert script.author_id != writer.user_id  # type: ignore[union-attr]
    assert "Secret Title" not in version.fountain_text  # type: ignore[union-attr]
    assert "Ada" not in version.fountain_text  # type: ignore[union-attr]
    assert version.content_sha256 == content_sha256(version.fountain_text)  # type: ignore[union-attr]
    scores = [r for r in records if isinstance(r, ScoreEvent)]
    assert [s.validator_id for s in scores] == [mine.user_id]


async def test_writers_pull_only_their_own_scripts(client: httpx.AsyncClient) -> None:
    """A writer never receives another writer's script or version."""
    ada = await _device(client, "ada")
    bob = await _device(client, "bob")
    await _submitted(ada)
    assert [c.entity.value for c in await bob.pull_all()] == ["user"]


async def test_users_pull_their_own_account_and_its_role_changes(
    client: httpx.AsyncClient,
) -> None:
    """A user pulls only their own account record, again when an admin changes their role."""
    validator = await _device(client, "val1", "validator")
    await _device(client, "bob")
    first = await validator.pull()
    users = [c.record() for c in first.changes if c.entity.value == "user"]
    assert [(u.id, u.role.value) for u in users] == [(validator.user_id, "validator")]  # type: ignore[union-attr]
    admin = bearer((await admin_tokens(client))["access_token"])
    await client.put(f"/api/users/{validator.user_id}/role", json={"role": "writer"}, headers=admin)
    later = [c.record() for c in (await validator.pull(first.next_since)).changes]
    assert [u.role.value for u in later] == ["writer"]  # type: ignore[union-attr]
    everyone = await Device(client, await admin_tokens(client)).pull_all()
    assert len([c for c in everyone if c.entity.value == "user"]) == 3
    assert all("password" not in str(c.data) for c in everyone)


async def test_quorum_reached_by_pushed_scores_validates_the_script(
    client: httpx.AsyncClient,
) -> None:
    """Three validators' pushed scores move the script to Validated, which the writer pulls."""
    writer = await _device(client, "ada")
    submission = await _submitted(writer)
    for i in range(3):
        validator = await _device(client, f"val{i}", "validator")
        await validator.push(Op.of(score(validator, submission.version_id)))
    scripts = [c.record() for c in await writer.pull_all() if c.entity.value == "script"]
    assert [s.status for s in scripts] == [Status.VALIDATED]  # type: ignore[union-attr]


async def test_illegal_status_move_is_refused(client: httpx.AsyncClient) -> None:
    """A writer selecting their own script is forbidden by the workflow."""
    writer = await _device(client, "ada")
    submission = await _submitted(writer)
    move = ScriptMetadata(submission.script_id, base_revision=1, status=Status.SELECTED)
    result = (await writer.push(Op.of(move))).results[0]
    assert result.outcome.value in {"forbidden", "invalid"}
    assert "Selected" in result.message


async def test_racing_pushes_of_one_op_store_it_once(client: httpx.AsyncClient) -> None:
    """The same batch sent twice at once (a retry racing the original) stores each score once."""
    writer = await _device(client, "ada")
    submission = await _submitted(writer)
    validator = await _device(client, "val1", "validator")
    ops = [Op.of(score(validator, submission.version_id)) for _ in range(20)]
    first, second = await asyncio.gather(validator.push(*ops), validator.push(*ops))
    outcomes = sorted(
        {r.outcome.value for r in first.results} | {r.outcome.value for r in second.results}
    )
    assert outcomes == ["accepted", "duplicate"]
    assert [r.usn for r in first.results] == [r.usn for r in second.results]
    scores = [c for c in await validator.pull_all() if c.entity.value == "score_event"]
    assert len(scores) == 20


async def test_resubmitted_script_is_announced_to_validators_again(
    client: httpx.AsyncClient,
) -> None:
    """Withdrawn to Draft and submitted again, a script's version reaches validators anew."""
    writer = await _device(client, "ada")
    submission = await _submitted(writer)
    validator = await _device(client, "val1", "validator")
    cursor = (await validator.pull()).next_since
    withdraw = ScriptMetadata(submission.script_id, base_revision=1, status=Status.DRAFT)
    resubmit = ScriptMetadata(
        submission.script_id, base_revision=2, status=Status.PENDING_VALIDATION
    )
    results = (await writer.push(Op.of(withdraw), Op.of(resubmit))).results
    assert [r.outcome.value for r in results] == ["accepted", "accepted"]
    later = await validator.pull(cursor)
    assert {c.entity.value for c in later.changes} == {"script", "script_version"}


async def test_scores_on_a_withdrawn_draft_are_invalid(client: httpx.AsyncClient) -> None:
    """A score pushed for a script its writer withdrew to Draft is refused as invalid."""
    writer = await _device(client, "ada")
    submission = await _submitted(writer)
    await writer.push(
        Op.of(ScriptMetadata(submission.script_id, base_revision=1, status=Status.DRAFT))
    )
    validator = await _device(client, "val1", "validator")
    result = (await validator.push(Op.of(score(validator, submission.version_id)))).results[0]
    assert result.outcome.value == "invalid"
    assert "Draft" in result.message


@pytest.mark.parametrize(
    "comments", ["fine\x00print", "half a pair: \ud800"], ids=["nul", "lone-surrogate"]
)
async def test_op_with_unstorable_text_is_invalid_alone(
    client: httpx.AsyncClient, comments: str
) -> None:
    """A NUL or a lone surrogate in one op's text (no database stores it) refuses that op only."""
    writer = await _device(client, "ada")
    submission = await _submitted(writer)
    validator = await _device(client, "val1", "validator")
    bad = Op.of(score(validator, submission.version_id)).to_json()
    bad["payload"]["comments"] = comments
    good = Op.of(score(validator, submission.version_id)).to_json()
    body = json.dumps({"deviceId": "device-1", "ops": [bad, good]}, ensure_ascii=True)
    headers = validator.headers | {"content-type": "application/json"}
    response = await client.post("/api/sync/push", content=body, headers=headers)
    assert response.status_code == 200, response.text
    results = PushResponse.from_json(response.json()).results
    assert [r.outcome.value for r in results] == ["invalid", "accepted"]
    assert "comments" in results[0].message
