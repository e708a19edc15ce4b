"""Rater agreement: ICC(2,1), ICC(1,1), their confidence intervals and quadratic-weighted kappa against
published worked examples and reference computations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from artchart.outcomes import (
    HALF_POINTS_0_TO_5,
    Agreement,
    Insufficient,
    ScoringError,
    icc_1_1,
    icc_2_1,
    weighted_kappa,
)

# Shrout & Fleiss (1979), Table 2: six targets rated by four judges.
SHROUT_FLEISS: list[list[float | None]] = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]


def agreement(result: Agreement | Insufficient) -> Agreement:
    assert isinstance(result, Agreement), result
    return result


def insufficient(result: Agreement | Insufficient) -> Insufficient:
    assert isinstance(result, Insufficient), result
    return result


def reference_icc_2_1(x: npt.NDArray[np.float64]) -> float:
    """ICC(2,1) from sums of squares written out long-hand (Shrout & Fleiss 1979, Table 1)."""
    n, k = x.shape
    grand = x.sum() / (n * k)
    ss_rows = sum(k * (x[i].sum() / k - grand) ** 2 for i in range(n))
    ss_cols = sum(n * (x[:, j].sum() / n - grand) ** 2 for j in range(k))
    ss_total = sum((x[i, j] - grand) ** 2 for i in range(n) for j in range(k))
    ss_error = ss_total - ss_rows - ss_cols
    bms, jms, ems = ss_rows / (n - 1), ss_cols / (k - 1), ss_error / ((n - 1) * (k - 1))
    return float((bms - ems) / (bms + (k - 1) * ems + k * (jms - ems) / n))


def reference_kappa(a: Sequence[object], b: Sequence[object], categories: Sequence[object]) -> float:
    """Textbook weighted kappa from the contingency table (Cohen 1968) with weights (i − j)² / (k − 1)²."""
    k = len(categories)
    index = {c: i for i, c in enumerate(categories)}
    table = np.zeros((k, k))
    for x, y in zip(a, b, strict=True):
        table[index[x], index[y]] += 1
    table /= table.sum()
    expected = np.outer(table.sum(axis=1), table.sum(axis=0))
    weights = np.array([[(i - j) ** 2 / (k - 1) ** 2 for j in range(k)] for i in range(k)])
    return float(1 - (weights * table).sum() / (weights * expected).sum())


def test_icc_reproduces_shrout_and_fleiss_table_2() -> None:
    result = agreement(icc_2_1(SHROUT_FLEISS))
    assert result.value == pytest.approx(0.29, abs=0.005)
    assert (result.n, result.method) == (6, "ICC(2,1)")


def test_icc_1_1_reproduces_shrout_and_fleiss_table_4() -> None:
    result = agreement(icc_1_1(SHROUT_FLEISS))
    assert result.value == pytest.approx(0.17, abs=0.005)
    assert (result.n, result.method) == (6, "ICC(1,1)")


def test_the_95_percent_intervals_on_shrout_and_fleiss_are_mcgraw_and_wongs() -> None:
    # McGraw & Wong's (1996) Table 7 formulas on Shrout & Fleiss' data: ICC(1,1) .17 (−.13 to .72),
    # ICC(2,1) .29 (.02 to .76), the figures R's psych::ICC prints for this table.
    one = agreement(icc_1_1(SHROUT_FLEISS))
    two = agreement(icc_2_1(SHROUT_FLEISS))
    assert (one.low, one.high) == (pytest.approx(-0.133, abs=0.001), pytest.approx(0.723, abs=0.001))
    assert (two.low, two.high) == (pytest.approx(0.019, abs=0.001), pytest.approx(0.761, abs=0.001))


def test_an_interval_holds_its_estimate_and_narrows_with_more_artworks() -> None:
    rng = np.random.default_rng(11)
    widths = []
    for n in (8, 80):
        truth = rng.normal(3, 1, size=(n, 1))
        ratings = (truth + rng.normal(0, 0.5, size=(n, 2))).tolist()
        for result in (agreement(icc_2_1(ratings)), agreement(icc_1_1(ratings))):
            assert result.low is not None and result.high is not None
            assert result.low < result.value < result.high <= 1
            if result.method == "ICC(2,1)":
                widths.append(result.high - result.low)
    assert widths[1] < widths[0] / 2


def test_icc_1_1_counts_a_rater_lean_as_disagreement_like_icc_2_1() -> None:
    rows = [[1, 2], [2, 3], [3, 4], [4, 5], [2.5, 3.5]]  # the second rater is always a point higher
    assert agreement(icc_1_1(rows)).value < 0.8
    assert agreement(icc_2_1(rows)).value < 0.8
    assert agreement(icc_1_1([[1, 1], [3, 3], [4.5, 4.5]])).value == pytest.approx(1.0)


def test_icc_1_1_on_too_little_data_says_so() -> None:
    assert icc_1_1([[3, 4]]) == Insufficient(reason="needs at least 2 artworks rated by every rater", n=1)
    assert "every rating is the same" in insufficient(icc_1_1([[2, 2], [2, 2]])).reason


def test_icc_matches_a_long_hand_anova_on_random_ratings() -> None:
    rng = np.random.default_rng(3)
    truth = rng.normal(3, 1, size=(25, 1))
    ratings = np.clip(np.round((truth + rng.normal(0, 0.6, size=(25, 3)) + [0, 0.3, -0.2]) * 2) / 2, 0, 5)
    assert agreement(icc_2_1(ratings.tolist())).value == pytest.approx(reference_icc_2_1(ratings))


def test_icc_drops_rows_with_a_missing_rating() -> None:
    rows = SHROUT_FLEISS + [[5, None, 4, 3], [1, 2, float("nan"), 4]]
    result = agreement(icc_2_1(rows))
    assert result.n == 6
    assert result.value == pytest.approx(agreement(icc_2_1(SHROUT_FLEISS)).value)


def test_icc_of_identical_raters_is_one() -> None:
    assert agreement(icc_2_1([[1, 1], [3, 3], [4.5, 4.5]])).value == pytest.approx(1.0)


def test_icc_on_too_little_data_says_so() -> None:
    assert icc_2_1([[3, 4]]) == Insufficient(reason="needs at least 2 artworks rated by every rater", n=1)
    assert insufficient(icc_2_1([[3], [4]])).reason == "needs at least 2 raters"
    assert icc_2_1([[3, None], [None, 4]]).n == 0
    assert "every rating is the same" in insufficient(icc_2_1([[2, 2], [2, 2], [2, 2]])).reason
    assert "ICC(2,1) is undefined" in insufficient(icc_2_1([[1, 2], [2, 1]])).reason


def test_icc_refuses_ragged_rows_and_text() -> None:
    with_text: list[list[Any]] = [[1, "high"], [1, 2]]
    with pytest.raises(ScoringError, match="different lengths"):
        icc_2_1([[1, 2], [1, 2, 3]])
    with pytest.raises(ScoringError, match="The rating 'high' is not a number."):
        icc_2_1(with_text)


THERAPIST = [0, 0.5, 1, 2, 2.5, 3, 3.5, 4, 4.5, 5, 3, 2]
INTERN = [0.5, 0.5, 1.5, 2, 2, 3.5, 3, 4, 5, 4.5, 2, 2]


def test_weighted_kappa_on_half_points_matches_the_contingency_table_formula() -> None:
    result = agreement(weighted_kappa(THERAPIST, INTERN))
    reference = reference_kappa(THERAPIST, INTERN, HALF_POINTS_0_TO_5)
    assert result.value == pytest.approx(reference)
    assert (result.n, result.method) == (12, "quadratic-weighted kappa")


def test_weighted_kappa_with_named_categories_matches_the_reference() -> None:
    levels = ["none", "low", "some", "high"]
    a = ["none", "low", "some", "high", "some", "low", "high", "none"]
    b = ["low", "low", "some", "some", "high", "none", "high", "none"]
    assert agreement(weighted_kappa(a, b, categories=levels)).value == pytest.approx(reference_kappa(a, b, levels))


def test_weighted_kappa_of_perfect_agreement_is_one() -> None:
    assert agreement(weighted_kappa([1, 2, 3], [1, 2, 3])).value == pytest.approx(1.0)


def test_weighted_kappa_on_too_little_data_says_so() -> None:
    assert weighted_kappa([3], [3]) == Insufficient(reason="needs at least 2 artworks rated by both raters", n=1)
    assert weighted_kappa([3, None, 2], [3, 4, None]).n == 1
    assert "kappa is undefined" in insufficient(weighted_kappa([2, 2, 2], [2, 2, 2])).reason


def test_weighted_kappa_refuses_unpaired_lists_and_unknown_categories() -> None:
    with pytest.raises(ScoringError, match="they must pair up"):
        weighted_kappa([1, 2], [1])
    with pytest.raises(ScoringError, match="The rating 'huge' is not one of the categories."):
        weighted_kappa(["low", "huge"], ["low", "low"], categories=["low", "high"])
