"""Django's admin for the materials catalogue and the population profiles (organization-wide,
no client data). ArtChart's materials pages are the usual way in; a change made here is
audited and flagged by ``AuditedAdmin``. Nothing is deleted here: directives and sites name them."""

from __future__ import annotations

from django.contrib import admin

from artchart.core.admin import AuditedAdmin, ListOnlyAdmin, ReadOnlyAdmin
from artchart.supplies.models import DirectiveMaterial, Material, PopulationProfile, SafetyOverride, SiteProfile


class _NoDelete(AuditedAdmin):
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Material)
class MaterialAdmin(_NoDelete):
    list_display = ("name", "organization", "category", "seal")
    list_filter = ("organization", "category")
    list_select_related = ("organization",)
    search_fields = ("name",)


@admin.register(PopulationProfile)
class PopulationProfileAdmin(_NoDelete):
    list_display = ("name", "organization", "kind")
    list_filter = ("organization",)
    list_select_related = ("organization",)
    search_fields = ("name",)


@admin.register(SiteProfile)
class SiteProfileAdmin(ReadOnlyAdmin):
    """A site's rules change on the sites page, where loosening them asks for an admin's reason."""

    list_display = ("site", "profile", "ap_only")
    list_select_related = ("site", "profile")


@admin.register(DirectiveMaterial)
class DirectiveMaterialAdmin(ReadOnlyAdmin):
    list_display = ("directive", "material", "quantity")
    list_select_related = ("directive", "material")


@admin.register(SafetyOverride)
class SafetyOverrideAdmin(ListOnlyAdmin):
    """A clinician's reason to go ahead names a client: listed by ids and dates only."""

    list_display = ("id", "session_id", "material", "at")
    list_select_related = ("material",)
