"""The payload hash of ops: SHA-256 of canonical JSON, checked against a writer of our own.

Hashes are stored in databases to tell a retried op from a different one, so the bytes
hashed must never change. The canonical JSON here is written independently of the
code under test (sorted keys, no spaces, UTF-8, only the escapes JSON requires).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from vividverse_desktop.core.scoring import DEFAULT_RUBRIC, ScoreEvent, Verdict
from vividverse_desktop.core.wire import (
    Body,
    MovieProgress,
    Op,
    ReviewNoteEdit,
    ScriptMetadata,
    ScriptSubmission,
    canonical_json,
    read_push,
)
from vividverse_desktop.core.workflow import Status

T0 = datetime(2026, 11, 24, 10, 30, tzinfo=UTC)
ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}


def quote(text: str) -> str:
    """A JSON string: quote, backslash and control characters escaped, the rest as is."""
    out = []
    for char in text:
        if char in ESCAPES:
            out.append(ESCAPES[char])
        elif ord(char) < 0x20:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def canonical(value: Any) -> str:
    """Canonical JSON text of ``value``: objects with sorted keys, no whitespace."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, list):
        return "[" + ",".join(canonical(item) for item in value) + "]"
    assert isinstance(value, dict)
    members = (f"{quote(key)}:{canonical(value[key])}" for key in sorted(value))
    return "{" + ",".join(members) + "}"


def digest(text: str) -> str:
    """The hex SHA-256 of ``text`` as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def event(**changes: Any) -> ScoreEvent:
    """A score event with fixed values, ``changes`` applied (constructor argument names)."""
    fields: dict[str, Any] = {
        "id": "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b",
        "script_version_id": "0b8e2f6c-51a9-4c1e-9d3f-7a6b5c4d3e2f",
        "validator_id": "3c4d5e6f-7081-4293-a4b5-c6d7e8f90a1b",
        "criteria": {
            "premise": 8,
            "structure": 7,
            "character": 9,
            "dialogue": 6,
            "originality": 10,
            "visual_potential": 5,
        },
        "overall": 8,
        "verdict": Verdict.RECOMMEND,
        "confidence": 4,
        "comments": 'A "cold" open\nthat works.',
        "scene_ref": None,
        "created_at": T0,
        "device_id": "laptop-1",
    }
    fields.update(changes)
    return ScoreEvent(**fields)


SCORE_TEXT = (
    '{"kind":"score","payload":{"comments":"A \\"cold\\" open\\nthat works.","confidence":4,'
    '"createdAt":"2026-11-24T10:30:00+00:00","criteria":{"character":9,"dialogue":6,'
    '"originality":10,"premise":8,"structure":7,"visual_potential":5},"deviceId":"laptop-1",'
    '"id":"6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b","overall":8,"sceneRef":null,'
    '"scriptVersionId":"0b8e2f6c-51a9-4c1e-9d3f-7a6b5c4d3e2f",'
    '"validatorId":"3c4d5e6f-7081-4293-a4b5-c6d7e8f90a1b","verdict":"Recommend"}}'
)
"""The canonical JSON of ``event()``'s op, written out by hand."""


def test_a_score_op_hashes_its_canonical_json_written_by_hand() -> None:
    """The hash of a fixed score op is SHA-256 of the canonical text spelled out above."""
    assert Op.of(event(), created_at=T0).payload_sha256 == digest(SCORE_TEXT)


def test_a_score_op_read_from_the_wire_hashes_the_same_text() -> None:
    """Sent with keys shuffled, 'Z' time and float scores, the op still hashes SCORE_TEXT."""
    payload = Op.of(event()).payload()
    payload = dict(reversed(list(payload.items())))
    payload["createdAt"] = "2026-11-24T10:30:00Z"
    payload["overall"] = 8.0
    body = {"deviceId": "laptop-1", "ops": [Op.of(event()).to_json() | {"payload": payload}]}
    _, (op,) = read_push(json.loads(json.dumps(body)))
    assert isinstance(op, Op)
    assert op.payload_sha256 == digest(SCORE_TEXT)


def test_optional_score_fields_hash_as_null() -> None:
    """No overall, verdict or confidence, and a scene ref: each written as in canonical JSON."""
    bare = event(overall=None, verdict=None, confidence=None, scene_ref="12A")
    expected = (
        SCORE_TEXT.replace('"confidence":4', '"confidence":null')
        .replace('"overall":8', '"overall":null')
        .replace('"verdict":"Recommend"', '"verdict":null')
        .replace('"sceneRef":null', '"sceneRef":"12A"')
    )
    assert Op.of(bare).payload_sha256 == digest(expected)


def test_other_time_zones_hash_with_their_offset() -> None:
    """createdAt is hashed as written by isoformat, offset and microseconds included."""
    zone = timezone(timedelta(hours=5, minutes=30))
    moment = datetime(2026, 11, 24, 16, 0, 0, 250, tzinfo=zone)
    expected = SCORE_TEXT.replace("2026-11-24T10:30:00+00:00", "2026-11-24T16:00:00.000250+05:30")
    assert Op.of(event(created_at=moment)).payload_sha256 == digest(expected)


