"""Writes to treatment plans and team conferences. Each is one transaction with its audit event (ids only).

Services check access themselves. A draft may be changed by whoever may write
the client's clinical record; a signed plan never changes: the message says to
revise it into a new version (the API answers 409).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from artchart.clients.models import Client
from artchart.core import audit
from artchart.core.access import Conflict, require_client_access
from artchart.core.changes import UNSET, apply_changes, given, save_changes
from artchart.core.messages import UserMessage
from artchart.core.models import SupervisionLink, User
from artchart.core.permissions import Action, Area
from artchart.core.signed_records import signed_detail
from artchart.plans.audit_actions import PlanAction
from artchart.plans.models import (
    ATTENDEE_LISTED,
    OPEN_STATUSES,
    ConferenceAttendee,
    Goal,
    Objective,
    PlannedIntervention,
    PlanStatus,
    Problem,
    TeamConference,
    TreatmentPlan,
)
from artchart.plans.selectors import PlanItem
from artchart.programs.models import Directive

# One kind of plan item, kept through a call: adding a goal gives back a goal.
_Item = TypeVar("_Item", Problem, Goal, Objective, PlannedIntervention)

SIGNED_IS_FINAL = UserMessage(
    "plan_signed_is_final",
    "Version {version} of this plan was signed on {day} by {name} and cannot be changed; "
    "revise it into a new version instead.",
)
WAITING_FOR_COSIGN = UserMessage(
    "plan_waiting_for_cosign",
    "This plan is waiting for the supervisor's co-signature; it can be changed once it is returned.",
)
NOT_A_DRAFT = UserMessage("plan_not_a_draft", "Only a draft can be signed or submitted.")
NOT_SUBMITTED = UserMessage("plan_not_submitted", "Only a submitted plan can be co-signed or returned.")
NOT_THE_SUPERVISOR = UserMessage(
    "plan_not_the_supervisor", "Only the supervisor of the intern who wrote this plan may co-sign or return it."
)
NOT_THE_AUTHOR = UserMessage("plan_not_the_author", "Only the intern who wrote this draft may submit it.")
RETURN_NEEDS_COMMENT = UserMessage(
    "plan_return_needs_comment", "Say what needs changing: the intern reads this comment."
)
PLAN_IS_EMPTY = UserMessage("plan_is_empty", "Add at least one goal before signing or submitting the plan.")

PROBLEM_FIELDS = ("statement",)
GOAL_FIELDS = ("statement", "level_minus_2", "level_minus_1", "level_0", "level_plus_1", "level_plus_2", "weight")
OBJECTIVE_FIELDS = ("statement", "baseline", "target_date", "status")
INTERVENTION_FIELDS = ("directive", "technique", "media", "frequency", "delivered_by")
FIELDS = {
    Problem: PROBLEM_FIELDS,
    Goal: GOAL_FIELDS,
    Objective: OBJECTIVE_FIELDS,
    PlannedIntervention: INTERVENTION_FIELDS,
}


def _require_draft(by: User, plan: TreatmentPlan) -> None:
    require_client_access(by, plan.client_id, Area.CLINICAL, Action.WRITE)
    if plan.is_signed:
        raise Conflict(
            SIGNED_IS_FINAL.format(
                version=plan.version,
                day=f"{plan.signed_at:%-d %B %Y}",
                name=plan.signed_by.display_name if plan.signed_by is not None else "—",
            )
        )
    if plan.status == PlanStatus.SUBMITTED:
        raise Conflict(WAITING_FOR_COSIGN)


def plan_of(item: PlanItem) -> TreatmentPlan:
    if isinstance(item, (Problem, PlannedIntervention)):
        return item.plan
    if isinstance(item, Goal):
        return item.problem.plan
    return item.goal.problem.plan


def _record(by: User, action: PlanAction, obj: Model, plan: TreatmentPlan, **detail: object) -> None:
    audit.record(actor=by, action=action, obj=obj, client_ids=[plan.client_id], detail={"plan": plan.pk, **detail})


# --- plans -------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, by: User, client: Client, review_date: dt.date | None = None) -> TreatmentPlan:
    """A new draft; from the last signed version's content if there is one ("revise into version N+1").

    If a draft or submitted version is already open, that one is returned: a
    client has one plan in the making at a time.
    """
    require_client_access(by, client.pk, Area.CLINICAL, Action.WRITE)
    Client.objects.select_for_update().filter(pk=client.pk).first()  # two revisions at once must not both start
    plans = TreatmentPlan.objects.filter(client=client)
    open_plan = plans.filter(status__in=OPEN_STATUSES).order_by("-version").first()
    if open_plan is not None:
        return open_plan
    previous = plans.filter(status=PlanStatus.SIGNED).order_by("-version").first()
    last_version = plans.order_by("-version").values_list("version", flat=True).first() or 0
    plan = TreatmentPlan(
        client=client,
        version=last_version + 1,
        author=by,
        review_date=review_date or (previous.review_date if previous else None),
    )
    plan.full_clean()
    plan.save()
    if previous is not None:
        _copy_content(previous, plan)
    _record(by, PlanAction.PLAN_CREATE, plan, plan, version=plan.version, revises=previous.pk if previous else None)
    return plan


def _copy_content(source: TreatmentPlan, target: TreatmentPlan) -> None:
    for problem in source.problems.prefetch_related("goals__objectives"):
        new_problem = Problem.objects.create(plan=target, statement=problem.statement)
        for goal in problem.goals.all():
            new_goal = Goal.objects.create(problem=new_problem, **{f: getattr(goal, f) for f in GOAL_FIELDS})
            Objective.objects.bulk_create(
                Objective(goal=new_goal, **{f: getattr(o, f) for f in OBJECTIVE_FIELDS}) for o in goal.objectives.all()
            )
    PlannedIntervention.objects.bulk_create(
        PlannedIntervention(
            plan=target,
            directive_id=i.directive_id,
            technique=i.technique,
            media=i.media,
            frequency=i.frequency,
            delivered_by_id=i.delivered_by_id,
        )
        for i in source.interventions.all()
    )


@transaction.atomic
def plan_update(*, by: User, plan: TreatmentPlan, review_date: dt.date | None) -> TreatmentPlan:
    _require_draft(by, plan)
    if plan.review_date != review_date:
        plan.review_date = review_date
        plan.full_clean()
        plan.save(update_fields=["review_date"])
        _record(by, PlanAction.PLAN_UPDATE, plan, plan, fields=["review_date"])
    return plan


def content_of(plan: TreatmentPlan) -> dict[str, Any]:
    """The plan's clinical content as plain values, in a stable order (what the signature covers)."""
    problems = plan.problems.prefetch_related("goals__objectives").order_by("id")
    return {
        "client": plan.client_id,
        "version": plan.version,
        "review_date": plan.review_date.isoformat() if plan.review_date else None,
        "problems": [
            {
                "statement": p.statement,
                "goals": [
                    {
                        **{f: getattr(g, f) for f in GOAL_FIELDS},
                        "objectives": [
                            {
                                "statement": o.statement,
                                "baseline": o.baseline,
                                "status": o.status,
                                "target_date": o.target_date.isoformat() if o.target_date else None,
                            }
                            for o in g.objectives.all()
                        ],
                    }
                    for g in p.goals.all()
                ],
            }
            for p in problems
        ],
        "interventions": [
            {
                "directive": i.directive_id,
                "technique": i.technique,
                "media": i.media,
                "frequency": i.frequency,
                "delivered_by": i.delivered_by_id,
            }
            for i in plan.interventions.order_by("id")
        ],
    }


