"""Specification of the population and per-script aggregates, on hand-computed cases.

The worked example used below (premise scores, prior weight m = 2, shrinkage 3):

    v1: a = 4, b = 6          v2: a = 6, c = 10
    global mean C = (4 + 6 + 6 + 10) / 4 = 6.5
    offsets: a = ((4 - 6.5) + (6 - 6.5)) / (2 + 3) = -0.6
             b = (6 - 6.5) / (1 + 3) = -0.125
             c = (10 - 6.5) / (1 + 3) = 0.875
    v1: mean 5, Bayesian (2 * 6.5 + 10) / 4 = 5.75, bias-corrected (4.6 + 6.125) / 2 = 5.3625
    v2: mean 8, Bayesian (2 * 6.5 + 16) / 4 = 7.25, bias-corrected (6.6 + 9.125) / 2 = 7.8625
"""

from __future__ import annotations

import pytest

from tests.core.scoring.builders import score, uniform
from vividverse_desktop.core.scoring import (
    DEFAULT_RUBRIC,
    Population,
    ScoreEvent,
    aggregate_script,
    validator_offsets,
)

_EXAMPLE = [
    score("v1", "a", criteria={**uniform(5), "premise": 4}),
    score("v1", "b", criteria={**uniform(5), "premise": 6}),
    score("v2", "a", criteria={**uniform(5), "premise": 6}),
    score("v2", "c", criteria={**uniform(5), "premise": 10}),
]


def _population(scores: list[ScoreEvent] = _EXAMPLE) -> Population:
    return Population.from_scores(scores, prior_weight=2, shrinkage=3)


def test_global_mean_is_the_mean_of_all_current_scores() -> None:
    """Premise C = 26 / 4 = 6.5."""
    assert _population().global_mean("premise") == pytest.approx(6.5)


def test_validator_offsets_are_shrunk_towards_zero() -> None:
    """a = -3 / 5, b = -0.5 / 4, c = 3.5 / 4."""
    offsets = validator_offsets(_EXAMPLE, "premise", 6.5, shrinkage=3)
    assert offsets == pytest.approx({"a": -0.6, "b": -0.125, "c": 0.875})


def test_without_shrinkage_the_offset_is_the_plain_mean_difference() -> None:
    """Shrinkage 0: c's offset is the full 10 - 6.5 = 3.5."""
    assert validator_offsets(_EXAMPLE, "premise", 6.5, shrinkage=0)["c"] == pytest.approx(3.5)


def test_aggregate_of_the_worked_example() -> None:
    """v1 and v2 premise: mean, Bayesian and bias-corrected means as in the module docstring."""
    population = _population()
    v1 = aggregate_script("v1", _EXAMPLE, population).criteria["premise"]
    v2 = aggregate_script("v2", _EXAMPLE, population).criteria["premise"]
    assert (v1.n, v1.mean, v1.median) == (2, 5.0, 5.0)
    assert v1.bayesian_mean == pytest.approx(5.75)
    assert v1.bias_corrected_mean == pytest.approx(5.3625)
    assert v2.bayesian_mean == pytest.approx(7.25)
    assert v2.bias_corrected_mean == pytest.approx(7.8625)
    assert (v2.minimum, v2.maximum) == (6.0, 10.0)
    assert v2.stdev == pytest.approx(2 * 2**0.5)  # sample sd of [6, 10]


def test_trimmed_mean_and_median_resist_one_outlier() -> None:
    """Dialogue 7, 7, 7, 8, 1: mean 30 / 5 = 6, median 7, trimmed (drop 1 and 8) 7."""
    events = [
        score("v1", name, criteria={**uniform(5), "dialogue": value})
        for name, value in zip("abcde", [7, 7, 7, 8, 1], strict=True)
    ]
    summary = aggregate_script("v1", events, _population(events)).criteria["dialogue"]
    assert summary.mean == pytest.approx(6.0)
    assert summary.median == 7.0
    assert summary.trimmed_mean == pytest.approx(7.0)


def test_overall_falls_back_to_the_criteria_mean_when_omitted() -> None:
    """Seed-style score without Overall (criteria mean 8) next to an explicit 6: mean 7."""
    events = [
        score("v1", "a", criteria=uniform(8), overall=None),
        score("v1", "b", criteria=uniform(8), overall=6),
    ]
    aggregate = aggregate_script("v1", events, _population(events))
    assert aggregate.overall is not None
    assert aggregate.overall.mean == pytest.approx(7.0)


def test_bias_corrected_mean_stays_on_the_scale() -> None:
    """A harsh validator's corrected 10 cannot exceed 10."""
    population = Population(
        global_means={"premise": 6.0}, spreads={"premise": 2.0}, offsets={"a": {"premise": -3.0}}
    )
    events = [score("v1", "a", criteria={**uniform(5), "premise": 10})]
    summary = aggregate_script("v1", events, population).criteria["premise"]
    assert summary.bias_corrected_mean == 10.0


def test_sync_response_fields_come_straight_from_the_aggregate() -> None:
    """averageScores maps every criterion to its mean; totalValidations counts validators."""
    aggregate = aggregate_script("v2", _EXAMPLE, _population())
    data = aggregate.to_json()
    assert data["totalValidations"] == 2 == aggregate.total_validations
    assert list(data["averageScores"]) == list(DEFAULT_RUBRIC.names)
    assert data["averageScores"]["premise"] == pytest.approx(8.0)
    assert data["averageScores"]["dialogue"] == pytest.approx(5.0)


def test_verdicts_and_confidence_are_summarised() -> None:
    """Two Consider verdicts at confidence 3 and 5: counts and mean confidence 4."""
    events = [score("v1", "a", confidence=3), score("v1", "b", confidence=5)]
    aggregate = aggregate_script("v1", events, _population(events))
    assert dict(aggregate.verdicts) == {"Consider": 2}
    assert aggregate.mean_confidence == pytest.approx(4.0)


def test_an_unscored_version_has_empty_aggregates() -> None:
    """No scores: totalValidations 0, averageScores empty, no Overall and no bound."""
    aggregate = aggregate_script("v9", _EXAMPLE, _population())
    assert aggregate.to_json()["totalValidations"] == 0
    assert aggregate.average_scores() == {}
    assert aggregate.overall is None
    assert aggregate.lcb is None


def test_two_scores_by_one_validator_are_refused() -> None:
    """Aggregates need current scores, not the raw event log."""
    events = [score("v1", "a"), score("v1", "a")]
    with pytest.raises(ValueError, match="current_scores"):
        aggregate_script("v1", events, _population())


def test_empty_population_falls_back_to_the_scale() -> None:
    """No scores at all: global mean 5.5 (midpoint) and the spread of a uniform 1..10."""
    population = Population.from_scores([])
    assert population.global_mean("premise") == 5.5
    assert population.spread("premise") == pytest.approx((99 / 12) ** 0.5)
