"""Writes of single sign-on: linking a provider's account, signing in and being
refused, the organization's password policy, and sessions the provider ended.
Each is one transaction with its audit event."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from artchart.core import audit
from artchart.core.access import require_role
from artchart.core.audit_actions import CoreAction
from artchart.core.messages import UserMessage
from artchart.core.models import Role, User
from artchart.sso import provider
from artchart.sso.audit_actions import SsoAction
from artchart.sso.models import OidcIdentity, OrganizationSignIn

SSO_NOT_CONFIGURED = UserMessage(
    "sso_not_configured",
    "Single sign-on is not configured, so turning passwords off would leave only admins able "
    "to sign in. Ask whoever runs ArtChart to configure your organization's provider first.",
)


class SignInRefused(Exception):
    """The provider vouched for someone ArtChart will not sign in; ``reason`` says why."""

    def __init__(self, reason: str, *, user: User | None = None):
        super().__init__(reason)
        self.reason = reason
        self.user = user


# Why a sign-in through the provider was refused (audit detail and the page shown).
UNKNOWN_USER = "unknown_user"  # no active ArtChart account has the claim's value
CLAIM_MISSING = "claim_missing"  # the provider sent no value for the configured claim
AMBIGUOUS = "ambiguous"  # the value (an e-mail) names several accounts
INACTIVE = "inactive"  # linked before, deactivated in ArtChart since
LINKED_ELSEWHERE = "linked_elsewhere"  # the account is linked to another account of the provider


def _subject_sha(issuer: str, subject: str) -> str:
    return hashlib.sha256(f"{issuer} {subject}".encode()).hexdigest()[:16]


@transaction.atomic
def oidc_user_for(*, issuer: str, subject: str, claims: dict[str, object]) -> User:
    """The ArtChart user the provider's account is, linking it on first use; never creates a user.

    Raises ``SignInRefused`` (and writes nothing) if there is none.
    """
    identity = OidcIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    if identity is not None:
        if not identity.user.is_active:
            raise SignInRefused(INACTIVE, user=identity.user)
        return identity.user
    value = str(claims.get(settings.OIDC_CLAIM) or "").strip()
    if not value:
        raise SignInRefused(CLAIM_MISSING)
    field = "email__iexact" if settings.OIDC_CLAIM == "email" else "username__iexact"
    users = list(User.objects.filter(is_active=True, **{field: value})[:2])
    if not users:
        raise SignInRefused(UNKNOWN_USER)
    if len(users) > 1:
        raise SignInRefused(AMBIGUOUS)
    user = users[0]
    if OidcIdentity.objects.filter(user=user).exists():
        raise SignInRefused(LINKED_ELSEWHERE, user=user)
    identity = OidcIdentity(user=user, issuer=issuer, subject=subject)
    identity.full_clean()
    identity.save()
    audit.record(
        actor=user,
        action=SsoAction.SSO_IDENTITY_LINK,
        obj=identity,
        detail={"claim": settings.OIDC_CLAIM, "subject_sha256": _subject_sha(issuer, subject)},
    )
    return user


@transaction.atomic
def oidc_sign_in_refused(*, issuer: str, subject: str, reason: str, user: User | None = None) -> None:
    """Audit (flagged) a sign-in the provider vouched for and ArtChart refused."""
    audit.record(
        actor=None,
        action=SsoAction.AUTH_LOGIN_REFUSED,
        obj=user,
        flagged=True,
        detail={"method": "oidc", "reason": reason, "subject_sha256": _subject_sha(issuer, subject)},
    )


@transaction.atomic
def oidc_sign_in_recorded(*, user: User) -> None:
    audit.record(actor=user, action=CoreAction.AUTH_LOGIN, obj=user, detail={"method": "oidc"})


@transaction.atomic
def oidc_session_ended(*, user: User, outcome: str) -> None:
    """Audit a session ended because the provider no longer accepts the account (flagged)."""
    audit.record(
        actor=user,
        action=CoreAction.AUTH_SESSION_EXPIRED,
        obj=user,
        flagged=True,
        detail={"reason": "provider_refused", "method": "oidc", "outcome": outcome},
    )


@transaction.atomic
def organization_sign_in_set(*, by: User, local_passwords_enabled: bool) -> OrganizationSignIn:
    """Turn password sign-in on or off for the admin's organization (admins keep theirs)."""
    require_role(by, Role.ADMIN)
    if not local_passwords_enabled and not provider.enabled():
        raise ValidationError({"local_passwords_enabled": SSO_NOT_CONFIGURED})
    # An admin outside every organization has no policy to set (the insert fails on the missing key);
    # django-stubs refuses the None before that.
    policy, _ = OrganizationSignIn.objects.select_for_update().get_or_create(organization_id=by.organization_id)  # type: ignore[misc]
    if policy.local_passwords_enabled == local_passwords_enabled:
        return policy
    policy.local_passwords_enabled = local_passwords_enabled
    policy.changed_at = timezone.now()
    policy.full_clean()
    policy.save()
    audit.record(
        actor=by,
        action=SsoAction.SSO_LOCAL_PASSWORDS_SET,
        obj=policy,
        flagged=True,
        detail={"local_passwords_enabled": local_passwords_enabled},
    )
    return policy
