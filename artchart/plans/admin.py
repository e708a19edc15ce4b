"""Django's admin for plans and team conferences: read-mostly, for the operator's superuser.

Clinical content is written and read through the services and selectors, which
check the care team and audit with the client's id, so the clinical text (a
plan's problems and goals, a conference's discussion) is not shown here. A
signed plan is read-only, as is every conference; a draft's review date may be
changed, audited and flagged by ``AuditedAdmin``. Nothing is added or deleted here.
"""

from __future__ import annotations

from django.contrib import admin

from artchart.core.admin import AuditedAdmin, ReadOnlyAdmin
from artchart.plans.models import ConferenceAttendee, TeamConference, TreatmentPlan


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TreatmentPlan)
class TreatmentPlanAdmin(AuditedAdmin):
    list_display = ("client", "version", "status", "author", "review_date", "signed_at")
    list_filter = ("status",)
    list_select_related = ("client", "author")
    readonly_fields = (
        "client",
        "version",
        "status",
        "author",
        "created_at",
        "submitted_at",
        "signed_by",
        "signed_at",
        "cosigned_by",
        "cosigned_at",
        "content_hash",
        "returned_by",
        "returned_at",
        "superseded_at",
    )
    exclude = ("return_comment",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # A signed plan is final: signed documents never change. Only a draft's review date may change here.
        return super().has_change_permission(request, obj) and (obj is None or obj.is_draft)

    def has_delete_permission(self, request, obj=None):
        return False


class AttendeeInline(_ReadOnlyInline):
    model = ConferenceAttendee
    fields = ("user", "name", "discipline")


@admin.register(TeamConference)
class TeamConferenceAdmin(ReadOnlyAdmin):
    list_display = ("client", "held_on", "recorded_by", "recorded_at", "changed_at")
    list_select_related = ("client", "recorded_by")
    date_hierarchy = "held_on"
    inlines = [AttendeeInline]
    exclude = ("discussion", "decisions")  # clinical text stays in the audited pages
