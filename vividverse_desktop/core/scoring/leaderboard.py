"""The leaderboard: every aggregate, the agreement and the ranking, from the event log.

This is what the sync server recomputes after each accepted score and what the admin
sees: ``build_leaderboard(events)`` reduces the append-only log to current scores,
measures the population, aggregates each script version, computes Krippendorff's
alpha per criterion over the pool, and ranks the versions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from vividverse_desktop.core.scoring.aggregate import ScriptAggregate, aggregate_script
from vividverse_desktop.core.scoring.agreement import criterion_agreement
from vividverse_desktop.core.scoring.events import ScoreEvent, current_scores
from vividverse_desktop.core.scoring.population import (
    DEFAULT_PRIOR_WEIGHT,
    DEFAULT_SHRINKAGE,
    Population,
)
from vividverse_desktop.core.scoring.ranking import DEFAULT_MIN_N, Ranked, rank_scripts
from vividverse_desktop.core.scoring.rubric import DEFAULT_RUBRIC, Rubric


@dataclass(frozen=True, slots=True)
class Leaderboard:
    """Aggregates by script version id, agreement per criterion, and the ranking."""

    population: Population
    aggregates: Mapping[str, ScriptAggregate]
    agreement: Mapping[str, float | None]
    ranking: tuple[Ranked, ...]

    def to_json(self) -> dict[str, Any]:
        """The leaderboard as a JSON object."""
        return {
            "population": self.population.to_json(),
            "aggregates": {key: a.to_json() for key, a in self.aggregates.items()},
            "agreement": dict(self.agreement),
            "ranking": [row.to_json() for row in self.ranking],
        }


def build_leaderboard(
    events: Iterable[ScoreEvent],
    rubric: Rubric = DEFAULT_RUBRIC,
    *,
    prior_weight: float = DEFAULT_PRIOR_WEIGHT,
    shrinkage: float = DEFAULT_SHRINKAGE,
    min_n: int = DEFAULT_MIN_N,
) -> Leaderboard:
    """Everything derived from the score event log (any order; see ``current_scores``)."""
    scores = current_scores(events)
    population = Population.from_scores(
        scores, rubric, prior_weight=prior_weight, shrinkage=shrinkage
    )
    by_version: dict[str, list[ScoreEvent]] = defaultdict(list)
    for score in scores:  # already sorted by version id
        by_version[score.script_version_id].append(score)
    aggregates = {
        version: aggregate_script(version, own, population, rubric)
        for version, own in by_version.items()
    }
    return Leaderboard(
        population=population,
        aggregates=MappingProxyType(aggregates),
        agreement=MappingProxyType(criterion_agreement(scores, rubric)),
        ranking=rank_scripts(aggregates.values(), min_n=min_n),
    )
