"""Writes to a session's service lines (CPT code, units, modifiers). Each is one transaction with one
audit event (ids only); the rules are ``artchart/therapy/billing_rules.py``, asked of the lines the
session would have afterwards, so a refusal writes nothing.

Who may change them is who may change the session (``require_session_write``); like the session's
other details they may change after its note is signed (the signature covers the note, not the
session's billing), and not on a cancelled or no-show session.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from artchart.core import audit
from artchart.core.access import Conflict
from artchart.core.models import User
from artchart.therapy import billing_rules
from artchart.therapy.audit_actions import TherapyAction
from artchart.therapy.models import ServiceLine, Session, SessionStatus
from artchart.therapy.services.sessions import (
    CANNOT_CHANGE,
    _client_ids,
    _record,
    billing_facts,
    billing_refusal,
    line_of,
    require_session_write,
)


def _locked_for_change(by: User, session: Session) -> Session:
    require_session_write(by, session)
    session = Session.objects.select_for_update(of=("self",)).select_related("client", "group").get(pk=session.pk)
    if session.status in (SessionStatus.CANCELLED, SessionStatus.NO_SHOW):
        raise Conflict(CANNOT_CHANGE.format(status=session.get_status_display().lower()))
    return session


def _refuse_unless_kept(session: Session, lines: list[billing_rules.Line]) -> None:
    found = billing_rules.problems(billing_facts(session), lines)
    if found:
        raise ValidationError({"code": billing_refusal(found)})


@transaction.atomic
def service_line_add(*, by: User, session: Session, code: str, units: int = 1, modifiers: str = "") -> ServiceLine:
    """Add one service line; refused, with every reason, when the session's lines would then break a rule."""
    session = _locked_for_change(by, session)
    line = billing_rules.Line((code or "").strip(), units, billing_rules.parse_modifiers(modifiers))
    _refuse_unless_kept(session, [*(line_of(row) for row in session.service_lines.all()), line])
    row = ServiceLine(
        session=session, code=line.code, units=line.units, modifiers=" ".join(line.modifiers), created_by=by
    )
    row.full_clean()
    row.save()
    _record(by, TherapyAction.SERVICE_LINE_ADD, session, _client_ids(session), session=session.pk, line=row.pk)
    return row


@transaction.atomic
def service_line_remove(*, by: User, line: ServiceLine) -> None:
    """Remove one line; refused when what stays would break a rule (90840 without 90839, 90785 alone)."""
    session = _locked_for_change(by, line.session)
    rows = list(session.service_lines.all())
    if line.pk not in {row.pk for row in rows}:
        raise Http404
    _refuse_unless_kept(session, [line_of(row) for row in rows if row.pk != line.pk])
    line_id = line.pk
    ServiceLine.objects.filter(pk=line_id).delete()
    _record(by, TherapyAction.SERVICE_LINE_REMOVE, session, _client_ids(session), session=session.pk, line=line_id)


@transaction.atomic
def ledger_export_record(
    *, by: User, date_from: dt.date, date_to: dt.date, client_ids: Iterable[int], rows: int
) -> None:
    """Record that ``by`` exported the service ledger of a period naming these clients (before the file goes)."""
    audit.record(
        actor=by,
        action=TherapyAction.LEDGER_EXPORT,
        obj=by.organization,
        client_ids=sorted(set(client_ids)),
        detail={"from": date_from.isoformat(), "to": date_to.isoformat(), "rows": rows},
    )
