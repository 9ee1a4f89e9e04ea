"""Specification of score events: validation, JSON, seed-style input and "latest" ordering."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

from tests.core.scoring.builders import T0, score, uniform
from vividverse_desktop.core.scoring import (
    DEFAULT_RUBRIC,
    ScoreEvent,
    ScoringError,
    SeedValidation,
    Verdict,
    current_scores,
)


def _json(**changes: object) -> dict[str, object]:
    data = score("v1", "alice").to_json()
    data.update(changes)
    return data


def test_event_survives_a_json_round_trip() -> None:
    """to_json then from_json gives an equal event, usn included."""
    event = score("v1", "alice", criteria={**uniform(5), "dialogue": 9}, usn=42)
    again = ScoreEvent.from_json(event.to_json())
    assert again == event
    assert again.usn == 42
    assert again.criteria["dialogue"] == 9


def test_payload_excludes_the_server_usn() -> None:
    """The same event before and after acceptance has the same payload."""
    event = score("v1", "alice")
    assert event.payload() == event.with_usn(7).payload()
    assert "usn" not in event.with_usn(7).payload()
    assert event.with_usn(7).to_json()["usn"] == 7


def test_wire_keys_are_camel_case() -> None:
    """The event's JSON uses the sync API's camelCase keys."""
    assert set(score("v1", "alice").to_json()) == {
        "id",
        "scriptVersionId",
        "validatorId",
        "criteria",
        "overall",
        "verdict",
        "confidence",
        "comments",
        "sceneRef",
        "createdAt",
        "deviceId",
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"overall": 0}, "overall"),
        ({"overall": 11}, "overall"),
        ({"confidence": 6}, "confidence"),
        ({"confidence": 0}, "confidence"),
        ({"verdict": "Maybe"}, "verdict"),
        ({"id": "not-a-uuid"}, "id"),
        ({"createdAt": "2026-11-24T09:00:00"}, "createdAt"),
        ({"createdAt": "yesterday"}, "createdAt"),
        ({"validatorId": ""}, "validatorId"),
        ({"criteria": {**uniform(5), "plot": 3}}, "criteria.plot"),
        ({"criteria": {**uniform(5), "premise": 12}}, "criteria.premise"),
        ({"criteria": {"premise": 5}}, "criteria"),
    ],
)
def test_from_json_names_the_bad_field(changes: dict[str, object], field: str) -> None:
    """Out-of-range values, unknown or missing criteria, naive times and bad ids are refused."""
    with pytest.raises(ScoringError) as info:
        ScoreEvent.from_json(_json(**changes))
    assert info.value.field == field


def test_constructor_refuses_a_naive_timestamp() -> None:
    """created_at without a timezone is a ScoringError on createdAt."""
    with pytest.raises(ScoringError) as info:
        score("v1", "alice", created_at=datetime(2026, 1, 1))
    assert info.value.field == "createdAt"


def test_criteria_are_read_only() -> None:
    """An event's criteria mapping cannot be changed after creation."""
    event = score("v1", "alice")
    with pytest.raises(TypeError):
        event.criteria["premise"] = 1  # type: ignore[index]


def test_validate_against_rubric_refuses_unknown_criterion() -> None:
    """An event built with a criterion the rubric lacks fails validate()."""
    event = score("v1", "alice", criteria={**uniform(5), "pacing": 4})
    with pytest.raises(ScoringError) as info:
        event.validate(DEFAULT_RUBRIC)
    assert info.value.field == "criteria.pacing"


def test_missing_overall_is_the_mean_of_the_criteria() -> None:
    """Overall omitted: premise 9 and five 6s give (9 + 30) / 6 = 6.5."""
    event = score("v1", "alice", criteria={**uniform(6), "premise": 9}, overall=None)
    assert event.effective_overall == pytest.approx(6.5)
    assert event.value("overall") == pytest.approx(6.5)


def test_given_overall_is_used_as_is() -> None:
    """An explicit Overall of 3 is not replaced by the criteria's mean."""
    assert score("v1", "alice", criteria=uniform(9), overall=3).effective_overall == 3.0


