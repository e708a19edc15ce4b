"""Django's admin for the hours log: read only. Hours are logged by the supervisee and
confirmed by the supervisor through the services, which check the supervision link and
audit each step; the operator only looks."""

from __future__ import annotations

from django.contrib import admin

from artchart.core.admin import ReadOnlyAdmin
from artchart.supervision.models import HoursEntry


@admin.register(HoursEntry)
class HoursEntryAdmin(ReadOnlyAdmin):
    list_display = ("date", "supervisee", "supervisor", "direct_hours", "individual_hours", "group_hours", "status")
    list_filter = ("status", "standards")
    list_select_related = ("supervisee", "supervisor")
