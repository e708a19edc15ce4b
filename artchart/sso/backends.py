"""Authentication backends: the organization's password policy, and OpenID Connect.

``LocalPasswordPolicyBackend`` comes first in AUTHENTICATION_BACKENDS. For a
user whose organization has turned local passwords off it raises
``PermissionDenied``, which makes ``django.contrib.auth.authenticate`` stop and
answer None: the web form and the API token endpoint then say exactly what
they say for a wrong password, and count it toward the lockout.

``OidcBackend`` is mozilla-django-oidc's backend with ArtChart's rules: the
provider is found by discovery, the ID token's issuer and audience are checked,
and the provider's account is mapped to an existing user or refused
(``services.oidc_user_for``), never created.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from artchart.sso import provider, selectors, services

SESSION_KEY = "artchart_oidc"  # issuer, subject, tokens and when the provider was last asked


class LocalPasswordPolicyBackend:
    """Refuses (never grants) a password sign-in the organization has turned off."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None or not provider.enabled():
            return None
        User = get_user_model()
        user = User.objects.filter(**{f"{User.USERNAME_FIELD}__iexact": username}).first()
        if user is not None and selectors.password_refused_for(user):
            make_password(password)  # the same hashing work as a wrong password, so timing tells nothing
            raise PermissionDenied
        return None

    def get_user(self, user_id):
        # Being first, this backend is the one Django's test client and any
        # login() without a backend name record in the session: answer as ModelBackend.
        return ModelBackend().get_user(user_id)


class OidcBackend(OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs):
        # Instantiated for every password sign-in and every request of an SSO
        # session: no settings checks and no network here (see _configure).
        self.UserModel = get_user_model()

    def _configure(self) -> None:
        ep = provider.endpoints()
        self.issuer = ep.issuer.rstrip("/")
        self.OIDC_OP_TOKEN_ENDPOINT = ep.token
        self.OIDC_OP_USER_ENDPOINT = ep.userinfo
        self.OIDC_OP_JWKS_ENDPOINT = ep.jwks
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self._tokens = {}

    def authenticate(self, request, **kwargs):
        # Only the callback view calls with a nonce; a password sign-in never reaches the provider.
        if "nonce" not in kwargs or "username" in kwargs or "password" in kwargs or not provider.enabled():
            return None
        self._configure()
        return super().authenticate(request, **kwargs)

    def get_token(self, payload):
        tokens = super().get_token(payload)
        self._tokens = tokens
        return tokens

    def store_tokens(self, access_token, id_token):
        """Kept in the session only once the user is known (``get_or_create_user``)."""

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        # The library checks signature, expiry and nonce; OpenID Connect Core 3.1.3.7
        # also requires the issuer to be ours and the audience to include us.
        audience = payload.get("aud")
        audience = [audience] if isinstance(audience, str) else (audience or [])
        if str(payload.get("iss", "")).rstrip("/") != self.issuer or self.OIDC_RP_CLIENT_ID not in audience:
            raise SuspiciousOperation("ID token from another issuer or for another client.")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        subject = payload["sub"]
        if claims.get("sub") != subject:  # OpenID Connect Core 5.3.2
            raise SuspiciousOperation("The userinfo response is about someone else.")
        try:
            user = services.oidc_user_for(issuer=self.issuer, subject=subject, claims=claims)
        except services.SignInRefused as refused:
            services.oidc_sign_in_refused(issuer=self.issuer, subject=subject, reason=refused.reason, user=refused.user)
            self.request.artchart_oidc_refused = (refused.reason, str(claims.get(settings.OIDC_CLAIM) or ""))
            return None
        self.request.session[SESSION_KEY] = {
            "issuer": self.issuer,
            "subject": subject,
            "checked_at": time.time(),
            "access_token": access_token,
            "refresh_token": self._tokens.get("refresh_token", ""),
        }
        return user

    def get_user(self, user_id):
        user = self.UserModel._default_manager.filter(pk=user_id).first()
        return user if user is not None and user.is_active else None
