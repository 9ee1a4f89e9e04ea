"""What the whole pool of current scores says: global means, spreads, validator bias.

A script's aggregates are shrunk towards, and corrected against, the population of
all current scores (every validator's latest score on every script version):

- ``global_means[c]``: the mean of all current scores on criterion ``c`` (each score
  counts once, so scripts with more validators weigh more), ``"overall"`` included.
  With no scores it is the scale's midpoint, 5.5.
- ``spreads[c]``: the sample standard deviation of those scores, never below
  ``MIN_SPREAD`` (0.5) so a uniform pool cannot claim certainty; with fewer than two
  scores it is the spread of a uniform 1..10 score, about 2.87.
- ``offsets[validator][c]``: a validator's bias on ``c``, the sum of their scores'
  differences from the global mean divided by ``their count + shrinkage``. The
  ``shrinkage`` pseudo-scores at zero offset pull the bias of a validator with few
  scores towards zero (3 by default: one score of 10 against a mean of 6 is +1, not +4).

Caveat: the offset is measured against the global mean, as specified, not against
the scripts' own means; a validator who happened to score only strong scripts looks
lenient. The correction is therefore shrunk and reported beside, not instead of, the mean.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from vividverse_desktop.core.scoring.estimate import sample_variance
from vividverse_desktop.core.scoring.events import ScoreEvent
from vividverse_desktop.core.scoring.rubric import (
    DEFAULT_RUBRIC,
    OVERALL,
    SCORE_MAX,
    SCORE_MIN,
    Rubric,
)

MIDPOINT = (SCORE_MIN + SCORE_MAX) / 2
UNIFORM_SPREAD = math.sqrt(((SCORE_MAX - SCORE_MIN + 1) ** 2 - 1) / 12)
MIN_SPREAD = 0.5
DEFAULT_PRIOR_WEIGHT = 5.0
DEFAULT_SHRINKAGE = 3.0


def validator_offsets(
    scores: Iterable[ScoreEvent], name: str, global_mean: float, shrinkage: float
) -> dict[str, float]:
    """Each validator's shrunk offset from ``global_mean`` on criterion ``name``."""
    if shrinkage < 0:
        raise ValueError("shrinkage must not be negative")
    sums: dict[str, list[float]] = defaultdict(list)
    for score in scores:
        if name == OVERALL or name in score.criteria:
            sums[score.validator_id].append(score.value(name) - global_mean)
    return {
        validator: math.fsum(diffs) / (len(diffs) + shrinkage) for validator, diffs in sums.items()
    }


@dataclass(frozen=True, slots=True)
class Population:
    """Pool-wide parameters the per-script aggregates need (see the module docstring)."""

    global_means: Mapping[str, float]
    spreads: Mapping[str, float]
    offsets: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    prior_weight: float = DEFAULT_PRIOR_WEIGHT

    def global_mean(self, name: str) -> float:
        """The global mean of criterion ``name`` (the midpoint if unknown)."""
        return self.global_means.get(name, MIDPOINT)

    def spread(self, name: str) -> float:
        """The population spread of criterion ``name`` (the uniform spread if unknown)."""
        return self.spreads.get(name, UNIFORM_SPREAD)

    def offset(self, validator_id: str, name: str) -> float:
        """The bias of ``validator_id`` on ``name``; 0 for a validator never seen."""
        return self.offsets.get(validator_id, {}).get(name, 0.0)

    @classmethod
    def from_scores(
        cls,
        scores: Iterable[ScoreEvent],
        rubric: Rubric = DEFAULT_RUBRIC,
        *,
        prior_weight: float = DEFAULT_PRIOR_WEIGHT,
        shrinkage: float = DEFAULT_SHRINKAGE,
    ) -> Population:
        """The population of ``scores``: pass the current scores, not the raw event log."""
        if prior_weight < 0:
            raise ValueError("prior_weight must not be negative")
        pool = list(scores)
        means: dict[str, float] = {}
        spreads: dict[str, float] = {}
        offsets: dict[str, dict[str, float]] = defaultdict(dict)
        for name in (*rubric.names, OVERALL):
            values = [s.value(name) for s in pool if name == OVERALL or name in s.criteria]
            means[name] = statistics.fmean(values) if values else MIDPOINT
            spreads[name] = (
                max(math.sqrt(sample_variance(values)), MIN_SPREAD)
                if len(values) >= 2
                else UNIFORM_SPREAD
            )
            for validator, offset in validator_offsets(pool, name, means[name], shrinkage).items():
                offsets[validator][name] = offset
        return cls(
            MappingProxyType(means),
            MappingProxyType(spreads),
            MappingProxyType({v: MappingProxyType(o) for v, o in offsets.items()}),
            prior_weight,
        )

    def to_json(self) -> dict[str, Any]:
        """The population as a JSON object (camelCase keys)."""
        return {
            "globalMeans": dict(self.global_means),
            "spreads": dict(self.spreads),
            "validatorOffsets": {v: dict(o) for v, o in self.offsets.items()},
            "priorWeight": self.prior_weight,
        }
