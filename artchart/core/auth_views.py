"""Signing in (password, then a second factor), enrolling an authenticator,
recovery codes, and resetting a forgotten password by e-mail.

Nobody is logged in (``django.contrib.auth.login``) before every factor the
account needs has been checked: between the steps the session holds only the
id of the user whose password was right, for a few minutes. So a user who must
enrol, or who has not typed the code yet, reaches nothing else. Every refusal
is audited by the service that refuses it, and counts toward the lockout.
"""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from artchart.core import known_devices, mfa, selectors, services
from artchart.core.forms import CodeForm, FirstRunForm, ResetRequestForm, ResetSetPasswordForm, SignInForm
from artchart.core.forms_util import add_service_errors
from artchart.core.messages import UserMessage
from artchart.core.models import User

SIGN_IN_STEP_EXPIRED = UserMessage(
    "sign_in_step_expired", "Your sign-in took too long. Please enter your username and password again."
)
MFA_ENROLLED = UserMessage(
    "mfa_enrolled",
    "Two-step sign-in is set up. Keep these recovery codes somewhere safe, away from your phone: "
    "each one lets you sign in once without the app. They are shown only now.",
)
MFA_CODES_REMADE = UserMessage(
    "mfa_codes_remade", "Your new recovery codes are below, shown only now. The old ones no longer work."
)
MFA_REMOVED = UserMessage("mfa_removed", "Two-step sign-in was removed from your account.")
PRACTICE_READY = UserMessage(
    "practice_ready",
    "{organization} is set up. Now set up two-step sign-in: admins use it every time they sign in.",
)
PENDING = "artchart_mfa_pending"
ENROL_SECRET = "artchart_mfa_enrol_secret"  # noqa: S105 - a session key's name, not a secret
# Long enough to find the phone; short enough that a half-finished sign-in on a
# shared computer does not wait for the next person.
PENDING_SECONDS = 300
BACKEND = "django.contrib.auth.backends.ModelBackend"


ENROL_CODE_HELP = UserMessage("enrol_code_help", "The six digits your authenticator app shows for ArtChart.")


# --- signing in --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def sign_in(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    if request.method == "GET" and selectors.practice_needs_setup():
        # An empty install has nobody to sign in: every page leads here, and here to the first run.
        return redirect("first_run")
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST":
        username = request.POST.get("username", "")
        source = known_devices.source_for_username(request, username)
        if until := selectors.sign_in_locked_until(username, source):
            # The password is not even checked, so a pause says nothing about it.
            services.sign_in_refused_locked(username=username, source=source)
            return _locked(request, username, until)
        if form.is_valid():
            return _after_password(request, form.get_user())
        services.sign_in_recorded(user=None, username=username, succeeded=False, source=source)
        if until := selectors.sign_in_locked_until(username, source):
            return _locked(request, username, until)
    return render(request, "core/login.html", {"form": form, "expired": "expired" in request.GET})


