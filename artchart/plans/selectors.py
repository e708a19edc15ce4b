"""Reads of treatment plans, through the client's access (404 for outsiders, 403 for a forbidden action)."""

from __future__ import annotations

import datetime as dt
from typing import Literal, overload

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from artchart.clients.selectors import ClientAccess, client_get_for_user, clients_visible_to
from artchart.core.models import User
from artchart.core.permissions import Action, Area
from artchart.plans.models import (
    ConferenceAttendee,
    Goal,
    Objective,
    PlannedIntervention,
    PlanStatus,
    Problem,
    TeamConference,
    TreatmentPlan,
)

REVIEW_DUE_DAYS = 14
# What a plan is made of, below the plan itself.
PlanItem = Problem | Goal | Objective | PlannedIntervention


def plan_access(user: User, client_id: int, *, action: Action = Action.READ) -> ClientAccess:
    return client_get_for_user(user, client_id, area=Area.CLINICAL, action=action)


def plans_of(access: ClientAccess) -> QuerySet[TreatmentPlan]:
    return access.client.treatment_plans.select_related("author", "signed_by", "cosigned_by").order_by("-version")


def with_content(plans: QuerySet[TreatmentPlan]) -> QuerySet[TreatmentPlan]:
    """Plans with problems → goals → objectives and the interventions, in a fixed number of queries."""
    goals = Goal.objects.prefetch_related(Prefetch("objectives", queryset=Objective.objects.order_by("id")))
    return plans.prefetch_related(
        Prefetch(
            "problems", queryset=Problem.objects.order_by("id").prefetch_related(Prefetch("goals", queryset=goals))
        ),
        Prefetch("interventions", queryset=PlannedIntervention.objects.select_related("directive", "delivered_by")),
    )


def plan_get(access: ClientAccess, plan_id: int) -> TreatmentPlan:
    plan = with_content(plans_of(access)).select_related("client", "returned_by").filter(pk=plan_id).first()
    if plan is None:
        raise Http404
    return plan


def active_plan(access: ClientAccess) -> TreatmentPlan | None:
    return with_content(plans_of(access)).filter(status=PlanStatus.SIGNED).first()


def open_plan(access: ClientAccess) -> TreatmentPlan | None:
    return plans_of(access).filter(status__in=(PlanStatus.DRAFT, PlanStatus.SUBMITTED)).first()


@overload
def item_get(plan: TreatmentPlan, kind: Literal["problem"], item_id: int) -> Problem: ...
@overload
def item_get(plan: TreatmentPlan, kind: Literal["goal"], item_id: int) -> Goal: ...
@overload
def item_get(plan: TreatmentPlan, kind: Literal["objective"], item_id: int) -> Objective: ...
@overload
def item_get(plan: TreatmentPlan, kind: Literal["intervention"], item_id: int) -> PlannedIntervention: ...
@overload
def item_get(plan: TreatmentPlan, kind: str, item_id: int) -> PlanItem: ...


def item_get(plan: TreatmentPlan, kind: str, item_id: int) -> PlanItem:
    """A problem, goal, objective or planned intervention of ``plan`` (404 if it is not this plan's)."""
    lookups: dict[str, tuple[QuerySet[PlanItem], str]] = {
        "problem": (Problem.objects.select_related("plan__signed_by"), "plan"),
        "goal": (Goal.objects.select_related("problem__plan__signed_by"), "problem__plan"),
        "objective": (Objective.objects.select_related("goal__problem__plan__signed_by"), "goal__problem__plan"),
        "intervention": (PlannedIntervention.objects.select_related("plan__signed_by"), "plan"),
    }
    if kind not in lookups:
        raise Http404
    queryset, path = lookups[kind]
    item = queryset.filter(pk=item_id, **{path: plan}).first()
    if item is None:
        raise Http404
    return item


def reviews_due_for(user: User, *, within_days: int = REVIEW_DUE_DAYS) -> QuerySet[TreatmentPlan]:
    """Active plans of the user's own clients whose review falls due within ``within_days`` (or is overdue)."""
    until = timezone.localdate() + dt.timedelta(days=within_days)
    mine = clients_visible_to(user).filter(care_team__user=user).values("pk")
    return (
        TreatmentPlan.objects.filter(client__in=mine, status=PlanStatus.SIGNED, review_date__lte=until)
        .select_related("client")
        .order_by("review_date", "id")
    )


def waiting_for_cosign_by(user: User) -> QuerySet[TreatmentPlan]:
    """Plans submitted by interns the user supervises, oldest first."""
    return (
        TreatmentPlan.objects.filter(
            client__in=clients_visible_to(user).values("pk"),
            status=PlanStatus.SUBMITTED,
            author__supervisor_links__supervisor=user,
            author__supervisor_links__ended_on__isnull=True,
        )
        .select_related("client", "author")
        .order_by("submitted_at", "id")
        .distinct()
    )


# --- team conferences ------------------------------------------------------------------------------


def conferences_of(access: ClientAccess) -> QuerySet[TeamConference]:
    """The client's conferences, newest first, with attendees and linked versions in a fixed number of queries."""
    return (
        TeamConference.objects.filter(client=access.client)
        .select_related("recorded_by", "changed_by")
        .prefetch_related(
            Prefetch("attendees", queryset=ConferenceAttendee.objects.select_related("user")),
            Prefetch(
                "plan_versions",
                queryset=TreatmentPlan.objects.order_by("version").only("pk", "version", "status", "client_id"),
            ),
        )
    )


def conference_get(access: ClientAccess, conference_id: int) -> TeamConference:
    conference = conferences_of(access).select_related("client").filter(pk=conference_id).first()
    if conference is None:
        raise Http404
    return conference


def attendee_get(conference: TeamConference, attendee_id: int) -> ConferenceAttendee:
    attendee = conference.attendees.select_related("conference").filter(pk=attendee_id).first()
    if attendee is None:
        raise Http404
    return attendee


def conference_plan_get(conference: TeamConference, plan_id: int) -> TreatmentPlan:
    """A plan version linked to ``conference`` (404 if it is not)."""
    plan = conference.plan_versions.filter(pk=plan_id).first()
    if plan is None:
        raise Http404
    return plan


def conferences_about(plan: TreatmentPlan) -> list[TeamConference]:
    """The conferences that led to this plan version (its page says so)."""
    return list(plan.conferences.order_by("held_on", "id").only("pk", "held_on", "client_id"))
