"""Ranking scripts by the lower confidence bound of their Overall.

The key is ``ScriptAggregate.lcb`` (see ``estimate``): a Bayesian posterior lower
bound, so one lucky 10 does not beat ten 8s. Ranks are competition ranks ("1224"):
scripts whose bounds are equal within ``tolerance`` share a rank and are flagged
``"tie"``; a script scored by fewer than ``min_n`` validators is flagged ``"low_n"``.
Unscored versions are not ranked. Within a tie, rows are listed by mean, then by
count (both descending), then by version id, so the order is deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from vividverse_desktop.core.scoring.aggregate import ScriptAggregate, Summary

TIE = "tie"
LOW_N = "low_n"
DEFAULT_MIN_N = 3
DEFAULT_TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class Ranked:
    """One row of the ranking."""

    script_version_id: str
    rank: int
    lcb: float
    mean: float
    n: int
    flags: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The row as a JSON object."""
        return {
            "scriptVersionId": self.script_version_id,
            "rank": self.rank,
            "lcb": self.lcb,
            "mean": self.mean,
            "n": self.n,
            "flags": list(self.flags),
        }


def rank_scripts(
    aggregates: Iterable[ScriptAggregate],
    *,
    min_n: int = DEFAULT_MIN_N,
    tolerance: float = DEFAULT_TOLERANCE,
) -> tuple[Ranked, ...]:
    """Scored versions best first, with competition ranks and ``tie`` / ``low_n`` flags."""
    scored = [(a, a.overall) for a in aggregates if a.overall is not None]
    scored.sort(
        key=lambda pair: (-pair[1].lcb, -pair[1].mean, -pair[0].n, pair[0].script_version_id)
    )
    groups: list[list[tuple[ScriptAggregate, Summary]]] = []
    for aggregate, overall in scored:
        if groups and groups[-1][0][1].lcb - overall.lcb <= tolerance:
            groups[-1].append((aggregate, overall))
        else:
            groups.append([(aggregate, overall)])
    rows: list[Ranked] = []
    for group in groups:
        rank = len(rows) + 1
        for aggregate, overall in group:
            flags = tuple(
                flag
                for flag, applies in ((TIE, len(group) > 1), (LOW_N, aggregate.n < min_n))
                if applies
            )
            rows.append(
                Ranked(
                    aggregate.script_version_id, rank, overall.lcb, overall.mean, aggregate.n, flags
                )
            )
    return tuple(rows)
