"""Client pages: list and search, the chart, and the forms that change the record.

Each view parses, authorizes through a selector (404 for outsiders), calls one
service and renders or redirects.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from artchart.clients import selectors, services
from artchart.clients.forms import (
    CareTeamAddForm,
    ClientForm,
    ConsentForm,
    ContactForm,
    DiagnosisForm,
    GatheredInfoForm,
    RevokeConsentForm,
)
from artchart.clients.models import ClientStatus, Diagnosis
from artchart.core import services as core_services
from artchart.core.access import require_role
from artchart.core.forms_util import add_service_errors
from artchart.core.paging import page_of, query_without_page
from artchart.core.models import CareTeamMembership, Role
from artchart.core.permissions import Action, Area
from artchart.core.selectors import active_sites_for, care_team_of, colleagues_of, sites_for





def _chart(client_id: int):
    return redirect("clients:chart", client_id)


# --- list and search ------------------------------------------------------------------


@require_GET
@login_required
def client_list(request):
    q = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    site_id = request.GET.get("site", "")
    site_id = int(site_id) if site_id.isdigit() else None
    clients = selectors.client_search(request.user, q=q, status=status if status in ClientStatus.values else "",
                                      site_id=site_id)
    page = page_of(request, clients)
    selectors.shown(page.object_list)
    context = {
        "nav": "clients", "page": page, "query": query_without_page(request), "q": q, "status": status, "site_id": site_id,
        "statuses": ClientStatus.choices, "sites": sites_for(request.user),
        "may_create": request.user.role in services.CREATOR_TEAM_ROLE,
    }
    template = "clients/_client_rows.html" if request.headers.get("HX-Request") else "clients/client_list.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@login_required
def client_create(request):
    if request.user.role not in services.CREATOR_TEAM_ROLE:
        require_role(request.user, *services.CREATOR_TEAM_ROLE)
    form = ClientForm(request.POST or None, sites=active_sites_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            client = services.client_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{client.display_name}'s record is open. You are on the care team.")
            return _chart(client.pk)
    return render(request, "clients/client_form.html", {"form": form, "nav": "clients"})


# --- the chart ----------------------------------------------------------------------


@require_GET
@login_required
def client_chart(request, client_id: int):
    access = selectors.client_get_for_user(request.user, client_id)
    context = {
        "nav": "clients",
        "access": access,
        "client": access.client,
        "diagnoses": list(access.client.diagnoses.all()),
        "contacts": list(selectors.contacts_of(access)),
        "consents": list(selectors.consents_of(access)),
        "gathered": list(selectors.gathered_info_of(access)),
        "team": list(care_team_of(client_id)),
    }
    return render(request, "clients/chart.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def client_edit(request, client_id: int):
    access = selectors.client_get_for_user(request.user, client_id, action=Action.WRITE)
    client = access.client
    sites = sites_for(request.user).filter(is_active=True) | sites_for(request.user).filter(pk=client.site_id)
    form = ClientForm(request.POST or None, instance=client, sites=sites.distinct())
    if request.method == "POST" and form.is_valid():
        try:
            services.client_update(by=request.user, client=selectors.client_get_for_user(request.user, client_id).client,
                                   **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The record was saved.")
            return _chart(client_id)
    return render(request, "clients/client_form.html", {"form": form, "client": client, "nav": "clients"})


# --- diagnoses ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def diagnosis_add(request, client_id: int):
    access = selectors.client_get_for_user(request.user, client_id, action=Action.WRITE)
    form = DiagnosisForm(request.POST or None, instance=Diagnosis(client=access.client))
    if request.method == "POST" and form.is_valid():
        try:
            services.diagnosis_add(by=request.user, client=access.client, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The diagnosis was added.")
            return _chart(client_id)
    return render(request, "clients/simple_form.html", {
        "form": form, "client": access.client, "title": "Add a diagnosis", "submit": "Add diagnosis", "nav": "clients",
    })


@require_POST
@login_required
def diagnosis_remove(request, client_id: int, diagnosis_id: int):
    access = selectors.client_get_for_user(request.user, client_id, action=Action.WRITE)
    diagnosis = get_object_or_404(Diagnosis, pk=diagnosis_id, client=access.client)
    services.diagnosis_remove(by=request.user, diagnosis=diagnosis)
    messages.success(request, "The diagnosis was removed.")
    return _chart(client_id)


# --- contacts -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def contact_add(request, client_id: int):
    access = selectors.client_get_for_user(request.user, client_id, action=Action.WRITE)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.contact_add(by=request.user, client=access.client, **form.cleaned_data)
        messages.success(request, "The contact was added.")
        return _chart(client_id)
    return render(request, "clients/simple_form.html", {
        "form": form, "client": access.client, "title": "Add a contact or guardian", "submit": "Add contact",
        "nav": "clients",
    })


@require_http_methods(["GET", "POST"])
@login_required
def contact_edit(request, client_id: int, contact_id: int):
    access = selectors.client_get_for_user(request.user, client_id, action=Action.WRITE)
    contact = selectors.contact_get(access, contact_id)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        services.contact_update(by=request.user, contact=selectors.contact_get(access, contact_id), **form.cleaned_data)
        messages.success(request, "The contact was saved.")
        return _chart(client_id)
    return render(request, "clients/simple_form.html", {
        "form": form, "client": access.client, "title": f"Edit {contact.name}", "submit": "Save contact",
        "nav": "clients",
    })


@require_POST
@login_required
def contact_remove(request, client_id: int, contact_id: int):
    access = selectors.client_get_for_user(request.user, client_id, action=Action.WRITE)
    try:
        services.contact_remove(by=request.user, contact=selectors.contact_get(access, contact_id))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "The contact was removed.")
    return _chart(client_id)


# --- consents ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def consent_add(request, client_id: int):
    access = selectors.client_get_for_user(request.user, client_id, action=Action.WRITE)
    form = ConsentForm(request.POST or None, client=access.client,
                       initial={"kind": request.GET.get("kind", ""), "signed_on": _today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(by=request.user, client=access.client, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The consent was recorded.")
            return _chart(client_id)
    return render(request, "clients/consent_form.html", {"form": form, "client": access.client, "nav": "clients"})


@require_GET
@login_required
def consent_detail(request, client_id: int, consent_id: int):
    access = selectors.client_get_for_user(request.user, client_id)
    consent = selectors.consent_get(access, consent_id)
    return render(request, "clients/consent_detail.html", {
        "client": access.client, "access": access, "consent": consent, "nav": "clients",
        "revoke_form": RevokeConsentForm(initial={"revoked_on": _today()}),
    })


@require_POST
@login_required
def consent_revoke(request, client_id: int, consent_id: int):
    access = selectors.client_get_for_user(request.user, client_id, action=Action.WRITE)
    consent = selectors.consent_get(access, consent_id)
    form = RevokeConsentForm(request.POST)
    if form.is_valid():
        try:
            services.consent_revoke(by=request.user, consent=consent, on=form.cleaned_data["revoked_on"],
                                    note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{consent.get_kind_display()} was revoked.")
            return _chart(client_id)
    return render(request, "clients/consent_detail.html", {
        "client": access.client, "access": access, "consent": consent, "revoke_form": form, "nav": "clients",
    }, status=400)


def _today():
    from django.utils import timezone

    return timezone.localdate()


# --- gathered information ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def gathered_info_add(request, client_id: int):
    access = selectors.client_get_for_user(request.user, client_id, action=Action.WRITE)
    form = GatheredInfoForm(request.POST or None, request.FILES or None, initial={"occurred_on": _today()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        documents = data.pop("documents", [])
        try:
            services.gathered_info_add(by=request.user, client=access.client, documents=documents, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The information was added to the record.")
            return _chart(client_id)
    return render(request, "clients/simple_form.html", {
        "form": form, "client": access.client, "title": "Add gathered information", "submit": "Add to the record",
        "multipart": True, "nav": "clients",
    })


@require_GET
@login_required
def document_download(request, document_id: int):
    document = selectors.document_get_for_user(request.user, document_id)
    response = FileResponse(default_storage.open(document.file.name, "rb"), content_type=document.content_type,
                            as_attachment=True, filename=document.original_name)
    return response


# --- care team --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def care_team(request, client_id: int):
    access = selectors.care_team_client_for_user(request.user, client_id)
    form = CareTeamAddForm(request.POST or None, colleagues=colleagues_of(request.user).exclude(
        role__in=[Role.ADMIN, Role.PROGRAM_ADMIN]))
    if request.method == "POST":
        if not access.may_manage_team:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        if form.is_valid():
            try:
                core_services.care_team_add(by=request.user, client_id=client_id, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"{form.cleaned_data['user']} joined the care team.")
                return redirect("clients:care_team", client_id)
    return render(request, "clients/care_team.html", {
        "client": access.client, "access": access, "team": care_team_of(client_id), "form": form,
        "nav": "care_teams" if request.user.role == Role.ADMIN else "clients",
    })


@require_POST
@login_required
def care_team_remove(request, client_id: int, membership_id: int):
    selectors.care_team_client_for_user(request.user, client_id, action=Action.MANAGE)
    membership = get_object_or_404(CareTeamMembership, pk=membership_id, client_id=client_id)
    try:
        core_services.care_team_remove(by=request.user, membership=membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{membership.user} left the care team.")
    return redirect("clients:care_team", client_id)


@require_GET
@login_required
def care_team_overview(request):
    require_role(request.user, Role.ADMIN)
    q = request.GET.get("q", "").strip()[:100]
    page = page_of(request, selectors.clients_for_care_team_admin(request.user, q=q))
    selectors.shown(page.object_list)
    return render(request, "clients/care_team_overview.html", {"page": page, "q": q, "query": query_without_page(request),
                                                                    "nav": "care_teams"})
