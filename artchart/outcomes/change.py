"""Reliable change and clinically significant change for one client's scores."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

from artchart.outcomes.instrument_files import Instrument, Norm, Reliability
from artchart.outcomes.insufficient import Insufficient
from artchart.outcomes.scoring import ScoringError

# Two-sided 95 % criterion for a reliable change (Jacobson & Truax 1991, p. 14).
Z_RELIABLE = 1.96
METHODS = ("published", "jacobson_truax", "se")
CLASSIFICATIONS = ("recovered", "improved", "unchanged", "deteriorated")
NO_CLINICAL_NORMS = (
    "{name} has no published clinical norms in its file, so the computed reliable change is not "
    "worked out: the general-population spread would make far smaller changes look reliable. "
    "Use the published threshold, or give the pre-treatment SD of a clinical group."
)


class ClinicalNormsMissing(ScoringError):
    """The computed method is refused: no clinical SD to take as the pre-treatment spread."""


@dataclass(frozen=True)
class ChangeResult:
    rc: float | None
    reliable: bool
    direction: str  # "improved", "deteriorated" or "unchanged": the sign of the change, reliable or not
    cutoff: float | None
    cutoff_kind: str | None  # "c", "a", "b" or "published"
    crossed: bool  # moved from the clinical to the non-clinical side of the cut-off
    classification: str  # "recovered", "improved", "unchanged" or "deteriorated"
    rule: str
    smallest_reliable_change: float
    method: str


@dataclass(frozen=True)
class Course:
    first: float
    last: float
    n: int
    change: ChangeResult

    @property
    def classification(self) -> str:
        return self.change.classification


# --- the formulas ------------------------------------------------------------------------------------------


def standard_error(sd: float, reliability: float) -> float:
    """SE = s1 * sqrt(1 - r_xx), the standard error of measurement (Jacobson & Truax 1991, p. 14)."""
    return sd * math.sqrt(1 - reliability)


def difference_se(se: float) -> float:
    """S_diff = sqrt(2) * SE (Christensen & Mendoza 1986, adopted by Jacobson & Truax 1991, p. 14)."""
    return math.sqrt(2) * se


def cutoff_c(clinical: Norm, general: Norm) -> float:
    """c = (SD_clin * M_norm + SD_norm * M_clin) / (SD_clin + SD_norm) (Jacobson & Truax 1991, p. 13)."""
    return (clinical.sd * general.mean + general.sd * clinical.mean) / (clinical.sd + general.sd)


def cutoff_a(clinical: Norm, higher_is_worse: bool) -> float:
    """a: two SDs beyond the clinical mean, toward health (Jacobson & Truax 1991, p. 13)."""
    return clinical.mean - 2 * clinical.sd if higher_is_worse else clinical.mean + 2 * clinical.sd


def cutoff_b(general: Norm, higher_is_worse: bool) -> float:
    """b: two SDs beyond the general-population mean, toward illness (Jacobson & Truax 1991, p. 13)."""
    return general.mean + 2 * general.sd if higher_is_worse else general.mean - 2 * general.sd


# --- choosing what an instrument's file allows ---------------------------------------------------------------


def clinical_cutoff(instrument: Instrument) -> tuple[float | None, str | None, str]:
    """The Jacobson & Truax cut-off the file's norms allow (c, else a, else b), its kind and its words."""
    norms = instrument.norms
    if norms is None:
        return None, None, "no cut-off (the file gives no norms)"
    if norms.clinical and norms.general:
        value = cutoff_c(norms.clinical, norms.general)
        return value, "c", f"cut-off c = {value:.2f}"
    if norms.clinical:
        value = cutoff_a(norms.clinical, instrument.higher_is_worse)
        return value, "a", f"cut-off a = {value:.2f} (no general-population norms)"
    if norms.general is None:
        raise ScoringError(f"{instrument.short_name} gives neither clinical nor general-population norms.")
    value = cutoff_b(norms.general, instrument.higher_is_worse)
    return value, "b", f"cut-off b = {value:.2f} (no clinical norms)"


def _pre_sd(instrument: Instrument, sd_pre: float | None) -> tuple[float, str]:
    # Jacobson & Truax (1991, p. 14): s1 is the SD of the pre-treatment group, a control
    # group or the normal population — in that order of preference here.
    if sd_pre is not None:
        if sd_pre <= 0:
            raise ScoringError("The pre-treatment SD must be above 0.")
        return sd_pre, f"SD {sd_pre:g} (given)"
    # The general-population SD is not taken in their place: it is far narrower than a clinical
    # group's (PHQ-9: 3.5), and would call a change of 3 points reliable where the published figure is 6.
    norms = instrument.norms
    if norms and norms.clinical:
        return norms.clinical.sd, f"SD {norms.clinical.sd:g} (clinical norm)"
    raise ClinicalNormsMissing(NO_CLINICAL_NORMS.format(name=instrument.short_name))


def _reliability(instrument: Instrument) -> Reliability:
    if instrument.reliability is None:
        raise ScoringError(f"{instrument.short_name} has no reliability in its file; reliable change needs one.")
    return instrument.reliability


