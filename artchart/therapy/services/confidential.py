"""Writes to the confidential records: process notes, mandated reports and incidents.

Each is one transaction with one audit event holding ids, codes and field
names, never the text (a process note's words must not reach the audit log,
its exports or the syslog collector).

* **Process notes** (psychotherapy notes, HIPAA 45 CFR 164.501) are the
  author's working notes: only the author writes, changes or deletes them.
  Deleting is allowed because they are not part of the designated record set
  and a clinician may destroy their own working notes; the audit keeps that a
  note with this id existed and was deleted, by whom and when.
* **Mandated reports and incidents** are restricted records, flagged in the
  audit. A mistake (a wrong reference number, date or agency) is corrected in
  place by someone who may write them, each correction its own flagged event
  naming the fields changed — as team conferences are corrected. They are logs
  of what was reported or happened, not signed documents; the legal report is
  the one the agency holds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from artchart.clients.models import Client
from artchart.core import audit
from artchart.core.access import require_client_access
from artchart.core.changes import UNSET, apply_changes, save_changes
from artchart.core.messages import UserMessage
from artchart.core.models import User
from artchart.core.permissions import Action, Area
from artchart.therapy.audit_actions import TherapyAction
from artchart.therapy.models import Incident, MandatedReport, ProcessNote, Session
from artchart.therapy.selectors.sessions import sessions_booking

ONLY_THE_AUTHOR = UserMessage("only_the_author", "Only the author of a process note may change or delete it.")
NOTE_EMPTY = UserMessage("note_empty", "Write something before saving the process note.")
SESSION_OF_ANOTHER_CLIENT = UserMessage("session_of_another_client", "Choose a session of this client, or none.")
REPORTED_IN_FUTURE = UserMessage(
    "reported_in_future", "The report cannot be dated in the future: give the day it was made."
)
AGENCY_REQUIRED = UserMessage("agency_required", "Name the agency the report was made to.")
REPORTER_UNKNOWN = UserMessage("reporter_unknown", "Choose who made the report: a user of your organization.")
WHAT_REPORTED_REQUIRED = UserMessage("what_reported_required", "Say what was reported.")
OCCURRED_IN_FUTURE = UserMessage(
    "occurred_in_future", "An incident cannot be recorded before it happens: check the date and time."
)
DESCRIPTION_REQUIRED = UserMessage("description_required", "Describe what happened.")


def _session_error(client_id: int, session_id: int | None) -> dict[str, str]:
    """A session, if named, is one of this client's: theirs alone, or a group session they were marked at."""
    if session_id is None or sessions_booking(client_id).filter(pk=session_id).exists():
        return {}
    return {"session": SESSION_OF_ANOTHER_CLIENT}


def _id(value: models.Model | int | None) -> int | None:
    return value.pk if isinstance(value, models.Model) else value


# --- process notes -------------------------------------------------------------------------------


def _record_note(by: User, action: TherapyAction, note: ProcessNote) -> None:
    audit.record(actor=by, action=action, obj=note, client_ids=[note.client_id], detail={"session": note.session_id})


def _check_note(note: ProcessNote) -> None:
    errors = _session_error(note.client_id, note.session_id)
    if not (note.text or "").strip():
        errors["text"] = NOTE_EMPTY
    if errors:
        raise ValidationError(errors)
    note.full_clean()


def _require_author(by: User, note: ProcessNote) -> None:
    require_client_access(by, note.client_id, Area.PROCESS_NOTES, Action.WRITE)
    if note.author_id != by.pk:
        raise PermissionDenied(ONLY_THE_AUTHOR)


@transaction.atomic
def process_note_create(*, by: User, client: Client, text: str, session: Session | int | None = None) -> ProcessNote:
    require_client_access(by, client.pk, Area.PROCESS_NOTES, Action.WRITE)
    note = ProcessNote(client=client, author=by, session_id=_id(session), text=text)
    _check_note(note)
    note.save()
    _record_note(by, TherapyAction.PROCESS_NOTE_CREATE, note)
    return note


@transaction.atomic
def process_note_update(*, by: User, note: ProcessNote, text: str, session: Session | int | None = None) -> ProcessNote:
    _require_author(by, note)
    note.text, note.session_id = text, _id(session)
    _check_note(note)
    note.updated_at = timezone.now()
    note.save()
    _record_note(by, TherapyAction.PROCESS_NOTE_UPDATE, note)
    return note


@transaction.atomic
def process_note_delete(*, by: User, note: ProcessNote) -> None:
    _require_author(by, note)
    _record_note(by, TherapyAction.PROCESS_NOTE_DELETE, note)
    note.delete()


# --- mandated reports ----------------------------------------------------------------------------


def _record_restricted(by: User, action: TherapyAction, obj: MandatedReport | Incident, **detail: Any) -> None:
    audit.record(actor=by, action=action, obj=obj, client_ids=[obj.client_id], detail=detail, flagged=True)


