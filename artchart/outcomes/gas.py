"""Goal Attainment Scaling summary score."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

from artchart.outcomes.insufficient import Insufficient
from artchart.outcomes.scoring import ScoringError

GAS_LEVELS = (-2, -1, 0, 1, 2)
# The conventional correlation between goal scales (Kiresuk & Sherman 1968).
DEFAULT_RHO = 0.3


def _checked_levels(levels: Sequence[int]) -> list[int]:
    for index, level in enumerate(levels, start=1):
        if isinstance(level, bool) or not isinstance(level, numbers.Integral) or level not in GAS_LEVELS:
            raise ScoringError(f"Goal {index}: level {level!r} is not one of −2, −1, 0, +1, +2.")
    return [int(level) for level in levels]


def _checked_weights(weights: Sequence[float] | None, count: int) -> list[float]:
    if weights is None:
        return [1.0] * count
    if len(weights) != count:
        raise ScoringError(f"{count} goals were rated but {len(weights)} weights were given.")
    for index, weight in enumerate(weights, start=1):
        if isinstance(weight, bool) or not isinstance(weight, numbers.Real) or not weight > 0:
            raise ScoringError(f"Goal {index}: weight {weight!r} must be a number above 0.")
    return [float(weight) for weight in weights]


def gas_t_score(
    levels: Sequence[int], weights: Sequence[float] | None = None, rho: float = DEFAULT_RHO
) -> float | Insufficient:
    """T = 50 + 10 Σwx / √((1 − ρ) Σw² + ρ (Σw)²) (Kiresuk & Sherman 1968)."""
    levels = _checked_levels(levels)
    if not levels:
        return Insufficient(reason="needs at least one rated goal", n=0)
    weights = _checked_weights(weights, len(levels))
    if isinstance(rho, bool) or not isinstance(rho, numbers.Real) or not 0 <= rho < 1:
        raise ScoringError(f"ρ must be at least 0 and below 1; {rho!r} was given.")
    weighted = sum(w * x for w, x in zip(weights, levels, strict=True))
    spread = math.sqrt((1 - rho) * sum(w * w for w in weights) + rho * sum(weights) ** 2)
    return 50 + 10 * weighted / spread