@require_http_methods(["GET", "POST"])
def first_run(request):
    """The first run of an empty install: what ``artchart setup`` does, then the admin's second factor.

    Open only while there is no organization and nobody; after that it is not found.
    On the server profile it also asks for the key ``artchart serve`` prints.
    """
    if not selectors.practice_needs_setup():
        raise Http404
    key = request.POST.get("key") or request.GET.get("key", "")
    if not selectors.first_run_allowed(key):
        return render(request, "core/first_run_key.html", status=403)
    form = FirstRunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            admin = services.practice_setup(
                organization_name=data["organization_name"],
                site_name=data["site_name"],
                population_type=data["site_population_type"],
                site_address=data["site_address"],
                username=data["username"],
                password=data["password"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                via="first_run",
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, PRACTICE_READY.format(organization=admin.organization))
            # The password was typed a moment ago: on to the second factor, as after the sign-in page.
            return _after_password(request, admin)
    return render(request, "core/first_run.html", {"form": form, "key": key})


def _locked(request, username: str, until):
    request.session.pop(PENDING, None)
    form = SignInForm(request, initial={"username": username})
    return render(request, "core/login.html", {"form": form, "locked": services.locked_message(until)})


def _after_password(request, user: User):
    has_device = selectors.has_mfa_device(user)
    if not has_device and not mfa.required_for(user):
        return _complete(request, user, _safe_next(request))
    request.session.cycle_key()
    request.session[PENDING] = {
        "user": user.pk,
        "epoch": user.security_epoch,
        "at": time.time(),
        "next": _safe_next(request),
    }
    return redirect("login_verify" if has_device else "mfa_enrol")


def _pending(request) -> tuple[User | None, dict]:
    """The user whose password was right a moment ago, if the step is still open."""
    state = request.session.get(PENDING) or {}
    user = User.objects.filter(pk=state.get("user"), is_active=True).first() if state else None
    if user is None or user.security_epoch != state.get("epoch") or time.time() - state.get("at", 0) > PENDING_SECONDS:
        if state:
            request.session.pop(PENDING, None)
            messages.info(request, SIGN_IN_STEP_EXPIRED)
        return None, {}
    return user, state


def _sign_in(request, user: User) -> None:
    source = known_devices.source_of(request, user)
    request.session.pop(PENDING, None)
    request.session.pop(ENROL_SECRET, None)
    login(request, user, backend=BACKEND)
    services.sign_in_recorded(user=user, username=user.username, succeeded=True, source=source)


def _complete(request, user: User, next_url: str, *, second_factor: bool = False):
    _sign_in(request, user)
    response = redirect(next_url or "dashboard")
    if second_factor:
        known_devices.remember(request, response, user)
    return response


def _safe_next(request) -> str:
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@require_http_methods(["GET", "POST"])
def sign_in_verify(request):
    """The second step: a code from the authenticator app, or a recovery code."""
    if request.user.is_authenticated:
        return redirect("dashboard")
    user, state = _pending(request)
    if user is None:
        return redirect("login")
    if not selectors.has_mfa_device(user):
        return redirect("mfa_enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        source = known_devices.source_of(request, user)
        if until := selectors.sign_in_locked_until(user.username, source):
            services.sign_in_refused_locked(username=user.username, source=source)
            return _locked(request, user.username, until)
        try:
            services.mfa_verify(user=user, code=form.cleaned_data["code"], source=source)
        except ValidationError as exc:
            if until := selectors.sign_in_locked_until(user.username, source):
                return _locked(request, user.username, until)
            add_service_errors(form, exc)
        else:
            return _complete(request, user, state.get("next", ""), second_factor=True)
    return render(request, "core/login_verify.html", {"form": form})


# --- the authenticator and recovery codes ----------------------------------------------------------


@require_http_methods(["GET", "POST"])
def mfa_enrol(request):
    """Set up an authenticator: during sign-in (a role that needs one) or from the account."""
    if request.user.is_authenticated:
        user, state = request.user, None
    else:
        user, state = _pending(request)
        if user is None:
            return redirect("login")
        if selectors.has_mfa_device(user):
            return redirect("login_verify")
    secret = _enrol_secret(request)
    form = CodeForm(request.POST or None)
    form.fields["code"].help_text = ENROL_CODE_HELP  # no recovery codes exist yet
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.mfa_enrol(user=user, secret=secret, code=form.cleaned_data["code"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if state is None:
                update_session_auth_hash(request, user)  # this session goes on; every other one ends
                request.session.pop(ENROL_SECRET, None)
                next_url = reverse("core:mfa")
            else:
                _sign_in(request, user)
                next_url = state.get("next") or reverse("dashboard")
            response = _show_codes(request, codes, lead=MFA_ENROLLED, next_url=next_url)
            if state is not None:
                known_devices.remember(request, response, user)  # signed in with the second factor just now
            return response
    uri = mfa.otpauth_uri(secret, username=user.username)
    return render(
        request,
        "core/mfa_enrol.html",
        {
            "form": form,
            "qr": mfa.qr_data_uri(uri),
            "key": mfa.secret_base32(secret),
            "required": mfa.required_for(user),
            "signing_in": state is not None,
            "nav": "account" if state is None else "",
        },
    )


def _enrol_secret(request) -> bytes:
    """The secret being enrolled, kept encrypted in the session between showing it and confirming it."""
    stored = request.session.get(ENROL_SECRET)
    if stored:
        try:
            return mfa.decrypt_secret(stored)
        except Exception:  # noqa: S110 - a rotated key: start again with a new secret
            pass
    secret = mfa.new_secret()
    request.session[ENROL_SECRET] = mfa.encrypt_secret(secret)
    return secret


def _show_codes(request, codes: list[str], *, lead: str, next_url: str):
    # Rendered in this response only: never stored, never put in a redirect or the session.
    return render(
        request, "core/mfa_recovery_codes.html", {"codes": codes, "lead": lead, "next_url": next_url, "nav": "account"}
    )


@require_http_methods(["GET"])
@login_required
def mfa_settings(request):
    return render(request, "core/mfa.html", {"nav": "account", **selectors.mfa_status_of(request.user)})


@require_POST
@login_required
def mfa_recovery_codes(request):
    try:
        codes = services.mfa_recovery_codes_regenerate(user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("core:mfa")
    update_session_auth_hash(request, request.user)
    return _show_codes(request, codes, lead=MFA_CODES_REMADE, next_url=reverse("core:mfa"))


@require_POST
@login_required
def mfa_remove(request):
    try:
        services.mfa_remove(by=request.user, user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        update_session_auth_hash(request, request.user)
        messages.success(request, MFA_REMOVED)
    return redirect("core:mfa")


# --- a forgotten password -----------------------------------------------------------------------------


password_reset = auth.PasswordResetView.as_view(
    form_class=ResetRequestForm,
    template_name="core/password_reset_form.html",
    email_template_name="core/email/password_reset.txt",
    subject_template_name="core/email/password_reset_subject.txt",
    success_url=reverse_lazy("password_reset_done"),
)
password_reset_done = auth.PasswordResetDoneView.as_view(template_name="core/password_reset_done.html")
password_reset_confirm = auth.PasswordResetConfirmView.as_view(
    form_class=ResetSetPasswordForm,
    template_name="core/password_reset_confirm.html",
    success_url=reverse_lazy("password_reset_complete"),
)
password_reset_complete = auth.PasswordResetCompleteView.as_view(template_name="core/password_reset_complete.html")
