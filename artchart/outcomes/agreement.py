"""Agreement between raters: ICC(2,1) across raters, quadratic-weighted kappa for a pair."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from artchart.outcomes.insufficient import Insufficient
from artchart.outcomes.scoring import ScoringError

# FEATS scales run 0–5 in half points (as the FEATS manual scores them): eleven ordered categories.
HALF_POINTS_0_TO_5 = tuple(step / 2 for step in range(11))


@dataclass(frozen=True)
class Agreement:
    value: float
    n: int
    method: str


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ScoringError(f"The rating {value!r} is not a number.")
    return float(value)


def _complete_rows(ratings: Sequence[Sequence[float | None]]) -> np.ndarray:
    rows = [list(row) for row in ratings]
    widths = {len(row) for row in rows}
    if len(widths) > 1:
        raise ScoringError("Every artwork needs one column per rater; the rows have different lengths.")
    kept = [[_number(v) for v in row] for row in rows if not any(_is_missing(v) for v in row)]
    return np.array(kept, dtype=float).reshape(len(kept), widths.pop() if widths else 0)


def icc_2_1(ratings: Sequence[Sequence[float | None]]) -> Agreement | Insufficient:
    """ICC(2,1): two-way random effects, one rater, absolute agreement (Shrout & Fleiss 1979, Table 1).

    Rows are targets (artworks), columns raters; a row with a missing rating is left out.
    """
    x = _complete_rows(ratings)
    n, k = x.shape
    if k < 2:
        return Insufficient(reason="needs at least 2 raters", n=n)
    if n < 2:
        return Insufficient(reason="needs at least 2 artworks rated by every rater", n=n)
    grand = x.mean()
    # Two-way ANOVA mean squares (Shrout & Fleiss 1979, Table 1): targets, raters, residual.
    bms = k * ((x.mean(axis=1) - grand) ** 2).sum() / (n - 1)
    jms = n * ((x.mean(axis=0) - grand) ** 2).sum() / (k - 1)
    total_ss = ((x - grand) ** 2).sum()
    ems = (total_ss - bms * (n - 1) - jms * (k - 1)) / ((n - 1) * (k - 1))
    # ICC(2,1) = (BMS − EMS) / (BMS + (k − 1)·EMS + k·(JMS − EMS)/n) (Shrout & Fleiss 1979, eq. 2).
    denominator = bms + (k - 1) * ems + k * (jms - ems) / n
    if total_ss == 0:
        return Insufficient(reason="every rating is the same; agreement cannot be measured", n=n)
    # The denominator is never negative for n, k >= 2; it is 0 only when neither the
    # artworks' nor the raters' means differ, and then ICC(2,1) has no value.
    if denominator <= 1e-12 * total_ss:
        return Insufficient(
            reason="the artworks' and the raters' mean ratings do not differ; ICC(2,1) is undefined", n=n
        )
    return Agreement(value=float((bms - ems) / denominator), n=n, method="ICC(2,1)")


def _ordinal(values: list[object], categories: Sequence[object] | None) -> np.ndarray:
    if categories is None:
        # Numeric ratings are their own ordinal positions: quadratic kappa depends only on
        # the squared differences up to a common factor (Cohen 1968), so 0–5 in half points
        # gives the same kappa as categories 0–10.
        return np.array([_number(v) for v in values], dtype=float)
    position = {category: index for index, category in enumerate(categories)}
    for value in values:
        if value not in position:
            raise ScoringError(f"The rating {value!r} is not one of the categories.")
    return np.array([position[v] for v in values], dtype=float)


def weighted_kappa(
    a: Sequence[object], b: Sequence[object], categories: Sequence[object] | None = None
) -> Agreement | Insufficient:
    """Cohen's (1968) weighted kappa with quadratic weights for two raters of the same artworks.

    ``categories`` lists ordered labels; without it the ratings must be numbers (e.g. FEATS 0–5 in half
    points). Pairs with a missing rating are left out.
    """
    if len(a) != len(b):
        raise ScoringError(f"The first rater gave {len(a)} ratings and the second {len(b)}; they must pair up.")
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if not (_is_missing(x) or _is_missing(y))]
    n = len(pairs)
    if n < 2:
        return Insufficient(reason="needs at least 2 artworks rated by both raters", n=n)
    first = _ordinal([x for x, _ in pairs], categories)
    second = _ordinal([y for _, y in pairs], categories)
    # κ_w = 1 − Σ w·observed / Σ w·expected with w = (i − j)² (Cohen 1968; Fleiss & Cohen 1973):
    # observed from the paired ratings, expected from every first rating against every second.
    observed = ((first - second) ** 2).mean()
    expected = ((first[:, None] - second[None, :]) ** 2).mean()
    if expected == 0:
        return Insufficient(reason="both raters gave one and the same rating throughout; kappa is undefined", n=n)
    return Agreement(value=float(1 - observed / expected), n=n, method="quadratic-weighted kappa")
