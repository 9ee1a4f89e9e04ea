"""The sync protocol's message types: round-trips, the payload hash, strict validation."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.core.scoring.builders import score
from vividverse_desktop.core.scoring import ScoreEvent
from vividverse_desktop.core.wire import (
    MAX_PUSH_OPS,
    Box,
    Change,
    Conflict,
    ConflictReason,
    Drawing,
    Entity,
    Label,
    MovieDecision,
    MovieProgress,
    MovieRecord,
    NoteReplyEdit,
    NoteReplyRecord,
    Op,
    OpKind,
    Outcome,
    Pen,
    PullResponse,
    PushRequest,
    PushResponse,
    PushResult,
    Record,
    RefusedOp,
    ReviewNoteEdit,
    ReviewNoteRecord,
    ScriptMetadata,
    ScriptRecord,
    ScriptRevision,
    ScriptSubmission,
    ScriptVersionRecord,
    SourceFormat,
    UserRecord,
    WireError,
    canonical_json,
    content_sha256,
    new_id,
    read_push,
    usn_cursor,
)
from vividverse_desktop.core.workflow import Decision, Role, Status

T0 = datetime(2026, 11, 24, 10, 30, tzinfo=UTC)
TEXT = "INT. KITCHEN - DAY\n\nANNA pours coffee.\n"


def bodies() -> list[Any]:
    """One body of every op kind."""
    return [
        ScriptSubmission.of("Coffee", TEXT),
        ScriptRevision.of(new_id(), TEXT + "She drinks.\n", SourceFormat.PDF),
        score("v-1", "validator-1"),
        ReviewNoteEdit(new_id(), new_id(), 120, 144, 24.0, "00:00:05:00", "Too dark", "open"),
        MovieProgress(new_id(), "Generating", 0.25, "scene 3 of 12", 2),
        ScriptMetadata(new_id(), 4, title="Coffee, Black", status=Status.DRAFT),
        MovieDecision(new_id(), Decision.CHANGES_REQUESTED, 3, "Scene 2 drags."),
        NoteReplyEdit(new_id(), new_id(), "Agreed.", base_revision=2),
        ReviewNoteEdit(
            new_id(),
            new_id(),
            1,
            None,
            25.0,
            "00:00:00:01",
            "Drawn",
            "open",
            drawing=Drawing.of(Pen(((0.0, 0.5), (1.0, 0.5))), Label((0.5, 0.5), "here")),
        ),
    ]


def records() -> list[Record]:
    """One record of every entity."""
    return [
        UserRecord(new_id(), "anna", "Anna K.", Role.VALIDATOR),
        ScriptRecord(new_id(), new_id(), "Coffee", Status.VALIDATED, 3, T0),
        ScriptVersionRecord(
            new_id(), new_id(), 2, content_sha256(TEXT), TEXT, SourceFormat.FOUNTAIN, T0
        ),
        score(new_id(), new_id(), usn=7),
        MovieRecord(new_id(), new_id(), "Completed", 1.0, "done", new_id(), 5, "m/1.mp4", 93.5),
        ReviewNoteRecord(
            new_id(), new_id(), new_id(), 48, None, 24.0, "00:00:02:00", "Cut here", "open", 1, T0
        ),
        MovieRecord(
            new_id(),
            new_id(),
            "approved",
            1.0,
            "",
            new_id(),
            6,
            decided_by=new_id(),
            decision_comment="Ship it.",
        ),
        ReviewNoteRecord(
            new_id(),
            new_id(),
            new_id(),
            48,
            50,
            24.0,
            "00:00:02:00",
            "Box",
            "open",
            2,
            T0,
            drawing=Drawing.of(Box((0.1, 0.1), (0.4, 0.3), "#00aaff", 0.002)),
        ),
        NoteReplyRecord(new_id(), new_id(), new_id(), new_id(), "Fixed in v2.", 1, T0),
    ]


def through_json(value: Any) -> Any:
    """``value.to_json()`` as it arrives after a trip over the network."""
    return json.loads(json.dumps(value.to_json()))


@pytest.mark.parametrize("body", bodies(), ids=lambda b: type(b).__name__)
def test_every_op_kind_round_trips_through_json(body: Any) -> None:
    """An op of each kind reads back equal to what was written."""
    op = Op.of(body, created_at=T0)
    assert Op.from_json(through_json(op)) == op


@pytest.mark.parametrize("record", records(), ids=lambda r: type(r).__name__)
def test_every_record_round_trips_inside_a_change(record: Record) -> None:
    """A change carrying each kind of record decodes back to the same record."""
    change = Change.of(record, usn=42)
    decoded = Change.from_json(through_json(change))
    assert decoded == change
    assert decoded.record() == (record.with_usn(42) if isinstance(record, ScoreEvent) else record)


def test_a_pulled_score_carries_the_change_usn() -> None:
    """A score event in a change is the accepted event, with the change's usn."""
    event = score("v-1", "validator-1")
    record = Change.of(event, usn=9).record()
    assert isinstance(record, ScoreEvent)
    assert record.usn == 9


