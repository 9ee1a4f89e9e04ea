"""Reading a score event from JSON checks exactly what its constructor checks.

``ScoreEvent.from_json`` builds the event without running the constructor's checks a
second time; these tests pin that both doors refuse the same values with the same
``ScoringError`` (message and field) and accept the same values as equal events.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.core.scoring.builders import T0, uniform
from vividverse_desktop.core.scoring import (
    DEFAULT_RUBRIC,
    Rubric,
    ScoreEvent,
    ScoringError,
    Verdict,
)
from vividverse_desktop.core.scoring.rubric import whole_number

EVENT_ID = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"

# The constructor's argument for each wire key.
ARGUMENT = {
    "id": "id",
    "scriptVersionId": "script_version_id",
    "validatorId": "validator_id",
    "criteria": "criteria",
    "overall": "overall",
    "verdict": "verdict",
    "confidence": "confidence",
    "comments": "comments",
    "sceneRef": "scene_ref",
    "deviceId": "device_id",
    "usn": "usn",
}


def _wire(**changes: Any) -> dict[str, Any]:
    """A valid score event as JSON, with ``changes`` (wire keys) applied."""
    data: dict[str, Any] = {
        "id": EVENT_ID,
        "scriptVersionId": "v-1",
        "validatorId": "vera",
        "criteria": uniform(6),
        "overall": 7,
        "verdict": "Consider",
        "confidence": 3,
        "comments": "Tense cold open.",
        "sceneRef": None,
        "createdAt": "2026-11-24T09:00:00+00:00",
        "deviceId": "laptop-1",
    }
    data.update(changes)
    return data


def _direct(**changes: Any) -> ScoreEvent:
    """The constructor called with the same values as ``_wire(**changes)``."""
    wire = _wire(**changes)
    arguments: dict[str, Any] = {ARGUMENT[key]: wire.get(key) for key in ARGUMENT}
    return ScoreEvent(created_at=T0, **arguments)


def _refusal(read: Any) -> tuple[str, str | None]:
    with pytest.raises(ScoringError) as caught:
        read()
    return caught.value.message, caught.value.field


BAD_VALUES = [
    ("id", "not-a-uuid"),
    ("id", 42),
    ("id", None),
    ("scriptVersionId", ""),
    ("validatorId", "   "),
    ("deviceId", 7),
    ("overall", 0),
    ("overall", 11),
    ("overall", 7.5),
    ("overall", True),
    ("overall", "7"),
    ("overall", float("inf")),
    ("confidence", 6),
    ("confidence", 2.5),
    ("verdict", "Maybe"),
    ("verdict", 3),
    ("comments", 5),
    ("sceneRef", 5),
    ("usn", "1"),
    ("usn", True),
    ("usn", 1.5),
]


@pytest.mark.parametrize(("key", "bad"), BAD_VALUES)
def test_json_and_constructor_refuse_a_bad_field_alike(key: str, bad: object) -> None:
    """One bad value is refused by from_json and by the constructor with one message."""
    message, field = _refusal(lambda: ScoreEvent.from_json(_wire(**{key: bad})))
    direct_message, direct_field = _refusal(lambda: _direct(**{key: bad}))
    assert message == direct_message
    assert field == key
    # The constructor names the three text ids by their Python names (as it always has).
    assert direct_field in (key, ARGUMENT[key])


@pytest.mark.parametrize(
    ("criteria", "field"),
    [
        ({}, "criteria"),
        ({"overall": 5}, "criteria.overall"),
        ({"premise": 0}, "criteria.premise"),
        ({"premise": False}, "criteria.premise"),
        ({"pacing": 4, "premise": 7.25}, "criteria.premise"),
        ({"premise": 5, "a%d": "5"}, "criteria.a%d"),
    ],
)
def test_without_a_rubric_criteria_are_checked_like_the_constructor(
    criteria: dict[str, object], field: str
) -> None:
    """With rubric=None, bad criteria get the constructor's message and field."""
    from_wire = _refusal(lambda: ScoreEvent.from_json(_wire(criteria=criteria), rubric=None))
    assert from_wire == _refusal(lambda: _direct(criteria=criteria))
    assert from_wire[1] == field


