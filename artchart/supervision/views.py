"""Pages of the hours log: the supervisee's week, progress and printable log; the supervisor's
supervisees and the hours waiting for them."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from artchart.core.access import require_role
from artchart.core.forms_util import add_service_errors
from artchart.core.messages import UserMessage
from artchart.supervision import rules, selectors, services
from artchart.supervision.forms import KIND_LABELS, EntryForm, FromSessionsForm, ReturnForm, WeekForm
from artchart.supervision.models import HoursStatus

LOGGED = UserMessage("hours_logged_flash", "Logged {count} day(s) of hours; they wait for your supervisor.")
UPDATED = UserMessage("hours_updated_flash", "The hours were saved; they wait for your supervisor.")
CONFIRMED = UserMessage("hours_confirmed_flash", "The hours were confirmed.")
RETURNED = UserMessage("hours_returned_flash", "The hours went back to the supervisee with your reason.")


def _week(request) -> dt.date:
    try:
        day = dt.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = timezone.localdate()
    return selectors.week_start(day)


def _degree(request) -> rules.Degree:
    try:
        return rules.Degree(request.GET.get("degree", ""))
    except ValueError:
        return rules.Degree.ART_THERAPY


def _initial_supervisor(owner, supervisors) -> dict:
    last = selectors.entries_of(owner).filter(supervisor__in=supervisors).first()
    if last is not None:
        return {"supervisor": last.supervisor_id, "supervisor_credential": last.supervisor_credential}
    first = supervisors.first()
    if first is None:
        return {}
    credential = rules.credential_from_text(first.credentials)
    return {"supervisor": first.pk, "supervisor_credential": credential.value if credential else ""}


@login_required
def home(request):
    if selectors.may_keep_log(request.user):
        return redirect("supervision:log", user_id=request.user.pk)
    require_role(request.user, *selectors.SUPERVISOR_ROLES)
    return redirect("supervision:supervisees")


@require_http_methods(["GET", "POST"])
@login_required
def log(request, user_id: int):
    """A week of the log: its entries, and (for the supervisee) a row per day to fill in."""
    owner = selectors.log_owner_get(request.user, user_id)
    week = _week(request)
    own = owner.pk == request.user.pk
    form = None
    if own and selectors.may_keep_log(request.user):
        supervisors = selectors.supervisors_of(owner, timezone.localdate())
        form = WeekForm(
            request.POST or None, week=week, supervisors=supervisors, initial=_initial_supervisor(owner, supervisors)
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(services.NOT_YOUR_LOG)
        if form.is_valid():
            try:
                entries = services.week_log(
                    by=request.user,
                    supervisee=owner,
                    days=form.day_hours(),
                    supervisor=form.cleaned_data["supervisor"],
                    supervisor_credential=form.cleaned_data["supervisor_credential"],
                    setting=form.cleaned_data["setting"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, LOGGED.format(count=len(entries)))
                return redirect(f"{reverse('supervision:log', args=[owner.pk])}?week={week.isoformat()}")
    entries = selectors.entries_between(owner, week, week + dt.timedelta(days=6))
    return render(
        request,
        "supervision/log.html",
        {
            "nav": "hours",
            "owner": owner,
            "own": own,
            "week": week,
            "previous_week": week - dt.timedelta(days=7),
            "next_week": week + dt.timedelta(days=7) if week + dt.timedelta(days=7) <= timezone.localdate() else None,
            "entries": entries,
            "form": form,
            "kind_labels": KIND_LABELS,
            "may_supervise": selectors.may_supervise(request.user),
            "statuses": HoursStatus,
            "progress": selectors.progress_of(owner),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def from_sessions(request, user_id: int):
    """The week's documented sessions proposed as direct client-contact hours, for the supervisee to log."""
    owner = selectors.log_owner_get(request.user, user_id)
    if owner.pk != request.user.pk or not selectors.may_keep_log(request.user):
        raise PermissionDenied(services.NOT_YOUR_LOG)
    week = _week(request)
    supervisors = selectors.supervisors_of(owner, timezone.localdate())
    form = FromSessionsForm(
        request.POST or None, supervisors=supervisors, initial=_initial_supervisor(owner, supervisors)
    )
    if request.method == "POST" and form.is_valid():
        try:
            entries = services.hours_from_sessions(
                by=request.user,
                supervisee=owner,
                week=week,
                supervisor=form.cleaned_data["supervisor"],
                supervisor_credential=form.cleaned_data["supervisor_credential"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, LOGGED.format(count=len(entries)))
            return redirect(f"{reverse('supervision:log', args=[owner.pk])}?week={week.isoformat()}")
    return render(
        request,
        "supervision/from_sessions.html",
        {
            "nav": "hours",
            "owner": owner,
            "week": week,
            "proposed": selectors.proposals_from_sessions(owner, week),
            "form": form,
        },
    )


@login_required
def progress(request, user_id: int):
    owner = selectors.log_owner_get(request.user, user_id)
    degree = _degree(request)
    return render(
        request,
        "supervision/progress.html",
        {
            "nav": "hours",
            "owner": owner,
            "own": owner.pk == request.user.pk,
            "progress": selectors.progress_of(owner, degree=degree),
            "degrees": rules.DEGREE_LABELS,
            "standards": rules.STANDARDS,
        },
    )


@login_required
def print_log(request, user_id: int):
    """The log as the credentialing board reads it: every confirmed entry, then those still waiting."""
    owner = selectors.log_owner_get(request.user, user_id)
    entries = list(selectors.entries_of(owner).exclude(status=HoursStatus.RETURNED).order_by("date", "pk"))
    return render(
        request,
        "supervision/print.html",
        {
            "owner": owner,
            "confirmed": [e for e in entries if e.status == HoursStatus.CONFIRMED],
            "waiting": [e for e in entries if e.status == HoursStatus.ENTERED],
            "progress": selectors.progress_of(owner, degree=_degree(request)),
            "printed_on": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def entry_edit(request, entry_id: int):
    entry = selectors.entry_get(request.user, entry_id)
    if entry.supervisee_id != request.user.pk:
        raise PermissionDenied(services.NOT_YOUR_LOG)
    supervisors = selectors.supervisors_of(entry.supervisee, timezone.localdate())
    form = EntryForm(
        request.POST or None, instance=selectors.entry_get(request.user, entry_id), supervisors=supervisors
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.hours_update(by=request.user, entry=entry, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, UPDATED)
            return redirect(f"{reverse('supervision:log', args=[entry.supervisee_id])}?week={entry.date.isoformat()}")
    return render(request, "supervision/entry_edit.html", {"nav": "hours", "entry": entry, "form": form})


def _back_to(request, entry) -> str:
    target = request.POST.get("next", "")
    if target == "supervisees":
        return reverse("supervision:supervisees")
    return f"{reverse('supervision:log', args=[entry.supervisee_id])}?week={entry.date.isoformat()}"


@require_POST
@login_required
def entry_confirm(request, entry_id: int):
    entry = selectors.entry_get(request.user, entry_id)
    try:
        services.hours_confirm(by=request.user, entry=entry)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, CONFIRMED)
    return redirect(_back_to(request, entry))


@require_http_methods(["GET", "POST"])
@login_required
def entry_return(request, entry_id: int):
    entry = selectors.entry_get(request.user, entry_id)
    if entry.supervisee_id == request.user.pk:
        raise PermissionDenied(services.OWN_HOURS)
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.hours_return(by=request.user, entry=entry, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, RETURNED)
            return redirect(_back_to(request, entry))
    return render(request, "supervision/entry_return.html", {"nav": "hours", "entry": entry, "form": form})


@login_required
def supervisees(request):
    """The supervisor's view: each supervisee's confirmed hours, and every entry waiting for this supervisor."""
    require_role(request.user, *selectors.SUPERVISOR_ROLES)
    return render(
        request,
        "supervision/supervisees.html",
        {
            "nav": "supervisees",
            "rows": selectors.supervisees_of(request.user),
            "waiting": list(selectors.waiting_for(request.user)),
            "requirement": rules.standards_on(timezone.localdate()).rule_sets[rules.Credential.ATR_P],
        },
    )
