"""API for mandated reports and incidents, under /api/v1/clients/{client_id}/.

Restricted records: the care team's clinicians and admins (the ``INCIDENTS``
row of the access table); a treatment-team viewer gets 403, anyone outside
the care team 404. A correction is a PATCH naming the fields it changes, each
one a flagged audit event.

Process notes (psychotherapy notes, HIPAA 45 CFR 164.501 and 164.508(a)(2))
have NO API at all, by design: they are the author's own working notes, kept
out of every channel that copies records elsewhere (integrations, exports,
bulk tools). They are on the web pages of their author only.
"""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema, Status
from pydantic import Field

from artchart.core.api import Day, Id, Moment, paginated
from artchart.core.permissions import Action
from artchart.therapy.models import Incident, IncidentKind, MandatedReport, ReportKind
from artchart.therapy.selectors import confidential as selectors
from artchart.therapy.services import confidential as services

router = Router(tags=["mandated reports and incidents"])


class ReportIn(Schema):
    kind: ReportKind
    reported_on: Day
    agency: str = Field(max_length=200)
    reference_number: str = Field("", max_length=100)
    what_was_reported: str = Field(max_length=10000)
    reported_by: Id = Field(description="The user of the organization who made the report")
    session: Id | None = Field(None, description="A session of this client the report arose from")


class ReportPatch(Schema):
    kind: ReportKind = None
    reported_on: Day = None
    agency: str = Field(None, max_length=200)
    reference_number: str = Field(None, max_length=100)
    what_was_reported: str = Field(None, max_length=10000)
    reported_by: Id = None
    session: Id | None = None


class ReportOut(Schema):
    id: int
    client: int
    kind: str
    reported_on: dt.date
    agency: str
    reference_number: str
    what_was_reported: str
    reported_by: int
    session: int | None
    recorded_by: int
    recorded_at: dt.datetime

    @staticmethod
    def resolve_client(report: MandatedReport) -> int:
        return report.client_id

    @staticmethod
    def resolve_reported_by(report: MandatedReport) -> int:
        return report.reported_by_id

    @staticmethod
    def resolve_session(report: MandatedReport) -> int | None:
        return report.session_id

    @staticmethod
    def resolve_recorded_by(report: MandatedReport) -> int:
        return report.recorded_by_id


class IncidentIn(Schema):
    kind: IncidentKind
    occurred_at: Moment = Field(description="When it happened (with its time zone)")
    description: str = Field(max_length=10000)
    action_taken: str = Field("", max_length=5000)
    session: Id | None = None


class IncidentPatch(Schema):
    kind: IncidentKind = None
    occurred_at: Moment = None
    description: str = Field(None, max_length=10000)
    action_taken: str = Field(None, max_length=5000)
    session: Id | None = None


class IncidentOut(Schema):
    id: int
    client: int
    kind: str
    occurred_at: dt.datetime
    description: str
    action_taken: str
    session: int | None
    recorded_by: int
    recorded_at: dt.datetime

    @staticmethod
    def resolve_client(incident: Incident) -> int:
        return incident.client_id

    @staticmethod
    def resolve_session(incident: Incident) -> int | None:
        return incident.session_id

    @staticmethod
    def resolve_recorded_by(incident: Incident) -> int:
        return incident.recorded_by_id


def _access(request, client_id: int, action: Action = Action.READ):
    return selectors.incident_access(request.user, client_id, action=action)


@router.get("/clients/{client_id}/mandated-reports", response=list[ReportOut], url_name="mandated_reports_list")
@paginated
def mandated_reports_list(request, client_id: Id):
    return list(selectors.reports_of(_access(request, client_id)))


@router.post("/clients/{client_id}/mandated-reports", response={201: ReportOut}, url_name="mandated_reports_create")
def mandated_reports_create(request, client_id: Id, payload: ReportIn):
    access = _access(request, client_id, Action.WRITE)
    return Status(201, services.mandated_report_record(by=request.user, client=access.client, **payload.dict()))


@router.get("/clients/{client_id}/mandated-reports/{report_id}", response=ReportOut, url_name="mandated_report_detail")
def mandated_report_detail(request, client_id: Id, report_id: Id):
    return selectors.report_get(_access(request, client_id), report_id)


@router.patch(
    "/clients/{client_id}/mandated-reports/{report_id}", response=ReportOut, url_name="mandated_report_correct"
)
def mandated_report_correct(request, client_id: Id, report_id: Id, payload: ReportPatch):
    """Correct the fields sent; those left out stay as they are."""
    report = selectors.report_get(_access(request, client_id, Action.WRITE), report_id)
    return services.mandated_report_correct(by=request.user, report=report, **payload.dict(exclude_unset=True))


@router.get("/clients/{client_id}/incidents", response=list[IncidentOut], url_name="incidents_list")
@paginated
def incidents_list(request, client_id: Id):
    return list(selectors.incidents_of(_access(request, client_id)))


@router.post("/clients/{client_id}/incidents", response={201: IncidentOut}, url_name="incidents_create")
def incidents_create(request, client_id: Id, payload: IncidentIn):
    access = _access(request, client_id, Action.WRITE)
    return Status(201, services.incident_record(by=request.user, client=access.client, **payload.dict()))


@router.get("/clients/{client_id}/incidents/{incident_id}", response=IncidentOut, url_name="incident_detail")
def incident_detail(request, client_id: Id, incident_id: Id):
    return selectors.incident_get(_access(request, client_id), incident_id)


@router.patch("/clients/{client_id}/incidents/{incident_id}", response=IncidentOut, url_name="incident_correct")
def incident_correct(request, client_id: Id, incident_id: Id, payload: IncidentPatch):
    """Correct the fields sent; those left out stay as they are."""
    incident = selectors.incident_get(_access(request, client_id, Action.WRITE), incident_id)
    return services.incident_correct(by=request.user, incident=incident, **payload.dict(exclude_unset=True))
