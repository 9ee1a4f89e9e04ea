"""Aggregated scores of one script version, over each validator's current score.

For every criterion and for the Overall a ``Summary`` holds: ``n``, ``mean``,
``median``, ``trimmed_mean`` and the ``lcb`` (see ``estimate``), ``bayesian_mean``
(shrunk towards the population's global mean with its prior weight),
``bias_corrected_mean`` (the mean after subtracting each validator's offset, see
``population``, clamped to 1..10), ``stdev`` (sample; 0 for one score), ``minimum``
and ``maximum``. The Overall of a score that omitted it is the mean of its criteria.

The sync API's score response is ``{"averageScores": {criterion: mean},
"totalValidations": n}``: ``ScriptAggregate.average_scores()`` and
``total_validations`` give exactly those; ``to_json()`` includes them.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from vividverse_desktop.core.scoring.estimate import (
    bayesian_average,
    lower_bound,
    sample_variance,
    trimmed_mean,
)
from vividverse_desktop.core.scoring.events import ScoreEvent
from vividverse_desktop.core.scoring.population import Population
from vividverse_desktop.core.scoring.rubric import (
    DEFAULT_RUBRIC,
    OVERALL,
    SCORE_MAX,
    SCORE_MIN,
    Rubric,
)


@dataclass(frozen=True, slots=True)
class Summary:
    """Statistics of one criterion (or the Overall) over a script's current scores."""

    n: int
    mean: float
    median: float
    trimmed_mean: float
    bayesian_mean: float
    bias_corrected_mean: float
    lcb: float
    stdev: float
    minimum: float
    maximum: float

    def to_json(self) -> dict[str, Any]:
        """The summary as a JSON object (camelCase keys)."""
        return {
            "n": self.n,
            "mean": self.mean,
            "median": self.median,
            "trimmedMean": self.trimmed_mean,
            "bayesianMean": self.bayesian_mean,
            "biasCorrectedMean": self.bias_corrected_mean,
            "lcb": self.lcb,
            "stdev": self.stdev,
            "min": self.minimum,
            "max": self.maximum,
        }


def summarize(scores: Iterable[ScoreEvent], name: str, population: Population) -> Summary | None:
    """The summary of criterion ``name`` over ``scores``; None when none scored it."""
    rated = [s for s in scores if name == OVERALL or name in s.criteria]
    if not rated:
        return None
    values = [s.value(name) for s in rated]
    corrected = statistics.fmean(
        s.value(name) - population.offset(s.validator_id, name) for s in rated
    )
    prior_mean = population.global_mean(name)
    return Summary(
        n=len(values),
        mean=statistics.fmean(values),
        median=float(statistics.median(values)),
        trimmed_mean=trimmed_mean(values),
        bayesian_mean=bayesian_average(values, prior_mean, population.prior_weight),
        bias_corrected_mean=min(max(corrected, float(SCORE_MIN)), float(SCORE_MAX)),
        lcb=lower_bound(
            values,
            prior_mean=prior_mean,
            prior_weight=population.prior_weight,
            prior_stdev=population.spread(name),
        ),
        stdev=math.sqrt(sample_variance(values)),
        minimum=min(values),
        maximum=max(values),
    )


@dataclass(frozen=True, slots=True)
class ScriptAggregate:
    """All aggregates of one script version. With no scores, ``criteria`` is empty and
    ``overall`` is None."""

    script_version_id: str
    n: int
    criteria: Mapping[str, Summary]
    overall: Summary | None
    verdicts: Mapping[str, int] = field(default_factory=dict)
    mean_confidence: float | None = None

    @property
    def total_validations(self) -> int:
        """How many validators' current scores the aggregates are over."""
        return self.n

    @property
    def lcb(self) -> float | None:
        """The Overall's lower confidence bound: the ranking key (None when unscored)."""
        return None if self.overall is None else self.overall.lcb

    def average_scores(self) -> dict[str, float]:
        """``{criterion: mean}`` in rubric order, as the sync API's ``averageScores``."""
        return {name: summary.mean for name, summary in self.criteria.items()}

    def to_json(self) -> dict[str, Any]:
        """The aggregates as a JSON object, including ``averageScores`` and ``totalValidations``."""
        return {
            "scriptVersionId": self.script_version_id,
            "totalValidations": self.n,
            "averageScores": self.average_scores(),
            "overall": None if self.overall is None else self.overall.to_json(),
            "criteria": {name: s.to_json() for name, s in self.criteria.items()},
            "verdicts": dict(self.verdicts),
            "meanConfidence": self.mean_confidence,
            "lcb": self.lcb,
        }


def aggregate_script(
    script_version_id: str,
    scores: Iterable[ScoreEvent],
    population: Population,
    rubric: Rubric = DEFAULT_RUBRIC,
) -> ScriptAggregate:
    """Aggregate the current scores of ``script_version_id`` found in ``scores``.

    ``scores`` must hold at most one score per validator for the version (pass
    ``current_scores(...)``); scores of other versions are ignored. Raises ValueError
    when a validator appears twice.
    """
    own = [s for s in scores if s.script_version_id == script_version_id]
    validators = [s.validator_id for s in own]
    if len(set(validators)) != len(validators):
        raise ValueError("several scores by one validator: pass current_scores(events)")
    criteria: dict[str, Summary] = {}
    for name in rubric.names:
        summary = summarize(own, name, population)
        if summary is not None:
            criteria[name] = summary
    verdicts = Counter(s.verdict.value for s in own if s.verdict is not None)
    confidences = [s.confidence for s in own if s.confidence is not None]
    return ScriptAggregate(
        script_version_id=script_version_id,
        n=len(own),
        criteria=MappingProxyType(criteria),
        overall=summarize(own, OVERALL, population),
        verdicts=MappingProxyType(dict(sorted(verdicts.items()))),
        mean_confidence=statistics.fmean(confidences) if confidences else None,
    )
