"""Reading ops from the wire: what an op read from JSON is, and what is refused, by path.

Reading builds ops without running their constructors' checks again; these tests pin
that a read op equals the one its constructor builds, and that the constructor itself
still refuses bad values when called directly.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.core.scoring.builders import score
from vividverse_desktop.core.scoring import ScoreEvent
from vividverse_desktop.core.wire import (
    MovieProgress,
    Op,
    OpKind,
    RefusedOp,
    ScriptMetadata,
    WireError,
    read_push,
)
from vividverse_desktop.core.workflow import Status

T0 = datetime(2026, 11, 24, 10, 30, tzinfo=UTC)
OP_ID = "9d8c7b6a-5f4e-4d3c-b2a1-0f9e8d7c6b5a"


def _score_op(**changes: Any) -> dict[str, Any]:
    """A valid score op as JSON (as sent), with ``changes`` applied to the op object."""
    op = Op(OP_ID, OpKind.SCORE, score("v-1", "vera"), T0).to_json()
    op.update(changes)
    sent: dict[str, Any] = json.loads(json.dumps(op))
    return sent


def _read_one(op: object, rubric: Any = "default") -> Op | RefusedOp:
    """The single item ``read_push`` makes of a push carrying ``op``."""
    body = {"deviceId": "laptop-1", "ops": [op]}
    _, items = read_push(body) if rubric == "default" else read_push(body, rubric)
    (item,) = items
    return item


def _refusal(op: object) -> tuple[str | None, str, str | None]:
    """The refused item's op id, message and field."""
    item = _read_one(op)
    assert isinstance(item, RefusedOp)
    return item.op_id, item.error.message, item.error.field


def test_an_op_read_from_json_equals_the_op_its_constructor_builds() -> None:
    """Every field of a read op equals the constructor-built op's; it re-reads the same."""
    sent = _score_op()
    read = _read_one(sent)
    assert isinstance(read, Op)
    built = Op(OP_ID, OpKind.SCORE, ScoreEvent.from_json(sent["payload"]), T0)
    assert read == built
    assert (read.op_id, read.kind, read.created_at) == (OP_ID, OpKind.SCORE, T0)
    assert type(read) is Op
    assert Op.from_json(read.to_json()) == read


@pytest.mark.parametrize(
    "spelling",
    [
        OP_ID.upper(),
        "{" + OP_ID + "}",
        "urn:uuid:" + OP_ID,
        OP_ID.replace("-", ""),
    ],
)
def test_op_ids_in_other_uuid_spellings_are_read_canonical(spelling: str) -> None:
    """Upper case, braces, urn: and bare hex op ids all read as the canonical id."""
    read = _read_one(_score_op(opId=spelling))
    assert isinstance(read, Op)
    assert read.op_id == OP_ID


@pytest.mark.parametrize(
    "bad",
    [
        OP_ID[:-1] + "g",
        OP_ID[:-1],
        OP_ID + "0",
        " " * 30 + OP_ID,
        "urn:uuid:" + "0" * 60,
        42,
        None,
    ],
)
def test_malformed_op_ids_are_refused_and_leave_the_op_unnamed(bad: object) -> None:
    """An op id that is no UUID (or longer than 64 characters) is refused on opId."""
    assert _refusal(_score_op(opId=bad)) == (None, f"must be a UUID, not {bad!r}", "ops[0].opId")


@pytest.mark.parametrize("bad", ["Score", "score ", "scores", 5, None, True])
def test_the_kind_must_be_one_of_the_wire_strings_exactly(bad: object) -> None:
    """Kinds are matched exactly (case and space matter), listing the kinds when refused."""
    kinds = ", ".join(kind.value for kind in OpKind)
    assert _refusal(_score_op(kind=bad)) == (
        OP_ID,
        f"must be one of {kinds}, not {bad!r}",
        "ops[0].kind",
    )


@pytest.mark.parametrize(
    ("change", "message", "field"),
    [
        ({"createdAt": "2026-11-24T10:30:00"}, "with a time zone", "ops[0].createdAt"),
        ({"createdAt": 17}, "with a time zone", "ops[0].createdAt"),
        ({"extra": 1}, "unknown field", "ops[0].extra"),
        ({"payload": [1]}, "a score event must be a JSON object", "ops[0].payload"),
    ],
)
def test_a_bad_op_envelope_is_refused_by_path(
    change: dict[str, Any], message: str, field: str
) -> None:
    """Naive or non-text times, unknown fields and non-object payloads name the path."""
    op_id, got, path = _refusal(_score_op(**change))
    assert (op_id, path) == (OP_ID, field)
    assert message in got


