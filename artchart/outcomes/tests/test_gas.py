"""Goal Attainment Scaling T-scores (Kiresuk & Sherman 1968)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from artchart.outcomes import Insufficient, ScoringError, gas_t_score


def test_all_goals_at_the_expected_level_give_50() -> None:
    assert gas_t_score([0, 0, 0, 0]) == 50


def test_equal_weights_match_a_hand_computation() -> None:
    # Σwx = 1 + 0 − 1 + 2 = 2; Σw² = 4; (Σw)² = 16; √(0.7·4 + 0.3·16) = √7.6.
    assert gas_t_score([1, 0, -1, 2]) == pytest.approx(50 + 10 * 2 / math.sqrt(7.6))
    assert gas_t_score([1, 0, -1, 2]) == pytest.approx(57.2548, abs=1e-4)


def test_weights_and_rho_match_a_hand_computation() -> None:
    # Σwx = 2·2 − 1 = 3; Σw² = 5; (Σw)² = 9; with ρ = 0.3: √(3.5 + 2.7) = √6.2.
    assert gas_t_score([2, -1], [2, 1]) == pytest.approx(50 + 30 / math.sqrt(6.2))
    # With ρ = 0 the denominator is √Σw².
    assert gas_t_score([2, -1], [2, 1], rho=0) == pytest.approx(50 + 30 / math.sqrt(5))


def test_one_goal_at_plus_2_is_70() -> None:
    assert gas_t_score([2]) == pytest.approx(70)


def test_no_goals_is_insufficient() -> None:
    assert gas_t_score([]) == Insufficient(reason="needs at least one rated goal", n=0)


@pytest.mark.parametrize(
    ("levels", "weights", "rho", "message"),
    [
        ([3], None, 0.3, "Goal 1: level 3 is not one of"),
        ([0, "1"], None, 0.3, "Goal 2: level '1' is not one of"),
        ([0, 1], [1], 0.3, "2 goals were rated but 1 weights were given"),
        ([0, 1], [1, 0], 0.3, "Goal 2: weight 0 must be a number above 0"),
        ([0], None, 1.0, "ρ must be at least 0 and below 1"),
    ],
)
def test_bad_input_is_named(levels: list[Any], weights: list[float] | None, rho: float, message: str) -> None:
    with pytest.raises(ScoringError, match=message):
        gas_t_score(levels, weights, rho)