def _check_report(report: MandatedReport, organization_id: int) -> None:
    """Every rule at once, before anything is written."""
    errors = _session_error(report.client_id, report.session_id)
    if isinstance(report.reported_on, dt.date) and report.reported_on > timezone.localdate():
        errors["reported_on"] = REPORTED_IN_FUTURE
    if not (report.agency or "").strip():
        errors["agency"] = AGENCY_REQUIRED
    if not (report.what_was_reported or "").strip():
        errors["what_was_reported"] = WHAT_REPORTED_REQUIRED
    if not (
        report.reported_by_id
        and User.objects.filter(pk=report.reported_by_id, organization_id=organization_id).exists()
    ):
        errors["reported_by"] = REPORTER_UNKNOWN
    if errors:
        raise ValidationError(errors)
    report.full_clean()


@transaction.atomic
def mandated_report_record(
    *,
    by: User,
    client: Client,
    kind: str,
    reported_on: dt.date,
    agency: str,
    what_was_reported: str,
    reported_by: User | int | None,
    reference_number: str = "",
    session: Session | int | None = None,
) -> MandatedReport:
    require_client_access(by, client.pk, Area.INCIDENTS, Action.WRITE)
    report = MandatedReport(
        client=client,
        kind=kind,
        reported_on=reported_on,
        agency=agency,
        reference_number=reference_number,
        what_was_reported=what_was_reported,
        reported_by_id=_id(reported_by),  # type: ignore[misc]  # None: _check_report refuses it
        session_id=_id(session),
        recorded_by=by,
    )
    _check_report(report, client.organization_id)
    report.save()
    _record_restricted(by, TherapyAction.MANDATED_REPORT_RECORD, report, kind=report.kind, session=report.session_id)
    return report


@transaction.atomic
def mandated_report_correct(
    *,
    by: User,
    report: MandatedReport,
    kind: str = UNSET,
    reported_on: dt.date = UNSET,
    agency: str = UNSET,
    reference_number: str = UNSET,
    what_was_reported: str = UNSET,
    reported_by: User | int = UNSET,
    session: Session | int | None = UNSET,
) -> MandatedReport:
    """Correct the fields given; the event names them (never their text). Nothing changed: nothing saved."""
    require_client_access(by, report.client_id, Area.INCIDENTS, Action.WRITE)
    report = MandatedReport.objects.select_for_update().get(pk=report.pk)
    changed = apply_changes(
        report,
        {
            "kind": kind,
            "reported_on": reported_on,
            "agency": agency,
            "reference_number": reference_number,
            "what_was_reported": what_was_reported,
            "reported_by": reported_by,
            "session": session,
        },
    )
    if not changed:
        return report
    _check_report(report, report.client.organization_id)
    save_changes(report, changed)
    _record_restricted(by, TherapyAction.MANDATED_REPORT_CORRECT, report, fields=changed)
    return report


# --- incidents -------------------------------------------------------------------------------------


def _check_incident(incident: Incident) -> None:
    errors = _session_error(incident.client_id, incident.session_id)
    if isinstance(incident.occurred_at, dt.datetime) and timezone.is_naive(incident.occurred_at):
        incident.occurred_at = timezone.make_aware(incident.occurred_at)  # a wall-clock time, in TIME_ZONE
    if isinstance(incident.occurred_at, dt.datetime) and incident.occurred_at > timezone.now():
        errors["occurred_at"] = OCCURRED_IN_FUTURE
    if not (incident.description or "").strip():
        errors["description"] = DESCRIPTION_REQUIRED
    if errors:
        raise ValidationError(errors)
    incident.full_clean()


@transaction.atomic
def incident_record(
    *,
    by: User,
    client: Client,
    kind: str,
    occurred_at: dt.datetime,
    description: str,
    action_taken: str = "",
    session: Session | int | None = None,
) -> Incident:
    require_client_access(by, client.pk, Area.INCIDENTS, Action.WRITE)
    incident = Incident(
        client=client,
        kind=kind,
        occurred_at=occurred_at,
        description=description,
        action_taken=action_taken,
        session_id=_id(session),
        recorded_by=by,
    )
    _check_incident(incident)
    incident.save()
    _record_restricted(by, TherapyAction.INCIDENT_RECORD, incident, kind=incident.kind, session=incident.session_id)
    return incident


@transaction.atomic
def incident_correct(
    *,
    by: User,
    incident: Incident,
    kind: str = UNSET,
    occurred_at: dt.datetime = UNSET,
    description: str = UNSET,
    action_taken: str = UNSET,
    session: Session | int | None = UNSET,
) -> Incident:
    """Correct the fields given; the event names them (never their text). Nothing changed: nothing saved."""
    require_client_access(by, incident.client_id, Area.INCIDENTS, Action.WRITE)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    changed = apply_changes(
        incident,
        {
            "kind": kind,
            "occurred_at": occurred_at,
            "description": description,
            "action_taken": action_taken,
            "session": session,
        },
    )
    if not changed:
        return incident
    _check_incident(incident)
    save_changes(incident, changed)
    _record_restricted(by, TherapyAction.INCIDENT_CORRECT, incident, fields=changed)
    return incident
