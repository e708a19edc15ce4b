"""Sign-out, the dashboard, the admin pages (users, sites, supervision, audit) and the account page.

Each view parses, authorizes (``admin_only`` or a selector that answers 404),
calls one service and renders or redirects.
"""

from __future__ import annotations

import copy
from functools import wraps
from typing import NamedTuple

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from artchart.core import audit, selectors, services
from artchart.core.access import require_role
from artchart.core.audit_rows import audit_rows
from artchart.core.forms import (
    AdminSetPasswordForm,
    AuditFilterForm,
    OwnPasswordChangeForm,
    SiteForm,
    SupervisionLinkForm,
    TokenCreateForm,
    UserCreateForm,
    UserEditForm,
)
from artchart.core.forms_util import add_service_errors
from artchart.core.messages import UserMessage
from artchart.core.models import ApiToken, Role
from artchart.core.paging import page_of, query_without_page
from artchart.core.panel_registry import dashboard_panels, first_day_steps

AUDIT_PAGE_SIZE = 50

USER_CREATED = UserMessage(
    "user_created", "{name}'s account is ready. Give them the initial password in person, not by email."
)
USER_SAVED = UserMessage("user_saved", "{name}'s account was saved.")
MFA_RESET = UserMessage(
    "user_mfa_reset", "{name}'s two-step sign-in was reset: they set up a new authenticator at their next sign-in."
)
USER_SAVED_SIGNED_OUT = UserMessage(
    "user_saved_signed_out", "{name}'s account was saved; they were signed out everywhere and their API tokens ended."
)
PASSWORD_SET = UserMessage(
    "user_password_set", "{name}'s password was changed; they were signed out everywhere and their API tokens ended."
)
OWN_PASSWORD_CHANGED = UserMessage(
    "own_password_changed", "Your password was changed. Your API tokens have ended; issue new ones if you need them."
)
SITE_CREATED = UserMessage("site_created", "The site {name} was added.")
SITE_SAVED = UserMessage("site_saved", "The site {name} was saved.")
SUPERVISION_STARTED = UserMessage("supervision_started", "{supervisor} now supervises {supervisee}.")
SUPERVISION_ENDED = UserMessage("supervision_ended", "{supervisor} no longer supervises {supervisee}.")
TOKEN_ISSUED = UserMessage(
    "api_token_issued", "Your new token is shown below, once. Copy it now: ArtChart keeps only its fingerprint."
)
TOKEN_REVOKED = UserMessage("api_token_revoked", "The token {prefix}… was revoked.")


@require_http_methods(["GET", "POST"])
def sign_out(request):
    # GET is accepted only from the idle-timeout script, which cannot POST after
    # the page is gone; it ends the session just the same.
    if request.user.is_authenticated:
        services.sign_out_recorded(user=request.user)
        logout(request)
    target = "login"
    response = redirect(target)
    if "expired" in request.GET:
        response["Location"] += "?expired=1"
    return response


@require_GET
@login_required
def keepalive(request):
    return HttpResponse(status=204)


@require_GET
@login_required
def dashboard(request):
    # Every card comes from an app's panels module (the clients app's among them): see core/panel_registry.py.
    steps = first_day_steps(request.user)
    return render(
        request,
        "core/dashboard.html",
        {
            "nav": "dashboard",
            "panels": dashboard_panels(request.user),
            # A new practice's checklist, shown to its admins until every step is done.
            "first_day": steps if not all(step.done for step in steps) else [],
        },
    )


# --- helpers --------------------------------------------------------------------------


