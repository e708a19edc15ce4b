"""Pages of the confidential records: process notes, mandated reports and incidents.

Process notes (psychotherapy notes, HIPAA 45 CFR 164.501) live on their own
pages, never in the chart, a list, search, a report or an export: their author
sees them, and an intern author's supervisor reads them; for anyone else a
process note's URL answers 404. Mandated reports and incidents are on the
client's restricted page (the care team's clinicians and admins) and, for
admins, on the organization's list at manage/incidents/.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms.models import model_to_dict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from artchart.core.forms_util import add_service_errors
from artchart.core.permissions import Action, Area
from artchart.therapy.forms.confidential import (
    IncidentForm,
    MandatedReportForm,
    ProcessNoteForm,
    RestrictedFilterForm,
)
from artchart.therapy.selectors import confidential as selectors
from artchart.therapy.services import confidential as services

ADMIN_ROWS = 50


def _saved(form, save):
    """What the service returns for the form's data, or None with its refusals put on the form."""
    if not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


def _values(obj, form_class) -> dict:
    # The form edits a copy of the values, so a refused change leaves the record as it was.
    return model_to_dict(obj, fields=form_class.Meta.fields)


def _form_page(request, access, form, title: str, back: str, template: str = "therapy/confidential/form.html"):
    return render(
        request,
        template,
        {"nav": "clients", "client": access.client, "access": access, "form": form, "title": title, "back": back},
    )


# --- process notes ---------------------------------------------------------------------------------


