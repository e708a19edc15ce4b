"""Ending ArtChart sessions of people the provider no longer accepts."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from artchart.sso import provider, services
from artchart.sso.backends import SESSION_KEY

logger = logging.getLogger(__name__)

# While the provider cannot be reached, ask again after this long rather than on
# every request; the session's idle and absolute limits still apply meanwhile.
RETRY_SECONDS = 60
SIGNED_OUT_BY_PROVIDER = (
    "You were signed out: your organization's sign-in service no longer accepts "
    "your account. Ask your IT department if this is a surprise."
)


class ProviderRecheckMiddleware:
    """Every OIDC_RECHECK_SECONDS, ask the provider about the account behind an SSO session.

    An account the hospital disabled or deleted is refused at its token (or
    userinfo) endpoint: the session ends at once and the event is audited.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        state = request.session.get(SESSION_KEY) if request.user.is_authenticated else None
        if state and provider.enabled() and time.time() - state.get("checked_at", 0) >= settings.OIDC_RECHECK_SECONDS:
            outcome, state = provider.recheck(state)
            if outcome is provider.Check.REFUSED:
                user = request.user
                logout(request)
                services.oidc_session_ended(user=user, outcome=outcome.value)
                messages.info(request, SIGNED_OUT_BY_PROVIDER)
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = reverse("login")
                    return response
                return redirect("login")
            if outcome is provider.Check.UNREACHABLE:
                logger.warning("The OpenID Connect provider could not be reached to re-check a session.")
                state = {**state, "checked_at": time.time() - settings.OIDC_RECHECK_SECONDS + RETRY_SECONDS}
            request.session[SESSION_KEY] = state
        return self.get_response(request)
