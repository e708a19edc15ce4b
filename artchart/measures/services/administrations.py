"""Recording an administration: scored by the outcomes core before anything is stored, and a
risk flag raises an alert in the same transaction. A form refused for unanswered items is kept
as an incomplete administration, so a risk answer in it still reaches the clinicians."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from artchart import outcomes
from artchart.clients.models import Client
from artchart.core import audit
from artchart.core.access import require_client_access
from artchart.core.messages import UserMessage
from artchart.core.models import User
from artchart.core.permissions import Action, Area
from artchart.measures import instruments
from artchart.measures.audit_actions import MeasureAction
from artchart.measures.models import Administration, Mode, RiskAlert
from artchart.measures.services.alerts import raise_alert
from artchart.therapy.models import Session
from artchart.therapy.selectors.sessions import sessions_booking

logger = logging.getLogger(__name__)

IN_FUTURE = UserMessage("administration_in_future", "The date cannot be in the future.")
NO_DATE = UserMessage("no_date", "Give the date the measure was completed.")
SESSION_OF_ANOTHER_CLIENT = UserMessage(
    "administration_session_of_another_client", "Choose one of this client's sessions."
)
NOT_SENT = UserMessage("not_sent", "Answers saved as they were given; the form was not sent.")
INCOMPLETE_KEPT = UserMessage(
    "incomplete_kept",
    "{reason} The answers given are kept as an incomplete measure (not scored){alert}; answer the rest to score it.",
)
INCOMPLETE_ALERTED = ", and the risk answer among them raised an alert for the clinicians"
OUTSIDE_AGE_RANGE = UserMessage(
    "outside_age_range",
    "{name} is made for ages {ages}, and this client is {years} on {day:%b %-d, %Y}. Give a reason "
    "for using it anyway (it is kept with the measure), or choose a measure that fits.",
)
FIT_REASON_MAX = 500
EXTRA_UNKNOWN = UserMessage("extra_unknown", "Unknown question '{key}'.")
EXTRA_OPTION = UserMessage("extra_option", "'{value}' is not an answer to '{key}'.")


def clean_extra_answers(instrument: outcomes.Instrument, extra: dict[str, Any] | None) -> dict[str, int]:
    """Answers to the unscored questions (PHQ-9's difficulty question), checked against their options."""
    questions = {q.id: q for q in instrument.unscored_questions}
    clean: dict[str, int] = {}
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


def score_answers(
    instrument: outcomes.Instrument, answers: Sequence[int | None], *, sent: bool = True
) -> outcomes.Score | outcomes.Partial:
    """The score, or — for a form refused only for unanswered items, or answers saved before the form
    is sent (``sent=False``) — what was answered, kept as an incomplete administration. Any other
    refusal (an answer outside the options) is a ValidationError."""
    try:
        if not sent:
            return outcomes.answered(instrument, answers, reason=NOT_SENT)
        return outcomes.score(instrument, answers)
    except outcomes.ScoringError as exc:
        if exc.partial is not None:
            return exc.partial
        raise ValidationError({"answers": str(exc)}) from None


def fit_problem(*, client: Client, instrument: outcomes.Instrument, day: dt.date) -> str:
    """Blank where the client's age on ``day`` is within the instrument's range; else the warning to show."""
    years = client.age_on(day) if client.date_of_birth else None
    if instrument.fits_age(years):
        return ""
    return OUTSIDE_AGE_RANGE.format(name=instrument.short_name, ages=instrument.age_range, years=years, day=day)


def check_fit(*, client: Client, instrument: outcomes.Instrument, day: dt.date, reason: str = "") -> str:
    """The reason to store for using ``instrument`` with this client on ``day``: blank where it fits the
    client's age, the clinician's words where it does not. Outside the range with no reason it is refused
    (ValidationError on ``fit_reason``), before anything is written."""
    problem = fit_problem(client=client, instrument=instrument, day=day)
    if not problem:
        return ""
    reason = (reason or "").strip()[:FIT_REASON_MAX]
    if not reason:
        raise ValidationError({"fit_reason": problem})
    return reason


def _check_day(day: dt.date | None) -> dt.date:
    if day is None:
        raise ValidationError({"administered_on": NO_DATE})
    if day > timezone.localdate():
        raise ValidationError({"administered_on": IN_FUTURE})
    return day


def chosen_options(instrument: outcomes.Instrument, keyed: Sequence[int | None]) -> list[int | None]:
    """The option each person chose, from the keyed item scores: a reverse-keyed item scores
    lowest + highest − answer (outcomes.scoring), so the same formula turns it back."""
    chosen = []
    for item, value in zip(instrument.items, keyed, strict=True):
        values = [option.value for option in item.options]
        chosen.append(None if value is None else (min(values) + max(values) - value if item.reverse else value))
    return chosen


def _open_draft(
    *,
    client: Client,
    instrument: outcomes.Instrument,
    by: User | None,
    mode: str,
    session_id: int | None,
    administered_on: dt.date,
) -> Administration | None:
    """The incomplete administration this same form left (refused, or saved as it was filled in), locked."""
    return (
        Administration.objects.select_for_update()
        .filter(
            client=client,
            instrument=instrument.id,
            recorded_by=by,
            mode=mode,
            session_id=session_id,  # type: ignore[misc]  # None: the drafts entered without a session
            administered_on=administered_on,
            is_complete=False,
        )
        .order_by("-pk")
        .first()
    )


def store(
    *,
    client: Client,
    instrument: outcomes.Instrument,
    scored: outcomes.Score | outcomes.Partial,
    administered_on: dt.date,
    mode: str,
    by: User | None,
    session_id: int | None = None,
    respondent: str = "client",
    extra: dict[str, int] | None = None,
    draft: Administration | None = None,
    fit_reason: str = "",
) -> Administration:
    """Write an administration (inside the caller's transaction): scored, or incomplete with what was
    answered. ``draft``, an incomplete administration of the same form, is completed or updated instead
    of a second row being written.
    A risk answer raises the alert once, whether the form was scored or not."""
    score = scored if isinstance(scored, outcomes.Score) else None
    complete = score is not None
    values = {
        "instrument_version": instrument.version,
        "respondent": respondent,
        "administered_on": administered_on,
        "answers": chosen_options(instrument, scored.items),
        "extra_answers": extra or {},
        "total": score.total if score else None,
        "subscales": score.subscales if score else {},
        "band": (score.band or "") if score else "",
        "flags": list(scored.flags),
        "risk": scored.risk,
        "prorated": score.prorated if score else False,
        "is_complete": complete,
        "incomplete_reason": scored.reason[:300] if isinstance(scored, outcomes.Partial) else "",
        "fit_reason": fit_reason,
    }
    if draft is None:
        administration = Administration.objects.create(
            client=client, instrument=instrument.id, session_id=session_id, mode=mode, recorded_by=by, **values
        )
    else:
        administration = draft
        for name, value in values.items():
            setattr(administration, name, value)
        administration.save(update_fields=list(values))
    audit.record(
        actor=by,
        action=MeasureAction.MEASURE_RECORD if complete else MeasureAction.MEASURE_RECORD_INCOMPLETE,
        obj=administration,
        client_ids=[client.pk],
        flagged=scored.risk,
        detail={
            "instrument": instrument.id,
            "mode": mode,
            "session": session_id,
            "answered": administration.answered_count,
        },
    )
    if scored.risk and not RiskAlert.objects.filter(administration=administration).exists():
        raise_alert(administration)
    return administration


def administration_record(
    *,
    by: User,
    client: Client,
    instrument: str,
    answers: Sequence[int | None],
    administered_on: dt.date,
    session: Session | int | None = None,
    mode: str = Mode.ENTERED,
    respondent: str = "client",
    extra_answers: dict[str, Any] | None = None,
    sent: bool = True,
    fit_reason: str = "",
) -> Administration:
    """Record one measure (entered by the clinician, the tablet hand-off, or the API).

    A form with items left blank that the authors' rule does not allow is still kept, as an incomplete
    administration with what was answered (and the alert, on a risk answer); ``is_complete`` tells the
    caller, which shows ``incomplete_message`` and asks for the missing answers. Sending the form again
    from the same place completes that administration instead of writing a second one. ``sent=False``
    saves answers as they are given (the tablet's script), always incomplete. An instrument made for
    another age range needs ``fit_reason`` (see ``check_fit``), which is kept with the administration.
    """
    require_client_access(by, client.pk, Area.CLINICAL, Action.WRITE)
    found = instruments.get(instrument)
    _check_day(administered_on)
    fit_reason = check_fit(client=client, instrument=found, day=administered_on, reason=fit_reason)
    scored = score_answers(found, answers, sent=sent)
    extra = clean_extra_answers(found, extra_answers)
    session_id = session.pk if isinstance(session, Session) else session
    if session_id is not None and not sessions_booking(client.pk).filter(pk=session_id).exists():
        raise ValidationError({"session": SESSION_OF_ANOTHER_CLIENT})
    with transaction.atomic():
        draft = _open_draft(
            client=client, instrument=found, by=by, mode=mode, session_id=session_id, administered_on=administered_on
        )
        return store(
            client=client,
            instrument=found,
            scored=scored,
            administered_on=administered_on,
            mode=mode,
            by=by,
            session_id=session_id,
            respondent=respondent,
            extra=extra,
            draft=draft,
            fit_reason=fit_reason,
        )


def incomplete_message(administration: Administration) -> str:
    """What the person who sent a refused form is told: why, and that nothing was lost."""
    alert = INCOMPLETE_ALERTED if administration.risk else ""
    return INCOMPLETE_KEPT.format(reason=administration.incomplete_reason, alert=alert)
