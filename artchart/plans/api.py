"""API for treatment plans and team conferences, under /api/v1/clients/{client_id}/.

A change to a signed plan's content is a 409 whose message says to revise it
into a new version. Conferences are records of meetings, not signed: whoever
may write the clinical record may correct them, each change audited.
"""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema, Status
from pydantic import Field

from artchart.core.api import Day, Id, paginated
from artchart.core.permissions import Action
from artchart.plans import selectors, services
from artchart.plans.models import (
    ConferenceAttendee,
    Goal,
    TeamConference,
    TreatmentPlan,
)

router = Router(tags=["plans"])


class ObjectiveIn(Schema):
    statement: str = Field(max_length=1000)
    baseline: str = Field("", max_length=300)
    target_date: Day | None = None
    status: str = "not_started"


class ObjectiveOut(ObjectiveIn):
    id: int


class GoalFields(Schema):
    statement: str = Field(max_length=1000)
    level_minus_2: str = Field("", max_length=500)
    level_minus_1: str = Field("", max_length=500)
    level_0: str = Field("", max_length=500)
    level_plus_1: str = Field("", max_length=500)
    level_plus_2: str = Field("", max_length=500)
    weight: int = 1


class GoalIn(GoalFields):
    problem: Id


class GoalOut(GoalFields):
    id: int
    problem: int
    objectives: list[ObjectiveOut]

    @staticmethod
    def resolve_problem(goal: Goal) -> int:
        return goal.problem_id

    @staticmethod
    def resolve_objectives(goal: Goal) -> list:
        return list(goal.objectives.all())


class ProblemIn(Schema):
    statement: str = Field(max_length=1000)


class ProblemOut(ProblemIn):
    id: int
    goals: list[GoalOut]

    @staticmethod
    def resolve_goals(problem) -> list:
        return list(problem.goals.all())


class InterventionIn(Schema):
    directive: Id | None = None
    technique: str = Field("", max_length=300)
    media: str = Field("", max_length=200)
    frequency: str = Field("", max_length=100)
    delivered_by: Id | None = None


class InterventionOut(Schema):
    id: int
    directive: int | None
    technique: str
    media: str
    frequency: str
    delivered_by: int | None

    @staticmethod
    def resolve_directive(item) -> int | None:
        return item.directive_id

    @staticmethod
    def resolve_delivered_by(item) -> int | None:
        return item.delivered_by_id


class PlanSummary(Schema):
    id: int
    version: int
    status: str
    author: int
    review_date: dt.date | None
    signed_by: int | None
    signed_at: dt.datetime | None
    cosigned_by: int | None
    content_hash: str
    return_comment: str

    @staticmethod
    def resolve_author(plan: TreatmentPlan) -> int:
        return plan.author_id

    @staticmethod
    def resolve_signed_by(plan: TreatmentPlan) -> int | None:
        return plan.signed_by_id

    @staticmethod
    def resolve_cosigned_by(plan: TreatmentPlan) -> int | None:
        return plan.cosigned_by_id


class PlanOut(PlanSummary):
    problems: list[ProblemOut]
    interventions: list[InterventionOut]

    @staticmethod
    def resolve_problems(plan) -> list:
        return list(plan.problems.all())

    @staticmethod
    def resolve_interventions(plan) -> list:
        return list(plan.interventions.all())


# PATCH bodies: send only the fields that change; those left out stay as they are.
# A text may be emptied with "" but not sent as null (hence no "| None" on them).


class PlanPatch(Schema):
    review_date: Day | None = None


class ProblemPatch(Schema):
    statement: str = Field(None, max_length=1000)


class GoalPatch(Schema):
    statement: str = Field(None, max_length=1000)
    level_minus_2: str = Field(None, max_length=500)
    level_minus_1: str = Field(None, max_length=500)
    level_0: str = Field(None, max_length=500)
    level_plus_1: str = Field(None, max_length=500)
    level_plus_2: str = Field(None, max_length=500)
    weight: int = None


class ObjectivePatch(Schema):
    statement: str = Field(None, max_length=1000)
    baseline: str = Field(None, max_length=300)
    target_date: Day | None = None
    status: str = None


class InterventionPatch(Schema):
    directive: Id | None = None
    technique: str = Field(None, max_length=300)
    media: str = Field(None, max_length=200)
    frequency: str = Field(None, max_length=100)
    delivered_by: Id | None = None


class ReturnIn(Schema):
    comment: str = Field(max_length=2000)


