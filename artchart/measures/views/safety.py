"""A client's safety plan: the current version with its reviews and the versions it
superseded, writing (and signing) a new version — which may answer a risk alert —, recording
a review with the client, and a plain page the client takes home."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from artchart.core.forms_util import add_service_errors
from artchart.core.messages import UserMessage
from artchart.measures import selectors
from artchart.measures.forms import ReviewForm, SafetyPlanForm
from artchart.measures.services import alerts as alert_services
from artchart.measures.services import safety as safety_services

PLAN_SIGNED = UserMessage(
    "safety_plan_signed", "Safety plan version {version} is signed. Print it for the client from this page."
)
PLAN_SIGNED_FOR_ALERT = UserMessage(
    "safety_plan_signed_for_alert", "Safety plan version {version} is signed and the risk alert is acknowledged."
)
REVIEW_SAVED = UserMessage("safety_plan_reviewed", "The review with the client is recorded.")


def _writer_access(request, client_id: int):
    access = selectors.measures_access(request.user, client_id)
    if not alert_services.may_acknowledge(access.relations):
        raise PermissionDenied(alert_services.ONLY_CLINICIANS)
    return access


@require_GET
@login_required
def safety_plan(request, client_id: int):
    access = selectors.measures_access(request.user, client_id)
    versions = list(selectors.safety_plans_of(access).prefetch_related("reviews__reviewed_by"))
    chosen = request.GET.get("version", "")
    shown = next((p for p in versions if str(p.version) == chosen), None) if chosen else None
    if chosen and shown is None:
        raise Http404
    return render(
        request,
        "measures/safety/plan.html",
        {
            "nav": "clients",
            "client": access.client,
            "plan": shown or (versions[0] if versions else None),
            "current": versions[0] if versions else None,
            "versions": versions,
            "may_write": alert_services.may_acknowledge(access.relations),
            "review_form": ReviewForm(initial={"reviewed_on": timezone.localdate()}),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def safety_plan_new(request, client_id: int):
    """A new version, started from the current one (or from the organization's crisis resources)."""
    access = _writer_access(request, client_id)
    alert_id = request.GET.get("alert", "")
    alert = selectors.alert_get(access, int(alert_id)) if alert_id.isdigit() else None
    if alert is not None and not alert.is_open:
        alert = None
    current = selectors.safety_plan_current(access)
    form = SafetyPlanForm(
        request.POST if request.method == "POST" else None,
        initial=SafetyPlanForm.initial_from(current, crisis=selectors.crisis_text(access.client.organization_id)),
    )
    if form.is_bound and form.is_valid():
        try:
            plan = safety_services.safety_plan_sign(
                by=request.user,
                client=access.client,
                crisis_resources=form.cleaned_data["crisis_resources"],
                reviewed_on=form.cleaned_data["reviewed_on"],
                alert=alert,
                **form.lists(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            message = PLAN_SIGNED_FOR_ALERT if alert is not None else PLAN_SIGNED
            messages.success(request, message.format(version=plan.version))
            return redirect("measures:safety_plan", client_id)
    return render(
        request,
        "measures/safety/plan_form.html",
        {"nav": "clients", "client": access.client, "form": form, "current": current, "alert": alert},
    )


@require_POST
@login_required
def safety_plan_review(request, client_id: int, plan_id: int):
    access = _writer_access(request, client_id)
    plan = selectors.safety_plan_get(access, plan_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            safety_services.safety_plan_review(by=request.user, plan=plan, reviewed_on=form.cleaned_data["reviewed_on"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, REVIEW_SAVED)
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("measures:safety_plan", client_id)


@require_GET
@login_required
def safety_plan_print(request, client_id: int, plan_id: int):
    """The plan as the client takes it home: the client's words and the crisis line, nothing else."""
    access = selectors.measures_access(request.user, client_id)
    plan = selectors.safety_plan_get(access, plan_id)
    return render(request, "measures/safety/print.html", {"client": access.client, "plan": plan})
