"""Specification of the rubric: default criteria, anchors, validation, JSON round trip."""

from __future__ import annotations

import json

import pytest

from vividverse_desktop.core.scoring import DEFAULT_RUBRIC, Rubric, ScoringError, Verdict


def test_default_rubric_has_the_six_studio_criteria_in_order() -> None:
    """The default criteria are premise .. visual potential, with display labels."""
    assert DEFAULT_RUBRIC.names == (
        "premise",
        "structure",
        "character",
        "dialogue",
        "originality",
        "visual_potential",
    )
    assert DEFAULT_RUBRIC.criterion("visual_potential").label == "Visual potential"


def test_each_default_criterion_has_five_distinct_two_point_anchors() -> None:
    """1-2, 3-4, 5-6, 7-8 and 9-10 each carry their own anchor text."""
    for name in (*DEFAULT_RUBRIC.names, "overall"):
        criterion = DEFAULT_RUBRIC.criterion(name)
        anchors = [criterion.anchor(v) for v in range(1, 11)]
        assert anchors[0::2] == anchors[1::2], name
        assert len(set(anchors)) == 5, name


def test_anchor_of_out_of_range_score_is_refused() -> None:
    """Asking for the anchor of 11 raises ScoringError naming the criterion."""
    with pytest.raises(ScoringError) as info:
        DEFAULT_RUBRIC.criterion("dialogue").anchor(11)
    assert info.value.field == "criteria.dialogue"


def test_rubric_survives_a_json_round_trip() -> None:
    """to_json then from_json (and dumps then loads) gives back an equal rubric."""
    assert Rubric.from_json(DEFAULT_RUBRIC.to_json()) == DEFAULT_RUBRIC
    assert Rubric.loads(DEFAULT_RUBRIC.dumps()) == DEFAULT_RUBRIC


def _custom(**overrides: object) -> dict[str, object]:
    bands = [{"low": 1, "high": 5, "anchor": "weak"}, {"low": 6, "high": 10, "anchor": "strong"}]
    data: dict[str, object] = {
        "name": "shorts",
        "criteria": [
            {"name": "hook", "label": "Hook", "bands": bands},
            {"name": "ending", "label": "Ending", "bands": bands},
        ],
    }
    data.update(overrides)
    return data


def test_custom_rubric_loads_with_default_overall_anchors() -> None:
    """A rubric without an overall section borrows the default Overall anchors."""
    rubric = Rubric.from_json(_custom())
    assert rubric.names == ("hook", "ending")
    assert rubric.criterion("hook").anchor(7) == "strong"
    assert rubric.overall == DEFAULT_RUBRIC.overall


def test_bands_with_a_gap_are_refused() -> None:
    """Bands 1-4 and 6-10 leave 5 uncovered: ScoringError on that criterion's bands."""
    gap = [{"low": 1, "high": 4, "anchor": "a"}, {"low": 6, "high": 10, "anchor": "b"}]
    data = _custom(criteria=[{"name": "hook", "label": "Hook", "bands": gap}])
    with pytest.raises(ScoringError) as info:
        Rubric.from_json(data)
    assert info.value.field == "criteria.hook.bands"


def test_bands_must_reach_ten() -> None:
    """Bands that stop at 8 are refused."""
    short = [{"low": 1, "high": 8, "anchor": "a"}]
    with pytest.raises(ScoringError, match="end at 8"):
        Rubric.from_json(_custom(criteria=[{"name": "hook", "label": "Hook", "bands": short}]))


def test_duplicate_and_reserved_criterion_names_are_refused() -> None:
    """Two criteria called hook, or one called overall, are refused."""
    criteria = _custom()["criteria"]
    assert isinstance(criteria, list)
    with pytest.raises(ScoringError, match="duplicate"):
        Rubric.from_json(_custom(criteria=[criteria[0], criteria[0]]))
    reserved = dict(criteria[0], name="overall")
    with pytest.raises(ScoringError, match="reserved"):
        Rubric.from_json(_custom(criteria=[reserved]))


def test_criterion_name_must_be_snake_case() -> None:
    """A display-style name like 'Visual Potential' is not a machine name."""
    criteria = _custom()["criteria"]
    assert isinstance(criteria, list)
    with pytest.raises(ScoringError, match="lower_snake_case"):
        Rubric.from_json(_custom(criteria=[dict(criteria[0], name="Visual Potential")]))


def test_malformed_json_text_is_a_scoring_error() -> None:
    """Rubric.loads of broken JSON raises ScoringError, not JSONDecodeError."""
    with pytest.raises(ScoringError, match="not valid JSON"):
        Rubric.loads('{"criteria": [')


def test_validate_criteria_accepts_camel_case_and_labels() -> None:
    """visualPotential and 'Visual potential' both mean visual_potential."""
    scores = {name: 5 for name in DEFAULT_RUBRIC.names if name != "visual_potential"}
    for spelling in ("visual_potential", "visualPotential", "Visual potential"):
        result = DEFAULT_RUBRIC.validate_criteria({**scores, spelling: 8})
        assert result["visual_potential"] == 8
        assert list(result) == list(DEFAULT_RUBRIC.names)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"plot": 5}, "criteria.plot"),
        ({"dialogue": 0}, "criteria.dialogue"),
        ({"dialogue": 11}, "criteria.dialogue"),
        ({"dialogue": 7.5}, "criteria.dialogue"),
        ({"dialogue": True}, "criteria.dialogue"),
        ({"dialogue": "7"}, "criteria.dialogue"),
        ({"visualPotential": 5}, "criteria.visual_potential"),
    ],
)
def test_validate_criteria_names_the_bad_field(change: dict[str, object], field: str) -> None:
    """Unknown names, out-of-range, fractional, boolean, text and doubled values are refused."""
    scores: dict[str, object] = dict.fromkeys(DEFAULT_RUBRIC.names, 5)
    scores.update(change)
    with pytest.raises(ScoringError) as info:
        DEFAULT_RUBRIC.validate_criteria(scores)
    assert info.value.field == field


def test_validate_criteria_lists_missing_criteria() -> None:
    """Leaving out dialogue and originality names both."""
    scores = {n: 5 for n in DEFAULT_RUBRIC.names if n not in ("dialogue", "originality")}
    with pytest.raises(ScoringError, match="dialogue, originality") as info:
        DEFAULT_RUBRIC.validate_criteria(scores)
    assert info.value.field == "criteria"


def test_integral_float_scores_are_accepted_as_ints() -> None:
    """7.0 from a JSON client counts as 7."""
    scores = DEFAULT_RUBRIC.validate_criteria(dict.fromkeys(DEFAULT_RUBRIC.names, 7.0))
    assert all(type(v) is int and v == 7 for v in scores.values())


def test_verdict_parses_any_case_and_refuses_others() -> None:
    """'recommend' is Recommend; 'Maybe' is a ScoringError on the verdict field."""
    assert Verdict.parse("recommend") is Verdict.RECOMMEND
    assert json.dumps(Verdict.PASS) == '"Pass"'
    with pytest.raises(ScoringError) as info:
        Verdict.parse("Maybe")
    assert info.value.field == "verdict"