def _plan(request, client_id: int, plan_id: int, action: Action = Action.READ) -> TreatmentPlan:
    return selectors.plan_get(selectors.plan_access(request.user, client_id, action=action), plan_id)


@router.get("{client_id}/plans", response=list[PlanSummary], url_name="plans_list")
@paginated
def plans_list(request, client_id: Id):
    return list(selectors.plans_of(selectors.plan_access(request.user, client_id)))


@router.post("{client_id}/plans", response={200: PlanOut, 201: PlanOut}, url_name="plans_create")
def plans_create(request, client_id: Id):
    """Open a draft: the next version, from the active plan's content if there is one.
    If a draft is already open, it is returned (200) instead."""
    access = selectors.plan_access(request.user, client_id, action=Action.WRITE)
    before = selectors.open_plan(access)
    plan = services.plan_create(by=request.user, client=access.client)
    return Status(200 if before is not None else 201, selectors.plan_get(access, plan.pk))


@router.get("{client_id}/plans/{plan_id}", response=PlanOut, url_name="plan_detail")
def plan_detail(request, client_id: Id, plan_id: Id):
    return _plan(request, client_id, plan_id)


def _decided(request, client_id: int, plan_id: int, action: Action, service, **extra) -> TreatmentPlan:
    plan = _plan(request, client_id, plan_id, action)
    service(by=request.user, plan=plan, **extra)
    return _plan(request, client_id, plan_id)


@router.post("{client_id}/plans/{plan_id}/sign", response=PlanOut, url_name="plan_sign")
def plan_sign(request, client_id: Id, plan_id: Id):
    return _decided(request, client_id, plan_id, Action.SIGN, services.plan_sign)


@router.post("{client_id}/plans/{plan_id}/submit", response=PlanOut, url_name="plan_submit")
def plan_submit(request, client_id: Id, plan_id: Id):
    return _decided(request, client_id, plan_id, Action.SUBMIT, services.plan_submit)


@router.post("{client_id}/plans/{plan_id}/cosign", response=PlanOut, url_name="plan_cosign")
def plan_cosign(request, client_id: Id, plan_id: Id):
    return _decided(request, client_id, plan_id, Action.COSIGN, services.plan_cosign)


@router.post("{client_id}/plans/{plan_id}/return", response=PlanOut, url_name="plan_return")
def plan_return(request, client_id: Id, plan_id: Id, payload: ReturnIn):
    return _decided(request, client_id, plan_id, Action.RETURN, services.plan_return, comment=payload.comment)


@router.post("{client_id}/plans/{plan_id}/problems", response={201: ProblemOut}, url_name="problems_create")
def problems_create(request, client_id: Id, plan_id: Id, payload: ProblemIn):
    plan = _plan(request, client_id, plan_id, Action.WRITE)
    return Status(201, services.problem_add(by=request.user, plan=plan, **payload.dict()))


@router.post("{client_id}/plans/{plan_id}/goals", response={201: GoalOut}, url_name="goals_create")
def goals_create(request, client_id: Id, plan_id: Id, payload: GoalIn):
    plan = _plan(request, client_id, plan_id, Action.WRITE)
    fields = payload.dict()
    problem = selectors.item_get(plan, "problem", fields.pop("problem"))
    return Status(201, services.goal_add(by=request.user, problem=problem, **fields))


@router.post(
    "{client_id}/plans/{plan_id}/goals/{goal_id}/objectives", response={201: ObjectiveOut}, url_name="objectives_create"
)
def objectives_create(request, client_id: Id, plan_id: Id, goal_id: Id, payload: ObjectiveIn):
    plan = _plan(request, client_id, plan_id, Action.WRITE)
    goal = selectors.item_get(plan, "goal", goal_id)
    return Status(201, services.objective_add(by=request.user, goal=goal, **payload.dict()))


@router.patch("{client_id}/plans/{plan_id}", response=PlanOut, url_name="plan_update")
def plan_update(request, client_id: Id, plan_id: Id, payload: PlanPatch):
    """Change a draft's review date (null clears it)."""
    plan = _plan(request, client_id, plan_id, Action.WRITE)
    fields = payload.dict(exclude_unset=True)
    services.plan_update(by=request.user, plan=plan, review_date=fields.get("review_date", plan.review_date))
    return _plan(request, client_id, plan_id)


@router.post(
    "{client_id}/plans/{plan_id}/interventions", response={201: InterventionOut}, url_name="interventions_create"
)
def interventions_create(request, client_id: Id, plan_id: Id, payload: InterventionIn):
    """Plan an intervention: a directive of the library or a named technique, and who on the team delivers it."""
    plan = _plan(request, client_id, plan_id, Action.WRITE)
    return Status(201, services.intervention_add(by=request.user, plan=plan, **payload.dict()))


