"""Paired (pre–post) effect sizes for a group of clients."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from artchart.outcomes.insufficient import Insufficient
from artchart.outcomes.scoring import ScoringError

# Reports show no figure for groups smaller than this, so they cannot single out a client
# (the usual small-cell rule for program figures); callers may pass their organization's minimum.
MIN_GROUP_SIZE = 5


@dataclass(frozen=True)
class PairedEffect:
    n: int
    mean_change: float
    ci_low: float
    ci_high: float
    d_z: float
    g_z: float
    g_ci_low: float
    g_ci_high: float
    confidence: float


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _pairs(pre: Sequence[float | None], post: Sequence[float | None]) -> tuple[np.ndarray, np.ndarray]:
    if len(pre) != len(post):
        raise ScoringError(f"{len(pre)} first scores but {len(post)} last scores were given; they must pair up.")
    kept = [(a, b) for a, b in zip(pre, post, strict=True) if not (_is_missing(a) or _is_missing(b))]
    for a, b in kept:
        for value in (a, b):
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise ScoringError(f"The score {value!r} is not a number.")
    array = np.array(kept, dtype=float).reshape(-1, 2)
    return array[:, 0], array[:, 1]


def hedges_correction(df: int) -> float:
    """J = 1 − 3 / (4·df − 1), the small-sample correction of Hedges (1981); df = n − 1 for d_z (Lakens 2013)."""
    return 1 - 3 / (4 * df - 1)


def _noncentrality_interval(t_observed: float, df: int, confidence: float) -> tuple[float, float]:
    """Confidence limits for the noncentrality of a t statistic, by inverting the noncentral t
    distribution (Steiger & Fouladi 1997; Cumming & Finch 2001). Divided by √n they bound d_z."""
    tail = (1 - confidence) / 2

    def cdf(ncp: float) -> float:
        value = float(stats.nct.cdf(t_observed, df, ncp))
        if math.isnan(value):
            # Far in the tails scipy gives NaN where the probability is 0 (or 1 below t).
            return 0.0 if ncp > t_observed else 1.0
        return value

    def limit(probability: float) -> float:
        # The cdf falls as the noncentrality grows; widen the bracket until it holds the root.
        width = 5.0 + abs(t_observed)
        while cdf(t_observed - width) < probability or cdf(t_observed + width) > probability:
            width *= 2
        return float(
            optimize.brentq(lambda ncp: cdf(ncp) - probability, t_observed - width, t_observed + width, xtol=1e-10)
        )

    return limit(1 - tail), limit(tail)


def paired_effect(
    pre: Sequence[float | None], post: Sequence[float | None], confidence: float = 0.95, *, min_n: int = MIN_GROUP_SIZE
) -> PairedEffect | Insufficient:
    """Mean change (post − pre) with its t interval, and Cohen's d_z with Hedges' correction.

    Pairs with a missing score are left out. Fewer than ``min_n`` pairs (never fewer than 2) or
    changes with no spread give ``Insufficient`` instead of a figure.
    """
    if not 0 < confidence < 1:
        raise ScoringError(f"The confidence level must be between 0 and 1; {confidence!r} was given.")
    before, after = _pairs(pre, post)
    n = len(before)
    needed = max(min_n, 2)
    if n < needed:
        return Insufficient(reason=f"needs at least {needed} paired scores", n=n)
    change = after - before
    mean = float(change.mean())
    sd = float(change.std(ddof=1))
    if sd == 0 or not math.isfinite(sd):
        return Insufficient(reason="every client changed by the same amount; the changes have no spread", n=n)
    df = n - 1
    # Mean change ± t(1 − α/2, n − 1) · SD/√n: the paired t interval (Student 1908).
    half_width = float(stats.t.ppf((1 + confidence) / 2, df)) * sd / math.sqrt(n)
    # d_z = mean change / SD of the changes (Cohen 1988; Lakens 2013).
    d_z = mean / sd
    ncp_low, ncp_high = _noncentrality_interval(d_z * math.sqrt(n), df, confidence)
    j = hedges_correction(df)
    return PairedEffect(
        n=n,
        mean_change=mean,
        ci_low=mean - half_width,
        ci_high=mean + half_width,
        d_z=d_z,
        g_z=j * d_z,
        # The correction is a positive constant, so it carries the limits of d_z over to g_z.
        g_ci_low=j * ncp_low / math.sqrt(n),
        g_ci_high=j * ncp_high / math.sqrt(n),
        confidence=confidence,
    )
