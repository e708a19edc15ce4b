"""Treatment-plan pages: the versions of a client's plan, one plan, the draft's forms and the signing buttons."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from artchart.core.forms_util import add_service_errors
from artchart.core.models import User
from artchart.core.permissions import Action, Area
from artchart.plans import selectors, services
from artchart.plans.forms import (
    FORMS,
    AttendeeForm,
    ConferenceForm,
    ConferenceRecordForm,
    InterventionForm,
    PlanForm,
    PlanLinkForm,
)
from artchart.programs.selectors import directives_for

KIND_LABELS = {"problem": "problem", "goal": "goal", "objective": "objective", "intervention": "planned intervention"}


def _to_plan(plan):
    return redirect("plans:detail", plan.client_id, plan.pk)


def _may(access) -> dict:
    return {action: access.may(Area.CLINICAL, action) for action in Action}


@require_GET
@login_required
def plan_list(request, client_id: int):
    access = selectors.plan_access(request.user, client_id)
    plans = list(selectors.plans_of(access))
    return render(
        request,
        "plans/plan_list.html",
        {
            "nav": "clients",
            "access": access,
            "client": access.client,
            "plans": plans,
            "may": _may(access),
            "signed": next((p for p in plans if p.status == "signed"), None),
            "open_plan": next((p for p in plans if p.status in ("draft", "submitted")), None),
        },
    )


@require_POST
@login_required
def plan_create(request, client_id: int):
    access = selectors.plan_access(request.user, client_id, action=Action.WRITE)
    plan = services.plan_create(by=request.user, client=access.client)
    messages.success(request, f"Version {plan.version} is open as a draft.")
    return _to_plan(plan)


@require_GET
@login_required
def plan_detail(request, client_id: int, plan_id: int):
    access = selectors.plan_access(request.user, client_id)
    plan = selectors.plan_get(access, plan_id)
    may = _may(access)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "nav": "clients",
            "access": access,
            "client": access.client,
            "plan": plan,
            "may": may,
            "versions": list(
                access.client.treatment_plans.only("pk", "version", "status", "client_id").order_by("-version")
            ),
            "editable": plan.is_draft and may[Action.WRITE],
            "may_submit": plan.is_draft and may[Action.SUBMIT] and plan.author_id == request.user.pk,
            "may_review": plan.status == "submitted" and (may[Action.COSIGN] or may[Action.RETURN]),
            "conferences": selectors.conferences_about(plan),
        },
    )


def _form_page(request, access, plan, form, title: str, submit: str):
    return render(
        request,
        "plans/form.html",
        {"nav": "clients", "client": access.client, "plan": plan, "form": form, "title": title, "submit": submit},
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_edit(request, client_id: int, plan_id: int):
    access = selectors.plan_access(request.user, client_id, action=Action.WRITE)
    plan = selectors.plan_get(access, plan_id)
    form = PlanForm(request.POST or None, instance=selectors.plan_get(access, plan_id))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(by=request.user, plan=plan, review_date=form.cleaned_data["review_date"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _to_plan(plan)
    return _form_page(request, access, plan, form, f"Review date of version {plan.version}", "Save")


def _item_form(kind: str, access, data=None, instance=None):
    if kind == "intervention":
        return InterventionForm(
            data, instance=instance, directives=directives_for(access.user), team=_care_team_users(access)
        )
    return FORMS[kind](data, instance=instance)


@require_http_methods(["GET", "POST"])
@login_required
def item_add(request, client_id: int, plan_id: int, kind: str, parent_id: int | None = None):
    access = selectors.plan_access(request.user, client_id, action=Action.WRITE)
    plan = selectors.plan_get(access, plan_id)
    parent = None
    if kind in ("goal", "objective"):
        parent = selectors.item_get(plan, "problem" if kind == "goal" else "goal", parent_id)
    form = _item_form(kind, access, request.POST or None)
    if request.method == "POST" and form.is_valid():
        add = {
            "problem": lambda: services.problem_add(by=request.user, plan=plan, **form.cleaned_data),
            "goal": lambda: services.goal_add(by=request.user, problem=parent, **form.cleaned_data),
            "objective": lambda: services.objective_add(by=request.user, goal=parent, **form.cleaned_data),
            "intervention": lambda: services.intervention_add(by=request.user, plan=plan, **form.cleaned_data),
        }
        try:
            add[kind]()
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _to_plan(plan)
    title = f"Add a {KIND_LABELS[kind]}" + (f" to “{parent}”" if parent else "")
    return _form_page(request, access, plan, form, title, "Add")


def problem_add(request, client_id: int, plan_id: int):
    return item_add(request, client_id, plan_id, "problem")


def goal_add(request, client_id: int, plan_id: int, problem_id: int):
    return item_add(request, client_id, plan_id, "goal", problem_id)


def objective_add(request, client_id: int, plan_id: int, goal_id: int):
    return item_add(request, client_id, plan_id, "objective", goal_id)


def intervention_add(request, client_id: int, plan_id: int):
    return item_add(request, client_id, plan_id, "intervention")


@require_http_methods(["GET", "POST"])
@login_required
def item_edit(request, client_id: int, plan_id: int, kind: str, item_id: int):
    access = selectors.plan_access(request.user, client_id, action=Action.WRITE)
    plan = selectors.plan_get(access, plan_id)
    item = selectors.item_get(plan, kind, item_id)
    form = _item_form(kind, access, request.POST or None, instance=selectors.item_get(plan, kind, item_id))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_item_update(by=request.user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _to_plan(plan)
    return _form_page(request, access, plan, form, f"Edit the {KIND_LABELS[kind]}", "Save")


@require_POST
@login_required
def item_remove(request, client_id: int, plan_id: int, kind: str, item_id: int):
    access = selectors.plan_access(request.user, client_id, action=Action.WRITE)
    plan = selectors.plan_get(access, plan_id)
    try:
        services.plan_item_remove(by=request.user, item=selectors.item_get(plan, kind, item_id))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _to_plan(plan)


def _decide(request, client_id: int, plan_id: int, action: Action, done: str, **extra):
    access = selectors.plan_access(request.user, client_id, action=action)
    plan = selectors.plan_get(access, plan_id)
    service = {
        Action.SIGN: services.plan_sign,
        Action.SUBMIT: services.plan_submit,
        Action.COSIGN: services.plan_cosign,
        Action.RETURN: services.plan_return,
    }[action]
    try:
        service(by=request.user, plan=plan, **extra)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done.format(version=plan.version))
    return _to_plan(plan)


@require_POST
@login_required
def plan_sign(request, client_id: int, plan_id: int):
    return _decide(request, client_id, plan_id, Action.SIGN, "Version {version} is signed and now the active plan.")


@require_POST
@login_required
def plan_submit(request, client_id: int, plan_id: int):
    return _decide(
        request, client_id, plan_id, Action.SUBMIT, "Version {version} waits for your supervisor's co-signature."
    )


@require_POST
@login_required
def plan_cosign(request, client_id: int, plan_id: int):
    return _decide(
        request, client_id, plan_id, Action.COSIGN, "Version {version} is co-signed and now the active plan."
    )


@require_POST
@login_required
def plan_return(request, client_id: int, plan_id: int):
    return _decide(
        request,
        client_id,
        plan_id,
        Action.RETURN,
        "Version {version} went back to the intern as a draft.",
        comment=request.POST.get("comment", "")[:2000],
    )


# --- team conferences ------------------------------------------------------------------------------


def _to_conference(conference):
    return redirect("plans:conference_detail", conference.client_id, conference.pk)


def _care_team_users(access):
    return User.objects.filter(pk__in=access.client.care_team.values("user_id")).order_by("last_name", "first_name")


def _colleagues(access):
    return User.objects.filter(organization_id=access.client.organization_id, is_active=True).order_by(
        "last_name", "first_name"
    )


@require_GET
@login_required
def conference_list(request, client_id: int):
    access = selectors.plan_access(request.user, client_id)
    return render(
        request,
        "plans/conference_list.html",
        {
            "nav": "clients",
            "client": access.client,
            "conferences": list(selectors.conferences_of(access)),
            "may_write": access.may(Area.CLINICAL, Action.WRITE),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def conference_create(request, client_id: int):
    access = selectors.plan_access(request.user, client_id, action=Action.WRITE)
    form = ConferenceRecordForm(
        request.POST or None,
        initial={"held_on": timezone.localdate()},
        colleagues=_care_team_users(access),
        plan_versions=access.client.treatment_plans.order_by("-version"),
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in ("held_on", "discussion", "decisions")}
        try:
            conference = services.conference_record(
                by=request.user,
                client=access.client,
                attendees=form.attendees(),
                plan_versions=form.cleaned_data["plan_versions"],
                **fields,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _to_conference(conference)
    return render(
        request,
        "plans/conference_form.html",
        {
            "nav": "clients",
            "client": access.client,
            "form": form,
            "title": "Record a team conference",
        },
    )


@require_GET
@login_required
def conference_detail(request, client_id: int, conference_id: int):
    access = selectors.plan_access(request.user, client_id)
    conference = selectors.conference_get(access, conference_id)
    may_write = access.may(Area.CLINICAL, Action.WRITE)
    linked = {plan.pk for plan in conference.plan_versions.all()}
    return render(
        request,
        "plans/conference_detail.html",
        {
            "nav": "clients",
            "client": access.client,
            "conference": conference,
            "may_write": may_write,
            "attendee_form": AttendeeForm(colleagues=_colleagues(access)) if may_write else None,
            "link_form": PlanLinkForm(
                plan_versions=access.client.treatment_plans.exclude(pk__in=linked).order_by("-version")
            )
            if may_write
            else None,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def conference_edit(request, client_id: int, conference_id: int):
    access = selectors.plan_access(request.user, client_id, action=Action.WRITE)
    conference = selectors.conference_get(access, conference_id)
    form = ConferenceForm(request.POST or None, instance=selectors.conference_get(access, conference_id))
    if request.method == "POST" and form.is_valid():
        try:
            services.conference_update(by=request.user, conference=conference, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _to_conference(conference)
    return render(
        request,
        "plans/conference_form.html",
        {
            "nav": "clients",
            "client": access.client,
            "form": form,
            "conference": conference,
            "title": f"Correct the {conference}",
        },
    )


def _refused(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


@require_POST
@login_required
def conference_attendee_add(request, client_id: int, conference_id: int):
    access = selectors.plan_access(request.user, client_id, action=Action.WRITE)
    conference = selectors.conference_get(access, conference_id)
    form = AttendeeForm(request.POST, colleagues=_colleagues(access))
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return _to_conference(conference)
    try:
        services.conference_attendee_add(by=request.user, conference=conference, **form.cleaned_data)
    except ValidationError as exc:
        _refused(request, exc)
    return _to_conference(conference)


@require_POST
@login_required
def conference_attendee_remove(request, client_id: int, conference_id: int, attendee_id: int):
    access = selectors.plan_access(request.user, client_id, action=Action.WRITE)
    conference = selectors.conference_get(access, conference_id)
    services.conference_attendee_remove(by=request.user, attendee=selectors.attendee_get(conference, attendee_id))
    return _to_conference(conference)


@require_POST
@login_required
def conference_plan_link(request, client_id: int, conference_id: int):
    access = selectors.plan_access(request.user, client_id, action=Action.WRITE)
    conference = selectors.conference_get(access, conference_id)
    form = PlanLinkForm(request.POST, plan_versions=access.client.treatment_plans.all())
    if not form.is_valid():
        messages.error(request, services.PLAN_OF_ANOTHER_CLIENT)
        return _to_conference(conference)
    services.conference_plan_link(by=request.user, conference=conference, plan=form.cleaned_data["plan"])
    return _to_conference(conference)


@require_POST
@login_required
def conference_plan_unlink(request, client_id: int, conference_id: int, plan_id: int):
    access = selectors.plan_access(request.user, client_id, action=Action.WRITE)
    conference = selectors.conference_get(access, conference_id)
    services.conference_plan_unlink(
        by=request.user, conference=conference, plan=selectors.conference_plan_get(conference, plan_id)
    )
    return _to_conference(conference)