def content_canonical(plan: TreatmentPlan) -> str:
    return json.dumps(content_of(plan), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(plan: TreatmentPlan) -> str:
    """The keyed hash of what a signature covers; the sign (or co-sign) event records it too."""
    return audit.content_digest(content_canonical(plan))


def _activate(plan: TreatmentPlan, now: dt.datetime) -> list[int]:
    """Make ``plan`` the active version; the earlier active one is superseded (and kept)."""
    earlier = list(
        TreatmentPlan.objects.select_for_update()
        .filter(client_id=plan.client_id, status=PlanStatus.SIGNED)
        .exclude(pk=plan.pk)
        .values_list("pk", flat=True)
    )
    TreatmentPlan.objects.filter(pk__in=earlier).update(status=PlanStatus.SUPERSEDED, superseded_at=now)
    plan.status = PlanStatus.SIGNED
    plan.content_hash = content_hash(plan)
    return earlier


def _require_goal(plan: TreatmentPlan) -> None:
    if not Goal.objects.filter(problem__plan=plan).exists():
        raise ValidationError(PLAN_IS_EMPTY)


@transaction.atomic
def plan_sign(*, by: User, plan: TreatmentPlan) -> TreatmentPlan:
    require_client_access(by, plan.client_id, Area.CLINICAL, Action.SIGN)
    if plan.is_signed:
        _require_draft(by, plan)
    if plan.status != PlanStatus.DRAFT:
        raise Conflict(NOT_A_DRAFT)
    _require_goal(plan)
    now = timezone.now()
    plan.signed_by, plan.signed_at = by, now
    superseded = _activate(plan, now)
    plan.save()
    detail = signed_detail(plan.content_hash, version=plan.version, superseded=superseded)
    _record(by, PlanAction.PLAN_SIGN, plan, plan, **detail)
    return plan


@transaction.atomic
def plan_submit(*, by: User, plan: TreatmentPlan) -> TreatmentPlan:
    require_client_access(by, plan.client_id, Area.CLINICAL, Action.SUBMIT)
    if plan.status != PlanStatus.DRAFT:
        raise Conflict(NOT_A_DRAFT)
    if plan.author_id != by.pk:
        raise PermissionDenied(NOT_THE_AUTHOR)
    _require_goal(plan)
    plan.status, plan.submitted_at = PlanStatus.SUBMITTED, timezone.now()
    plan.save(update_fields=["status", "submitted_at"])
    _record(by, PlanAction.PLAN_SUBMIT, plan, plan, version=plan.version)
    return plan


def _require_responsible_supervisor(by: User, plan: TreatmentPlan, action: Action) -> None:
    require_client_access(by, plan.client_id, Area.CLINICAL, action)
    if plan.status != PlanStatus.SUBMITTED:
        raise Conflict(NOT_SUBMITTED)
    if not SupervisionLink.objects.filter(supervisor=by, supervisee_id=plan.author_id, ended_on__isnull=True).exists():
        raise PermissionDenied(NOT_THE_SUPERVISOR)


@transaction.atomic
def plan_cosign(*, by: User, plan: TreatmentPlan) -> TreatmentPlan:
    """The supervisor co-signs the intern's submitted plan: it becomes the active version."""
    _require_responsible_supervisor(by, plan, Action.COSIGN)
    now = timezone.now()
    plan.signed_by_id, plan.signed_at = plan.author_id, plan.submitted_at
    plan.cosigned_by, plan.cosigned_at = by, now
    superseded = _activate(plan, now)
    plan.save()
    detail = signed_detail(plan.content_hash, version=plan.version, superseded=superseded)
    _record(by, PlanAction.PLAN_COSIGN, plan, plan, **detail)
    return plan


@transaction.atomic
def plan_return(*, by: User, plan: TreatmentPlan, comment: str) -> TreatmentPlan:
    """The supervisor returns the plan to the intern as a draft, with what needs changing."""
    _require_responsible_supervisor(by, plan, Action.RETURN)
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": RETURN_NEEDS_COMMENT})
    plan.status, plan.submitted_at = PlanStatus.DRAFT, None
    plan.returned_by, plan.returned_at, plan.return_comment = by, timezone.now(), comment
    plan.full_clean()
    plan.save()
    _record(by, PlanAction.PLAN_RETURN, plan, plan, version=plan.version)
    return plan


# --- the plan's content, while it is a draft -----------------------------------------------------


def _add(by: User, plan: TreatmentPlan, item: _Item, values: dict[str, Any], action: PlanAction) -> _Item:
    _require_draft(by, plan)
    apply_changes(item, values)
    item.full_clean()
    item.save()
    _record(by, action, item, plan)
    return item


@transaction.atomic
def problem_add(*, by: User, plan: TreatmentPlan, statement: str = UNSET) -> Problem:
    return _add(by, plan, Problem(plan=plan), {"statement": statement}, PlanAction.PLAN_PROBLEM_ADD)


@transaction.atomic
def goal_add(
    *,
    by: User,
    problem: Problem,
    statement: str = UNSET,
    level_minus_2: str = UNSET,
    level_minus_1: str = UNSET,
    level_0: str = UNSET,
    level_plus_1: str = UNSET,
    level_plus_2: str = UNSET,
    weight: int = UNSET,
) -> Goal:
    values = {
        "statement": statement,
        "level_minus_2": level_minus_2,
        "level_minus_1": level_minus_1,
        "level_0": level_0,
        "level_plus_1": level_plus_1,
        "level_plus_2": level_plus_2,
        "weight": weight,
    }
    return _add(by, problem.plan, Goal(problem=problem), values, PlanAction.PLAN_GOAL_ADD)


@transaction.atomic
def objective_add(
    *,
    by: User,
    goal: Goal,
    statement: str = UNSET,
    baseline: str = UNSET,
    target_date: dt.date | None = UNSET,
    status: str = UNSET,
) -> Objective:
    values = {"statement": statement, "baseline": baseline, "target_date": target_date, "status": status}
    return _add(by, goal.problem.plan, Objective(goal=goal), values, PlanAction.PLAN_OBJECTIVE_ADD)


@transaction.atomic
def intervention_add(
    *,
    by: User,
    plan: TreatmentPlan,
    directive: Directive | int | None = UNSET,
    technique: str = UNSET,
    media: str = UNSET,
    frequency: str = UNSET,
    delivered_by: User | int | None = UNSET,
) -> PlannedIntervention:
    values = {
        "directive": directive,
        "technique": technique,
        "media": media,
        "frequency": frequency,
        "delivered_by": delivered_by,
    }
    return _add(by, plan, PlannedIntervention(plan=plan), values, PlanAction.PLAN_INTERVENTION_ADD)


ITEM_UPDATE = {
    Problem: PlanAction.PLAN_PROBLEM_UPDATE,
    Goal: PlanAction.PLAN_GOAL_UPDATE,
    Objective: PlanAction.PLAN_OBJECTIVE_UPDATE,
    PlannedIntervention: PlanAction.PLAN_PLANNEDINTERVENTION_UPDATE,
}
ITEM_REMOVE = {
    Problem: PlanAction.PLAN_PROBLEM_REMOVE,
    Goal: PlanAction.PLAN_GOAL_REMOVE,
    Objective: PlanAction.PLAN_OBJECTIVE_REMOVE,
    PlannedIntervention: PlanAction.PLAN_PLANNEDINTERVENTION_REMOVE,
}


@transaction.atomic
def plan_item_update(
    *,
    by: User,
    item: PlanItem,
    statement: str = UNSET,
    level_minus_2: str = UNSET,
    level_minus_1: str = UNSET,
    level_0: str = UNSET,
    level_plus_1: str = UNSET,
    level_plus_2: str = UNSET,
    weight: int = UNSET,
    baseline: str = UNSET,
    target_date: dt.date | None = UNSET,
    status: str = UNSET,
    directive: Directive | int | None = UNSET,
    technique: str = UNSET,
    media: str = UNSET,
    frequency: str = UNSET,
    delivered_by: User | int | None = UNSET,
) -> PlanItem:
    """Change a problem, goal, objective or planned intervention of a draft.

    Each kind takes its own fields (``FIELDS``); another kind's field is refused
    by name, as an unknown keyword is. Nothing is saved or audited when nothing changed.
    """
    values = given(
        {
            "statement": statement,
            "level_minus_2": level_minus_2,
            "level_minus_1": level_minus_1,
            "level_0": level_0,
            "level_plus_1": level_plus_1,
            "level_plus_2": level_plus_2,
            "weight": weight,
            "baseline": baseline,
            "target_date": target_date,
            "status": status,
            "directive": directive,
            "technique": technique,
            "media": media,
            "frequency": frequency,
            "delivered_by": delivered_by,
        }
    )
    foreign = sorted(set(values) - set(FIELDS[type(item)]))
    if foreign:
        raise TypeError(f"a {type(item).__name__.lower()} has no field {', '.join(foreign)}")
    plan = plan_of(item)
    _require_draft(by, plan)
    item = type(item)._default_manager.select_for_update().get(pk=item.pk)
    changed = apply_changes(item, values)
    if not changed:
        return item
    item.full_clean()
    save_changes(item, changed)
    _record(by, ITEM_UPDATE[type(item)], item, plan, fields=changed)
    return item


@transaction.atomic
def plan_item_remove(*, by: User, item: PlanItem) -> None:
    plan = plan_of(item)
    _require_draft(by, plan)
    _record(by, ITEM_REMOVE[type(item)], item, plan)
    item.delete()


# --- team conferences ------------------------------------------------------------------------------
# A conference is the record of a meeting, not a signed document: whoever may
# write the client's clinical record records it and may correct it later (a
# wrong date, a forgotten attendee, a plan version linked by mistake), each
# change its own audited event naming the fields, never their text.

PLAN_OF_ANOTHER_CLIENT = UserMessage("plan_of_another_client", "Choose a version of this client's own treatment plan.")
ATTENDEE_UNKNOWN = UserMessage(
    "attendee_unknown", "Choose a colleague from your organization, or name an outside professional."
)


def _attendee(conference: TeamConference, fields: dict[str, Any]) -> ConferenceAttendee:
    """An attendee checked but not saved: ``user`` (a User or an id) or ``name`` with ``discipline``."""
    attendee = ConferenceAttendee(conference=conference)
    apply_changes(attendee, {name: fields[name] or "" for name in ("name", "discipline") if name in fields})
    user = fields.get("user")
    if user is not None:
        user_id = getattr(user, "pk", user)
        if not User.objects.filter(
            pk=user_id, organization_id=conference.client.organization_id, is_active=True
        ).exists():
            raise ValidationError({"user": ATTENDEE_UNKNOWN})
        attendee.user_id = user_id
    attendee.full_clean(exclude=["conference"] if conference.pk is None else None)
    return attendee


def _client_plan_versions(client_id: int, plans: Iterable[TreatmentPlan | int]) -> list[TreatmentPlan]:
    ids = {plan.pk if isinstance(plan, TreatmentPlan) else plan for plan in plans}
    found = list(TreatmentPlan.objects.filter(client_id=client_id, pk__in=ids))
    if len(found) != len(ids):
        raise ValidationError({"plan_versions": PLAN_OF_ANOTHER_CLIENT})
    return found


def _record_conference(
    by: User, action: PlanAction, conference: TeamConference, obj: Model | None = None, **detail: object
) -> None:
    audit.record(
        actor=by,
        action=action,
        obj=obj or conference,
        client_ids=[conference.client_id],
        detail={"conference": conference.pk, **detail},
    )


@transaction.atomic
def conference_record(
    *,
    by: User,
    client: Client,
    held_on: dt.date,
    discussion: str = "",
    decisions: str = "",
    attendees: Iterable[dict[str, Any]] = (),
    plan_versions: Iterable[TreatmentPlan | int] = (),
) -> TeamConference:
    """Record a team conference with its attendees and the plan versions it led to; all checked before any write."""
    require_client_access(by, client.pk, Area.CLINICAL, Action.WRITE)
    conference = TeamConference(
        client=client, held_on=held_on, discussion=discussion, decisions=decisions, recorded_by=by
    )
    conference.full_clean()
    people = [_attendee(conference, fields) for fields in attendees]
    users = [a.user_id for a in people if a.user_id]
    if len(users) != len(set(users)):
        raise ValidationError({"attendees": ATTENDEE_LISTED})
    versions = _client_plan_versions(client.pk, plan_versions)
    conference.save()
    for attendee in people:
        attendee.conference = conference
    ConferenceAttendee.objects.bulk_create(people)
    conference.plan_versions.set(versions)
    _record_conference(
        by,
        PlanAction.CONFERENCE_RECORD,
        conference,
        attendees=len(people),
        plan_versions=sorted(p.pk for p in versions),
    )
    return conference


@transaction.atomic
def conference_update(
    *,
    by: User,
    conference: TeamConference,
    held_on: dt.date = UNSET,
    discussion: str = UNSET,
    decisions: str = UNSET,
) -> TeamConference:
    """Correct the date, the discussion or the decisions; the record keeps who changed it last."""
    require_client_access(by, conference.client_id, Area.CLINICAL, Action.WRITE)
    conference = TeamConference.objects.select_for_update().get(pk=conference.pk)
    changed = apply_changes(conference, {"held_on": held_on, "discussion": discussion, "decisions": decisions})
    if not changed:
        return conference
    conference.changed_by, conference.changed_at = by, timezone.now()
    conference.full_clean()
    save_changes(conference, [*changed, "changed_by", "changed_at"])
    _record_conference(by, PlanAction.CONFERENCE_UPDATE, conference, fields=changed)
    return conference


def _touch(by: User, conference: TeamConference) -> None:
    conference.changed_by, conference.changed_at = by, timezone.now()
    conference.save(update_fields=["changed_by", "changed_at"])


@transaction.atomic
def conference_attendee_add(
    *, by: User, conference: TeamConference, user: User | int | None = None, name: str = "", discipline: str = ""
) -> ConferenceAttendee:
    require_client_access(by, conference.client_id, Area.CLINICAL, Action.WRITE)
    attendee = _attendee(conference, {"user": user, "name": name, "discipline": discipline})
    attendee.save()
    _touch(by, conference)
    _record_conference(by, PlanAction.CONFERENCE_ATTENDEE_ADD, conference, obj=attendee)
    return attendee


@transaction.atomic
def conference_attendee_remove(*, by: User, attendee: ConferenceAttendee) -> None:
    conference = attendee.conference
    require_client_access(by, conference.client_id, Area.CLINICAL, Action.WRITE)
    _record_conference(by, PlanAction.CONFERENCE_ATTENDEE_REMOVE, conference, obj=attendee)
    attendee.delete()
    _touch(by, conference)


@transaction.atomic
def conference_plan_link(*, by: User, conference: TeamConference, plan: TreatmentPlan | int) -> TreatmentPlan:
    """Link a plan version the conference led to ("led to v2"): only a version of the same client."""
    require_client_access(by, conference.client_id, Area.CLINICAL, Action.WRITE)
    [version] = _client_plan_versions(conference.client_id, [plan])
    if not conference.plan_versions.filter(pk=version.pk).exists():
        conference.plan_versions.add(version)
        _touch(by, conference)
        _record_conference(by, PlanAction.CONFERENCE_PLAN_LINK, conference, plan=version.pk)
    return version


@transaction.atomic
def conference_plan_unlink(*, by: User, conference: TeamConference, plan: TreatmentPlan) -> None:
    require_client_access(by, conference.client_id, Area.CLINICAL, Action.WRITE)
    if conference.plan_versions.filter(pk=plan.pk).exists():
        conference.plan_versions.remove(plan)
        _touch(by, conference)
        _record_conference(by, PlanAction.CONFERENCE_PLAN_UNLINK, conference, plan=plan.pk)
