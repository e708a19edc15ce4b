"""Django's admin for single sign-on: read-only, for the operator's superuser.

Identities are linked at sign-in and the organization's choice of password or
single sign-on is made on its own page, through services that audit both.
"""

from __future__ import annotations

from django.contrib import admin

from artchart.core.admin import ReadOnlyAdmin
from artchart.sso.models import OidcIdentity, OrganizationSignIn


@admin.register(OidcIdentity)
class OidcIdentityAdmin(ReadOnlyAdmin):
    list_display = ("user", "issuer", "subject", "linked_at")
    list_select_related = ("user",)
    search_fields = ("subject",)


@admin.register(OrganizationSignIn)
class OrganizationSignInAdmin(ReadOnlyAdmin):
    list_display = ("organization", "local_passwords_enabled", "changed_at")
    list_select_related = ("organization",)
