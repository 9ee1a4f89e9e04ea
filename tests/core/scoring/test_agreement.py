"""Specification of Krippendorff's alpha, against the published example and hand cases."""

from __future__ import annotations

import pytest

from tests.core.scoring.builders import score, uniform
from vividverse_desktop.core.scoring import criterion_agreement, krippendorff_alpha

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the example with
# four observers (rows A-D), twelve units (columns) and missing values (None).
_A = [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None]
_B = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3]
_C = [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None]
_D = [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]
_UNITS = list(zip(_A, _B, _C, _D, strict=True))


def test_published_example_interval_alpha_is_0_849() -> None:
    """The paper's interval alpha for the 4 x 12 matrix is 0.849."""
    assert krippendorff_alpha(_UNITS, "interval") == pytest.approx(0.849, abs=5e-4)


def test_published_example_nominal_alpha_is_0_743() -> None:
    """The paper's nominal alpha for the same matrix is 0.743."""
    assert krippendorff_alpha(_UNITS, "nominal") == pytest.approx(0.743, abs=5e-4)


def test_perfect_agreement_is_one() -> None:
    """Units [1, 1] and [2, 2]: no disagreement within units, alpha = 1."""
    assert krippendorff_alpha([[1, 1], [2, 2]]) == 1.0


def test_systematic_disagreement_is_negative() -> None:
    """Units [1, 2] and [2, 1].

    D_o = (2/1 + 2/1) / 4 = 1 (each unit's ordered pairs differ by 1, twice).
    D_e = 8 / (4 * 3) = 2/3 (8 of the 12 ordered pooled pairs differ by 1).
    alpha = 1 - 1 / (2/3) = -0.5.
    """
    assert krippendorff_alpha([[1, 2], [2, 1]]) == pytest.approx(-0.5)


def test_interval_alpha_weighs_distance() -> None:
    """Near misses [4, 5], [8, 9] agree far better than one 1-vs-9 split."""
    near = krippendorff_alpha([[4, 5], [8, 9], [1, 1]])
    far = krippendorff_alpha([[1, 9], [8, 8], [4, 4]])
    assert near is not None
    assert far is not None
    assert near > 0.8 > far


def test_units_with_a_single_value_do_not_count() -> None:
    """Adding a unit that only one observer scored leaves alpha unchanged."""
    base = krippendorff_alpha([[1, 2], [2, 1], [3, 3]])
    assert krippendorff_alpha([[1, 2], [2, 1], [3, 3], [7, None, None]]) == base


def test_alpha_is_not_measurable_without_pairs_or_variation() -> None:
    """No unit with two values, or every value the same: alpha is None."""
    assert krippendorff_alpha([[5], [6, None]]) is None
    assert krippendorff_alpha([]) is None
    assert krippendorff_alpha([[7, 7], [7, 7, 7]]) is None


def test_unknown_metric_is_refused() -> None:
    """Only interval and nominal are offered."""
    with pytest.raises(ValueError, match="metric"):
        krippendorff_alpha([[1, 2]], "ratio")  # type: ignore[arg-type]


def test_criterion_agreement_uses_versions_as_units_and_validators_as_observers() -> None:
    """Premise: v1 both 2, v2 both 8 (alpha 1). Dialogue: v1 2 vs 8, v2 8 vs 2 (alpha -0.5,
    the [1, 2], [2, 1] case scaled, which interval alpha does not notice)."""
    events = [
        score("v1", "a", criteria={**uniform(5), "premise": 2, "dialogue": 2}),
        score("v1", "b", criteria={**uniform(5), "premise": 2, "dialogue": 8}),
        score("v2", "a", criteria={**uniform(5), "premise": 8, "dialogue": 8}),
        score("v2", "b", criteria={**uniform(5), "premise": 8, "dialogue": 2}),
    ]
    agreement = criterion_agreement(events)
    assert agreement["premise"] == 1.0
    assert agreement["dialogue"] == pytest.approx(-0.5)
    assert agreement["structure"] is None  # every score is 5: no variation
    assert agreement["overall"] is None  # every overall is 7
