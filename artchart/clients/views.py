"""Client pages: list and search, the chart, and the forms that change the record.

Each view parses, authorizes through a selector (404 for outsiders), calls one
service and renders or redirects.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.forms.models import model_to_dict
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from artchart.clients import forms as record_forms
from artchart.clients import selectors, services
from artchart.clients.forms import (
    CareTeamAddForm,
    ClientForm,
    ConsentForm,
    ContactForm,
    DiagnosisForm,
    EmergencyAccessForm,
    EmergencyReviewForm,
    GatheredInfoForm,
    RestrictionForm,
    RevokeConsentForm,
)
from artchart.clients.models import CareTeamMembership, ClientStatus, Diagnosis, Disclosure
from artchart.core.access import require_role
from artchart.core.forms_util import add_service_errors
from artchart.core.messages import UserMessage
from artchart.core.models import Role
from artchart.core.paging import page_of, query_without_page
from artchart.core.panel_registry import chart_panels
from artchart.core.permissions import Action, Area, allows, relations_of
from artchart.core.selectors import active_sites_for, colleagues_of, sites_for


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
    clients = selectors.client_search(
        request.user, q=q, status=status if status in ClientStatus.values else "", site_id=site_id
    )
    page = page_of(request, clients)
    selectors.shown(page.object_list)
    context = {
        "nav": "clients",
        "page": page,
        "query": query_without_page(request),
        "q": q,
        "status": status,
        "site_id": site_id,
        "statuses": ClientStatus.choices,
        "sites": sites_for(request.user),
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
        "gathered": list(selectors.gathered_info_with_amendment_notices(access)),
        "team": list(selectors.care_team_of(client_id)),
        "amendments": list(selectors.amendments_of(access)),
        "recent_disclosures": list(selectors.disclosures_of(access)[:RECENT_DISCLOSURES]),
        # The plan, sessions and notes of the apps after clients: see core/panel_registry.py.
        "panels": chart_panels(access),
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
            services.client_update(
                by=request.user,
                client=selectors.client_get_for_user(request.user, client_id).client,
                **form.cleaned_data,
            )
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
    return render(
        request,
        "clients/simple_form.html",
        {
            "form": form,
            "client": access.client,
            "title": "Add a diagnosis",
            "submit": "Add diagnosis",
            "nav": "clients",
        },
    )


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
    return render(
        request,
        "clients/simple_form.html",
        {
            "form": form,
            "client": access.client,
            "title": "Add a contact or guardian",
            "submit": "Add contact",
            "nav": "clients",
        },
    )


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
    return render(
        request,
        "clients/simple_form.html",
        {
            "form": form,
            "client": access.client,
            "title": f"Edit {contact.name}",
            "submit": "Save contact",
            "nav": "clients",
        },
    )


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
    form = ConsentForm(
        request.POST or None, client=access.client, initial={"kind": request.GET.get("kind", ""), "signed_on": _today()}
    )
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
    return render(
        request,
        "clients/consent_detail.html",
        {
            "client": access.client,
            "access": access,
            "consent": consent,
            "nav": "clients",
            "revoke_form": RevokeConsentForm(initial={"revoked_on": _today()}),
        },
    )


@require_POST
@login_required
def consent_revoke(request, client_id: int, consent_id: int):
    access = selectors.client_get_for_user(request.user, client_id, action=Action.WRITE)
    consent = selectors.consent_get(access, consent_id)
    form = RevokeConsentForm(request.POST)
    if form.is_valid():
        try:
            services.consent_revoke(
                by=request.user, consent=consent, on=form.cleaned_data["revoked_on"], note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{consent.get_kind_display()} was revoked.")
            return _chart(client_id)
    return render(
        request,
        "clients/consent_detail.html",
        {
            "client": access.client,
            "access": access,
            "consent": consent,
            "revoke_form": form,
            "nav": "clients",
        },
        status=400,
    )


def _today():
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
    return render(
        request,
        "clients/simple_form.html",
        {
            "form": form,
            "client": access.client,
            "title": "Add gathered information",
            "submit": "Add to the record",
            "multipart": True,
            "nav": "clients",
        },
    )


@require_GET
@login_required
def document_download(request, document_id: int):
    document = selectors.document_get_for_user(request.user, document_id)
    response = FileResponse(
        default_storage.open(document.file.name, "rb"),
        content_type=document.content_type,
        as_attachment=True,
        filename=document.original_name,
    )
    return response


# --- care team --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def care_team(request, client_id: int):
    access = selectors.care_team_client_for_user(request.user, client_id)
    form = CareTeamAddForm(
        request.POST or None, colleagues=colleagues_of(request.user).exclude(role__in=[Role.ADMIN, Role.PROGRAM_ADMIN])
    )
    if request.method == "POST":
        if not access.may_manage_team:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.care_team_add(by=request.user, client_id=client_id, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"{form.cleaned_data['user']} joined the care team.")
                return redirect("clients:care_team", client_id)
    return render(
        request,
        "clients/care_team.html",
        {
            "client": access.client,
            "access": access,
            "team": selectors.care_team_of(client_id),
            "form": form,
            "nav": "care_teams" if request.user.role == Role.ADMIN else "clients",
        },
    )


@require_POST
@login_required
def care_team_remove(request, client_id: int, membership_id: int):
    selectors.care_team_client_for_user(request.user, client_id, action=Action.MANAGE)
    membership = get_object_or_404(CareTeamMembership, pk=membership_id, client_id=client_id)
    try:
        services.care_team_remove(by=request.user, membership=membership)
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
    return render(
        request,
        "clients/care_team_overview.html",
        {"page": page, "q": q, "query": query_without_page(request), "nav": "care_teams"},
    )


# --- restricted clients -------------------------------------------------------------------------

RESTRICTION_SAVED = UserMessage(
    "restriction_saved", "Only the people named may now see {name}; every access is flagged in the audit log."
)
RESTRICTION_LIFTED = UserMessage(
    "restriction_lifted", "{name} is no longer restricted: the whole care team sees the record again."
)


@require_http_methods(["GET", "POST"])
@login_required
def restriction(request, client_id: int):
    """Restrict a client to named users (the primary therapist or an admin)."""
    access = selectors.care_team_client_for_user(request.user, client_id, action=Action.MANAGE)
    current = access.restriction
    candidates = selectors.restriction_candidates(client_id)
    initial = (
        {"restricted": True, "category": current.category, "named_users": list(current.named_users.all())}
        if current
        else {}
    )
    # An empty POST (every box unticked) is still a submission: it lifts the restriction.
    form = RestrictionForm(request.POST if request.method == "POST" else None, candidates=candidates, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["restricted"]:
                services.client_restrict(
                    by=request.user, client=access.client, category=data["category"], named_users=data["named_users"]
                )
                message = RESTRICTION_SAVED
            elif current is not None:
                services.client_unrestrict(by=request.user, client=access.client)
                message = RESTRICTION_LIFTED
            else:
                return redirect("clients:care_team", client_id)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, message.format(name=access.client.display_name))
            return redirect("clients:care_team", client_id)
    return render(
        request,
        "clients/restriction_form.html",
        {
            "client": access.client,
            "access": access,
            "form": form,
            "restriction": current,
            "nav": "care_teams" if request.user.role == Role.ADMIN else "clients",
        },
    )


# --- emergency access (break the glass) ------------------------------------------------------------

EMERGENCY_STARTED = UserMessage(
    "emergency_access_started",
    "Emergency access to {name} is open until {until:%H:%M}. Every page you open is flagged for review.",
)
EMERGENCY_REVIEWED = UserMessage("emergency_access_reviewed", "The emergency access was reviewed.")


@require_GET
@login_required
def emergency_search(request):
    """Find a client to break the glass for (designated users only): names, nothing else."""
    q = request.GET.get("q", "").strip()[:100]
    page = page_of(request, selectors.break_glass_search(request.user, q=q))
    selectors.shown(page.object_list)
    return render(
        request,
        "clients/emergency_search.html",
        {
            "page": page,
            "q": q,
            "query": query_without_page(request),
            "min_length": selectors.BREAK_GLASS_SEARCH_MIN,
            "nav": "clients",
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def emergency_request(request, client_id: int):
    """ "Not on your care team": a designated user may ask for emergency access, with a reason."""
    if allows(relations_of(request.user, client_id), Area.DEMOGRAPHICS, Action.READ):
        return _chart(client_id)
    client = selectors.break_glass_client_for_user(request.user, client_id)
    form = EmergencyAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access = services.emergency_access_start(by=request.user, client=client, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.warning(
                request, EMERGENCY_STARTED.format(name=client.display_name, until=timezone.localtime(access.expires_at))
            )
            return _chart(client_id)
    return render(
        request,
        "clients/emergency_request.html",
        {
            "client": client,
            "form": form,
            "minutes": services.break_glass_minutes(),
            "nav": "clients",
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def emergency_review(request, access_id: int):
    """An admin reviews one break-the-glass: who, which client, when, why; and writes a note."""
    emergency = selectors.emergency_access_get_for_admin(request.user, access_id)
    form = EmergencyReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.emergency_access_review(by=request.user, access=emergency, note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, EMERGENCY_REVIEWED)
            return redirect("dashboard")
    return render(request, "clients/emergency_review.html", {"emergency": emergency, "form": form, "nav": "dashboard"})


# --- amendments (HIPAA 164.526) ------------------------------------------------------------------

RECENT_DISCLOSURES = 5


@require_http_methods(["GET", "POST"])
@login_required
def amendment_add(request, client_id: int):
    access = selectors.client_get_for_user(request.user, client_id, action=Action.WRITE)
    initial = {"received_on": _today()}
    entry = request.GET.get("gathered", "")
    if entry.isdigit():
        initial.update(part="gathered_info", gathered_info=int(entry))
    form = record_forms.AmendmentRequestForm(request.POST or None, client=access.client, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            amendment = services.amendment_request_record(by=request.user, client=access.client, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"The request was recorded. A response is due by {amendment.due_on:%d %B %Y}.")
            return redirect("clients:amendment_detail", client_id, amendment.pk)
    return render(
        request,
        "clients/simple_form.html",
        {
            "form": form,
            "client": access.client,
            "title": "Record a request to amend the record",
            "submit": "Record the request",
            "nav": "clients",
        },
    )


def _amendment_page(request, access, amendment, *, decision_form=None, disagreement_form=None, status=200):
    return render(
        request,
        "clients/amendment_detail.html",
        {
            "client": access.client,
            "access": access,
            "amendment": amendment,
            "nav": "clients",
            "decision_form": decision_form or record_forms.AmendmentDecisionForm(initial={"decided_on": _today()}),
            "disagreement_form": disagreement_form or record_forms.DisagreementForm(initial={"received_on": _today()}),
        },
        status=status,
    )


@require_GET
@login_required
def amendment_detail(request, client_id: int, amendment_id: int):
    access = selectors.client_get_for_user(request.user, client_id)
    return _amendment_page(request, access, selectors.amendment_get(access, amendment_id))


@require_POST
@login_required
def amendment_decide(request, client_id: int, amendment_id: int):
    access = selectors.client_get_for_user(request.user, client_id, action=Action.WRITE)
    amendment = selectors.amendment_get(access, amendment_id)
    form = record_forms.AmendmentDecisionForm(request.POST)
    if form.is_valid():
        try:
            amendment = services.amendment_decide(by=request.user, amendment=amendment, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"The request was {amendment.get_decision_display().lower()}.")
            return redirect("clients:amendment_detail", client_id, amendment_id)
    return _amendment_page(request, access, amendment, decision_form=form, status=400)


@require_POST
@login_required
def amendment_disagreement(request, client_id: int, amendment_id: int):
    access = selectors.client_get_for_user(request.user, client_id, action=Action.WRITE)
    amendment = selectors.amendment_get(access, amendment_id)
    form = record_forms.DisagreementForm(request.POST)
    if form.is_valid():
        try:
            services.amendment_disagreement_record(by=request.user, amendment=amendment, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The statement of disagreement is on the record, beside the item it disputes.")
            return redirect("clients:amendment_detail", client_id, amendment_id)
    return _amendment_page(request, access, amendment, disagreement_form=form, status=400)


# --- disclosures and their accounting (HIPAA 164.528) ---------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def disclosure_add(request, client_id: int):
    access = selectors.client_get_for_user(request.user, client_id, action=Action.WRITE)
    form = record_forms.DisclosureForm(request.POST or None, client=access.client, initial={"disclosed_on": _today()})
    if request.method == "POST" and form.is_valid():
        try:
            disclosure = services.disclosure_record(by=request.user, client=access.client, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The disclosure was recorded in the accounting.")
            return redirect("clients:disclosure_detail", client_id, disclosure.pk)
    return render(
        request,
        "clients/disclosure_form.html",
        {
            "form": form,
            "client": access.client,
            "title": "Record a disclosure",
            "nav": "clients",
        },
    )


@require_GET
@login_required
def disclosure_detail(request, client_id: int, disclosure_id: int):
    access = selectors.client_get_for_user(request.user, client_id)
    disclosure = selectors.disclosure_get(access, disclosure_id)
    return render(
        request,
        "clients/disclosure_detail.html",
        {
            "client": access.client,
            "access": access,
            "disclosure": disclosure,
            "nav": "clients",
            "corrections": list(disclosure.corrections.select_related("disclosed_by")),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def disclosure_correct(request, client_id: int, disclosure_id: int):
    access = selectors.client_get_for_user(request.user, client_id, action=Action.WRITE)
    original = selectors.disclosure_get(access, disclosure_id)
    form = record_forms.DisclosureCorrectionForm(
        request.POST or None,
        client=access.client,
        instance=Disclosure(client=access.client, corrects=original),
        initial=model_to_dict(original, fields=record_forms.DisclosureForm.Meta.fields),
    )
    if request.method == "POST" and form.is_valid():
        try:
            correction = services.disclosure_correct(by=request.user, original=original, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The correction was added; the original stays in the accounting beside it.")
            return redirect("clients:disclosure_detail", client_id, correction.pk)
    return render(
        request,
        "clients/disclosure_form.html",
        {
            "form": form,
            "client": access.client,
            "original": original,
            "nav": "clients",
            "title": f"Correct the disclosure of {original.disclosed_on:%d %b %Y}",
        },
    )


@require_GET
@login_required
def accounting(request, client_id: int):
    access = selectors.client_get_for_user(request.user, client_id)
    return render(
        request,
        "clients/accounting.html",
        {
            "client": access.client,
            "access": access,
            "accounting": selectors.accounting_of(access),
            "nav": "clients",
        },
    )


ACCOUNTING_CSV_HEADER = [
    "disclosure_id",
    "date",
    "kind",
    "recipient",
    "recipient_address",
    "purpose",
    "what_was_released",
    "legal_basis",
    "release_of_information_id",
    "disclosed_by",
    "recorded_at",
    "corrects_id",
    "corrected_by_ids",
    "correction_reason",
    "redisclosure_notice",
]


def _csv_cell(value) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP CSV injection)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require_GET
@login_required
def accounting_csv(request, client_id: int):
    access = selectors.client_get_for_user(request.user, client_id)
    report = selectors.accounting_of(access)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="accounting-of-disclosures-client-{client_id}-{report.until:%Y%m%d}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(ACCOUNTING_CSV_HEADER)
    for entry in report.entries:
        d = entry.disclosure
        writer.writerow(
            [
                _csv_cell(value)
                for value in (
                    d.pk,
                    d.disclosed_on.isoformat(),
                    d.get_kind_display(),
                    d.recipient,
                    d.recipient_address,
                    d.purpose,
                    d.description,
                    d.get_legal_basis_display(),
                    d.consent_id or "",
                    d.disclosed_by.display_name,
                    d.recorded_at.isoformat(timespec="seconds"),
                    d.corrects_id or "",
                    " ".join(map(str, entry.corrected_by)),
                    d.correction_reason,
                    d.redisclosure_notice,
                )
            ]
        )
    return response
