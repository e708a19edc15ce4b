"""Single sign-on: who a provider's account is in ArtChart, and whether an
organization still lets its people sign in with a password."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class OidcIdentity(models.Model):
    """The provider's account (issuer and ``sub``) linked to one ArtChart user.

    Made at the first sign-in that the configured claim maps to an existing,
    active user; from then on only (issuer, subject) is matched, so a name
    reused at the provider cannot take over someone else's ArtChart account.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_identity")
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="oidc_identity_once_per_provider_account"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ← {self.subject}"


class OrganizationSignIn(models.Model):
    """How an organization's people sign in. No row: passwords allowed."""

    organization = models.OneToOneField("core.Organization", on_delete=models.CASCADE, related_name="sign_in_policy")
    local_passwords_enabled = models.BooleanField(
        default=True,
        help_text="Untick to make everyone but admins sign in with the organization's account.",
    )
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Sign-in settings of organization {self.organization_id}"
