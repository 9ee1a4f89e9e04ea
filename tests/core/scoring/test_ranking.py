"""Specification of the ranking and of the leaderboard built from an event log."""

from __future__ import annotations

import pytest

from tests.core.scoring.builders import score, uniform
from vividverse_desktop.core.scoring import (
    LOW_N,
    TIE,
    ScriptAggregate,
    Summary,
    build_leaderboard,
    rank_scripts,
)


def _aggregate(version: str, lcb: float, mean: float = 7.0, n: int = 5) -> ScriptAggregate:
    overall = Summary(n, mean, mean, mean, mean, mean, lcb, 1.0, mean - 1, mean + 1)
    return ScriptAggregate(version, n, {}, overall)


def test_one_lucky_ten_does_not_beat_ten_eights() -> None:
    """Script 'lucky' has a single Overall 10, 'steady' ten 8s; a third script anchors the
    population. The steady script ranks first and the lucky one is flagged low_n."""
    events = [score("lucky", "v0", overall=10)]
    events += [score("steady", f"v{i}", overall=8) for i in range(10)]
    events += [score("middling", f"v{i}", overall=o) for i, o in enumerate([4, 5, 6, 5])]
    ranking = build_leaderboard(events).ranking
    order = [row.script_version_id for row in ranking]
    assert order == ["steady", "lucky", "middling"]
    assert LOW_N in ranking[1].flags
    assert ranking[0].flags == ()


def test_ties_share_a_competition_rank() -> None:
    """Bounds 7, 7, 6: ranks 1, 1, 3 and the first two flagged tie."""
    rows = rank_scripts([_aggregate("c", 6.0), _aggregate("b", 7.0), _aggregate("a", 7.0)])
    assert [(r.script_version_id, r.rank, r.flags) for r in rows] == [
        ("a", 1, (TIE,)),
        ("b", 1, (TIE,)),
        ("c", 3, ()),
    ]


def test_within_a_tie_the_higher_mean_is_listed_first() -> None:
    """Equal bounds: the row with mean 8 comes before mean 7; both keep rank 1."""
    rows = rank_scripts([_aggregate("a", 6.0, mean=7.0), _aggregate("b", 6.0, mean=8.0)])
    assert [(r.script_version_id, r.rank) for r in rows] == [("b", 1), ("a", 1)]


def test_low_n_is_flagged_below_the_minimum() -> None:
    """With min_n = 3, a script scored twice is low_n; three times is not."""
    rows = rank_scripts([_aggregate("a", 7.0, n=2), _aggregate("b", 6.0, n=3)], min_n=3)
    assert rows[0].flags == (LOW_N,)
    assert rows[1].flags == ()


def test_unscored_versions_are_not_ranked() -> None:
    """An aggregate without an Overall does not appear in the ranking."""
    rows = rank_scripts([ScriptAggregate("empty", 0, {}, None), _aggregate("a", 5.0)])
    assert [r.script_version_id for r in rows] == ["a"]


def test_ranked_row_json() -> None:
    """A row serialises rank, bound, mean, n and flags."""
    row = rank_scripts([_aggregate("a", 5.0, n=1)])[0]
    assert row.to_json() == {
        "scriptVersionId": "a",
        "rank": 1,
        "lcb": 5.0,
        "mean": 7.0,
        "n": 1,
        "flags": [LOW_N],
    }


def test_leaderboard_reduces_the_log_to_current_scores() -> None:
    """A validator's rescoring replaces their earlier score: v1 counts 2 validators, mean 9."""
    events = [
        score("v1", "a", criteria=uniform(3), usn=1),
        score("v1", "a", criteria=uniform(9), usn=5),
        score("v1", "b", criteria=uniform(9), usn=2),
    ]
    board = build_leaderboard(events)
    v1 = board.aggregates["v1"].to_json()
    assert v1["totalValidations"] == 2
    assert v1["averageScores"]["premise"] == pytest.approx(9.0)


def test_leaderboard_json_has_every_part() -> None:
    """The leaderboard JSON carries population, aggregates, agreement and ranking."""
    events = [score("v1", "a", overall=6), score("v2", "a", overall=8), score("v2", "b")]
    data = build_leaderboard(events).to_json()
    assert set(data) == {"population", "aggregates", "agreement", "ranking"}
    assert set(data["aggregates"]) == {"v1", "v2"}
    assert set(data["agreement"]) == {*uniform(0), "overall"}
    assert [row["scriptVersionId"] for row in data["ranking"]] == ["v2", "v1"]
