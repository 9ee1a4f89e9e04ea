"""Inter-rater agreement: Krippendorff's alpha over validators' scores.

``alpha = 1 - D_o / D_e``, where the observed disagreement ``D_o`` averages the
squared differences between values *within* each unit and the expected disagreement
``D_e`` those between *all* pairable values (Krippendorff, "Computing Krippendorff's
Alpha-Reliability", 2011). Only units with two or more values are pairable; missing
values are simply absent. Two metrics are offered: ``interval`` (squared difference,
the one used for 1..10 scores) and ``nominal`` (0 if equal, 1 otherwise).

Alpha is ``None`` (not measurable) when fewer than two pairable values exist, and when
every pairable value is the same (no variation, so ``D_e = 0``). Alpha is 1 for perfect
agreement, about 0 for chance agreement, and may go below 0 for systematic disagreement.

For scores, the units are script versions and the observers are validators: one alpha
per criterion says how far the validator pool agrees on that criterion.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Literal

from vividverse_desktop.core.scoring.events import ScoreEvent
from vividverse_desktop.core.scoring.rubric import DEFAULT_RUBRIC, OVERALL, Rubric

Metric = Literal["interval", "nominal"]


def _pair_disagreement(values: Sequence[float], metric: Metric) -> float:
    """The sum of ``delta^2`` over ordered pairs ``i != j`` of ``values``."""
    m = len(values)
    if metric == "nominal":
        counts = Counter(values)
        return float(m * m - sum(c * c for c in counts.values()))
    if max(values) == min(values):
        return 0.0
    mean = math.fsum(values) / m
    return 2.0 * m * math.fsum((v - mean) ** 2 for v in values)


def krippendorff_alpha(
    units: Iterable[Iterable[float | None]], metric: Metric = "interval"
) -> float | None:
    """Krippendorff's alpha over ``units``, each the values observers gave it.

    ``None`` entries are missing values. Returns ``None`` when alpha is not measurable
    (fewer than two pairable values, or no variation among them).
    """
    if metric not in ("interval", "nominal"):
        raise ValueError(f"unknown metric {metric!r}")
    pairable: list[list[float]] = []
    for unit in units:
        values = [float(v) for v in unit if v is not None]
        if len(values) >= 2:
            pairable.append(values)
    pooled = [v for values in pairable for v in values]
    n = len(pooled)
    if n < 2:
        return None
    expected = _pair_disagreement(pooled, metric) / (n * (n - 1))
    if expected == 0.0:
        return None
    observed = (
        math.fsum(_pair_disagreement(values, metric) / (len(values) - 1) for values in pairable) / n
    )
    return 1.0 - observed / expected


def criterion_agreement(
    scores: Iterable[ScoreEvent], rubric: Rubric = DEFAULT_RUBRIC
) -> dict[str, float | None]:
    """Interval alpha per criterion, and for ``"overall"``, over current scores.

    Units are script versions, observers validators; pass each validator's current
    score per version (``current_scores``), not the raw event log. The Overall uses
    ``effective_overall``.
    """
    by_version: dict[str, list[ScoreEvent]] = defaultdict(list)
    for score in scores:
        by_version[score.script_version_id].append(score)
    result: dict[str, float | None] = {}
    for name in (*rubric.names, OVERALL):
        units = (
            [s.value(name) for s in group if name == OVERALL or name in s.criteria]
            for group in by_version.values()
        )
        result[name] = krippendorff_alpha(units)
    return result