def test_seed_validation_needs_only_script_scores_and_comments() -> None:
    """{scriptId, scores, comments} is accepted; overall, verdict, confidence stay None."""
    body = {"scriptId": "s-1", "scores": {"visualPotential": 8, **uniform(5)}, "comments": "ok"}
    del body["scores"]["visual_potential"]  # type: ignore[attr-defined]
    seed = SeedValidation.from_json(body)
    assert seed.criteria["visual_potential"] == 8
    assert (seed.overall, seed.verdict, seed.confidence) == (None, None, None)
    event = seed.to_event(
        event_id=uuid.uuid4(),
        script_version_id="v1",
        validator_id="alice",
        created_at=T0,
        device_id="server",
    )
    assert event.overall is None
    assert event.effective_overall == pytest.approx((8 + 5 * 5) / 6)


def test_seed_validation_accepts_optional_overall_and_verdict() -> None:
    """A seed body may carry overall, verdict and confidence too."""
    body = {
        "scriptId": 12,
        "scores": uniform(7),
        "overall": 8,
        "verdict": "Recommend",
        "confidence": 4,
    }
    seed = SeedValidation.from_json(body)
    assert (seed.script_id, seed.overall, seed.verdict, seed.confidence) == (
        "12",
        8,
        Verdict.RECOMMEND,
        4,
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scores": uniform(5)}, "scriptId"),
        ({"scriptId": "s"}, "scores"),
        ({"scriptId": "s", "scores": {**uniform(5), "dialogue": 0}}, "scores.dialogue"),
        ({"scriptId": "s", "scores": uniform(5), "comments": 3}, "comments"),
        ({"scriptId": "s", "scores": uniform(5), "confidence": 9}, "confidence"),
    ],
)
def test_seed_validation_names_the_bad_field(body: dict[str, object], field: str) -> None:
    """A seed body without scriptId or scores, or with bad values, is refused by field."""
    with pytest.raises(ScoringError) as info:
        SeedValidation.from_json(body)
    assert info.value.field == field


def test_higher_usn_wins_whatever_the_client_clock_says() -> None:
    """An event with usn 9 created 'yesterday' beats usn 3 created 'today'."""
    newer = score("v1", "alice", overall=4, usn=9, created_at=T0 - timedelta(days=1))
    older = score("v1", "alice", overall=8, usn=3, created_at=T0)
    assert current_scores([newer, older]) == (newer,)
    assert current_scores([older, newer]) == (newer,)


def test_unsent_event_beats_every_accepted_one() -> None:
    """An outbox event (no usn) is the validator's newest intent."""
    accepted = score("v1", "alice", usn=100)
    pending = score("v1", "alice", overall=2)
    assert current_scores([pending, accepted]) == (pending,)


def test_unsent_events_keep_outbox_order() -> None:
    """Among events without usn the later one in the input wins, not the later clock."""
    first = score("v1", "alice", overall=2, created_at=T0 + timedelta(hours=5))
    second = score("v1", "alice", overall=9, created_at=T0)
    assert current_scores([first, second]) == (second,)


def test_equal_usn_ties_break_on_the_larger_event_id() -> None:
    """Two events with the same usn: the larger id wins, in any input order."""
    low = score("v1", "alice", usn=5, event_id="00000000-0000-4000-8000-000000000001")
    high = score("v1", "alice", usn=5, event_id="ffffffff-0000-4000-8000-000000000001")
    assert current_scores([low, high]) == (high,)
    assert current_scores([high, low]) == (high,)


def test_current_scores_keep_one_per_validator_and_version() -> None:
    """Different validators and versions are independent, sorted by version then validator."""
    events = [
        score("v2", "bob", usn=1),
        score("v1", "bob", usn=2),
        score("v1", "alice", usn=3),
        score("v1", "alice", usn=4),
    ]
    result = current_scores(events)
    assert [(e.script_version_id, e.validator_id, e.usn) for e in result] == [
        ("v1", "alice", 4),
        ("v1", "bob", 2),
        ("v2", "bob", 1),
    ]