@pytest.mark.parametrize(
    ("payload_change", "message", "field"),
    [
        ({"id": "nope"}, "must be a UUID, not 'nope'", "ops[0].payload.id"),
        ({"usn": 4}, "is assigned by the server, never pushed", "ops[0].payload.usn"),
        ({"overall": 42}, "must be from 1 to 10, not 42", "ops[0].payload.overall"),
        ({"comments": 5}, "must be a string", "ops[0].payload.comments"),
        ({"sceneRef": 5}, "must be a string or null", "ops[0].payload.sceneRef"),
        (
            {"createdAt": "2026-11-24T10:30:00"},
            "must be a timezone-aware datetime",
            "ops[0].payload.createdAt",
        ),
        (
            {"verdict": "maybe"},
            "must be one of Pass, Consider, Recommend",
            "ops[0].payload.verdict",
        ),
    ],
)
def test_a_bad_score_payload_is_refused_by_path(
    payload_change: dict[str, Any], message: str, field: str
) -> None:
    """Each bad score field is refused alone, named by its path inside the push."""
    sent = _score_op()
    sent["payload"].update(payload_change)
    op_id, got, path = _refusal(sent)
    assert (op_id, path) == (OP_ID, field)
    assert got.startswith(message)


def test_without_a_rubric_any_criterion_names_are_read() -> None:
    """read_push(rubric=None) keeps unknown criterion names instead of refusing them."""
    sent = _score_op()
    sent["payload"]["criteria"] = {"pacing": 4, "tone": 9.0}
    read = _read_one(sent, rubric=None)
    assert isinstance(read, Op)
    assert isinstance(read.body, ScoreEvent)
    assert dict(read.body.criteria) == {"pacing": 4, "tone": 9}
    assert isinstance(_read_one(sent), RefusedOp)


def test_status_choices_are_read_by_their_exact_value() -> None:
    """A metadata edit's status is read by its wire string; another spelling is refused."""
    edit = ScriptMetadata("5a0e7b1c-2d3f-4a5b-8c6d-7e8f9a0b1c2d", 3, status=Status.VALIDATED)
    sent = Op(OP_ID, OpKind.SCRIPT_METADATA, edit, T0).to_json()
    read = _read_one(sent)
    assert isinstance(read, Op)
    assert read.body == edit
    sent["payload"]["status"] = "validated"
    _, message, field = _refusal(sent)
    assert field == "ops[0].payload.status"
    assert message.endswith("not 'validated'")


def test_ops_of_every_kind_read_in_order_with_bad_ones_refused_alone() -> None:
    """A mixed push reads each op in place; only the bad one becomes a RefusedOp."""
    progress = Op.of(MovieProgress(str(uuid.uuid4()), "Generating", 0.5, "mux", 1), T0)
    bad = _score_op(opId=str(uuid.uuid4()))
    bad["payload"]["confidence"] = 9
    ops = [progress.to_json(), _score_op(), bad]
    _, items = read_push({"deviceId": "laptop-1", "ops": ops})
    assert items[0] == progress
    assert isinstance(items[1], Op)
    assert items[1].op_id == OP_ID
    assert isinstance(items[2], RefusedOp)
    assert (items[2].op_id, items[2].error.field) == (bad["opId"], "ops[2].payload.confidence")


def test_the_op_constructor_still_checks_what_it_is_given() -> None:
    """Built directly, an op refuses a bad id, a body of another kind and a naive time."""
    body = score("v-1", "vera")
    with pytest.raises(WireError) as caught:
        Op("nope", OpKind.SCORE, body, T0)
    assert caught.value.field == "opId"
    with pytest.raises(WireError) as caught:
        Op(OP_ID, OpKind.REVIEW_NOTE, body, T0)
    assert caught.value.field == "kind"
    with pytest.raises(WireError) as caught:
        Op(OP_ID, OpKind.SCORE, body, datetime(2026, 11, 24))
    assert caught.value.field == "createdAt"
    assert Op(OP_ID.upper(), OpKind.SCORE, body, T0).op_id == OP_ID


def test_an_op_subclass_read_from_json_runs_its_constructor() -> None:
    """Op.from_json on a subclass builds it through its own constructor."""
    seen: list[str] = []

    class Traced(Op):
        __slots__ = ()

        def __post_init__(self) -> None:
            seen.append(self.op_id)
            Op.__post_init__(self)

    read = Traced.from_json(_score_op())
    assert type(read) is Traced
    assert seen == [OP_ID]