def test_a_naive_timestamp_is_refused_through_both_doors() -> None:
    """A createdAt without a zone: the same error from JSON and from the constructor."""
    from_wire = _refusal(lambda: ScoreEvent.from_json(_wire(createdAt="2026-11-24T09:00:00")))
    direct = _refusal(
        lambda: ScoreEvent(**{**_fields(_direct()), "created_at": datetime(2026, 11, 24, 9)})
    )
    assert from_wire == direct == ("must be a timezone-aware datetime", "createdAt")


def _fields(event: ScoreEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in ScoreEvent.__dataclass_fields__}


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("overall", 0), ("comments", 5)),
        (("comments", 5), ("usn", "x")),
        (("deviceId", ""), ("criteria", {})),
        (("overall", 12), ("deviceId", "")),
        (("verdict", "Maybe"), ("sceneRef", 1)),
        (("id", "x"), ("createdAt", "2026-11-24T09:00:00")),
    ],
)
def test_from_json_names_the_first_fault_in_reading_order(
    first: tuple[str, object], second: tuple[str, object]
) -> None:
    """With two bad fields, the one read first is the one reported."""
    data = _wire(**dict([first, second]))
    assert _refusal(lambda: ScoreEvent.from_json(data, rubric=None))[1] == first[0]


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"id": EVENT_ID.upper()},
        {"id": "{" + EVENT_ID + "}"},
        {"id": "urn:uuid:" + EVENT_ID},
        {"overall": 7.0, "confidence": 5.0},
        {"overall": None, "verdict": None, "confidence": None},
        {"verdict": " recommend "},
        {"verdict": "PASS"},
        {"comments": "Line one\nline \u201ctwo\u201d"},
        {"sceneRef": "scene-12"},
        {"usn": 41},
        {"criteria": {**uniform(4), "dialogue": 9.0}},
    ],
)
def test_json_and_constructor_accept_the_same_values_as_equal_events(
    changes: dict[str, Any],
) -> None:
    """Values both doors accept give equal events with equal fields, usn included."""
    read = ScoreEvent.from_json(_wire(**changes))
    built = _direct(**changes)
    assert read == built
    assert _fields(read) == _fields(built)
    assert read.usn == built.usn
    assert read.id == EVENT_ID


def test_an_event_read_from_json_is_a_plain_score_event() -> None:
    """from_json gives a ScoreEvent whose criteria are read-only and in rubric order."""
    criteria = dict(reversed(list(uniform(5).items())))
    event = ScoreEvent.from_json(_wire(criteria=criteria))
    assert type(event) is ScoreEvent
    assert tuple(event.criteria) == DEFAULT_RUBRIC.names
    with pytest.raises(TypeError):
        event.criteria["premise"] = 1  # type: ignore[index]
    assert event.with_usn(3) == event
    assert event.with_usn(3).usn == 3


def test_an_event_read_without_rubric_keeps_the_names_given() -> None:
    """rubric=None keeps criterion names and order as sent."""
    event = ScoreEvent.from_json(_wire(criteria={"pacing": 4, "tone": 8}), rubric=None)
    assert list(event.criteria.items()) == [("pacing", 4), ("tone", 8)]


def test_a_subclass_read_from_json_runs_its_own_checks() -> None:
    """A subclass of ScoreEvent still gets its constructor run by from_json."""
    seen: list[str] = []

    class Audited(ScoreEvent):
        __slots__ = ()

        def __post_init__(self) -> None:
            seen.append("checked")
            ScoreEvent.__post_init__(self)

    event = Audited.from_json(_wire())
    assert type(event) is Audited
    assert seen == ["checked"]


def test_a_rubric_subclass_result_is_checked_again() -> None:
    """Criteria from a rubric that is not a plain Rubric still pass the constructor's checks."""

    class Lenient(Rubric):
        __slots__ = ()

        def validate_criteria(self, scores: object, field: str = "criteria") -> dict[str, int]:
            return {"premise": 0}

    lenient = Lenient(DEFAULT_RUBRIC.criteria, DEFAULT_RUBRIC.overall)
    assert _refusal(lambda: ScoreEvent.from_json(_wire(), lenient)) == (
        "must be from 1 to 10, not 0",
        "criteria.premise",
    )


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("Pass", Verdict.PASS),
        ("pass", Verdict.PASS),
        ("  CONSIDER\t", Verdict.CONSIDER),
        ("rEcOmMeNd", Verdict.RECOMMEND),
        (Verdict.CONSIDER, Verdict.CONSIDER),
    ],
)
def test_verdicts_are_read_in_any_letter_case(text: str, verdict: Verdict) -> None:
    """A verdict's wire string is matched ignoring case and surrounding space."""
    assert Verdict.parse(text) is verdict


