"""Security headers, session limits, the one read event per request and reading access once per read."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from artchart.core import audit, mfa
from artchart.core.audit_actions import CoreAction
from artchart.core.models import MfaDevice
from artchart.core.permissions import access_scope, reads_to_flag

# No inline script or style anywhere: every script and stylesheet is a file
# served from this origin, so 'unsafe-inline' is never needed.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    """CSP on every response; ``no-store`` on everything but static files.

    Every page behind the login may carry client data, and the API always may,
    so nothing but the static assets may be kept in a browser or proxy cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
        if not request.path.startswith(settings.STATIC_URL):
            response.headers["Cache-Control"] = "no-store, private"
            response.headers["Pragma"] = "no-cache"
        return response


SESSION_STARTED = "artchart_started"
SESSION_LAST_SEEN = "artchart_last_seen"


class SessionLimitsMiddleware:
    """Inactivity logoff and an absolute session limit.

    Requests marked as background polls (``X-ArtChart-Poll``) do not count as
    activity, so an open tab does not keep a session alive by itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.get(SESSION_STARTED, now)
            last_seen = request.session.get(SESSION_LAST_SEEN, now)
            idle = now - last_seen > settings.IDLE_TIMEOUT_SECONDS
            too_old = now - started > settings.SESSION_ABSOLUTE_SECONDS
            if idle or too_old:
                user = request.user
                logout(request)
                with transaction.atomic():
                    audit.record(
                        actor=user,
                        action=CoreAction.AUTH_SESSION_EXPIRED,
                        detail={"reason": "inactivity" if idle else "absolute_limit"},
                    )
                if request.headers.get("HX-Request"):
                    response = _hx_redirect_to_login()
                else:
                    response = redirect(f"{reverse('login')}?expired=1")
                return response
            if SESSION_STARTED not in request.session:
                request.session[SESSION_STARTED] = started
            # A poll writes nothing to the session: a background request that saved it could put back
            # an older copy over what a page request beside it had just stored.
            if not request.headers.get("X-ArtChart-Poll"):
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


def _hx_redirect_to_login():
    response = HttpResponse(status=204)
    response["HX-Redirect"] = f"{reverse('login')}?expired=1"
    return response


def client_ip(request) -> str | None:
    """The client's address: the socket peer, unless the peer is a trusted proxy (``TRUSTED_PROXIES``).

    Behind one, the right-most address of X-Forwarded-For that is not itself a trusted proxy:
    a client can write anything to the left of what its proxies append, never to the right.
    """
    peer = request.META.get("REMOTE_ADDR")
    trusted = set(settings.TRUSTED_PROXIES)
    if not (trusted and peer in trusted):
        return peer
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for address in reversed(forwarded):
        if address not in trusted:
            return address
    return peer


class ReadAuditMiddleware:
    """Record one ``client.read`` event per request that showed client records."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = audit.begin_request(ip=client_ip(request))
        try:
            response = self.get_response(request)
        finally:
            context = audit.end_request(token)
        if context and context.shown_client_ids and response.status_code < 400:
            match = getattr(request, "resolver_match", None)
            with transaction.atomic():
                audit._request_context.set(context)  # keep the ip on the read event
                try:
                    audit.record(
                        actor=getattr(request, "user", None),
                        action=CoreAction.CLIENT_READ,
                        object_type="view",
                        object_id=(match.view_name if match else "")[:64],
                        client_ids=context.shown_client_ids,
                        # A restricted client, or one read under emergency access: flagged for review.
                        flagged=reads_to_flag(getattr(request, "user", None), context.shown_client_ids),
                    )
                finally:
                    audit._request_context.set(None)
        return response


class SecondFactorMiddleware:
    """Django admin's operators have a confirmed second factor, or set one up before anything else.

    Signing in already asks every account that needs one (``auth_views._after_password``);
    this covers a session that began before the account needed one (made staff or
    superuser later, or a second factor reset), so ``/django-admin/`` and every page
    behind it are never reached with a password alone. Only staff and superusers
    cost the one query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and (user.is_staff or user.is_superuser)
            and request.path not in _enrol_paths()
            and not request.path.startswith((settings.STATIC_URL, "/api/"))  # bearer tokens, not sessions
            and not MfaDevice.objects.filter(user=user).exists()
            and mfa.required_for(user)
        ):
            return redirect("mfa_enrol")
        return self.get_response(request)


def _enrol_paths() -> tuple[str, ...]:
    return (reverse("mfa_enrol"), reverse("logout"), reverse("keepalive"))


READ_METHODS = ("GET", "HEAD")


class AccessScopeMiddleware:
    """A GET or HEAD changes no care team, restriction or emergency access, so within one the
    viewer's relations to their clients are read once and every panel and selector answers from
    them (``access_scope`` in ``core/permissions.py``). Other requests read afresh each time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in READ_METHODS:
            return self.get_response(request)
        with access_scope():
            return self.get_response(request)
