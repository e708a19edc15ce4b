"""Signing in through the organization's provider, and the admin page for the password policy.

The two sign-in views are mozilla-django-oidc's, answering 404 while single
sign-on is not configured.
"""

from __future__ import annotations

import jwt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView
from requests import HTTPError, RequestException

from artchart.core.forms_util import add_service_errors
from artchart.core.messages import UserMessage
from artchart.core.views import admin_only
from artchart.sso import provider, selectors, services
from artchart.sso.forms import OrganizationSignInForm

PROVIDER_DOWN = UserMessage(
    "sso_provider_down",
    "Your organization's sign-in service cannot be reached just now. Try again in a few minutes; "
    "if it stays down, your IT department can tell you how to get in.",
)
SIGN_IN_NOT_COMPLETED = UserMessage(
    "sso_not_completed", "Signing in with your organization's account did not complete. Please try again."
)
POLICY_SAVED = UserMessage("sso_policy_saved", "The sign-in settings were saved.")
REFUSED_LEAD = UserMessage(
    "sso_no_account", "Your organization's sign-in service knows you, but ArtChart has no active account for you."
)


class _WhenConfigured:
    def dispatch(self, request, *args, **kwargs):
        if not provider.enabled():
            raise Http404
        try:
            return super().dispatch(request, *args, **kwargs)
        except (provider.ProviderUnavailable, RequestException):
            return render(request, "sso/provider_down.html", {"message": PROVIDER_DOWN}, status=502)


class SignInStart(_WhenConfigured, OIDCAuthenticationRequestView):
    """Send the browser to the provider's authorization endpoint (state, nonce, PKCE)."""

    def __init__(self, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)  # endpoints are looked up per request

    def get(self, request):
        self.OIDC_OP_AUTH_ENDPOINT = provider.endpoints().authorization
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        return super().get(request)


class SignInCallback(_WhenConfigured, OIDCAuthenticationCallbackView):
    """The provider sends the browser back here with a code; the backend does the rest."""

    def get(self, request):
        try:
            return super().get(request)
        # A replayed or forged state, a code the provider refuses, a token that fails its checks.
        except (SuspiciousOperation, HTTPError, jwt.InvalidTokenError):
            return self.login_failure()

    def login_success(self):
        login(self.request, self.user)
        services.oidc_sign_in_recorded(user=self.user)
        return redirect(self.success_url)

    def login_failure(self):
        refused = getattr(self.request, "artchart_oidc_refused", None)
        if refused:
            reason, name = refused
            return render(
                self.request, "sso/refused.html", {"lead": REFUSED_LEAD, "reason": reason, "name": name}, status=403
            )
        messages.error(self.request, SIGN_IN_NOT_COMPLETED)
        return redirect("login")


sign_in_start = SignInStart.as_view()
sign_in_callback = SignInCallback.as_view()


@require_http_methods(["GET", "POST"])
@admin_only
def sign_in_settings(request):
    enabled = selectors.local_passwords_enabled_for(request.user.organization_id)
    # Not ``request.POST or None``: an unticked box sends nothing, and an empty POST is still a submission.
    form = OrganizationSignInForm(
        request.POST if request.method == "POST" else None, initial={"local_passwords_enabled": enabled}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_sign_in_set(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, POLICY_SAVED)
            return redirect("sso:sign_in_settings")
    return render(
        request,
        "sso/sign_in_settings.html",
        {
            "form": form,
            "sso_enabled": provider.enabled(),
            "claim": settings.OIDC_CLAIM,
            "recheck_minutes": settings.OIDC_RECHECK_SECONDS // 60,
            "nav": "sign_in",
        },
    )