def test_unusual_criterion_names_hash_in_sorted_order() -> None:
    """Without a rubric, names with %, quotes or capitals are escaped and sorted by code point."""
    criteria = {"b%d": 1, "B": 2, 'a"%%s': 3, "é": 4, "a\u2028": 5}
    odd = event(criteria=criteria)
    payload = _payload(odd)
    assert list(json.loads(canonical(payload))["criteria"]) == ["B", 'a"%%s', "a\u2028", "b%d", "é"]
    assert Op.of(odd).payload_sha256 == digest(canonical({"kind": "score", "payload": payload}))


def _payload(score: ScoreEvent) -> dict[str, Any]:
    """The payload a score op documents, built from the event's fields by the test."""
    return {
        "id": score.id,
        "scriptVersionId": score.script_version_id,
        "validatorId": score.validator_id,
        "criteria": dict(score.criteria),
        "overall": score.overall,
        "verdict": None if score.verdict is None else str(score.verdict.value),
        "confidence": score.confidence,
        "comments": score.comments,
        "sceneRef": score.scene_ref,
        "createdAt": score.created_at.isoformat(),
        "deviceId": score.device_id,
    }


TEXT = st.text(max_size=12)
NAME = st.text(min_size=1, max_size=8).filter(lambda name: name != "overall")


@st.composite
def score_events(draw: st.DrawFn) -> ScoreEvent:
    """Any valid score event: any text, criterion names, scores, zone and instant."""
    zone = timezone(timedelta(minutes=draw(st.integers(-14 * 60, 14 * 60))))
    later = timedelta(seconds=draw(st.integers(0, 10**8)), microseconds=draw(st.integers(0, 10**6)))
    return event(
        comments=draw(TEXT),
        scene_ref=draw(st.none() | TEXT),
        device_id=draw(TEXT.filter(str.strip)),
        script_version_id=draw(TEXT.filter(str.strip)),
        criteria=draw(st.dictionaries(NAME, st.integers(1, 10), min_size=1, max_size=7)),
        overall=draw(st.none() | st.integers(1, 10)),
        verdict=draw(st.none() | st.sampled_from(Verdict)),
        confidence=draw(st.none() | st.integers(1, 5)),
        created_at=datetime(2024, 1, 1, tzinfo=zone) + later,
    )


@settings(max_examples=300, deadline=None)
@given(score_events())
def test_any_score_op_hashes_its_canonical_json(score: ScoreEvent) -> None:
    """For any valid score, the op hash is SHA-256 of our own canonical JSON of its payload."""
    op = Op.of(score)
    text = canonical({"kind": "score", "payload": _payload(score)})
    assert op.payload_sha256 == digest(text)
    assert canonical_json({"kind": "score", "payload": op.payload()}) == text.encode("utf-8")


def test_every_other_op_kind_hashes_its_canonical_json() -> None:
    """Submissions, notes, progress and metadata edits hash our canonical JSON too."""
    bodies: list[Body] = [
        ScriptSubmission.of("Caf\u00e9 \u201cNoir\u201d", "INT. CAF\u00c9 - NIGHT\n\tRain.\n"),
        ReviewNoteEdit(
            "5a0e7b1c-2d3f-4a5b-8c6d-7e8f9a0b1c2d",
            "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9",
            120,
            144,
            23.976,
            "00:00:05:00",
            "Too dark\\",
            "open",
        ),
        MovieProgress("1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9", "Generating", 0.125, "mux", 2),
        ScriptMetadata("5a0e7b1c-2d3f-4a5b-8c6d-7e8f9a0b1c2d", 4, status=Status.SELECTED),
    ]
    for body in bodies:
        op = Op.of(body, created_at=T0)
        text = canonical({"kind": op.kind.value, "payload": body.to_json()})
        assert op.payload_sha256 == digest(text), type(body).__name__


def test_canonical_json_of_nested_values_matches_our_writer() -> None:
    """Nested objects and arrays, floats, bools and escapes: the same bytes as our writer."""
    value = {"z": [1, 2.5, None, True], "a": {"y": "\x01\x1f\x7f", "b": False}, "M": "\u00e9"}
    assert canonical_json(value) == canonical(value).encode("utf-8")


def test_a_rubric_read_score_hashes_like_the_same_event_built_directly() -> None:
    """A score pushed with camelCase criteria hashes like the event built with machine names."""
    payload = Op.of(event()).payload()
    payload["criteria"] = {"visualPotential": 5, **dict(list(payload["criteria"].items())[:5])}
    body = {"deviceId": "laptop-1", "ops": [Op.of(event()).to_json() | {"payload": payload}]}
    _, (op,) = read_push(body, DEFAULT_RUBRIC)
    assert isinstance(op, Op)
    assert op.payload_sha256 == digest(SCORE_TEXT)
