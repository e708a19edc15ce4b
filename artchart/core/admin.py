"""Django's admin, for the operator's superuser (is_staff), beside ArtChart's own admin pages.

People manage users, sites and supervision in ArtChart's pages, where every
change goes through a service. The Django admin remains for the operator; each
change made here is written to the audit chain in the admin's own transaction,
flagged, because it bypassed those services. The audit log itself is read-only.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from artchart.core import audit
from artchart.core.audit_actions import CoreAction
from artchart.core.models import (
    ApiToken,
    AuditCounter,
    AuditEvent,
    Organization,
    Site,
    SupervisionLink,
    User,
)


class AuditedAdmin(admin.ModelAdmin):
    """Record each add, change and delete in the audit chain as well as Django's LogEntry."""

    # Bulk actions run outside the admin's transaction; one object at a time keeps
    # each change and its audit event together.
    actions = None

    def log_addition(self, request, obj, message):
        audit.record(actor=request.user, action=CoreAction.DJANGO_ADMIN_ADD, obj=obj, flagged=True)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        audit.record(
            actor=request.user,
            action=CoreAction.DJANGO_ADMIN_CHANGE,
            obj=obj,
            flagged=True,
            detail={"fields": _changed_fields(message)},
        )
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            audit.record(actor=request.user, action=CoreAction.DJANGO_ADMIN_DELETE, obj=obj, flagged=True)
        return super().log_deletions(request, queryset)


def _changed_fields(message) -> list[str]:
    """Field names from Django's change message (a list of {"changed": {"fields": [...]}})."""
    if not isinstance(message, list):
        return []
    return sorted({name for part in message for name in part.get("changed", {}).get("fields", [])})


@admin.register(Organization)
class OrganizationAdmin(AuditedAdmin):
    list_display = ("name", "is_demo", "created_at")
    readonly_fields = ("is_demo", "created_at")


@admin.register(Site)
class SiteAdmin(AuditedAdmin):
    list_display = ("name", "organization", "population_type", "is_active")
    list_filter = ("population_type", "is_active", "organization")
    search_fields = ("name",)
    raw_id_fields = ("on_call_clinician",)


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "organization", "is_active")
    list_filter = ("role", "is_active", "organization")
    readonly_fields = ("security_epoch", "last_login", "date_joined")
    fieldsets = DjangoUserAdmin.fieldsets + (
        ("ArtChart", {"fields": ("organization", "role", "credentials", "security_epoch")}),
    )
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (("ArtChart", {"fields": ("organization", "role", "credentials")}),)

    def save_model(self, request, obj, form, change):
        # As in services.user_update: a role change or deactivation ends every
        # session and API token at once.
        if change and {"role", "is_active"} & set(form.changed_data):
            obj.security_epoch += 1
        super().save_model(request, obj, form, change)


@admin.register(SupervisionLink)
class SupervisionLinkAdmin(AuditedAdmin):
    list_display = ("supervisor", "supervisee", "started_on", "ended_on")
    raw_id_fields = ("supervisor", "supervisee")


class ReadOnlyAdmin(admin.ModelAdmin):
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ListOnlyAdmin(ReadOnlyAdmin):
    """A clinical table: its rows are listed by ids, kinds, dates and states, and never opened here, since a
    row's page is titled with the row itself; the record is read on ArtChart's pages, through the care team."""

    list_display_links = None

    def has_view_permission(self, request, obj=None):
        return obj is None and super().has_view_permission(request, obj)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are issued and revoked on the account page, through the services that audit them."""

    list_display = ("prefix", "user", "name", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_select_related = ("user",)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("seq", "at", "actor", "action", "object_type", "object_id", "client_ids", "flagged", "ip")
    list_filter = ("flagged",)
    search_fields = ("action", "object_id")
    list_select_related = ("actor",)
    show_full_result_count = False  # counting millions of rows on every page is slow


@admin.register(AuditCounter)
class AuditCounterAdmin(ReadOnlyAdmin):
    list_display = ("id", "last_seq", "last_hash")
