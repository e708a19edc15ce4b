"""Django's admin for sessions, groups, notes and the confidential records: read-mostly, for the operator's superuser.

Notes, addenda, attendance and reports are written and signed through the
services, which check the care team and audit each change; a signed note never
changes. So they are read-only here and show ids, kinds, dates and states,
never names or clinical text. Process notes (psychotherapy notes) are not
registered at all: only their author, and an intern author's supervisor, may
know of them. Rooms are ordinary configuration and may be edited (audited and
flagged by ``AuditedAdmin``), not deleted: sessions name them.
"""

from __future__ import annotations

from django.contrib import admin

from artchart.core.admin import AuditedAdmin, ListOnlyAdmin, ReadOnlyAdmin
from artchart.therapy.models import (
    Addendum,
    Attendance,
    CalendarFeed,
    Group,
    GroupMembership,
    Incident,
    MandatedReport,
    Note,
    NoteGoalProgress,
    NoteReturn,
    NoteTemplate,
    Room,
    Series,
    ServiceLine,
    Session,
)


@admin.register(Room)
class RoomAdmin(AuditedAdmin):
    list_display = ("name", "site", "is_active")
    list_filter = ("is_active", "site")
    list_select_related = ("site",)
    fields = ("site", "name", "is_active")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NoteTemplate)
class NoteTemplateAdmin(ReadOnlyAdmin):
    """Templates are changed on their own page, whose service checks the fields they name."""

    list_display = ("name", "organization", "kind", "format", "is_default", "is_active")
    list_filter = ("kind", "format", "is_active")
    list_select_related = ("organization",)


@admin.register(Group)
class GroupAdmin(ListOnlyAdmin):
    list_display = ("name", "organization", "site", "program", "is_active", "created_at")
    list_filter = ("is_active", "organization")
    list_select_related = ("organization", "site", "program")


@admin.register(Series)
class SeriesAdmin(ListOnlyAdmin):
    list_display = ("id", "kind", "client_id", "group_id", "therapist", "frequency", "first_starts_at", "ended_at")
    list_filter = ("kind", "frequency")
    list_select_related = ("therapist",)


@admin.register(Session)
class SessionAdmin(ListOnlyAdmin):
    list_display = (
        "id",
        "kind",
        "client_id",
        "group_id",
        "therapist",
        "site",
        "starts_at",
        "duration_minutes",
        "status",
    )
    list_filter = ("kind", "status", "modality")
    list_select_related = ("therapist", "site")
    date_hierarchy = "starts_at"


@admin.register(ServiceLine)
class ServiceLineAdmin(ListOnlyAdmin):
    list_display = ("id", "session_id", "code", "units", "modifiers", "created_at")
    list_filter = ("code",)


@admin.register(Attendance)
class AttendanceAdmin(ListOnlyAdmin):
    list_display = ("id", "session_id", "client_id", "status", "recorded_at")
    list_filter = ("status",)


@admin.register(Note)
class NoteAdmin(ListOnlyAdmin):
    list_display = ("id", "client_id", "session_id", "kind", "format", "author", "status", "signed_at", "cosigned_at")
    list_filter = ("kind", "status")
    list_select_related = ("author",)


@admin.register(Addendum)
class AddendumAdmin(ListOnlyAdmin):
    list_display = ("id", "note_id", "author", "signed_at")
    list_select_related = ("author",)


@admin.register(MandatedReport)
class MandatedReportAdmin(ListOnlyAdmin):
    list_display = ("id", "client_id", "kind", "reported_on", "recorded_at")
    list_filter = ("kind",)


@admin.register(Incident)
class IncidentAdmin(ListOnlyAdmin):
    list_display = ("id", "client_id", "kind", "occurred_at", "recorded_at")
    list_filter = ("kind",)


@admin.register(GroupMembership)
class GroupMembershipAdmin(ListOnlyAdmin):
    list_display = ("id", "group_id", "client_id", "joined_on", "left_on")


@admin.register(NoteReturn)
class NoteReturnAdmin(ListOnlyAdmin):
    list_display = ("id", "note_id", "by", "at", "resolved_at")
    list_select_related = ("by",)


@admin.register(NoteGoalProgress)
class NoteGoalProgressAdmin(ListOnlyAdmin):
    list_display = ("id", "note_id", "goal_id", "objective_id", "rating")


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ListOnlyAdmin):
    list_display = ("user", "names", "created_at", "last_fetched_at")
    list_select_related = ("user",)
