"""Agreement between raters: ICC(2,1) and ICC(1,1) with their 95 % confidence intervals
(McGraw & Wong 1996), quadratic-weighted kappa for a pair."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from artchart.outcomes.insufficient import Insufficient
from artchart.outcomes.scoring import ScoringError

# FEATS scales run 0–5 in half points (as the FEATS manual scores them): eleven ordered categories.
HALF_POINTS_0_TO_5 = tuple(step / 2 for step in range(11))


# A 95 % interval: each tail of the F distribution holds 2.5 %.
CONFIDENCE = 0.95


@dataclass(frozen=True)
class Agreement:
    value: float
    n: int
    method: str
    low: float | None = None  # the 95 % confidence interval, where the method has one
    high: float | None = None


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


def _mean_squares(x: np.ndarray) -> tuple[float, float, float, float, float]:
    """Two-way ANOVA mean squares (Shrout & Fleiss 1979, Table 1): targets (BMS), raters (JMS),
    residual (EMS) and within targets (WMS, raters and residual together), and the total sum of squares."""
    n, k = x.shape
    grand = x.mean()
    bms = k * ((x.mean(axis=1) - grand) ** 2).sum() / (n - 1)
    jms = n * ((x.mean(axis=0) - grand) ** 2).sum() / (k - 1)
    total_ss = ((x - grand) ** 2).sum()
    ems = (total_ss - bms * (n - 1) - jms * (k - 1)) / ((n - 1) * (k - 1))
    wms = (total_ss - bms * (n - 1)) / (n * (k - 1))
    return float(bms), float(jms), float(ems), float(wms), float(total_ss)


def _table(ratings: Sequence[Sequence[float | None]]) -> np.ndarray | Insufficient:
    x = _complete_rows(ratings)
    n, k = x.shape
    if k < 2:
        return Insufficient(reason="needs at least 2 raters", n=n)
    if n < 2:
        return Insufficient(reason="needs at least 2 artworks rated by every rater", n=n)
    if ((x - x.mean()) ** 2).sum() == 0:
        return Insufficient(reason="every rating is the same; agreement cannot be measured", n=n)
    return x


def _f(q: float, df1: float, df2: float) -> float:
    return float(stats.f.ppf(q, df1, df2))


def icc_2_1(ratings: Sequence[Sequence[float | None]]) -> Agreement | Insufficient:
    """ICC(2,1): two-way random effects, one rater, absolute agreement (Shrout & Fleiss 1979, Table 1),
    with its 95 % confidence interval (McGraw & Wong 1996, Table 7, case 2A: ICC(A,1)).

    Rows are targets (artworks), columns raters, the same raters for every row; a row with a
    missing rating is left out.
    """
    x = _table(ratings)
    if isinstance(x, Insufficient):
        return x
    n, k = x.shape
    bms, jms, ems, _, total_ss = _mean_squares(x)
    # ICC(2,1) = (BMS − EMS) / (BMS + (k − 1)·EMS + k·(JMS − EMS)/n) (Shrout & Fleiss 1979, eq. 2).
    denominator = bms + (k - 1) * ems + k * (jms - ems) / n
    # The denominator is never negative for n, k >= 2; it is 0 only when neither the
    # artworks' nor the raters' means differ, and then ICC(2,1) has no value.
    if denominator <= 1e-12 * total_ss:
        return Insufficient(
            reason="the artworks' and the raters' mean ratings do not differ; ICC(2,1) is undefined", n=n
        )
    value = (bms - ems) / denominator
    low, high = _interval_2_1(value, n, k, bms, jms, ems)
    return Agreement(value=float(value), n=n, method="ICC(2,1)", low=low, high=high)


def _interval_2_1(rho: float, n: int, k: int, bms: float, jms: float, ems: float) -> tuple[float, float]:
    """McGraw & Wong (1996), Table 7, ICC(A,1): Satterthwaite's degrees of freedom v for the
    combination of rater and residual mean squares, then F quantiles with (n − 1, v) and (v, n − 1)."""
    tail = (1 - CONFIDENCE) / 2
    if rho >= 1:  # no residual and no rater effect: the interval closes on 1
        return 1.0, 1.0
    a = k * rho / (n * (1 - rho))
    b = 1 + k * rho * (n - 1) / (n * (1 - rho))
    spread = (a * jms) ** 2 / (k - 1) + (b * ems) ** 2 / ((n - 1) * (k - 1))
    v = (a * jms + b * ems) ** 2 / spread if spread > 0 else math.inf
    f_low = _f(1 - tail, n - 1, v)
    f_high = _f(1 - tail, v, n - 1)
    common = k * jms + (k * n - k - n) * ems
    low = n * (bms - f_low * ems) / (f_low * common + n * bms)
    high = n * (f_high * bms - ems) / (common + n * f_high * bms)
    return float(low), float(high)


def icc_1_1(ratings: Sequence[Sequence[float | None]]) -> Agreement | Insufficient:
    """ICC(1,1): one-way random effects, one rater (Shrout & Fleiss 1979, eq. 1), for when each
    artwork may have its own raters; with its 95 % confidence interval (McGraw & Wong 1996, Table 7,
    case 1). Each row holds the k ratings of one artwork, in any order."""
    x = _table(ratings)
    if isinstance(x, Insufficient):
        return x
    n, k = x.shape
    bms, _, _, wms, _ = _mean_squares(x)
    # ICC(1,1) = (BMS − WMS) / (BMS + (k − 1)·WMS).
    value = (bms - wms) / (bms + (k - 1) * wms)
    if wms == 0:
        return Agreement(value=1.0, n=n, method="ICC(1,1)", low=1.0, high=1.0)
    tail = (1 - CONFIDENCE) / 2
    f_observed = bms / wms
    f_low = f_observed / _f(1 - tail, n - 1, n * (k - 1))
    f_high = f_observed * _f(1 - tail, n * (k - 1), n - 1)
    low = (f_low - 1) / (f_low + k - 1)
    high = (f_high - 1) / (f_high + k - 1)
    return Agreement(value=float(value), n=n, method="ICC(1,1)", low=float(low), high=float(high))


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
