"""Properties of the scoring core that must hold for any input (hypothesis)."""

from __future__ import annotations

import math
import random
import uuid
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core.scoring.builders import T0
from vividverse_desktop.core.scoring import (
    DEFAULT_RUBRIC,
    Population,
    Rubric,
    ScoreEvent,
    aggregate_script,
    bayesian_average,
    build_leaderboard,
    current_scores,
    krippendorff_alpha,
    trimmed_mean,
)

_scores = st.integers(min_value=1, max_value=10)
_values = st.lists(_scores, min_size=1, max_size=30)


@st.composite
def _events(draw: st.DrawFn, max_size: int = 25) -> list[ScoreEvent]:
    """An event log over up to 4 versions and 5 validators; usns unique when present."""
    count = draw(st.integers(min_value=1, max_value=max_size))
    usns = draw(st.lists(st.integers(0, 10_000), min_size=count, max_size=count, unique=True))
    events = []
    for i in range(count):
        criteria = {n: draw(_scores) for n in DEFAULT_RUBRIC.names}
        events.append(
            ScoreEvent(
                id=str(uuid.UUID(int=draw(st.integers(0, 2**128 - 1)))),
                script_version_id=f"v{draw(st.integers(0, 3))}",
                validator_id=f"val{draw(st.integers(0, 4))}",
                criteria=criteria,
                overall=draw(st.none() | _scores),
                verdict=None,
                confidence=draw(st.none() | st.integers(1, 5)),
                comments="",
                scene_ref=None,
                created_at=T0,
                device_id="d",
                usn=usns[i] if draw(st.booleans()) else None,
            )
        )
    return events


@given(_values)
def test_means_and_median_lie_between_min_and_max(values: list[int]) -> None:
    """Mean, median and trimmed mean of any scores lie within [min, max]."""
    events = [
        ScoreEvent(
            id=str(uuid.uuid4()),
            script_version_id="v",
            validator_id=f"val{i}",
            criteria=dict.fromkeys(DEFAULT_RUBRIC.names, v),
            overall=v,
            verdict=None,
            confidence=None,
            comments="",
            scene_ref=None,
            created_at=T0,
            device_id="d",
        )
        for i, v in enumerate(values)
    ]
    summary = aggregate_script("v", events, Population.from_scores(events)).criteria["premise"]
    for statistic in (summary.mean, summary.median, summary.trimmed_mean):
        assert min(values) - 1e-9 <= statistic <= max(values) + 1e-9
    assert min(values) - 1e-9 <= trimmed_mean(values) <= max(values) + 1e-9


@given(_values, st.floats(1, 10), st.floats(0, 50))
def test_bayesian_average_lies_between_prior_and_data(
    values: list[int], prior: float, weight: float
) -> None:
    """The Bayesian average is within [min(C, min), max(C, max)]."""
    average = bayesian_average(values, prior, weight)
    assert min(prior, *values) - 1e-9 <= average <= max(prior, *values) + 1e-9


@given(st.lists(st.tuples(_scores, st.integers(2, 6)), min_size=2, max_size=12))
def test_alpha_is_one_on_perfect_agreement(units: list[tuple[int, int]]) -> None:
    """Every observer gives each unit the same value (values vary across units): alpha = 1."""
    if len({value for value, _ in units}) < 2:
        units = [*units, (1 if units[0][0] != 1 else 2, 2)]
    assert krippendorff_alpha([[value] * count for value, count in units]) == 1.0


@given(
    st.lists(st.lists(st.none() | _scores, min_size=1, max_size=6), min_size=1, max_size=12),
    st.randoms(use_true_random=False),
)
def test_alpha_is_at_most_one_and_ignores_observer_order(
    units: list[list[int | None]], rng: random.Random
) -> None:
    """Alpha never exceeds 1 and does not depend on the order of observers in a unit."""
    alpha = krippendorff_alpha(units)
    shuffled = [rng.sample(unit, len(unit)) for unit in units]
    again = krippendorff_alpha(shuffled)
    if alpha is None:
        assert again is None
    else:
        assert alpha <= 1.0 + 1e-12
        assert again is not None
        assert math.isclose(alpha, again, rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=60, deadline=None)
@given(_events(), st.permutations(range(5)))
def test_ranking_is_invariant_under_validator_relabelling(
    events: list[ScoreEvent], relabel: list[int]
) -> None:
    """Renaming validators (a bijection) changes no rank, bound or flag."""
    renamed = [replace(e, validator_id=f"other{relabel[int(e.validator_id[3:])]}") for e in events]
    before = build_leaderboard(events).ranking
    after = build_leaderboard(renamed).ranking
    assert [(r.script_version_id, r.rank, r.flags) for r in before] == [
        (r.script_version_id, r.rank, r.flags) for r in after
    ]
    for a, b in zip(before, after, strict=True):
        assert math.isclose(a.lcb, b.lcb, abs_tol=1e-9)


def _floats(value: object) -> list[float]:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for v in value.values() for f in _floats(v)]
    if isinstance(value, list):
        return [f for v in value for f in _floats(v)]
    return []


@settings(max_examples=60, deadline=None)
@given(_events(max_size=15), st.data())
def test_adding_a_score_never_produces_nan(events: list[ScoreEvent], data: st.DataObject) -> None:
    """Before and after appending one more score, every number on the board is finite."""
    extra = data.draw(_events(max_size=1))
    for log in (events, events + extra):
        numbers = _floats(build_leaderboard(log).to_json())
        assert numbers
        assert all(math.isfinite(x) for x in numbers)


@settings(max_examples=60, deadline=None)
@given(_events(), st.randoms(use_true_random=False))
def test_current_scores_do_not_depend_on_arrival_order_once_synced(
    events: list[ScoreEvent], rng: random.Random
) -> None:
    """With every event carrying a unique usn, shuffling the log changes nothing."""
    synced = [e.with_usn(i * 7 % 1009) for i, e in enumerate(events)]
    assert current_scores(synced) == current_scores(rng.sample(synced, len(synced)))


@given(
    st.lists(
        st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True).filter(lambda n: n != "overall"),
        min_size=1,
        max_size=6,
        unique=True,
    ),
    st.lists(st.integers(1, 9), min_size=0, max_size=4, unique=True),
)
def test_any_valid_rubric_survives_a_json_round_trip(names: list[str], cuts: list[int]) -> None:
    """Rubrics with any criteria and any band cuts load back equal from their JSON text."""
    edges = sorted(cuts)
    bounds = list(zip([1, *(c + 1 for c in edges)], [*edges, 10], strict=True))
    criteria = [
        {
            "name": name,
            "label": name.replace("_", " ").title() or name,
            "bands": [{"low": lo, "high": hi, "anchor": f"{name} {lo}-{hi}"} for lo, hi in bounds],
        }
        for name in names
    ]
    rubric = Rubric.from_json({"name": "generated", "criteria": criteria})
    assert Rubric.loads(rubric.dumps()) == rubric
