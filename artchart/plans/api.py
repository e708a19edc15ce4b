"""API for treatment plans, under /api/v1/clients/{client_id}/plans/. A change to a signed plan is a 409."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema, Status
from pydantic import Field

from artchart.core.api import Id
from artchart.core.permissions import Action
from artchart.plans import selectors, services
from artchart.plans.models import Goal, TreatmentPlan

router = Router(tags=["plans"])


class ObjectiveIn(Schema):
    statement: str = Field(max_length=1000)
    baseline: str = Field("", max_length=300)
    target_date: dt.date | None = None
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


class ReturnIn(Schema):
    comment: str = Field(max_length=2000)


def _plan(request, client_id: int, plan_id: int, action: Action = Action.READ) -> TreatmentPlan:
    return selectors.plan_get(selectors.plan_access(request.user, client_id, action=action), plan_id)


@router.get("{client_id}/plans/", response=list[PlanSummary], url_name="plans_list")
def plans_list(request, client_id: Id):
    return list(selectors.plans_of(selectors.plan_access(request.user, client_id)))


@router.post("{client_id}/plans/", response={200: PlanOut, 201: PlanOut}, url_name="plans_create")
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


@router.post("{client_id}/plans/{plan_id}/problems/", response={201: ProblemOut}, url_name="problems_create")
def problems_create(request, client_id: Id, plan_id: Id, payload: ProblemIn):
    plan = _plan(request, client_id, plan_id, Action.WRITE)
    return Status(201, services.problem_add(by=request.user, plan=plan, **payload.dict()))


@router.post("{client_id}/plans/{plan_id}/goals/", response={201: GoalOut}, url_name="goals_create")
def goals_create(request, client_id: Id, plan_id: Id, payload: GoalIn):
    plan = _plan(request, client_id, plan_id, Action.WRITE)
    fields = payload.dict()
    problem = selectors.item_get(plan, "problem", fields.pop("problem"))
    return Status(201, services.goal_add(by=request.user, problem=problem, **fields))


@router.post("{client_id}/plans/{plan_id}/goals/{goal_id}/objectives/", response={201: ObjectiveOut},
             url_name="objectives_create")
def objectives_create(request, client_id: Id, plan_id: Id, goal_id: Id, payload: ObjectiveIn):
    plan = _plan(request, client_id, plan_id, Action.WRITE)
    goal = selectors.item_get(plan, "goal", goal_id)
    return Status(201, services.objective_add(by=request.user, goal=goal, **payload.dict()))
