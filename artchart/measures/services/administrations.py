"""Recording an administration: scored by the outcomes core before anything is stored,
and a risk flag raises an alert in the same transaction."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from artchart import outcomes
from artchart.clients.models import Client
from artchart.core import audit
from artchart.core.access import require_client_access
from artchart.core.models import User
from artchart.core.permissions import Action, Area
from artchart.measures import instruments
from artchart.measures.models import Administration, Mode
from artchart.therapy.selectors.sessions import sessions_booking

logger = logging.getLogger(__name__)

IN_FUTURE = "The date cannot be in the future."
NO_DATE = "Give the date the measure was completed."
SESSION_OF_ANOTHER_CLIENT = "Choose one of this client's sessions."
EXTRA_UNKNOWN = "Unknown question '{key}'."
EXTRA_OPTION = "'{value}' is not an answer to '{key}'."


def clean_extra_answers(instrument: outcomes.Instrument, extra: dict | None) -> dict:
    """Answers to the unscored questions (PHQ-9's difficulty question), checked against their options."""
    questions = {q.id: q for q in instrument.unscored_questions}
    clean = {}
    for key, value in (extra or {}).items():
        if value in (None, ""):
            continue
        if key not in questions:
            raise ValidationError({"extra_answers": EXTRA_UNKNOWN.format(key=key)})
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationError({"extra_answers": EXTRA_OPTION.format(key=key, value=value)}) from None
        if number not in {o.value for o in questions[key].options}:
            raise ValidationError({"extra_answers": EXTRA_OPTION.format(key=key, value=value)})
        clean[key] = number
    return clean


def score_answers(instrument: outcomes.Instrument, answers) -> outcomes.Score:
    try:
        return outcomes.score(instrument, answers)
    except outcomes.ScoringError as exc:
        raise ValidationError({"answers": str(exc)}) from None


def _check_day(day) -> dt.date:
    if day is None:
        raise ValidationError({"administered_on": NO_DATE})
    if day > timezone.localdate():
        raise ValidationError({"administered_on": IN_FUTURE})
    return day


def chosen_options(instrument: outcomes.Instrument, keyed) -> list[int | None]:
    """The option each person chose, from the keyed item scores: a reverse-keyed item scores
    lowest + highest − answer (outcomes.scoring), so the same formula turns it back."""
    chosen = []
    for item, value in zip(instrument.items, keyed):
        values = [option.value for option in item.options]
        chosen.append(None if value is None else (min(values) + max(values) - value if item.reverse else value))
    return chosen


def store(*, client: Client, instrument: outcomes.Instrument, scored: outcomes.Score, administered_on: dt.date,
          mode: str, by: User | None, session_id: int | None = None, respondent: str = "client", extra: dict | None = None,
          ) -> Administration:
    """Write a scored administration and, on a risk flag, its alert (inside the caller's transaction)."""
    administration = Administration.objects.create(
        client=client, instrument=instrument.id, instrument_version=instrument.version,
        administered_on=administered_on, session_id=session_id, mode=mode, respondent=respondent,
        answers=chosen_options(instrument, scored.items), extra_answers=extra or {}, total=scored.total,
        subscales=scored.subscales,
        band=scored.band or "", flags=list(scored.flags), risk=scored.risk, prorated=scored.prorated, recorded_by=by,
    )
    audit.record(actor=by, action="measure.record", obj=administration, client_ids=[client.pk],
                 detail={"instrument": instrument.id, "mode": mode, "session": session_id})
    if scored.risk:
        from artchart.measures.services.alerts import raise_alert

        raise_alert(administration)
    return administration


def administration_record(*, by: User, client: Client, instrument: str, answers, administered_on: dt.date,
                          session=None, mode: str = Mode.ENTERED, respondent: str = "client",
                          extra_answers: dict | None = None) -> Administration:
    """Record one completed measure (entered by the clinician, the tablet hand-off, or the API)."""
    require_client_access(by, client.pk, Area.CLINICAL, Action.WRITE)
    found = instruments.get(instrument)
    _check_day(administered_on)
    scored = score_answers(found, answers)
    extra = clean_extra_answers(found, extra_answers)
    session_id = getattr(session, "pk", session)
    if session_id is not None and not sessions_booking(client.pk).filter(pk=session_id).exists():
        raise ValidationError({"session": SESSION_OF_ANOTHER_CLIENT})
    with transaction.atomic():
        return store(client=client, instrument=found, scored=scored, administered_on=administered_on, mode=mode,
                     by=by, session_id=session_id, respondent=respondent, extra=extra)

