"""The practice's instruments: the shipped files plus any in ARTCHART_INSTRUMENTS_DIR
(optional add-ons such as CORE-10, and score-only entries from the practice's own
licensed copies). Read once per process: they are files that ship with the code or
that the operator installs, not records, and a bad file stops start-up with the file
and field named."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError

from artchart import outcomes

UNKNOWN = "Unknown instrument '{key}'. Choose one of: {names}."


@lru_cache(maxsize=4)
def _load(extra_dirs: tuple[str, ...]) -> dict[str, outcomes.Instrument]:
    return outcomes.load_instruments(extra_dirs)


def available() -> dict[str, outcomes.Instrument]:
    """Every instrument by id, in name order."""
    loaded = _load(tuple(settings.MEASURES_INSTRUMENT_DIRS))
    return dict(sorted(loaded.items(), key=lambda item: item[1].short_name.lower()))


def get(key: str) -> outcomes.Instrument:
    """An instrument by id or short name ("phq9", "PHQ-9"); ValidationError naming the choices otherwise."""
    try:
        return outcomes.find_instrument(key, available())
    except outcomes.ScoringError:
        names = ", ".join(i.short_name for i in available().values())
        raise ValidationError({"instrument": UNKNOWN.format(key=key, names=names)}) from None


def choices() -> list[tuple[str, str]]:
    return [(i.id, f"{i.short_name} — {i.name}") for i in available().values()]