# A problem, goal, objective or planned intervention of a draft: changed or removed (409 once the plan is signed).


def _item(request, client_id: int, plan_id: int, kind: str, item_id: int):
    return selectors.item_get(_plan(request, client_id, plan_id, Action.WRITE), kind, item_id)


def _item_update(request, client_id: int, plan_id: int, kind: str, item_id: int, payload: Schema):
    item = _item(request, client_id, plan_id, kind, item_id)
    return services.plan_item_update(by=request.user, item=item, **payload.dict(exclude_unset=True))


def _item_delete(request, client_id: int, plan_id: int, kind: str, item_id: int):
    services.plan_item_remove(by=request.user, item=_item(request, client_id, plan_id, kind, item_id))
    return Status(204, None)


@router.patch("{client_id}/plans/{plan_id}/problems/{problem_id}", response=ProblemOut, url_name="problem_update")
def problem_update(request, client_id: Id, plan_id: Id, problem_id: Id, payload: ProblemPatch):
    return _item_update(request, client_id, plan_id, "problem", problem_id, payload)


@router.delete("{client_id}/plans/{plan_id}/problems/{problem_id}", response={204: None}, url_name="problem_delete")
def problem_delete(request, client_id: Id, plan_id: Id, problem_id: Id):
    """Remove a problem with its goals and their objectives."""
    return _item_delete(request, client_id, plan_id, "problem", problem_id)


@router.patch("{client_id}/plans/{plan_id}/goals/{goal_id}", response=GoalOut, url_name="goal_update")
def goal_update(request, client_id: Id, plan_id: Id, goal_id: Id, payload: GoalPatch):
    return _item_update(request, client_id, plan_id, "goal", goal_id, payload)


@router.delete("{client_id}/plans/{plan_id}/goals/{goal_id}", response={204: None}, url_name="goal_delete")
def goal_delete(request, client_id: Id, plan_id: Id, goal_id: Id):
    """Remove a goal with its objectives."""
    return _item_delete(request, client_id, plan_id, "goal", goal_id)


@router.patch(
    "{client_id}/plans/{plan_id}/objectives/{objective_id}", response=ObjectiveOut, url_name="objective_update"
)
def objective_update(request, client_id: Id, plan_id: Id, objective_id: Id, payload: ObjectivePatch):
    return _item_update(request, client_id, plan_id, "objective", objective_id, payload)


@router.delete(
    "{client_id}/plans/{plan_id}/objectives/{objective_id}", response={204: None}, url_name="objective_delete"
)
def objective_delete(request, client_id: Id, plan_id: Id, objective_id: Id):
    return _item_delete(request, client_id, plan_id, "objective", objective_id)


@router.patch(
    "{client_id}/plans/{plan_id}/interventions/{intervention_id}",
    response=InterventionOut,
    url_name="intervention_update",
)
def intervention_update(request, client_id: Id, plan_id: Id, intervention_id: Id, payload: InterventionPatch):
    return _item_update(request, client_id, plan_id, "intervention", intervention_id, payload)


@router.delete(
    "{client_id}/plans/{plan_id}/interventions/{intervention_id}", response={204: None}, url_name="intervention_delete"
)
def intervention_delete(request, client_id: Id, plan_id: Id, intervention_id: Id):
    return _item_delete(request, client_id, plan_id, "intervention", intervention_id)


# --- team conferences ------------------------------------------------------------------------------


class AttendeeIn(Schema):
    """A user of ArtChart (``user``) or an outside professional (``name`` and ``discipline``): exactly one."""

    user: Id | None = None
    name: str = Field("", max_length=200)
    discipline: str = Field("", max_length=200, description="Role or discipline, e.g. psychiatrist")


class AttendeeOut(AttendeeIn):
    id: int
    user: int | None
    display_name: str

    @staticmethod
    def resolve_user(attendee: ConferenceAttendee) -> int | None:
        return attendee.user_id

    @staticmethod
    def resolve_display_name(attendee: ConferenceAttendee) -> str:
        return attendee.user.display_name if attendee.user_id else attendee.name


class ConferenceFields(Schema):
    held_on: Day
    discussion: str = Field("", max_length=10000)
    decisions: str = Field("", max_length=5000)


class ConferenceIn(ConferenceFields):
    attendees: list[AttendeeIn] = Field(default_factory=list, max_length=100)
    plan_versions: list[Id] = Field(
        default_factory=list, max_length=100, description="Ids of the plan versions (of this client) it led to"
    )


