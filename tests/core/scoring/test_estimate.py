"""Specification of the estimators, against hand-computed small cases."""

from __future__ import annotations

import math

import pytest

from vividverse_desktop.core.scoring import (
    bayesian_average,
    lower_bound,
    pooled_stdev,
    trimmed_mean,
)


def test_trimmed_mean_is_the_plain_mean_below_five_scores() -> None:
    """[1, 2, 3, 10]: nothing is trimmed, mean 16 / 4 = 4."""
    assert trimmed_mean([1, 2, 3, 10]) == pytest.approx(4.0)


def test_trimmed_mean_drops_min_and_max_from_five_scores() -> None:
    """[1, 5, 6, 7, 10]: drop 1 and 10, mean of 5, 6, 7 = 6."""
    assert trimmed_mean([10, 5, 1, 7, 6]) == pytest.approx(6.0)


def test_trimmed_mean_trims_ten_percent_each_side_from_twenty() -> None:
    """Twenty scores: two dropped at each end, so two 1s and two 10s vanish."""
    values = [1, 1, 10, 10] + [5] * 16
    assert trimmed_mean(values) == pytest.approx(5.0)


def test_bayesian_average_pulls_towards_the_prior() -> None:
    """One 10 with C = 6, m = 2: (2 * 6 + 10) / 3 = 22 / 3."""
    assert bayesian_average([10], prior_mean=6, prior_weight=2) == pytest.approx(22 / 3)


def test_bayesian_average_without_scores_is_the_prior_mean() -> None:
    """No scores: the average is C; with no prior weight either, it is undefined."""
    assert bayesian_average([], prior_mean=6.5, prior_weight=3) == 6.5
    with pytest.raises(ValueError, match="undefined"):
        bayesian_average([], prior_mean=6.5, prior_weight=0)


def test_pooled_stdev_borrows_the_prior_for_a_single_score() -> None:
    """One score has no sample spread: the prior's 1.5 is used."""
    assert pooled_stdev([9], prior_stdev=1.5, prior_weight=2) == pytest.approx(1.5)


def test_pooled_stdev_mixes_sample_and_prior_variance() -> None:
    """[4, 8] (s^2 = 8) with prior sd 2 (var 4), m = 2: (2*4 + 1*8) / 3 = 16/3."""
    assert pooled_stdev([4, 8], prior_stdev=2, prior_weight=2) == pytest.approx(math.sqrt(16 / 3))


def test_one_lucky_ten_stays_below_ten_eights() -> None:
    """C = 6, m = 2, sigma0 = 1.5, z = 1.645.

    One 10: mean 22/3 = 7.333, s^2 = 2.25, bound 7.333 - 1.645 * 1.5 / sqrt(3) = 5.909.
    Ten 8s: mean 92/12 = 7.667, s^2 = 2 * 2.25 / 11 = 0.409, bound 7.667 - 1.645 *
    sqrt(0.409 / 12) = 7.363.
    """
    prior = {"prior_mean": 6.0, "prior_weight": 2.0, "prior_stdev": 1.5}
    lucky = lower_bound([10], **prior)
    steady = lower_bound([8] * 10, **prior)
    assert lucky == pytest.approx(5.909, abs=1e-3)
    assert steady == pytest.approx(7.363, abs=1e-3)
    assert steady > lucky


def test_more_agreeing_scores_raise_the_bound() -> None:
    """Five 8s rank below ten 8s: the same mean with more evidence is more certain."""
    prior = {"prior_mean": 6.0, "prior_weight": 2.0, "prior_stdev": 1.5}
    assert lower_bound([8] * 10, **prior) > lower_bound([8] * 5, **prior)
