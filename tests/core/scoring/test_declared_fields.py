"""Declared score fields: a field added to the score event is one line.

These tests add one (a score's strengths) to a copy of the real score event and find it
read, checked, written, hashed and copied to and from rows with nothing else, while an
event without it keeps its JSON and its payload hash.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

import pytest

from tests.core.scoring.builders import T0, uniform
from vividverse_desktop.core.declared import Text, fill_row, record_from_row, row_values, spec_of
from vividverse_desktop.core.scoring import ScoreEvent, ScoringError, Verdict
from vividverse_desktop.core.scoring.events import TUNED, extra_fields
from vividverse_desktop.core.wire import Op, WireError, canonical_json, sha256_hex
from vividverse_desktop.core.wire.ops import _score_op_json


@dataclass(frozen=True, slots=True)
class StrengthsScore(ScoreEvent):
    """The score event with one more field, declared the way a newcomer would."""

    strengths: Annotated[str | None, Text(max_length=40, omit_none=True)] = None


def _fields(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "script_version_id": str(uuid.uuid4()),
        "validator_id": str(uuid.uuid4()),
        "criteria": uniform(6),
        "overall": 7,
        "verdict": Verdict.CONSIDER,
        "confidence": 3,
        "comments": "Tight second act",
        "scene_ref": None,
        "created_at": T0,
        "device_id": "laptop",
    }
    return values | changes


def test_the_tuned_fields_are_declared_and_every_other_field_follows_its_declaration() -> None:
    """The hand-written paths cover the tuned fields; the payload of an event holding
    nothing else writes each of them (but the usn) under its camelCase key."""
    declared = spec_of(ScoreEvent).fields
    names = {f.name for f in declared}
    assert names >= TUNED
    assert {f.name for f in extra_fields(ScoreEvent)} == names - TUNED
    event = ScoreEvent(**_fields(), usn=9)
    assert set(event.payload()) == {f.key for f in declared if f.name in TUNED} - {"usn"}
    assert event.to_json()["usn"] == 9


def test_a_new_field_is_read_and_written_under_its_camel_case_key() -> None:
    """The added field is on the wire as soon as it is declared."""
    event = StrengthsScore(**_fields(), strengths="Sharp dialogue")
    data = event.to_json()
    assert data["strengths"] == "Sharp dialogue"
    read = StrengthsScore.from_json(data)
    assert read == event
    assert read.strengths == "Sharp dialogue"


def test_absent_or_null_reads_as_none_and_none_is_left_out() -> None:
    """An event made before the field existed keeps its JSON: no key, not null."""
    base = _fields()
    event = StrengthsScore(**base)
    assert "strengths" not in event.payload()
    assert event.payload() == ScoreEvent(**base).payload()
    assert StrengthsScore.from_json({**event.payload(), "strengths": None}).strengths is None


def test_a_bad_value_of_the_new_field_names_it_with_the_scoring_error() -> None:
    """The new field is checked by its kind, reading and constructing alike, and a push
    names its path under the op like every other score field."""
    with pytest.raises(ScoringError) as caught:
        StrengthsScore.from_json({**StrengthsScore(**_fields()).payload(), "strengths": "x" * 41})
    assert (caught.value.field, caught.value.message) == (
        "strengths",
        "must be at most 40 characters",
    )
    with pytest.raises(ScoringError, match="strengths: must be a string"):
        StrengthsScore(**_fields(), strengths=5)
    with pytest.raises(ScoringError, match="strengths: must be at most 40 characters"):
        StrengthsScore(**_fields(), strengths="y" * 41)


def test_existing_messages_are_unchanged() -> None:
    """The tuned fields keep their own messages."""
    bad = {**ScoreEvent(**_fields()).payload(), "scriptVersionId": " "}
    with pytest.raises(ScoringError, match="scriptVersionId: must be a non-empty string"):
        ScoreEvent.from_json(bad)
    op = Op.of(ScoreEvent(**_fields())).to_json()
    op["payload"]["sceneRef"] = 4
    with pytest.raises(WireError) as caught:
        Op.from_json(op, "ops[2]")
    assert str(caught.value) == "ops[2].payload.sceneRef: must be a string or null"


def test_the_payload_hash_holds_the_new_field_only_when_it_has_a_value() -> None:
    """With the field None the op hashes as before it was declared; with a value, the
    hash is of its canonical JSON (the new key in its sorted place)."""
    base = _fields()
    without = StrengthsScore(**base)
    before = canonical_json({"kind": "score", "payload": without.payload()})
    assert Op.of(ScoreEvent(**base)).payload_sha256 == sha256_hex(before)
    assert _score_op_json(without) == before
    given = StrengthsScore(**base, strengths="Sharp dialogue")
    assert given.has_extras()
    assert not without.has_extras()
    text = _score_op_json(given)
    assert text == canonical_json({"kind": "score", "payload": given.payload()})
    assert b',"strengths":"Sharp dialogue","validatorId"' in text


class Row:
    """A stand-in for a table row: one attribute per column."""

    id = script_version_id = validator_id = criteria = overall = verdict = None
    confidence = comments = scene_ref = created_at = device_id = usn = strengths = None


def test_the_new_field_is_copied_to_and_from_a_row() -> None:
    """The row copiers carry the new field to its column and back, with the others."""
    event = StrengthsScore(**_fields(), strengths="Sharp dialogue", usn=12)
    row = Row()
    fill_row(row, event, skip=("usn",))
    assert (row.strengths, row.verdict, row.usn) == ("Sharp dialogue", Verdict.CONSIDER.value, None)
    row.usn = 12
    copied = record_from_row(StrengthsScore, row)
    assert copied == event
    assert copied.usn == 12
    values = row_values(event, ids=uuid.UUID, skip=("usn",))
    assert values["strengths"] == "Sharp dialogue"
    assert values["id"] == uuid.UUID(event.id)


def test_a_new_field_that_would_change_old_hashes_is_refused() -> None:
    """A required field, or one written as null, would change every existing op's hash."""

    @dataclass(frozen=True, slots=True)
    class NullScore(ScoreEvent):
        weaknesses: Annotated[str | None, Text()] = None

    with pytest.raises(TypeError, match="weaknesses must be optional with omit_none=True"):
        extra_fields(NullScore)
