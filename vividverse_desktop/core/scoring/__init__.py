"""Rubrics, score events, aggregates, agreement and ranking."""

from __future__ import annotations

from vividverse_desktop.core.scoring.aggregate import (
    ScriptAggregate,
    Summary,
    aggregate_script,
    summarize,
)
from vividverse_desktop.core.scoring.agreement import criterion_agreement, krippendorff_alpha
from vividverse_desktop.core.scoring.errors import ScoringError
from vividverse_desktop.core.scoring.estimate import (
    bayesian_average,
    lower_bound,
    pooled_stdev,
    trimmed_mean,
)
from vividverse_desktop.core.scoring.events import ScoreEvent, SeedValidation, current_scores
from vividverse_desktop.core.scoring.leaderboard import Leaderboard, build_leaderboard
from vividverse_desktop.core.scoring.population import Population, validator_offsets
from vividverse_desktop.core.scoring.ranking import LOW_N, TIE, Ranked, rank_scripts
from vividverse_desktop.core.scoring.rubric import (
    CONFIDENCE_MAX,
    CONFIDENCE_MIN,
    DEFAULT_RUBRIC,
    OVERALL,
    SCORE_MAX,
    SCORE_MIN,
    Band,
    Criterion,
    Rubric,
    Verdict,
)

__all__ = [
    "CONFIDENCE_MAX",
    "CONFIDENCE_MIN",
    "DEFAULT_RUBRIC",
    "LOW_N",
    "OVERALL",
    "SCORE_MAX",
    "SCORE_MIN",
    "TIE",
    "Band",
    "Criterion",
    "Leaderboard",
    "Population",
    "Ranked",
    "Rubric",
    "ScoreEvent",
    "ScoringError",
    "ScriptAggregate",
    "SeedValidation",
    "Summary",
    "Verdict",
    "aggregate_script",
    "bayesian_average",
    "build_leaderboard",
    "criterion_agreement",
    "current_scores",
    "krippendorff_alpha",
    "lower_bound",
    "pooled_stdev",
    "rank_scripts",
    "summarize",
    "trimmed_mean",
    "validator_offsets",
]
