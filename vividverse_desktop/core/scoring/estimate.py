"""Estimators over a handful of 1..10 scores: robust means, shrinkage and a lower bound.

Definitions (the contract the aggregates and the ranking rely on):

- **Trimmed mean**: with ``n >= 5`` scores, drop ``k = max(1, floor(0.1 * n))`` scores
  from each end (so at least the single lowest and highest) and average the rest;
  with fewer than five scores it is the plain mean.
- **Bayesian average** towards a prior mean ``C`` with prior weight ``m`` (pseudo-scores):
  ``(m * C + sum(x)) / (m + n)``.
- **Lower confidence bound** (the ranking key): a one-sided bound on the script's true
  mean under a normal model with a conjugate-style prior. The posterior mean is the
  Bayesian average; the spread is the script's sample variance pooled with the
  population's, ``s2 = (m * sigma0^2 + (n - 1) * s^2) / (m + n - 1)``, so one score
  (no sample variance) or identical scores (zero variance) borrow the population's
  spread; the bound is ``mean - z * sqrt(s2 / (m + n))`` with ``z = 1.645`` (95 %
  one-sided). One lucky 10 thus stays near the prior while ten 8s earn a tight bound.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

Z_95_ONE_SIDED = 1.6448536269514722
"""The standard normal quantile at 0.95."""


def sample_variance(values: Sequence[float]) -> float:
    """The unbiased sample variance (``n - 1`` denominator); 0 for fewer than two values."""
    n = len(values)
    if n < 2:
        return 0.0
    mean = math.fsum(values) / n
    return math.fsum((v - mean) ** 2 for v in values) / (n - 1)


def trimmed_mean(values: Sequence[float]) -> float:
    """The mean after trimming 10 % (at least one) from each end when ``n >= 5``."""
    if not values:
        raise ValueError("trimmed_mean needs at least one value")
    n = len(values)
    if n < 5:
        return statistics.fmean(values)
    k = max(1, n // 10)
    return statistics.fmean(sorted(values)[k : n - k])


def bayesian_average(values: Sequence[float], prior_mean: float, prior_weight: float) -> float:
    """``(m * C + sum(values)) / (m + n)``; the prior mean alone when there are no values."""
    if prior_weight < 0:
        raise ValueError("prior_weight must not be negative")
    if not values and prior_weight == 0:
        raise ValueError("no values and no prior weight: the average is undefined")
    return (prior_weight * prior_mean + math.fsum(values)) / (prior_weight + len(values))


def pooled_stdev(values: Sequence[float], prior_stdev: float, prior_weight: float) -> float:
    """The sample standard deviation pooled with ``prior_stdev`` weighted by ``prior_weight``."""
    n = len(values)
    sample_var = sample_variance(values)
    dof = prior_weight + n - 1
    if dof <= 0:
        return prior_stdev
    return math.sqrt((prior_weight * prior_stdev**2 + (n - 1) * sample_var) / dof)


def lower_bound(
    values: Sequence[float],
    *,
    prior_mean: float,
    prior_weight: float,
    prior_stdev: float,
    z: float = Z_95_ONE_SIDED,
) -> float:
    """The one-sided lower confidence bound of the mean described in the module docstring."""
    mean = bayesian_average(values, prior_mean, prior_weight)
    spread = pooled_stdev(values, prior_stdev, prior_weight)
    return mean - z * spread / math.sqrt(prior_weight + len(values))
