"""Django's admin for the operator: the care team, audited like core's models (see core/admin.py)."""

from __future__ import annotations

from django.contrib import admin

from artchart.clients.models import CareTeamMembership
from artchart.core.admin import AuditedAdmin


@admin.register(CareTeamMembership)
class CareTeamMembershipAdmin(AuditedAdmin):
    list_display = ("client", "user", "role", "added_at")
    list_filter = ("role",)
    raw_id_fields = ("client", "user")