@require_GET
@login_required
def process_note_list(request, client_id: int):
    access = selectors.process_note_access(request.user, client_id)
    return render(
        request,
        "therapy/confidential/process_note_list.html",
        {
            "nav": "clients",
            "client": access.client,
            "access": access,
            "notes": list(selectors.process_notes_of(request.user, access)),
            "may_write": access.may(Area.PROCESS_NOTES, Action.WRITE),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def process_note_create(request, client_id: int):
    access = selectors.process_note_access(request.user, client_id, action=Action.WRITE)
    form = ProcessNoteForm(request.POST or None, access=access, initial={"session": request.GET.get("session")})
    note = request.method == "POST" and _saved(
        form, lambda data: services.process_note_create(by=request.user, client=access.client, **data)
    )
    if note:
        return redirect("therapy:process_note_detail", client_id, note.pk)
    return _form_page(request, access, form, "Write a process note", "therapy:process_note_list")


@require_GET
@login_required
def process_note_detail(request, client_id: int, note_id: int):
    access, note = selectors.process_note_get(request.user, client_id, note_id)
    return render(
        request,
        "therapy/confidential/process_note_detail.html",
        {"nav": "clients", "client": access.client, "note": note, "is_author": note.author_id == request.user.pk},
    )


@require_http_methods(["GET", "POST"])
@login_required
def process_note_edit(request, client_id: int, note_id: int):
    access, note = selectors.process_note_get(request.user, client_id, note_id, change=True)
    form = ProcessNoteForm(request.POST or None, initial=_values(note, ProcessNoteForm), access=access)
    if request.method == "POST" and _saved(
        form, lambda data: services.process_note_update(by=request.user, note=note, **data)
    ):
        return redirect("therapy:process_note_detail", client_id, note.pk)
    return _form_page(request, access, form, "Change the process note", "therapy:process_note_list")


@require_http_methods(["GET", "POST"])
@login_required
def process_note_delete(request, client_id: int, note_id: int):
    access, note = selectors.process_note_get(request.user, client_id, note_id, change=True)
    if request.method == "POST":
        services.process_note_delete(by=request.user, note=note)
        messages.success(request, "The process note was deleted.")
        return redirect("therapy:process_note_list", client_id)
    return render(
        request,
        "therapy/confidential/process_note_delete.html",
        {"nav": "clients", "client": access.client, "note": note},
    )


# --- mandated reports and incidents -------------------------------------------------------------------


@require_GET
@login_required
def incident_list(request, client_id: int):
    access = selectors.incident_access(request.user, client_id)
    return render(
        request,
        "therapy/confidential/incident_list.html",
        {
            "nav": "clients",
            "client": access.client,
            "access": access,
            "reports": list(selectors.reports_of(access)),
            "incidents": list(selectors.incidents_of(access)),
            "may_write": access.may(Area.INCIDENTS, Action.WRITE),
            "may_open_chart": access.may(Area.DEMOGRAPHICS, Action.READ),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def mandated_report_create(request, client_id: int):
    access = selectors.incident_access(request.user, client_id, action=Action.WRITE)
    form = MandatedReportForm(request.POST or None, access=access, initial={"reported_by": request.user.pk})
    report = request.method == "POST" and _saved(
        form, lambda data: services.mandated_report_record(by=request.user, client=access.client, **data)
    )
    if report:
        return redirect("therapy:mandated_report_detail", client_id, report.pk)
    return _form_page(request, access, form, "Record a mandated report", "therapy:incident_list")


@require_GET
@login_required
def mandated_report_detail(request, client_id: int, report_id: int):
    access = selectors.incident_access(request.user, client_id)
    return render(
        request,
        "therapy/confidential/mandated_report_detail.html",
        {
            "nav": "clients",
            "client": access.client,
            "report": selectors.report_get(access, report_id),
            "may_write": access.may(Area.INCIDENTS, Action.WRITE),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def mandated_report_edit(request, client_id: int, report_id: int):
    access = selectors.incident_access(request.user, client_id, action=Action.WRITE)
    report = selectors.report_get(access, report_id)
    form = MandatedReportForm(request.POST or None, initial=_values(report, MandatedReportForm), access=access)
    if request.method == "POST" and _saved(
        form, lambda data: services.mandated_report_correct(by=request.user, report=report, **data)
    ):
        return redirect("therapy:mandated_report_detail", client_id, report.pk)
    return _form_page(request, access, form, "Correct the mandated report", "therapy:incident_list")


@require_http_methods(["GET", "POST"])
@login_required
def incident_create(request, client_id: int):
    access = selectors.incident_access(request.user, client_id, action=Action.WRITE)
    form = IncidentForm(request.POST or None, access=access)
    incident = request.method == "POST" and _saved(
        form, lambda data: services.incident_record(by=request.user, client=access.client, **data)
    )
    if incident:
        return redirect("therapy:incident_detail", client_id, incident.pk)
    return _form_page(request, access, form, "Record an incident", "therapy:incident_list")


@require_GET
@login_required
def incident_detail(request, client_id: int, incident_id: int):
    access = selectors.incident_access(request.user, client_id)
    return render(
        request,
        "therapy/confidential/incident_detail.html",
        {
            "nav": "clients",
            "client": access.client,
            "incident": selectors.incident_get(access, incident_id),
            "may_write": access.may(Area.INCIDENTS, Action.WRITE),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def incident_edit(request, client_id: int, incident_id: int):
    access = selectors.incident_access(request.user, client_id, action=Action.WRITE)
    incident = selectors.incident_get(access, incident_id)
    form = IncidentForm(request.POST or None, initial=_values(incident, IncidentForm), access=access)
    if request.method == "POST" and _saved(
        form, lambda data: services.incident_correct(by=request.user, incident=incident, **data)
    ):
        return redirect("therapy:incident_detail", client_id, incident.pk)
    return _form_page(request, access, form, "Correct the incident", "therapy:incident_list")


@require_GET
@login_required
def incident_admin(request):
    """Admins: every mandated report and incident of the organization, newest first."""
    form = RestrictedFilterForm(request.GET or None)
    rows = selectors.organization_restricted(request.user, form.filters())
    page = Paginator(rows, ADMIN_ROWS).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "therapy/confidential/incident_admin.html",
        {
            "nav": "incidents",
            "form": form,
            "page": page,
            "rows": selectors.restricted_page(page.object_list),
            "query": query.urlencode(),
        },
    )