def admin_only(view):
    """Signed in (else to the sign-in page) and an admin (else 403)."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        require_role(request.user, Role.ADMIN)
        return view(request, *args, **kwargs)

    return wrapped


def _form_page(request, form, **context):
    return render(request, "core/form_page.html", {"form": form, **context})


# --- users ------------------------------------------------------------------------------


@require_GET
@admin_only
def user_list(request):
    q = request.GET.get("q", "").strip()[:100]
    role = request.GET.get("role", "")
    role = role if role in Role.values else ""
    active = request.GET.get("active", "")
    users = selectors.users_for_admin(request.user, q=q, role=role, active=active)
    context = {
        "nav": "users",
        "page": page_of(request, users),
        "query": query_without_page(request),
        "q": q,
        "role": role,
        "active": active,
        "roles": Role.choices,
    }
    return render(request, "core/user_list.html", context)


@require_http_methods(["GET", "POST"])
@admin_only
def user_create(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.user_create(
                by=request.user, password=form.cleaned_data["password1"], **form.user_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, USER_CREATED.format(name=person.display_name))
            return redirect("core:users")
    return _form_page(request, form, nav="users", title="New user", submit="Create user", back=("core:users", "Users"))


@require_http_methods(["GET", "POST"])
@admin_only
def user_edit(request, user_id: int):
    person = selectors.user_get_for_admin(request.user, user_id)
    # The form writes into its instance as it validates; the service compares
    # against the stored values, so it gets the untouched original.
    form = UserEditForm(request.POST or None, instance=copy.copy(person))
    if request.method == "POST" and form.is_valid():
        epoch = person.security_epoch
        try:
            person = services.user_update(by=request.user, user=person, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            message = USER_SAVED_SIGNED_OUT if person.security_epoch != epoch else USER_SAVED
            messages.success(request, message.format(name=person.display_name))
            return redirect("core:users")
    return _form_page(
        request,
        form,
        nav="users",
        title=f"Edit {person.display_name}",
        submit="Save",
        back=("core:users", "Users"),
        person=person,
        person_has_mfa=selectors.has_mfa_device(person),
    )


@require_POST
@admin_only
def user_mfa_reset(request, user_id: int):
    """For a colleague who lost their phone and recovery codes: they enrol again at next sign-in."""
    person = selectors.user_get_for_admin(request.user, user_id)
    try:
        services.mfa_remove(by=request.user, user=person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, MFA_RESET.format(name=person.display_name))
    return redirect("core:user_edit", person.pk)


@require_http_methods(["GET", "POST"])
@admin_only
def user_password(request, user_id: int):
    person = selectors.user_get_for_admin(request.user, user_id)
    form = AdminSetPasswordForm(person, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(by=request.user, user=person, password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if person.pk == request.user.pk:
                update_session_auth_hash(request, person)
            messages.success(request, PASSWORD_SET.format(name=person.display_name))
            return redirect("core:user_edit", person.pk)
    return _form_page(
        request,
        form,
        nav="users",
        title=f"Set a new password for {person.display_name}",
        submit="Set password",
        back=("core:users", "Users"),
        lead="They will be signed out everywhere and their API tokens will end.",
    )


# --- sites ---------------------------------------------------------------------------------


@require_GET
@admin_only
def site_list(request):
    sites = selectors.sites_for(request.user)
    return render(request, "core/site_list.html", {"nav": "sites", "sites": sites})


@require_http_methods(["GET", "POST"])
@admin_only
def site_create(request):
    form = SiteForm(request.POST or None, creating=True, organization_id=request.user.organization_id)
    if request.method == "POST" and form.is_valid():
        try:
            site = services.site_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, SITE_CREATED.format(name=site.name))
            return redirect("core:sites")
    return _form_page(request, form, nav="sites", title="New site", submit="Add site", back=("core:sites", "Sites"))


@require_http_methods(["GET", "POST"])
@admin_only
def site_edit(request, site_id: int):
    site = selectors.site_get_for_admin(request.user, site_id)
    form = SiteForm(request.POST or None, instance=copy.copy(site), organization_id=request.user.organization_id)
    if request.method == "POST" and form.is_valid():
        try:
            site = services.site_update(by=request.user, site=site, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, SITE_SAVED.format(name=site.name))
            return redirect("core:sites")
    return _form_page(
        request, form, nav="sites", title=f"Edit {site.name}", submit="Save", back=("core:sites", "Sites")
    )


# --- supervision ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@admin_only
def supervision_list(request):
    supervisors, supervisees = selectors.supervision_candidates(request.user)
    form = SupervisionLinkForm(request.POST or None, supervisors=supervisors, supervisees=supervisees)
    if request.method == "POST" and form.is_valid():
        try:
            link = services.supervision_link_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, SUPERVISION_STARTED.format(supervisor=link.supervisor, supervisee=link.supervisee)
            )
            return redirect("core:supervision")
    links = list(selectors.supervision_links_for_admin(request.user))
    context = {
        "nav": "supervision",
        "form": form,
        "open_links": [link for link in links if link.ended_on is None],
        "ended_links": sorted(
            (link for link in links if link.ended_on is not None), key=lambda link: link.ended_on, reverse=True
        ),
    }
    return render(request, "core/supervision.html", context)


@require_POST
@admin_only
def supervision_end(request, link_id: int):
    link = selectors.supervision_link_get_for_admin(request.user, link_id)
    try:
        services.supervision_link_end(by=request.user, link=link)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, SUPERVISION_ENDED.format(supervisor=link.supervisor, supervisee=link.supervisee))
    return redirect("core:supervision")


# --- sign-in lockouts --------------------------------------------------------------------------

LOCKOUT_CLEARED = UserMessage("lockout_cleared", "The pause on {what} was cleared: the next sign-in goes through.")


def lockout_subject(throttle) -> str:
    """What a pause is on, in the words of the lockouts page."""
    where = throttle.source_address or "a known device"
    return f"{throttle.user.username} from {where}" if throttle.user else f"every username from {where}"


@require_GET
@login_required
def lockout_list(request):
    """The pauses running now (admins; anyone else: not found)."""
    lockouts = list(selectors.lockouts_for_admin(request.user))
    return render(request, "core/lockouts.html", {"nav": "lockouts", "lockouts": lockouts})


@require_POST
@login_required
def lockout_clear(request, throttle_id: int):
    throttle = selectors.lockout_get_for_admin(request.user, throttle_id)
    services.lockout_clear(by=request.user, throttle=throttle)
    messages.success(request, LOCKOUT_CLEARED.format(what=lockout_subject(throttle)))
    return redirect("core:lockouts")


# --- audit -------------------------------------------------------------------------------------


@require_GET
@admin_only
def audit_list(request):
    form = AuditFilterForm(request.GET, actors=selectors.users_for_admin(request.user))
    if form.is_valid():
        events = selectors.audit_events_for_admin(request.user, **form.filters())
    else:
        events = selectors.audit_events_for_admin(request.user).none()  # the form says what to correct
    page = page_of(request, events, AUDIT_PAGE_SIZE)
    context = {
        "nav": "audit",
        "form": form,
        "page": page,
        "rows": audit_rows(request.user, page.object_list),
        "query": query_without_page(request),
        "head_seq": selectors.audit_head_for_admin(request.user),
    }
    return render(request, "core/audit_list.html", context)


@require_GET
@admin_only
def audit_export(request):
    """The filtered audit report as CSV, streamed; the export is itself audited."""
    form = AuditFilterForm(request.GET, actors=selectors.users_for_admin(request.user))
    if not form.is_valid():
        return redirect(f"{reverse('core:audit')}?{request.GET.urlencode()}")
    events = selectors.audit_events_for_admin(request.user, **form.filters())
    services.audit_export_recorded(by=request.user, filters=form.filters())
    response = StreamingHttpResponse(audit.csv_rows(events), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="artchart-audit.csv"'
    return response


# --- the account page and API tokens ---------------------------------------------------------------


class TokenRow(NamedTuple):
    token: ApiToken
    state: str
    label: str


def _token_rows(tokens) -> list[TokenRow]:
    now = timezone.now()
    rows = []
    for token in tokens:
        if token.revoked_at:
            rows.append(TokenRow(token, "revoked", "Revoked"))
        elif token.expires_at <= now:
            rows.append(TokenRow(token, "expired", "Expired"))
        elif not token.is_live:
            rows.append(TokenRow(token, "revoked", "Ended by an account change"))
        else:
            rows.append(TokenRow(token, "active", "Live"))
    return rows


@require_http_methods(["GET", "POST"])
@login_required
def account(request):
    form = TokenCreateForm(request.POST or None)
    raw_token = ""
    if request.method == "POST" and form.is_valid():
        # Shown in this response only (never stored, never put in a redirect or the session).
        _, raw_token = services.token_issue(user=request.user, name=form.cleaned_data["name"])
        messages.success(request, TOKEN_ISSUED)
        form = TokenCreateForm()
    context = {
        "nav": "account",
        "form": form,
        "raw_token": raw_token,
        "tokens": _token_rows(selectors.tokens_of(request.user)),
    }
    if request.user.role == Role.ADMIN:
        page = page_of(request, selectors.tokens_for_admin(request.user))
        context.update(org_page=page, org_tokens=_token_rows(page.object_list), query=query_without_page(request))
    return render(request, "core/account.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def password_change(request):
    form = OwnPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(by=request.user, user=request.user, password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, OWN_PASSWORD_CHANGED)
            return redirect("core:tokens")
    return _form_page(
        request,
        form,
        nav="account",
        title="Change your password",
        submit="Change password",
        back=("core:tokens", "Your account"),
    )


@require_POST
@login_required
def token_revoke(request, token_id: int):
    token = selectors.token_get_for_user(request.user, token_id)
    services.token_revoke(by=request.user, token=token)
    messages.success(request, TOKEN_REVOKED.format(prefix=token.prefix))
    return redirect("core:tokens")
