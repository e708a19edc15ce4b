"""Reads of the confidential records: process notes, mandated reports and incidents.

A process note is seen by its author and, when the author is an intern, by the
author's current supervisor (read only) — and by no one else, whatever their
place on the care team: for anyone else its URL answers 404, as if it did not
exist. Mandated reports and incidents follow the ``INCIDENTS`` row of the
access table (the care team's clinicians and admins); an admin also sees every
one of the organization on the admin page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

from django.core.exceptions import PermissionDenied
from django.db.models import CharField, F, Q, QuerySet, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import TruncDate
from django.http import Http404

from artchart.clients.selectors import ClientAccess, client_get_for_user
from artchart.core import audit
from artchart.core.access import require_role
from artchart.core.models import Role, SupervisionLink, User
from artchart.core.permissions import Action, Area, allows, relations_of
from artchart.therapy.models import Incident, MandatedReport, ProcessNote, Session
from artchart.therapy.selectors.sessions import sessions_of_client
from artchart.therapy.services.confidential import ONLY_THE_AUTHOR

# --- process notes -------------------------------------------------------------------------------


def _supervised_interns(user: User) -> QuerySet[SupervisionLink, Any]:
    return SupervisionLink.objects.filter(supervisor=user, ended_on__isnull=True, supervisee__role=Role.INTERN).values(
        "supervisee_id"
    )


def _readable_by(user: User) -> Q:
    """The author's own notes, and those of interns the user supervises now."""
    return Q(author=user) | Q(author__in=_supervised_interns(user))


def process_note_access(user: User, client_id: int, *, action: Action = Action.READ) -> ClientAccess:
    """The client for the process-notes list and the new-note form (by the access table)."""
    return client_get_for_user(user, client_id, area=Area.PROCESS_NOTES, action=action)


def process_notes_of(user: User, access: ClientAccess) -> QuerySet[ProcessNote]:
    """The user's own process notes about the client, and their current interns'."""
    return (
        ProcessNote.objects.filter(client=access.client).filter(_readable_by(user)).select_related("author", "session")
    )


def process_note_get(
    user: User, client_id: int, note_id: int, *, change: bool = False
) -> tuple[ClientAccess, ProcessNote]:
    """One process note: 404 for anyone who may not read it; 403 for a supervisor asking to change it."""
    relations = relations_of(user, client_id)
    note = (
        ProcessNote.objects.select_related("author", "session")
        .filter(_readable_by(user))
        .filter(pk=note_id, client_id=client_id)
        .first()
    )
    if note is None or not allows(relations, Area.PROCESS_NOTES, Action.READ):
        raise Http404
    if change and (note.author_id != user.pk or not allows(relations, Area.PROCESS_NOTES, Action.WRITE)):
        raise PermissionDenied(ONLY_THE_AUTHOR)
    return client_get_for_user(user, client_id, area=Area.PROCESS_NOTES), note


def session_choices(access: ClientAccess) -> QuerySet[Session]:
    """Sessions a record may name: the client's own and the group sessions they were marked at."""
    return sessions_of_client(access).order_by("-starts_at", "-pk")


# --- mandated reports and incidents -----------------------------------------------------------------


def incident_access(user: User, client_id: int, *, action: Action = Action.READ) -> ClientAccess:
    """The client, for its reports and incidents (404 outside the organization, 403 for a viewer)."""
    access = client_get_for_user(user, client_id, area=Area.INCIDENTS, action=action)
    if access.client.organization_id != user.organization_id:
        raise Http404
    return access


def reports_of(access: ClientAccess) -> QuerySet[MandatedReport]:
    return MandatedReport.objects.filter(client=access.client).select_related("reported_by", "recorded_by", "session")


def incidents_of(access: ClientAccess) -> QuerySet[Incident]:
    return Incident.objects.filter(client=access.client).select_related("recorded_by", "session")


def report_get(access: ClientAccess, report_id: int) -> MandatedReport:
    report = reports_of(access).select_related("client").filter(pk=report_id).first()
    if report is None:
        raise Http404
    return report


def incident_get(access: ClientAccess, incident_id: int) -> Incident:
    incident = incidents_of(access).select_related("client").filter(pk=incident_id).first()
    if incident is None:
        raise Http404
    return incident


