"""URL access cases for the therapy app's confidential pages and API (gathered by artchart/tests/test_url_access.py).

Process notes: the list and the new-note form follow the PROCESS_NOTES row of
the access table; a note's own pages follow :class:`ProcessNoteAuthor` (the
shared note is the intern's, so the intern sees it, the supervisor reads it,
the primary therapist gets 404). There is no process-note API. Mandated
reports and incidents follow the INCIDENTS row; the organization's list is
for admins.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from artchart.core.models import Role
from artchart.core.permissions import Action, Area
from artchart.tests.access_rules import NONE, Case, Chart, ProcessNoteAuthor, Roles, a, c

NOTES_READ, NOTES_WRITE = Chart(Area.PROCESS_NOTES, Action.READ), Chart(Area.PROCESS_NOTES, Action.WRITE)
INC_READ, INC_WRITE = Chart(Area.INCIDENTS, Action.READ), Chart(Area.INCIDENTS, Action.WRITE)


def _note(o):
    return {**c(o), "note_id": o["process_note"].pk}


def _report(o):
    return {**c(o), "report_id": o["mandated_report"].pk}


def _incident(o):
    return {**c(o), "incident_id": o["incident"].pk}


def _report_body(o):
    return {
        "kind": "child_abuse",
        "reported_on": "2026-01-10",
        "agency": "County Child Protective Services",
        "reference_number": "CPS-1",
        "what_was_reported": "Disclosure in session.",
        "reported_by": o["therapist"].pk,
    }


def _incident_body(o):
    return {
        "kind": "materials",
        "occurred_at": "2026-01-10T10:30:00-05:00",
        "description": "A craft knife went missing.",
    }


RULES: dict[str, Case] = {
    "therapy:process_note_list": Case(NOTES_READ, kwargs=c),
    "therapy:process_note_create": Case(NOTES_WRITE, kwargs=c),
    "therapy:process_note_detail": Case(ProcessNoteAuthor(), kwargs=_note),
    "therapy:process_note_edit": Case(ProcessNoteAuthor(change=True), kwargs=_note),
    "therapy:process_note_delete": Case(ProcessNoteAuthor(change=True), kwargs=_note),
    "therapy:incident_list": Case(INC_READ, kwargs=c),
    "therapy:incident_create": Case(INC_WRITE, kwargs=c),
    "therapy:incident_detail": Case(INC_READ, kwargs=_incident),
    "therapy:incident_edit": Case(INC_WRITE, kwargs=_incident),
    "therapy:mandated_report_create": Case(INC_WRITE, kwargs=c),
    "therapy:mandated_report_detail": Case(INC_READ, kwargs=_report),
    "therapy:mandated_report_edit": Case(INC_WRITE, kwargs=_report),
    "therapy:incident_admin": Case(Roles((Role.ADMIN,)), kwargs=NONE),
    "api:mandated_reports_list": a(INC_READ),
    "api:mandated_reports_create": a(INC_WRITE, "post", data=_report_body),
    "api:mandated_report_detail": a(INC_READ, kwargs=_report),
    "api:mandated_report_correct": a(INC_WRITE, "patch", kwargs=_report, data=lambda o: {"reference_number": "CPS-2"}),
    "api:incidents_list": a(INC_READ),
    "api:incidents_create": a(INC_WRITE, "post", data=_incident_body),
    "api:incident_detail": a(INC_READ, kwargs=_incident),
    "api:incident_correct": a(INC_WRITE, "patch", kwargs=_incident, data=lambda o: {"action_taken": "Found; counted."}),
}

# Every API operation of this area as (operationId, method, path); the schema test checks the list is whole.
API_OPERATIONS: list[tuple[str, str, str]] = [
    ("mandated_reports_list", "GET", "/api/v1/clients/{client_id}/mandated-reports"),
    ("mandated_reports_create", "POST", "/api/v1/clients/{client_id}/mandated-reports"),
    ("mandated_report_detail", "GET", "/api/v1/clients/{client_id}/mandated-reports/{report_id}"),
    ("mandated_report_correct", "PATCH", "/api/v1/clients/{client_id}/mandated-reports/{report_id}"),
    ("incidents_list", "GET", "/api/v1/clients/{client_id}/incidents"),
    ("incidents_create", "POST", "/api/v1/clients/{client_id}/incidents"),
    ("incident_detail", "GET", "/api/v1/clients/{client_id}/incidents/{incident_id}"),
    ("incident_correct", "PATCH", "/api/v1/clients/{client_id}/incidents/{incident_id}"),
]


def objs(base: dict) -> dict:
    """A process note by the intern, a mandated report and an incident, all about the shared client."""
    from artchart.therapy.models import Incident, MandatedReport, ProcessNote

    client, therapist = base["client"], base["therapist"]
    return {
        "process_note": ProcessNote.objects.create(
            client=client, author=base["intern"], text="I felt pulled to rescue her today."
        ),
        "mandated_report": MandatedReport.objects.create(
            client=client,
            kind="child_abuse",
            reported_on=dt.date(2026, 1, 5),
            agency="County CPS",
            what_was_reported="Bruising the client explained in session.",
            reported_by=therapist,
            recorded_by=therapist,
        ),
        "incident": Incident.objects.create(
            client=client,
            kind="self_harm",
            occurred_at=timezone.now() - dt.timedelta(days=3),
            description="Scratched her arm with a pencil.",
            recorded_by=therapist,
        ),
    }
