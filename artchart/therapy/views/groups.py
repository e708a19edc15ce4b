"""Group pages: the user's groups, one group (members, sessions), its forms, the census import and attendance."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from artchart.clients.models import Client
from artchart.core.forms_util import add_service_errors
from artchart.core.permissions import Action, Area, client_ids_allowing
from artchart.therapy import census
from artchart.therapy.forms.groups import CensusForm, GroupForm, ImportForm, LeaveForm, MemberAddForm
from artchart.therapy.models import AttendanceStatus, Group
from artchart.therapy.selectors import groups as selectors
from artchart.therapy.services import groups as services

# --- pages -------------------------------------------------------------------------------------


def _to_group(group):
    return redirect("therapy:group_detail", group.pk)


@require_GET
@login_required
def group_list(request):
    everything = request.GET.get("all") == "1"
    groups = list(selectors.groups_for(request.user, everything=everything))
    return render(
        request,
        "therapy/groups/group_list.html",
        {
            "nav": "groups",
            "groups": groups,
            "everything": everything,
            "may_start": request.user.role in selectors.MANAGER_ROLES,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def group_create(request):
    selectors.require_may_start(request.user)
    form = GroupForm(request.POST or None, user=request.user, initial={"facilitators": [request.user.pk]})
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{group.name} is open.")
            return _to_group(group)
    return render(
        request,
        "therapy/groups/form.html",
        {"nav": "groups", "form": form, "title": "Start a group", "submit": "Start the group", "group": None},
    )


@require_GET
@login_required
def group_detail(request, group_id: int):
    access = selectors.group_get_for_user(request.user, group_id)
    upcoming, past = selectors.sessions_of(access)
    facilitators = list(access.group.facilitators.all())
    return render(
        request,
        "therapy/groups/group_detail.html",
        {
            "nav": "groups",
            "access": access,
            "group": access.group,
            "roster": selectors.roster_of(access),
            "facilitators": facilitators,
            "is_facilitator": request.user in facilitators,
            "upcoming": upcoming,
            "past": past,
            "writable": access.writable_ids,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def group_edit(request, group_id: int):
    access = selectors.group_get_for_user(request.user, group_id, manage=True)
    group = access.group
    form = GroupForm(request.POST or None, instance=Group.objects.get(pk=group.pk), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_update(by=request.user, group=group, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _to_group(group)
    return render(
        request,
        "therapy/groups/form.html",
        {"nav": "groups", "form": form, "group": group, "title": f"Edit {group.name}", "submit": "Save"},
    )


def _addable_clients(access):
    current = selectors.members_on(access.group, timezone.localdate()).values("client_id")
    return (
        Client.objects.filter(organization_id=access.group.organization_id)
        .filter(pk__in=client_ids_allowing(access.user, Area.NOTES, Action.WRITE))
        .exclude(pk__in=current)
        .select_related("site")
    )


@require_http_methods(["GET", "POST"])
@login_required
def group_member_add(request, group_id: int):
    access = selectors.group_get_for_user(request.user, group_id, manage=True)
    form = MemberAddForm(request.POST or None, clients=_addable_clients(access))
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.member_add(by=request.user, group=access.group, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{membership.client.display_name} joined {access.group.name}.")
            return _to_group(access.group)
    return render(
        request,
        "therapy/groups/form.html",
        {
            "nav": "groups",
            "form": form,
            "group": access.group,
            "title": f"Add a member to {access.group.name}",
            "submit": "Add",
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def group_member_leave(request, group_id: int, membership_id: int):
    access = selectors.group_get_for_user(request.user, group_id, manage=True)
    membership = selectors.membership_get(access, membership_id, write=True)
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_leave(by=request.user, membership=membership, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{membership.client.display_name} left {access.group.name}.")
            return _to_group(access.group)
    return render(
        request,
        "therapy/groups/form.html",
        {
            "nav": "groups",
            "form": form,
            "group": access.group,
            "submit": "Record leaving",
            "title": f"{membership.client.display_name} leaves {access.group.name}",
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def group_census(request, group_id: int):
    """Upload a census file and see who it matches; the file stays in this request (nothing is stored)."""
    access = selectors.group_get_for_user(request.user, group_id, manage=True)
    form = CensusForm(request.POST or None, request.FILES or None)
    context = {"nav": "groups", "group": access.group, "form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = census.parse_census(upload.read(census.MAX_BYTES + 1), today=timezone.localdate())
        except census.CensusError as exc:
            context["census_errors"] = exc.messages
        else:
            joined_on = form.cleaned_data["joined_on"]
            matches = selectors.census_match(access, rows, on=joined_on)
            context.update(
                matches=matches, joined_on=joined_on, addable=any(m.status == selectors.Match.NEW for m in matches)
            )
    return render(request, "therapy/groups/census.html", context)


@require_POST
@login_required
def group_census_confirm(request, group_id: int):
    access = selectors.group_get_for_user(request.user, group_id, manage=True)
    form = ImportForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Nothing was imported: choose at least one client, then confirm again.")
        return redirect("therapy:group_census", access.group.pk)
    try:
        added = services.members_import(by=request.user, group=access.group, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, "Nothing was imported. " + " ".join(exc.messages))
        return redirect("therapy:group_census", access.group.pk)
    messages.success(request, f"{len(added)} {'client' if len(added) == 1 else 'clients'} joined {access.group.name}.")
    return _to_group(access.group)


@require_http_methods(["GET", "POST"])
@login_required
def group_attendance(request, session_id: int):
    access, session = selectors.group_session_get(request.user, session_id, manage=request.method == "POST")
    sheet = selectors.attendance_sheet(access, session)
    errors = []
    if request.method == "POST":
        marks = {row.client.pk: request.POST.get(f"mark-{row.client.pk}", "") for row in sheet.rows if row.may_mark}
        try:
            services.attendance_record(
                by=request.user, session=session, marks={client_id: mark for client_id, mark in marks.items() if mark}
            )
        except ValidationError as exc:
            errors = exc.messages
            for row in sheet.rows:
                row.selected = marks.get(row.client.pk, row.mark)
        else:
            messages.success(request, "Attendance is recorded.")
            return redirect("therapy:group_attendance", session.pk)
    return render(
        request,
        "therapy/groups/attendance.html",
        {
            "nav": "groups",
            "group": access.group,
            "session": session,
            "sheet": sheet,
            "errors": errors,
            "statuses": AttendanceStatus.choices,
        },
    )