def reporter_choices(access: ClientAccess) -> QuerySet[User]:
    return User.objects.filter(organization_id=access.client.organization_id, is_active=True).order_by(
        "last_name", "first_name"
    )


def confidential_counts(access: ClientAccess) -> dict[str, int] | None:
    """How many mandated reports and incidents the client has, or None if the user may not read them."""
    if not access.may(Area.INCIDENTS, Action.READ):
        return None
    return {
        "reports": MandatedReport.objects.filter(client=access.client).count(),
        "incidents": Incident.objects.filter(client=access.client).count(),
    }


def process_notes_count(user: User, access: ClientAccess) -> int | None:
    """How many process notes of the client the user may read, or None if process notes are not theirs to see."""
    if not access.may(Area.PROCESS_NOTES, Action.READ):
        return None
    return process_notes_of(user, access).count()


# --- the admin page: every report and incident of the organization ------------------------------------

REPORT, INCIDENT = "report", "incident"


@dataclass(frozen=True)
class RestrictedFilter:
    """``record`` is "report" or "incident" (or empty for both); ``kind`` a kind of that record."""

    record: str = ""
    kind: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


class RestrictedRowValues(TypedDict):
    row_record: str  # REPORT or INCIDENT
    row_id: int
    row_day: dt.date
    row_at: dt.datetime


def _rows(
    queryset: QuerySet[MandatedReport] | QuerySet[Incident], record: str, day: Combinable
) -> QuerySet[Any, RestrictedRowValues]:
    # Only annotations, in one order, so the two halves of the UNION line up column by column.
    return (
        queryset.annotate(
            row_record=Value(record, output_field=CharField()), row_id=F("pk"), row_day=day, row_at=F("recorded_at")
        )
        .values("row_record", "row_id", "row_day", "row_at")
        .order_by()
    )


def organization_restricted(user: User, filters: RestrictedFilter) -> QuerySet[Any, RestrictedRowValues]:
    """Every report and incident of the admin's organization, newest first, as rows (record, id, day).

    One UNION query, so the page can be paginated however many there are; the
    page's own records are then fetched by :func:`restricted_page`.
    """
    require_role(user, Role.ADMIN)
    org = user.organization_id
    # An admin outside every organization (org None) finds none: the ignores.
    reports = MandatedReport.objects.filter(client__organization_id=org)  # type: ignore[misc]
    incidents = Incident.objects.filter(client__organization_id=org)  # type: ignore[misc]
    if filters.kind:
        reports, incidents = reports.filter(kind=filters.kind), incidents.filter(kind=filters.kind)
    if filters.since:
        reports = reports.filter(reported_on__gte=filters.since)
        incidents = incidents.filter(occurred_at__date__gte=filters.since)
    if filters.until:
        reports = reports.filter(reported_on__lte=filters.until)
        incidents = incidents.filter(occurred_at__date__lte=filters.until)
    halves = []
    if filters.record in ("", REPORT):
        halves.append(_rows(reports, REPORT, F("reported_on")))
    if filters.record in ("", INCIDENT):
        halves.append(_rows(incidents, INCIDENT, TruncDate("occurred_at")))
    rows = halves[0].union(*halves[1:], all=True) if len(halves) > 1 else halves[0]
    return rows.order_by("-row_day", "-row_at", "-row_id")


@dataclass(frozen=True)
class RestrictedRow:
    record: str
    day: dt.date
    item: MandatedReport | Incident


def restricted_page(rows: Iterable[RestrictedRowValues]) -> list[RestrictedRow]:
    """The records of one page of :func:`organization_restricted` (two queries), their clients noted as shown."""
    rows = list(rows)
    wanted = {
        REPORT: [r["row_id"] for r in rows if r["row_record"] == REPORT],
        INCIDENT: [r["row_id"] for r in rows if r["row_record"] == INCIDENT],
    }
    found: dict[str, Mapping[Any, MandatedReport | Incident]] = {
        REPORT: MandatedReport.objects.select_related("client", "reported_by").in_bulk(wanted[REPORT]),
        INCIDENT: Incident.objects.select_related("client", "recorded_by").in_bulk(wanted[INCIDENT]),
    }
    page = [
        RestrictedRow(r["row_record"], r["row_day"], found[r["row_record"]][r["row_id"]])
        for r in rows
        if r["row_id"] in found[r["row_record"]]
    ]
    audit.note_shown(row.item.client_id for row in page)
    return page
