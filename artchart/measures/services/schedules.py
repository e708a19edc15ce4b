"""Per-client measure schedules, Goal Attainment Scaling ratings, and the organization's
crisis resources."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from artchart.clients.models import Client
from artchart.core import audit
from artchart.core.access import require_client_access, require_role
from artchart.core.messages import UserMessage
from artchart.core.models import Role, User
from artchart.core.permissions import Action, Area
from artchart.measures import instruments
from artchart.measures.audit_actions import MeasureAction
from artchart.measures.models import CrisisResources, GoalAttainment, MeasureSchedule
from artchart.plans.models import Goal
from artchart.therapy.models import Session
from artchart.therapy.selectors.sessions import sessions_booking

GOAL_OF_ANOTHER_CLIENT = UserMessage("goal_of_another_client", "Choose a goal of this client's treatment plan.")
LEVEL_RANGE = UserMessage("level_range", "Rate from −2 (much less than expected) to +2 (much more than expected).")
IN_FUTURE = UserMessage("schedule_in_future", "The date cannot be in the future.")
SESSION_OF_ANOTHER_CLIENT = UserMessage("schedule_session_of_another_client", "Choose one of this client's sessions.")
CRISIS_TEXT_NEEDED = UserMessage(
    "crisis_text_needed", "Say where someone in crisis can turn (a number to call or text)."
)


def schedule_set(
    *, by: User, client: Client, instrument: str, rule: str, interval: int = 4, at_discharge: bool = True
) -> MeasureSchedule:
    """Set (or replace) when the client is due this instrument."""
    require_client_access(by, client.pk, Area.CLINICAL, Action.WRITE)
    found = instruments.get(instrument)
    schedule = MeasureSchedule(
        client=client, instrument=found.id, rule=rule, interval=interval, at_discharge=at_discharge, created_by=by
    )
    schedule.full_clean(exclude=["client", "created_by"])
    with transaction.atomic():
        MeasureSchedule.objects.filter(client=client, instrument=found.id, is_active=True).update(is_active=False)
        schedule.save()
        audit.record(
            actor=by,
            action=MeasureAction.MEASURE_SCHEDULE_SET,
            obj=schedule,
            client_ids=[client.pk],
            detail={"instrument": found.id, "rule": rule, "interval": interval},
        )
    return schedule


def schedule_stop(*, by: User, schedule: MeasureSchedule) -> MeasureSchedule:
    require_client_access(by, schedule.client_id, Area.CLINICAL, Action.WRITE)
    with transaction.atomic():
        MeasureSchedule.objects.filter(pk=schedule.pk).update(is_active=False)
        schedule.is_active = False
        audit.record(
            actor=by,
            action=MeasureAction.MEASURE_SCHEDULE_STOP,
            obj=schedule,
            client_ids=[schedule.client_id],
            detail={"instrument": schedule.instrument},
        )
    return schedule


def gas_rate(
    *,
    by: User,
    client: Client,
    goal: Goal | int,
    level: int,
    rated_on: dt.date,
    session: Session | int | None = None,
    note: str = "",
) -> GoalAttainment:
    """Rate one goal of the client's plan on its five Goal Attainment Scaling levels."""
    require_client_access(by, client.pk, Area.CLINICAL, Action.WRITE)
    errors: dict[str, str] = {}
    goal_id = goal.pk if isinstance(goal, Goal) else goal

    if not Goal.objects.filter(pk=goal_id, problem__plan__client=client).exists():
        errors["goal"] = GOAL_OF_ANOTHER_CLIENT
    if not isinstance(level, int) or not -2 <= level <= 2:
        errors["level"] = LEVEL_RANGE
    if rated_on is None or rated_on > timezone.localdate():
        errors["rated_on"] = IN_FUTURE
    session_id = session.pk if isinstance(session, Session) else session
    if session_id is not None and not sessions_booking(client.pk).filter(pk=session_id).exists():
        errors["session"] = SESSION_OF_ANOTHER_CLIENT
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        rating = GoalAttainment.objects.create(
            goal_id=goal_id,
            client=client,
            level=level,
            rated_on=rated_on,
            session_id=session_id,
            note=(note or "").strip()[:500],
            rated_by=by,
        )
        audit.record(
            actor=by,
            action=MeasureAction.MEASURE_GAS_RATE,
            obj=rating,
            client_ids=[client.pk],
            detail={"goal": goal_id},
        )
    return rating


def crisis_resources_set(*, by: User, text: str) -> CrisisResources:
    require_role(by, Role.ADMIN)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": CRISIS_TEXT_NEEDED})
    if len(text) > 2000:
        raise ValidationError({"text": "At most 2,000 characters."})
    with transaction.atomic():
        resources, _ = CrisisResources.objects.update_or_create(
            organization_id=by.organization_id,  # type: ignore[misc]  # None matches no row; the role check above needs one
            defaults={"text": text, "updated_by": by, "updated_at": timezone.now()},
        )
        audit.record(actor=by, action=MeasureAction.MEASURE_CRISIS_RESOURCES_SET, obj=resources)
    return resources