class ConferencePatch(Schema):
    held_on: Day = None
    discussion: str = Field(None, max_length=10000)
    decisions: str = Field(None, max_length=5000)


class ConferenceOut(ConferenceFields):
    id: int
    recorded_by: int
    recorded_at: dt.datetime
    changed_by: int | None
    changed_at: dt.datetime | None
    attendees: list[AttendeeOut]
    plan_versions: list[int]

    @staticmethod
    def resolve_recorded_by(conference: TeamConference) -> int:
        return conference.recorded_by_id

    @staticmethod
    def resolve_changed_by(conference: TeamConference) -> int | None:
        return conference.changed_by_id

    @staticmethod
    def resolve_attendees(conference: TeamConference) -> list:
        return list(conference.attendees.all())

    @staticmethod
    def resolve_plan_versions(conference: TeamConference) -> list[int]:
        return [plan.pk for plan in conference.plan_versions.all()]


class PlanLinkIn(Schema):
    plan: Id


def _conference(request, client_id: int, conference_id: int, action: Action = Action.READ) -> TeamConference:
    return selectors.conference_get(selectors.plan_access(request.user, client_id, action=action), conference_id)


@router.get("{client_id}/conferences", response=list[ConferenceOut], url_name="conferences_list")
@paginated
def conferences_list(request, client_id: Id):
    """The client's team conferences, newest first."""
    return list(selectors.conferences_of(selectors.plan_access(request.user, client_id)))


@router.post("{client_id}/conferences", response={201: ConferenceOut}, url_name="conferences_create")
def conferences_create(request, client_id: Id, payload: ConferenceIn):
    """Record a conference with its attendees and the plan versions it led to (all refused if one is wrong)."""
    access = selectors.plan_access(request.user, client_id, action=Action.WRITE)
    fields = payload.dict()
    conference = services.conference_record(by=request.user, client=access.client, **fields)
    return Status(201, selectors.conference_get(access, conference.pk))


@router.get("{client_id}/conferences/{conference_id}", response=ConferenceOut, url_name="conference_detail")
def conference_detail(request, client_id: Id, conference_id: Id):
    return _conference(request, client_id, conference_id)


@router.patch("{client_id}/conferences/{conference_id}", response=ConferenceOut, url_name="conference_update")
def conference_update(request, client_id: Id, conference_id: Id, payload: ConferencePatch):
    """Correct the date, discussion or decisions (audited; conferences are not signed)."""
    conference = _conference(request, client_id, conference_id, Action.WRITE)
    services.conference_update(by=request.user, conference=conference, **payload.dict(exclude_unset=True))
    return _conference(request, client_id, conference_id)


@router.post(
    "{client_id}/conferences/{conference_id}/attendees",
    response={201: AttendeeOut},
    url_name="conference_attendees_create",
)
def conference_attendees_create(request, client_id: Id, conference_id: Id, payload: AttendeeIn):
    conference = _conference(request, client_id, conference_id, Action.WRITE)
    return Status(201, services.conference_attendee_add(by=request.user, conference=conference, **payload.dict()))


@router.delete(
    "{client_id}/conferences/{conference_id}/attendees/{attendee_id}",
    response={204: None},
    url_name="conference_attendee_delete",
)
def conference_attendee_delete(request, client_id: Id, conference_id: Id, attendee_id: Id):
    conference = _conference(request, client_id, conference_id, Action.WRITE)
    services.conference_attendee_remove(by=request.user, attendee=selectors.attendee_get(conference, attendee_id))
    return Status(204, None)


@router.post("{client_id}/conferences/{conference_id}/plans", response=ConferenceOut, url_name="conference_plans_link")
def conference_plans_link(request, client_id: Id, conference_id: Id, payload: PlanLinkIn):
    """Link a plan version of this client the conference led to ("led to v2")."""
    conference = _conference(request, client_id, conference_id, Action.WRITE)
    services.conference_plan_link(by=request.user, conference=conference, plan=payload.plan)
    return _conference(request, client_id, conference_id)


@router.delete(
    "{client_id}/conferences/{conference_id}/plans/{plan_id}", response={204: None}, url_name="conference_plan_unlink"
)
def conference_plan_unlink(request, client_id: Id, conference_id: Id, plan_id: Id):
    conference = _conference(request, client_id, conference_id, Action.WRITE)
    services.conference_plan_unlink(
        by=request.user, conference=conference, plan=selectors.conference_plan_get(conference, plan_id)
    )
    return Status(204, None)