def _checked_score(instrument: Instrument, value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or math.isnan(value):
        raise ScoringError(f"The {what} score {value!r} is not a number.")
    score = float(value)
    if not instrument.score_min <= score <= instrument.score_max:
        raise ScoringError(
            f"A {instrument.short_name} score of {score:g} is outside "
            f"{instrument.score_min:g}–{instrument.score_max:g}."
        )
    return score


# --- the verdict -----------------------------------------------------------------------------------------------


def _improvement(instrument: Instrument, pre: float, post: float) -> float:
    """Change toward health: positive when the client is better."""
    return pre - post if instrument.higher_is_worse else post - pre


def _is_clinical(instrument: Instrument, value: float, cutoff: float) -> bool:
    # A score at the cut-off counts as clinical: caseness is "score >= threshold" (e.g. PHQ-9 >= 10).
    return value >= cutoff if instrument.higher_is_worse else value <= cutoff


def _classify(reliable: bool, improvement: float, crossed: bool) -> str:
    # Jacobson & Truax (1991, p. 16): recovered = reliable improvement that also passes the cut-off.
    if reliable and improvement > 0:
        return "recovered" if crossed else "improved"
    if reliable and improvement < 0:
        return "deteriorated"
    return "unchanged"


def _direction(improvement: float) -> str:
    if improvement > 0:
        return "improved"
    return "deteriorated" if improvement < 0 else "unchanged"


def _jt_rc(instrument: Instrument, pre: float, post: float, sd_pre: float | None) -> float | None:
    try:
        sd, _ = _pre_sd(instrument, sd_pre)
        return (post - pre) / difference_se(standard_error(sd, _reliability(instrument).value))
    except ScoringError:
        return None


def _published(instrument: Instrument, pre: float, post: float, sd_pre: float | None) -> ChangeResult:
    published = instrument.published_change
    if published is None:
        raise ScoringError(
            f"{instrument.short_name} has no published reliable-change threshold; use the Jacobson & Truax method."
        )
    improvement = _improvement(instrument, pre, post)
    # Published thresholds are "a change of N or more" (e.g. PHQ-9: 6; NHS Talking Therapies data handbook).
    reliable = abs(post - pre) >= published.reliable_improvement
    crossed = _is_clinical(instrument, pre, published.caseness) and not _is_clinical(
        instrument, post, published.caseness
    )
    worse = "drop" if instrument.higher_is_worse else "rise"
    rule = (
        f"{instrument.short_name} published threshold: a {worse} of {published.reliable_improvement:g} "
        f"or more; caseness {published.caseness:g} ({published.source.rstrip('.')})"
    )
    return ChangeResult(
        rc=_jt_rc(instrument, pre, post, sd_pre),
        reliable=reliable,
        direction=_direction(improvement),
        cutoff=published.caseness,
        cutoff_kind="published",
        crossed=crossed,
        classification=_classify(reliable, improvement, crossed),
        rule=rule,
        smallest_reliable_change=published.reliable_improvement,
        method="published",
    )


def _computed(instrument: Instrument, pre: float, post: float, method: str, sd_pre: float | None) -> ChangeResult:
    sd, sd_text = _pre_sd(instrument, sd_pre)
    reliability = _reliability(instrument)
    se = standard_error(sd, reliability.value)
    if method == "jacobson_truax":
        denominator = difference_se(se)
        name = "Jacobson & Truax (1991) with the √2 of Christensen & Mendoza (1986)"
    else:
        # The standard-error method of Jacobson, Follette & Revenstorf (1984): no √2, so it
        # calls more changes reliable than the corrected index does.
        denominator = se
        name = "standard-error method (Jacobson, Follette & Revenstorf 1984)"
    rc = (post - pre) / denominator
    reliable = abs(rc) > Z_RELIABLE
    improvement = _improvement(instrument, pre, post)
    cutoff, kind, cutoff_text = clinical_cutoff(instrument)
    crossed = (
        cutoff is not None and _is_clinical(instrument, pre, cutoff) and not _is_clinical(instrument, post, cutoff)
    )
    smallest = Z_RELIABLE * denominator
    rule = (
        f"{instrument.short_name} {name}: reliable when |RC| > {Z_RELIABLE}, a change of {smallest:.2f} "
        f"or more; {sd_text}, {reliability.kind} {reliability.value:g}; {cutoff_text}"
    )
    return ChangeResult(
        rc=rc,
        reliable=reliable,
        direction=_direction(improvement),
        cutoff=cutoff,
        cutoff_kind=kind,
        crossed=crossed,
        classification=_classify(reliable, improvement, crossed),
        rule=rule,
        smallest_reliable_change=smallest,
        method=method,
    )


def default_method(instrument: Instrument) -> str:
    """The published threshold where the instrument has one, else Jacobson & Truax with the √2."""
    return "published" if instrument.published_change else "jacobson_truax"


def reliable_change(
    instrument: Instrument, pre: float, post: float, *, method: str | None = None, sd_pre: float | None = None
) -> ChangeResult:
    """Is the change from ``pre`` to ``post`` reliable, and did it cross the cut-off? The result names its rule."""
    method = method or default_method(instrument)
    if method not in METHODS:
        raise ScoringError(f"Unknown reliable-change method '{method}'; use one of {', '.join(METHODS)}.")
    pre = _checked_score(instrument, pre, "first")
    post = _checked_score(instrument, post, "last")
    if method == "published":
        return _published(instrument, pre, post, sd_pre)
    return _computed(instrument, pre, post, method, sd_pre)


def classify_course(
    instrument: Instrument, scores: Sequence[float | None], *, method: str | None = None, sd_pre: float | None = None
) -> Course | Insufficient:
    """Classify a client's course from the first to the last score (unscored entries skipped). Where the
    method is refused for want of clinical norms, the answer is ``Insufficient`` with the reason."""
    present = [value for value in scores if value is not None]
    if len(present) < 2:
        return Insufficient(reason="needs at least 2 scores", n=len(present))
    try:
        change = reliable_change(instrument, present[0], present[-1], method=method, sd_pre=sd_pre)
    except ClinicalNormsMissing as refused:
        return Insufficient(reason=str(refused), n=len(present))
    return Course(first=float(present[0]), last=float(present[-1]), n=len(present), change=change)