def test_push_request_round_trips_with_ops_in_order() -> None:
    """A push request keeps its device id and its ops in outbox order."""
    ops = tuple(Op.of(body, created_at=T0) for body in bodies())
    request = PushRequest("laptop-1", ops)
    decoded = PushRequest.from_json(through_json(request))
    assert decoded == request
    assert [op.op_id for op in decoded.ops] == [op.op_id for op in ops]


def test_push_response_round_trips_every_outcome() -> None:
    """Results of each outcome read back equal, conflicts with both versions."""
    mine = ScriptMetadata(new_id(), 2, title="Mine")
    theirs = ScriptRecord(mine.script_id, new_id(), "Theirs", Status.VALIDATED, 3, T0)
    conflict = Conflict(
        ConflictReason.STALE,
        Entity.SCRIPT,
        mine.script_id,
        mine.to_json(),
        theirs.to_json(),
        base_revision=2,
        server_revision=3,
    )
    response = PushResponse(
        (
            PushResult(new_id(), Outcome.ACCEPTED, usn=10),
            PushResult(new_id(), Outcome.DUPLICATE, usn=4),
            PushResult(new_id(), Outcome.CONFLICT, message="edited elsewhere", conflict=conflict),
            PushResult(new_id(), Outcome.FORBIDDEN, message="validator role revoked"),
            PushResult(new_id(), Outcome.INVALID, message="no such script version"),
        )
    )
    decoded = PushResponse.from_json(through_json(response))
    assert decoded == response
    assert decoded.named() == {r.op_id for r in response.results}


def test_pull_response_round_trips() -> None:
    """A page of changes keeps its order, cursor and has_more flag."""
    changes = tuple(Change.of(record, usn=i + 1) for i, record in enumerate(records()))
    page = PullResponse(changes, next_since=len(changes), has_more=True)
    assert PullResponse.from_json(through_json(page), since=0) == page


def test_same_op_sent_twice_has_the_same_payload_hash() -> None:
    """Key order, timestamp spelling and createdAt do not change the payload hash."""
    op = Op.of(score("v-1", "validator-1"), created_at=T0)
    wire = through_json(op)
    wire["payload"] = dict(reversed(list(wire["payload"].items())))
    wire["payload"]["createdAt"] = wire["payload"]["createdAt"].replace("+00:00", "Z")
    wire["createdAt"] = "2030-01-01T00:00:00+00:00"
    assert Op.from_json(wire).payload_sha256 == op.payload_sha256


def test_a_different_payload_under_the_same_id_has_another_hash() -> None:
    """Changing one score in the payload changes the hash."""
    op = Op.of(score("v-1", "validator-1", overall=7), created_at=T0)
    wire = through_json(op)
    wire["payload"]["overall"] = 8
    assert Op.from_json(wire).payload_sha256 != op.payload_sha256


