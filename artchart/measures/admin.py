"""Django's admin for measures: read-only, for the operator's superuser.

Administrations are scored and recorded, and risk alerts acknowledged, through
the services, which check the care team and audit each change; a recorded
administration and a signed safety plan never change. So they are read-only here and show ids,
instruments, dates and states, never answers, names or safety-plan notes. The
crisis resources are changed on their own page, whose service audits them.
"""

from __future__ import annotations

from django.contrib import admin

from artchart.core.admin import ListOnlyAdmin, ReadOnlyAdmin
from artchart.measures.models import (
    Administration,
    AlertEscalation,
    CrisisResources,
    GoalAttainment,
    MeasureLink,
    MeasureSchedule,
    RiskAlert,
    SafetyPlan,
    SafetyPlanReview,
)


@admin.register(Administration)
class AdministrationAdmin(ListOnlyAdmin):
    list_display = (
        "id",
        "client_id",
        "instrument",
        "instrument_version",
        "administered_on",
        "mode",
        "respondent",
        "is_complete",
        "risk",
        "recorded_at",
    )
    list_filter = ("instrument", "mode", "is_complete", "risk")


@admin.register(RiskAlert)
class RiskAlertAdmin(ListOnlyAdmin):
    list_display = (
        "id",
        "client_id",
        "administration_id",
        "raised_at",
        "acknowledged_by",
        "acknowledged_at",
        "outcome",
        "escalated_at",
    )
    list_select_related = ("acknowledged_by",)


@admin.register(AlertEscalation)
class AlertEscalationAdmin(ListOnlyAdmin):
    list_display = ("id", "alert_id", "recipient", "reason", "notified_at", "seen_at")
    list_select_related = ("recipient",)


@admin.register(SafetyPlan)
class SafetyPlanAdmin(ListOnlyAdmin):
    """Signed versions never change; the steps hold the client's own words, so the list shows none of them."""

    list_display = ("id", "client_id", "version", "signed_by", "signed_at")
    list_select_related = ("signed_by",)


@admin.register(SafetyPlanReview)
class SafetyPlanReviewAdmin(ListOnlyAdmin):
    list_display = ("id", "plan_id", "reviewed_on", "reviewed_by", "recorded_at")
    list_select_related = ("reviewed_by",)


@admin.register(MeasureSchedule)
class MeasureScheduleAdmin(ListOnlyAdmin):
    list_display = ("id", "client_id", "instrument", "rule", "interval", "is_active", "created_at")
    list_filter = ("instrument", "rule", "is_active")


@admin.register(MeasureLink)
class MeasureLinkAdmin(ListOnlyAdmin):
    list_display = (
        "id",
        "client_id",
        "instrument",
        "respondent",
        "created_at",
        "due_on",
        "expires_at",
        "completed_at",
        "cancelled_at",
    )
    list_filter = ("instrument", "respondent")


@admin.register(GoalAttainment)
class GoalAttainmentAdmin(ListOnlyAdmin):
    list_display = ("id", "client_id", "goal_id", "level", "rated_on", "rated_by", "recorded_at")
    list_select_related = ("rated_by",)


@admin.register(CrisisResources)
class CrisisResourcesAdmin(ReadOnlyAdmin):
    list_display = ("organization", "updated_by", "updated_at")
    list_select_related = ("organization", "updated_by")
