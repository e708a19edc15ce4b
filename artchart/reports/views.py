"""The client's report page: choose a report, a period and a format, and download the file."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from artchart.core.forms_util import add_service_errors
from artchart.core.permissions import Action, Area
from artchart.reports import services
from artchart.reports.forms import ReportForm
from artchart.reports.selectors import Kind, report_access


@require_http_methods(["GET", "POST"])
@login_required
def report_page(request, client_id: int):
    # The page is open to whoever may read the client's plan; each report checks its own area again.
    access = report_access(request.user, client_id, Kind.PLAN)
    may_progress = access.may(Area.NOTES, Action.READ)
    form = ReportForm(
        request.POST or None,
        initial={**ReportForm.initial_period(), "kind": Kind.PROGRESS if may_progress else Kind.PLAN},
    )
    if not may_progress:
        # Offer only what this reader may make: a choice that could only be refused is no choice.
        form.fields["kind"].choices = [(Kind.PLAN.value, Kind.PLAN.label)]
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_export(
                by=request.user,
                client_id=access.client.pk,
                kind=form.cleaned_data["kind"],
                file_format=form.cleaned_data["file_format"],
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            response = HttpResponse(report.data, content_type=report.content_type)
            response["Content-Disposition"] = f'attachment; filename="{report.name}"'
            response["Cache-Control"] = "no-store"
            return response
    return render(
        request,
        "reports/report_page.html",
        {
            "nav": "clients",
            "access": access,
            "client": access.client,
            "form": form,
            "may_progress": may_progress,
        },
        status=400 if form.errors else 200,
    )