def test_payload_hash_is_sha256_of_canonical_kind_and_payload() -> None:
    """The documented hash: SHA-256 over canonical JSON of kind and payload."""
    op = Op.of(MovieProgress(new_id(), "Generating", 0.5, "mux", 1), created_at=T0)
    canonical = json.dumps(
        {"kind": "movie_progress", "payload": op.payload()},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")
    assert op.payload_sha256 == hashlib.sha256(canonical).hexdigest()


def test_unknown_fields_are_refused_with_their_path() -> None:
    """An extra field inside an op's payload is named in the error."""
    wire = through_json(PushRequest("laptop-1", (Op.of(bodies()[0], created_at=T0),)))
    wire["ops"][0]["payload"]["author"] = "someone else"
    with pytest.raises(WireError) as caught:
        PushRequest.from_json(wire)
    assert caught.value.field == "ops[0].payload.author"


def test_a_score_out_of_range_names_the_criterion() -> None:
    """A criterion scored 11 is refused, naming the criterion inside the op."""
    op = Op.of(score("v-1", "validator-1"), created_at=T0)
    wire = through_json(PushRequest("laptop-1", (op,)))
    name = next(iter(wire["ops"][0]["payload"]["criteria"]))
    wire["ops"][0]["payload"]["criteria"][name] = 11
    with pytest.raises(WireError) as caught:
        PushRequest.from_json(wire)
    assert caught.value.field == f"ops[0].payload.criteria.{name}"


def test_a_client_cannot_push_a_usn() -> None:
    """A score payload carrying a usn is refused: only the server assigns usns."""
    wire = through_json(Op.of(score("v-1", "validator-1"), created_at=T0))
    wire["payload"]["usn"] = 5
    with pytest.raises(WireError, match="assigned by the server"):
        Op.from_json(wire)


def test_script_text_must_match_its_content_hash() -> None:
    """A submission whose hash is not the text's SHA-256 is refused."""
    wire = through_json(Op.of(ScriptSubmission.of("Coffee", TEXT), created_at=T0))
    wire["payload"]["fountainText"] = TEXT + "Tampered.\n"
    with pytest.raises(WireError) as caught:
        Op.from_json(wire)
    assert caught.value.field == "payload.contentSha256"


def test_an_op_body_must_match_its_kind() -> None:
    """An op claiming to be a score but carrying a movie report cannot be built."""
    with pytest.raises(WireError, match="not a score op"):
        Op(new_id(), OpKind.SCORE, MovieProgress(new_id(), "Generating", 0.1, "", 1), T0)


def test_metadata_edit_must_change_something() -> None:
    """A script metadata op with neither title nor status is refused."""
    wire = {"scriptId": new_id(), "baseRevision": 1, "title": None, "status": None}
    with pytest.raises(WireError, match="title, the status or both"):
        ScriptMetadata.from_json(wire)


def test_a_note_range_cannot_end_before_it_starts() -> None:
    """A review note from frame 100 to frame 50 is refused."""
    wire = ReviewNoteEdit(new_id(), new_id(), 100, 50, 24.0, "00:00:04:04", "x", "open").to_json()
    with pytest.raises(WireError) as caught:
        ReviewNoteEdit.from_json(wire)
    assert caught.value.field == "frameEnd"


def test_naive_timestamps_are_refused() -> None:
    """Timestamps without a time zone are refused on the wire."""
    wire = through_json(Op.of(bodies()[4], created_at=T0))
    wire["createdAt"] = "2026-11-24T10:30:00"
    with pytest.raises(WireError) as caught:
        Op.from_json(wire)
    assert caught.value.field == "createdAt"


def test_a_push_batch_has_a_size_limit() -> None:
    """More than MAX_PUSH_OPS ops in one push are refused before any is parsed."""
    wire = {"deviceId": "laptop-1", "ops": [{}] * (MAX_PUSH_OPS + 1)}
    with pytest.raises(WireError) as caught:
        PushRequest.from_json(wire)
    assert caught.value.field == "ops"


@pytest.mark.parametrize(
    ("result", "field"),
    [
        ({"outcome": "accepted"}, "usn"),
        ({"outcome": "duplicate"}, "usn"),
        ({"outcome": "conflict", "message": "stale"}, "conflict"),
        ({"outcome": "forbidden"}, "message"),
        ({"outcome": "invalid", "message": "  "}, "message"),
    ],
)
def test_each_outcome_carries_what_the_client_needs(result: dict[str, Any], field: str) -> None:
    """Accepted needs a usn, conflict both versions, refusals a message."""
    with pytest.raises(WireError) as caught:
        PushResult.from_json({"opId": new_id(), **result}, "results[0]")
    assert caught.value.field == f"results[0].{field}"


def test_a_stale_conflict_must_carry_the_server_record() -> None:
    """A stale-edit conflict without the server's version is refused."""
    wire = {"reason": "stale", "entity": "movie", "entityId": new_id(), "mine": {}}
    with pytest.raises(WireError, match="server's record"):
        Conflict.from_json(wire)


def test_only_accepted_and_duplicate_settle_an_op() -> None:
    """Exactly the two success outcomes let an op leave the outbox."""
    assert {o for o in Outcome if o.settled} == {Outcome.ACCEPTED, Outcome.DUPLICATE}
    assert [o.http_status for o in Outcome] == [200, 200, 409, 403, 422]


def test_pull_changes_must_come_in_usn_order() -> None:
    """A page whose usns go backwards is refused."""
    first, second = records()[:2]
    with pytest.raises(WireError, match="usn order"):
        PullResponse((Change.of(first, 5), Change.of(second, 4)), next_since=5)


def test_pull_changes_must_be_newer_than_since() -> None:
    """A page carrying a change at or below the asked-for cursor is refused."""
    page = PullResponse((Change.of(records()[0], 5),), next_since=5)
    with pytest.raises(WireError, match="since=5"):
        PullResponse.from_json(through_json(page), since=5)


def test_a_change_must_carry_the_record_it_names() -> None:
    """A change whose data belongs to another id is refused."""
    wire = through_json(Change.of(records()[1], 3))
    wire["id"] = new_id()
    with pytest.raises(WireError) as caught:
        Change.from_json(wire, "changes[0]")
    assert caught.value.field == "changes[0].data.id"


def test_no_user_record_holds_the_system_role() -> None:
    """The system role is the server itself, never a user on the wire."""
    wire = UserRecord(new_id(), "root", "Root", Role.ADMIN).to_json() | {"role": "system"}
    with pytest.raises(WireError, match="system role"):
        UserRecord.from_json(wire)


def test_usn_cursor_reads_the_since_parameter() -> None:
    """The since query parameter is a whole number from 0; anything else is refused."""
    assert usn_cursor("0") == 0
    assert usn_cursor("250") == 250
    for bad in ("-1", "1.5", "abc", "", "1" * 30):
        with pytest.raises(WireError):
            usn_cursor(bad)


def test_canonical_json_refuses_nan() -> None:
    """NaN has no canonical JSON form, so it cannot be hashed."""
    with pytest.raises(WireError):
        canonical_json({"progress": float("nan")})


def test_one_bad_op_does_not_spoil_a_push() -> None:
    """Read op by op, a malformed op is refused alone and answered invalid by its id."""
    good = Op.of(bodies()[4], created_at=T0)
    bad = through_json(Op.of(bodies()[2], created_at=T0))
    bad["payload"]["overall"] = 42
    wire = {"deviceId": "laptop-1", "ops": [good.to_json(), bad, {"opId": "?"}]}
    device, ops = read_push(wire)
    assert device == "laptop-1"
    assert ops[0] == good
    refused, unnamed = ops[1], ops[2]
    assert isinstance(refused, RefusedOp)
    assert isinstance(unnamed, RefusedOp)
    assert refused.error.field == "ops[1].payload.overall"
    result = refused.result()
    assert result is not None
    assert (result.op_id, result.outcome) == (bad["opId"], Outcome.INVALID)
    assert unnamed.result() is None


def test_a_push_without_a_device_is_refused_whole() -> None:
    """The envelope itself must be right before any op is read."""
    with pytest.raises(WireError) as caught:
        read_push({"ops": []})
    assert caught.value.field == "deviceId"
