"""Scoring one administration from an instrument definition."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import SupportsInt, cast

from artchart.outcomes.instrument_files import ALERT_SEVERITIES, Flag, Instrument, Item, load_instruments

WRONG_COUNT = "{name} has {expected} items; {given} answers were given."
NOT_A_NUMBER = "Answer {answer!r} to item {number} is not a number."
NOT_WHOLE = "Answer {answer!r} to item {number} is not a whole number."
OUT_OF_RANGE = "Answer {answer} to item {number} is outside {low}–{high}."
NOT_AN_OPTION = "Answer {answer} to item {number} is not one of {values}."
TOO_MANY_MISSING = "{name} cannot be scored with {missing} of its {expected} items unanswered. {rule}"
UNKNOWN_INSTRUMENT = "Unknown instrument '{key}'."


@dataclass(frozen=True)
class Partial:
    """What was answered of a form refused for unanswered items: enough to keep it as an incomplete
    administration and to raise its alert, never a total. ``items`` are keyed as in :class:`Score`."""

    items: tuple[int | None, ...]
    flags: list[str]
    risk: bool
    reason: str


class ScoringError(ValueError):
    """Answers or a request that cannot be scored; the message is written for the person who entered them.

    When answers are refused only for unanswered items, ``partial`` holds what was answered, with the
    risk flags those answers raise, so a refused PHQ-9 with item 9 above 0 still raises its alert.
    """

    def __init__(self, message: str, *, partial: Partial | None = None):
        super().__init__(message)
        self.partial = partial

    @property
    def flags(self) -> list[str]:
        return self.partial.flags if self.partial else []

    @property
    def risk(self) -> bool:
        return bool(self.partial and self.partial.risk)


@dataclass(frozen=True)
class Score:
    total: float
    subscales: dict[str, float | None] = field(default_factory=dict)
    band: str | None = None
    flags: list[str] = field(default_factory=list)
    risk: bool = False
    items: tuple[int | None, ...] = ()
    prorated: bool = False


def find_instrument(key: str, instruments: dict[str, Instrument] | None = None) -> Instrument:
    """Look an instrument up by id or short name ("phq9", "PHQ-9"), case-insensitively."""
    if instruments is None:
        instruments = load_instruments()
    wanted = str(key).strip().lower()
    for instrument in instruments.values():
        if wanted in (instrument.id.lower(), instrument.short_name.lower()):
            return instrument
    raise ScoringError(UNKNOWN_INSTRUMENT.format(key=key))


def _checked_answer(item: Item, answer: object) -> int | None:
    if answer is None:
        return None
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        raise ScoringError(NOT_A_NUMBER.format(answer=answer, number=item.number))
    if not isinstance(answer, numbers.Integral) and not float(answer).is_integer():
        raise ScoringError(NOT_WHOLE.format(answer=answer, number=item.number))
    # The stub of numbers.Real promises no __int__, but every Real that reaches here
    # (int, float, Fraction, numpy scalars) defines one.
    whole = int(cast(SupportsInt, answer))
    if whole not in item.values:
        if not item.lowest <= whole <= item.highest:
            raise ScoringError(
                OUT_OF_RANGE.format(answer=whole, number=item.number, low=item.lowest, high=item.highest)
            )
        values = ", ".join(str(v) for v in sorted(item.values))
        raise ScoringError(NOT_AN_OPTION.format(answer=whole, number=item.number, values=values))
    return whole


def _keyed(item: Item, answer: int | None) -> int | None:
    if answer is None or not item.reverse:
        return answer
    # Reverse keying mirrors the answer within the item's own range (Rosenberg 1965; Barkham et al. 2013).
    return item.lowest + item.highest - answer


def _total(
    instrument: Instrument, keyed: tuple[int | None, ...], *, flags: list[str], risk: bool
) -> tuple[float, bool]:
    answered = [value for value in keyed if value is not None]
    missing = len(keyed) - len(answered)
    if missing == 0:
        return sum(answered), False
    rule = instrument.missing
    if rule.method == "refuse" or missing > rule.max_missing:
        message = TOO_MANY_MISSING.format(
            name=instrument.short_name, missing=missing, expected=len(keyed), rule=rule.rule
        )
        raise ScoringError(message, partial=Partial(items=keyed, flags=flags, risk=risk, reason=message))
    # Prorating: the mean of the answered items times the number of items, as the authors'
    # rule in the file allows (e.g. CORE-10: one item missing, Barkham et al. 2013).
    return sum(answered) * len(keyed) / len(answered), True


def _band(instrument: Instrument, total: float) -> str | None:
    # A band runs from its min up to the next band's min, so a prorated 14.4 on
    # integer bands 10–14 / 15–19 still falls in the band it has reached.
    label = None
    for band in instrument.bands:
        if total >= band.min:
            label = band.label
    return label


def _subscales(instrument: Instrument, keyed: tuple[int | None, ...]) -> dict[str, float | None]:
    scores: dict[str, float | None] = {}
    for subscale in instrument.subscales:
        given = [value for number in subscale.items if (value := keyed[number - 1]) is not None]
        # A subscale with an unanswered item is not scored: no author's rule covers a part-scale.
        scores[subscale.id] = sum(given) if len(given) == len(subscale.items) else None
    return scores


def _raised_flags(instrument: Instrument, keyed: tuple[int | None, ...]) -> list[Flag]:
    return [flag for flag in instrument.flags if (value := keyed[flag.item - 1]) is not None and value > flag.above]


def _checked(instrument: Instrument, answers: Sequence[int | None]) -> tuple[int | None, ...]:
    """The answers checked against the options and keyed, one per item (None where unanswered)."""
    if isinstance(answers, (str, bytes)) or not isinstance(answers, Sequence):
        raise ScoringError(f"The answers to {instrument.short_name} must be a list of numbers.")
    if len(answers) != len(instrument.items):
        raise ScoringError(
            WRONG_COUNT.format(name=instrument.short_name, expected=len(instrument.items), given=len(answers))
        )
    raw = [_checked_answer(item, answer) for item, answer in zip(instrument.items, answers, strict=True)]
    return tuple(_keyed(item, answer) for item, answer in zip(instrument.items, raw, strict=True))


def alert_severity(instrument: Instrument, labels: Sequence[str]) -> str | None:
    """How urgent an alert on these raised flag labels is: the most urgent severity among its risk flags
    ("high" before "moderate"), or None where none of them is a risk flag."""
    raised = {flag.severity for flag in instrument.flags if flag.risk and flag.label in labels}
    for severity in ALERT_SEVERITIES:
        if severity in raised:
            return severity
    return None


def answered(instrument: Instrument, answers: Sequence[int | None], *, reason: str) -> Partial:
    """What has been answered so far, with the risk flags it raises, and no total: for a form still
    being filled in (a link page saves each answer as it is given)."""
    keyed = _checked(instrument, answers)
    raised = _raised_flags(instrument, keyed)
    return Partial(
        items=keyed, flags=[flag.label for flag in raised], risk=any(flag.risk for flag in raised), reason=reason
    )


def score(instrument: Instrument | str, answers: Sequence[int | None]) -> Score:
    """Score one administration. ``answers`` holds one option value (or None) per scored item, in order."""
    if isinstance(instrument, str):
        instrument = find_instrument(instrument)
    keyed = _checked(instrument, answers)
    raised = _raised_flags(instrument, keyed)
    flags = [flag.label for flag in raised]
    risk = any(flag.risk for flag in raised)
    total, prorated = _total(instrument, keyed, flags=flags, risk=risk)
    return Score(
        total=total,
        subscales=_subscales(instrument, keyed),
        band=_band(instrument, total),
        flags=flags,
        risk=risk,
        items=keyed,
        prorated=prorated,
    )
