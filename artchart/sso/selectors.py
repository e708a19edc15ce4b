"""Reads of single sign-on: the organization's password policy."""

from __future__ import annotations

from artchart.core.models import Role, User
from artchart.sso import provider
from artchart.sso.models import OrganizationSignIn


def local_passwords_enabled_for(organization_id: int | None) -> bool:
    if organization_id is None:
        return True
    policy = OrganizationSignIn.objects.filter(organization_id=organization_id).first()
    return policy is None or policy.local_passwords_enabled


def password_refused_for(user: User) -> bool:
    """True if this user may not sign in with a password now.

    Only while single sign-on is configured: if the operator turns it off,
    passwords come back rather than everyone but admins being locked out.
    Admins always keep theirs, to get in when the provider is down.
    """
    return provider.enabled() and user.role != Role.ADMIN and not local_passwords_enabled_for(user.organization_id)
