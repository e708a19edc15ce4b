"""Paired effect sizes, checked against scipy's paired t-test and the noncentral t."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import special, stats

from artchart.outcomes import Insufficient, PairedEffect, ScoringError, hedges_correction, paired_effect

PRE = [18, 22, 15, 20, 25, 17, 19, 21]
POST = [12, 15, 14, 11, 20, 16, 10, 17]


def test_mean_change_and_interval_match_scipy_paired_t_test() -> None:
    result = paired_effect(PRE, POST)
    reference = stats.ttest_rel(POST, PRE)
    interval = reference.confidence_interval(0.95)
    assert isinstance(result, PairedEffect)
    assert result.n == 8
    assert result.mean_change == pytest.approx(np.mean(np.subtract(POST, PRE)))
    assert (result.ci_low, result.ci_high) == pytest.approx((interval.low, interval.high))


def test_d_z_is_the_t_statistic_over_root_n() -> None:
    result = paired_effect(PRE, POST)
    reference = stats.ttest_rel(POST, PRE).statistic / math.sqrt(8)
    assert isinstance(result, PairedEffect)
    assert result.d_z == pytest.approx(reference)


def test_hedges_correction_is_close_to_the_exact_gamma_form() -> None:
    for df in (4, 7, 20, 100):
        # Exact J(df) = Γ(df/2) / (√(df/2) Γ((df − 1)/2)) (Hedges 1981).
        exact = math.exp(special.gammaln(df / 2) - special.gammaln((df - 1) / 2)) / math.sqrt(df / 2)
        assert hedges_correction(df) == pytest.approx(exact, abs=3e-3)
    result = paired_effect(PRE, POST)
    assert isinstance(result, PairedEffect)
    assert result.g_z == pytest.approx(result.d_z * (1 - 3 / (4 * 7 - 1)))


def test_effect_size_interval_inverts_the_noncentral_t() -> None:
    result = paired_effect(PRE, POST)
    assert isinstance(result, PairedEffect)
    j = hedges_correction(7)
    t_observed = result.d_z * math.sqrt(8)
    low_ncp = result.g_ci_low / j * math.sqrt(8)
    high_ncp = result.g_ci_high / j * math.sqrt(8)
    assert stats.nct.cdf(t_observed, 7, low_ncp) == pytest.approx(0.975, abs=1e-6)
    assert stats.nct.cdf(t_observed, 7, high_ncp) == pytest.approx(0.025, abs=1e-6)
    assert result.g_ci_low < result.g_z < result.g_ci_high


def test_effect_size_interval_agrees_with_the_large_sample_approximation() -> None:
    rng = np.random.default_rng(7)
    pre = rng.normal(20, 5, 400)
    post = pre - 3 + rng.normal(0, 4, 400)
    result = paired_effect(pre.tolist(), post.tolist())
    assert isinstance(result, PairedEffect)
    # var(d_z) ≈ 1/n + d_z²/(2n) for large n (Becker 1988).
    half = 1.96 * math.sqrt(1 / 400 + result.d_z**2 / 800)
    j = hedges_correction(399)
    assert result.g_ci_low / j == pytest.approx(result.d_z - half, abs=0.01)
    assert result.g_ci_high / j == pytest.approx(result.d_z + half, abs=0.01)


def test_very_large_effects_still_get_an_interval() -> None:
    pre = list(range(50))
    post = [x + 40 + (x % 3) for x in pre]
    result = paired_effect(pre, post)
    assert isinstance(result, PairedEffect)
    assert result.g_ci_low < result.g_z < result.g_ci_high


def test_pairs_with_a_missing_score_are_left_out() -> None:
    result = paired_effect([*PRE, 30, None], [*POST, None, 12])
    assert result.n == 8


def test_fewer_pairs_than_the_minimum_are_insufficient() -> None:
    result = paired_effect(PRE[:4], POST[:4])
    assert result == Insufficient(reason="needs at least 5 paired scores", n=4)
    assert isinstance(paired_effect(PRE[:4], POST[:4], min_n=2), PairedEffect)


def test_one_score_is_insufficient_even_with_no_minimum() -> None:
    assert paired_effect([10], [5], min_n=0) == Insufficient(reason="needs at least 2 paired scores", n=1)


def test_zero_variance_of_the_changes_is_insufficient() -> None:
    result = paired_effect([10, 12, 14, 9, 8], [7, 9, 11, 6, 5])
    assert isinstance(result, Insufficient)
    assert "no spread" in result.reason


def test_unpaired_lists_are_refused() -> None:
    with pytest.raises(ScoringError, match="5 first scores but 4 last scores"):
        paired_effect([1, 2, 3, 4, 5], [1, 2, 3, 4])


def test_text_is_refused() -> None:
    with_text: list[Any] = [1, 2, 3, 4, "x"]
    with pytest.raises(ScoringError, match="The score 'x' is not a number."):
        paired_effect(with_text, [1, 2, 3, 4, 5])


def test_intervals_always_hold_their_estimates() -> None:
    scores = st.lists(st.tuples(st.integers(0, 27), st.integers(0, 27)), min_size=5, max_size=60)

    @given(scores)
    def check(pairs: list[tuple[int, int]]) -> None:
        result = paired_effect([a for a, _ in pairs], [b for _, b in pairs])
        if isinstance(result, Insufficient):
            assert "no spread" in result.reason
            return
        assert result.ci_low <= result.mean_change <= result.ci_high
        assert result.g_ci_low <= result.g_z <= result.g_ci_high
        assert all(math.isfinite(v) for v in (result.d_z, result.g_ci_low, result.g_ci_high))

    check()
