"""Django's admin for the directive library and programs (organization-wide, no client data).

ArtChart's library pages are the usual way in; a change made here is audited
and flagged by ``AuditedAdmin``. Entries are not deleted here: plans and
sessions name them (PROTECT).
"""

from __future__ import annotations

from django.contrib import admin

from artchart.core.admin import AuditedAdmin
from artchart.programs.models import Directive, Program


class _LibraryAdmin(AuditedAdmin):
    list_display = ("name", "organization", "site")
    list_filter = ("organization",)
    list_select_related = ("organization", "site")
    search_fields = ("name",)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Directive)
class DirectiveAdmin(_LibraryAdmin):
    fields = ("organization", "name", "description", "materials", "site")


@admin.register(Program)
class ProgramAdmin(_LibraryAdmin):
    fields = ("organization", "name", "description", "site")