@pytest.mark.parametrize("bad", ["Passe", "", "Pass.", 1, None, ["Pass"]])
def test_other_verdicts_are_refused_with_the_choices(bad: object) -> None:
    """Anything else is refused, listing the three verdicts and the value given."""
    assert _refusal(lambda: Verdict.parse(bad)) == (
        f"must be one of Pass, Consider, Recommend, not {bad!r}",
        "verdict",
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, "must be from 1 to 10, not 0"),
        (11, "must be from 1 to 10, not 11"),
        (10.5, "must be a whole number from 1 to 10, not 10.5"),
        (float("nan"), "must be a whole number from 1 to 10, not nan"),
        (True, "must be a whole number from 1 to 10, not True"),
        ("5", "must be a whole number from 1 to 10, not '5'"),
        (2**80, f"must be from 1 to 10, not {2**80}"),
    ],
)
def test_whole_number_refusals_say_why(value: object, message: str) -> None:
    """Out of range, fractional, bool and text values each get their message."""
    assert _refusal(lambda: whole_number(value, 1, 10, "overall")) == (message, "overall")


def test_whole_number_returns_ints_and_integral_floats_as_ints() -> None:
    """1, 10 and 4.0 come back as the ints 1, 10 and 4."""
    assert [whole_number(v, 1, 10, "x") for v in (1, 10, 4.0)] == [1, 10, 4]
    assert type(whole_number(4.0, 1, 10, "x")) is int


def test_criteria_spellings_are_canonicalised_into_rubric_order() -> None:
    """camelCase and label spellings map to machine names; the result follows the rubric."""
    given = {"Visual potential": 3, "originality": 4, "Dialogue": 5.0}
    given |= {"character": 6, "structure": 7, "premise": 8}
    assert list(DEFAULT_RUBRIC.validate_criteria(given).items()) == [
        ("premise", 8),
        ("structure", 7),
        ("character", 6),
        ("dialogue", 5),
        ("originality", 4),
        ("visual_potential", 3),
    ]


@pytest.mark.parametrize(
    ("scores", "message", "field"),
    [
        ({**uniform(5), "visualPotential": 5}, "given more than once", "criteria.visual_potential"),
        ({**uniform(5), "plot": 5}, "unknown criterion 'plot'", "criteria.plot"),
        (dict.fromkeys(DEFAULT_RUBRIC.names[1:], 5), "missing criteria: premise", "criteria"),
        ({**uniform(5), "premise": 0}, "must be from 1 to 10, not 0", "criteria.premise"),
        ([5, 5], "must be an object of criterion -> score", "criteria"),
    ],
)
def test_bad_criteria_are_refused_by_field(scores: object, message: str, field: str) -> None:
    """Twice-given, unknown, missing and out-of-range criteria each name the field."""
    got = _refusal(lambda: DEFAULT_RUBRIC.validate_criteria(scores))
    assert got[0].startswith(message)
    assert got[1] == field


def test_an_event_id_given_as_uuid_is_kept_canonical() -> None:
    """The constructor accepts a uuid.UUID and keeps its canonical text."""
    key = uuid.UUID(EVENT_ID)
    assert _direct(id=key).id == EVENT_ID
    assert ScoreEvent.from_json(_wire(id=key)).id == EVENT_ID


def test_created_at_keeps_its_zone() -> None:
    """A 'Z' or offset timestamp reads as an aware datetime at that instant."""
    event = ScoreEvent.from_json(_wire(createdAt="2026-11-24T10:00:00+01:00"))
    assert event.created_at == datetime(2026, 11, 24, 9, tzinfo=UTC)
    assert event.created_at.utcoffset() is not None
