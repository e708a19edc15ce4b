"""Reads of measures, scoped to the user: a client's administrations, alerts, links and
schedules; the dashboard's due measures and open alerts; trajectories; goal attainment;
and program effectiveness (aggregates only, never below the minimum group size)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.db.models import Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from artchart import outcomes
from artchart.clients.models import CareTeamMembership, Client
from artchart.clients.selectors import ClientAccess, client_get_for_user
from artchart.core import audit
from artchart.core.access import require_role
from artchart.core.messages import UserMessage
from artchart.core.models import CareTeamRole, Role, User
from artchart.core.permissions import Action, Area, Relation, allows, client_ids_allowing, relations_of
from artchart.measures import instruments
from artchart.measures.models import (
    DEFAULT_CRISIS_RESOURCES,
    Administration,
    AlertEscalation,
    CrisisResources,
    GoalAttainment,
    MeasureLink,
    MeasureSchedule,
    RiskAlert,
    SafetyPlan,
    ScheduleRule,
)
from artchart.plans.models import Goal, PlanStatus
from artchart.therapy.models import PRESENT_STATUSES, Attendance, Note, NoteKind, Session, SessionStatus

# Who may see program figures (the page, its CSV and the API): program admins and clinicians.
PROGRAM_ROLES = (Role.PROGRAM_ADMIN, Role.THERAPIST, Role.SUPERVISOR, Role.INTERN)
TOO_FEW = UserMessage(
    "too_few_clients",
    "Fewer than {minimum} clients have a first and a last score here ({n}); no figures are shown "
    "so no one can be singled out. Widen the filters.",
)
PERIOD_BACKWARDS = UserMessage("period_backwards", "The end of the period comes before its start.")


def measures_access(user: User, client_id: int, *, action: Action = Action.READ) -> ClientAccess:
    """Measures are part of the clinical record (the CLINICAL row of the access table)."""
    return client_get_for_user(user, client_id, area=Area.CLINICAL, action=action)


def administrations_of(access: ClientAccess, *, instrument: str = "") -> QuerySet[Administration]:
    queryset = Administration.objects.filter(client_id=access.client.pk).select_related("recorded_by", "session")
    return queryset.filter(instrument=instrument) if instrument else queryset


def incomplete_of(access: ClientAccess) -> QuerySet[Administration]:
    """Forms kept unfinished (refused for a blank item, or a link left part-answered), newest first."""
    return administrations_of(access).filter(is_complete=False).order_by("-administered_on", "-pk")


def administration_get(access: ClientAccess, administration_id: int) -> Administration:
    found = administrations_of(access).filter(pk=administration_id).first()
    if found is None:
        raise Http404
    return found


def alerts_of(access: ClientAccess) -> QuerySet[RiskAlert]:
    return RiskAlert.objects.filter(client_id=access.client.pk).select_related(
        "administration", "acknowledged_by", "safety_plan"
    )


def alert_get(access: ClientAccess, alert_id: int) -> RiskAlert:
    alert = alerts_of(access).filter(pk=alert_id).first()
    if alert is None:
        raise Http404
    return alert


def named_alerts(alerts: Iterable[RiskAlert]) -> list[dict[str, Any]]:
    """Alerts beside their instrument's short name (what a template cannot look up by itself)."""
    available = instruments.available()
    return [
        {
            "alert": alert,
            "name": getattr(
                available.get(alert.administration.instrument), "short_name", alert.administration.instrument
            ),
        }
        for alert in alerts
    ]


@dataclass(frozen=True)
class RiskConcerns:
    """What whoever documents for a client must have in front of them: the client's open risk alerts
    and the studio precautions, each only if the user may see it."""

    client: Client
    alerts: list[dict[str, Any]] = field(default_factory=list)  # [{"alert": RiskAlert, "name": instrument short name}]
    precautions: list[str] = field(default_factory=list)
    relations: frozenset[Relation] = frozenset()  # the user's, for what they may do about an alert

    def __bool__(self) -> bool:
        return bool(self.alerts or self.precautions)


def risk_concerns(user: User, client: Client) -> RiskConcerns:
    """The client's open alerts (for those who may read the clinical record) and precautions (for those who
    may read the demographics); nothing for anyone else. The caller has already found the client for the user."""
    relations = relations_of(user, client.pk)
    alerts: list[dict[str, Any]] = []
    if allows(relations, Area.CLINICAL, Action.READ):
        alerts = named_alerts(
            RiskAlert.objects.filter(client_id=client.pk, acknowledged_at__isnull=True)
            .select_related("administration")
            .order_by("-raised_at", "-pk")
        )
    precautions: list[str] = []
    if allows(relations, Area.DEMOGRAPHICS, Action.READ):
        precautions = [*client.precaution_flags, *([client.precautions_note] if client.precautions_note else [])]
    if alerts or precautions:
        audit.note_shown([client.pk])
    return RiskConcerns(client=client, alerts=alerts, precautions=precautions, relations=relations)


def crisis_text(organization_id: int | None) -> str:
    """What someone in crisis is told: the organization's own text, or 988 (US) by default."""
    text = (
        CrisisResources.objects.filter(organization_id=organization_id)  # type: ignore[misc]  # None: no organization's text
        .values_list("text", flat=True)
        .first()
    )
    return text or DEFAULT_CRISIS_RESOURCES


def crisis_resources_set_for(user: User) -> bool:
    """Whether the user's organization has written its own crisis resources (the checklist's last step)."""
    return CrisisResources.objects.filter(organization_id=user.organization_id).exists()  # type: ignore[misc]


# --- safety plans ------------------------------------------------------------------------------


def safety_plans_of(access: ClientAccess) -> QuerySet[SafetyPlan]:
    """Every version of the client's safety plan, newest (the current one) first."""
    return SafetyPlan.objects.filter(client_id=access.client.pk).select_related("signed_by").order_by("-version")


def safety_plan_current(access: ClientAccess) -> SafetyPlan | None:
    return safety_plans_of(access).first()


def safety_plan_get(access: ClientAccess, plan_id: int) -> SafetyPlan:
    plan = safety_plans_of(access).filter(pk=plan_id).first()
    if plan is None:
        raise Http404
    return plan


def links_of(access: ClientAccess) -> QuerySet[MeasureLink]:
    return MeasureLink.objects.filter(client_id=access.client.pk).select_related("sent_by", "administration")


def link_get(access: ClientAccess, link_id: int) -> MeasureLink:
    link = links_of(access).filter(pk=link_id).first()
    if link is None:
        raise Http404
    return link


def schedules_of(access: ClientAccess) -> QuerySet[MeasureSchedule]:
    return MeasureSchedule.objects.filter(client_id=access.client.pk, is_active=True)


def schedule_get(access: ClientAccess, schedule_id: int) -> MeasureSchedule:
    schedule = schedules_of(access).filter(pk=schedule_id).first()
    if schedule is None:
        raise Http404
    return schedule


# --- the dashboard --------------------------------------------------------------------------------


def _treated_by(user: User) -> QuerySet[Client, Any]:
    """Clients whose clinical record this user writes or co-signs: whose alerts and due measures are theirs."""
    return Client.objects.filter(
        Q(pk__in=client_ids_allowing(user, Area.CLINICAL, Action.WRITE))
        | Q(pk__in=client_ids_allowing(user, Area.CLINICAL, Action.COSIGN))
    ).values("pk")


def open_alerts_for(user: User) -> QuerySet[RiskAlert]:
    return (
        RiskAlert.objects.filter(client_id__in=_treated_by(user), acknowledged_at__isnull=True)
        .select_related("client", "administration")
        .order_by("-raised_at")
    )


def escalations_for(user: User) -> QuerySet[AlertEscalation]:
    """Risk alerts escalated to this user (as supervising or on-call clinician) and still open."""
    return (
        AlertEscalation.objects.filter(recipient=user, alert__acknowledged_at__isnull=True)
        .select_related("alert__client__site", "alert__administration")
        .order_by("-notified_at", "-pk")
    )


def primary_therapists_of(client_ids: list[int]) -> dict[int, object]:
    """Each client's primary therapist (whom an on-call clinician calls first), in one query."""
    return {
        m.client_id: m.user
        for m in CareTeamMembership.objects.filter(client_id__in=client_ids, role=CareTeamRole.PRIMARY).select_related(
            "user"
        )
    }


@dataclass(frozen=True)
class Due:
    client: Client
    instrument: outcomes.Instrument
    reason: str
    link: MeasureLink | None = None  # an open link already sent for it


def _attended_days(client_ids: list[int]) -> dict[int, list[dt.date]]:
    """The days each client attended a session (their own completed sessions, and group sessions marked present)."""
    days: dict[int, list[dt.date]] = defaultdict(list)
    for client_id, start in Session.objects.filter(
        client_id__in=client_ids, status=SessionStatus.COMPLETED
    ).values_list("client_id", "starts_at"):
        days[client_id].append(timezone.localtime(start).date())
    for client_id, start in Attendance.objects.filter(
        client_id__in=client_ids, status__in=PRESENT_STATUSES
    ).values_list("client_id", "session__starts_at"):
        days[client_id].append(timezone.localtime(start).date())
    return days


def _due_reason(
    schedule: MeasureSchedule,
    last: dt.date | None,
    attended: list[dt.date],
    discharge_note: dt.date | None,
    today: dt.date,
) -> str | None:
    if last is None:
        return "at intake"
    if schedule.at_discharge and discharge_note is not None and discharge_note >= last:
        return "at discharge"
    if schedule.rule == ScheduleRule.EVERY_N_SESSIONS:
        since = sum(1 for day in attended if day > last)
        return f"{since} sessions since the last" if since >= schedule.interval else None
    if schedule.rule == ScheduleRule.EVERY_N_WEEKS and last + dt.timedelta(weeks=schedule.interval) <= today:
        return f"{(today - last).days // 7} weeks since the last"
    return None


def due_measures_for(user: User, *, client_ids: list[int] | None = None) -> list[Due]:
    """The scheduled measures due now for the clients this user treats, in a fixed number of queries."""
    schedules = list(
        MeasureSchedule.objects.filter(
            is_active=True,
            client_id__in=client_ids if client_ids is not None else _treated_by(user),
            client__status="active",
        ).select_related("client")
    )
    if not schedules:
        return []
    ids = sorted({s.client_id for s in schedules})
    last = {
        (row["client_id"], row["instrument"]): row["last"]
        for row in Administration.objects.filter(client_id__in=ids, is_complete=True)
        .values("client_id", "instrument")
        .annotate(last=Max("administered_on"))
    }
    discharge = {
        row["client_id"]: timezone.localtime(row["last"]).date()
        for row in Note.objects.filter(client_id__in=ids, kind=NoteKind.DISCHARGE)
        .values("client_id")
        .annotate(last=Max("created_at"))
    }
    open_links: dict[tuple[int, str], MeasureLink] = {}
    for link in MeasureLink.objects.filter(
        client_id__in=ids, completed_at__isnull=True, cancelled_at__isnull=True, expires_at__gt=timezone.now()
    ):
        open_links[(link.client_id, link.instrument)] = link
    attended = _attended_days(ids)
    available, today, due = instruments.available(), timezone.localdate(), []
    for schedule in schedules:
        instrument = available.get(schedule.instrument)
        if instrument is None:  # its file was removed from the practice's folder
            continue
        reason = _due_reason(
            schedule,
            last.get((schedule.client_id, schedule.instrument)),
            attended.get(schedule.client_id, []),
            discharge.get(schedule.client_id),
            today,
        )
        if reason:
            due.append(Due(schedule.client, instrument, reason, open_links.get((schedule.client_id, instrument.id))))
    audit.note_shown(d.client.pk for d in due)
    return sorted(due, key=lambda d: (d.client.legal_last_name, d.client.legal_first_name, d.instrument.short_name))


def instrument_to_open(user: User, client: Client) -> outcomes.Instrument:
    """What "Record a measure" opens for this client: the first measure due by the client's schedules,
    else the scheduled one given longest ago (a client on the PHQ-9 gets the PHQ-9 between its due
    dates too), else the self-report measure made most narrowly for the client's age (PHQ-A at 14, GDS-15 at 70).
    Where none was made for the client's age (a child of seven), the one whose ages come nearest, a
    carer's form first (someone answers for a child too young to answer alone): the page then asks why.
    Clinician-rated scales for one population (dementia, a risk screen) are opened only when chosen."""
    due = due_measures_for(user, client_ids=[client.pk])
    if due:
        return due[0].instrument
    scheduled = _scheduled_next(client)
    if scheduled is not None:
        return scheduled
    available = list(instruments.available().values())
    answered = [i for i in available if i.respondent != "clinician"] or available
    years = client.age_on(timezone.localdate()) if client.date_of_birth else None
    fitting = [i for i in answered if i.fits_age(years)]
    if fitting or years is None:  # (an unknown age fits every instrument)
        return min(fitting, key=lambda i: (i.respondent != "self", _age_width(i), i.short_name.lower()))
    return min(
        answered, key=lambda i: (_years_outside(i, years), i.respondent != "parent_or_carer", i.short_name.lower())
    )


def _scheduled_next(client: Client) -> outcomes.Instrument | None:
    """Of the client's scheduled instruments (none due yet), the one never given or given longest ago."""
    available = instruments.available()
    scheduled = [
        key
        for key in MeasureSchedule.objects.filter(client=client, is_active=True).values_list("instrument", flat=True)
        if key in available
    ]
    if not scheduled:
        return None
    last = dict(
        Administration.objects.filter(client=client, is_complete=True, instrument__in=scheduled)
        .values("instrument")
        .annotate(last=Max("administered_on"))
        .values_list("instrument", "last")
    )
    return available[
        min(scheduled, key=lambda key: (key in last, last.get(key, dt.date.min), available[key].short_name.lower()))
    ]


def _age_width(instrument: outcomes.Instrument) -> int:
    low = instrument.age_min if instrument.age_min is not None else 0
    high = instrument.age_max if instrument.age_max is not None else outcomes.OLDEST_AGE
    return high - low


def _years_outside(instrument: outcomes.Instrument, years: int) -> int:
    """How many years ``years`` lies below or above the instrument's ages (0 inside them)."""
    if instrument.age_min is not None and years < instrument.age_min:
        return instrument.age_min - years
    if instrument.age_max is not None and years > instrument.age_max:
        return years - instrument.age_max
    return 0


# --- trajectories -------------------------------------------------------------------------------------


@dataclass
class Trajectory:
    instrument: outcomes.Instrument
    points: list[Administration]
    course: object  # outcomes.Course or outcomes.Insufficient
    cutoff: float | None = None
    reliable_band: tuple[float, float] | None = None  # first score ± the smallest reliable change


def trajectories_of(
    access: ClientAccess, *, since: dt.date | None = None, until: dt.date | None = None
) -> list[Trajectory]:
    """Each instrument the client has completed, over time (or only from ``since`` to ``until``, both days
    included: a report's period), with its course over those administrations classified."""
    by_instrument: dict[str, list[Administration]] = defaultdict(list)
    completed = administrations_of(access).filter(is_complete=True)
    if since is not None:
        completed = completed.filter(administered_on__gte=since)
    if until is not None:
        completed = completed.filter(administered_on__lte=until)
    for administration in completed.order_by("administered_on", "recorded_at", "pk"):
        by_instrument[administration.instrument].append(administration)
    available, result = instruments.available(), []
    for instrument_id, points in by_instrument.items():
        instrument = available.get(instrument_id)
        if instrument is None:
            continue
        course = outcomes.classify_course(instrument, [p.total for p in points])
        trajectory = Trajectory(instrument, points, course)
        if isinstance(course, outcomes.Course):
            change = course.change
            trajectory.cutoff = change.cutoff
            trajectory.reliable_band = (
                course.first - change.smallest_reliable_change,
                course.first + change.smallest_reliable_change,
            )
        result.append(trajectory)
    return sorted(result, key=lambda t: t.instrument.short_name)


# --- goal attainment --------------------------------------------------------------------------------------


@dataclass
class GoalCourse:
    goal: Goal
    ratings: list[GoalAttainment]

    @property
    def latest(self) -> GoalAttainment | None:
        return self.ratings[-1] if self.ratings else None


@dataclass
class Attainment:
    goals: list[GoalCourse] = field(default_factory=list)
    t_score: object = None  # float or outcomes.Insufficient


def attainment_of(access: ClientAccess) -> Attainment:
    """GAS ratings per goal of the client's plans, and the T-score over each goal's latest rating."""
    ratings = defaultdict(list)
    for rating in GoalAttainment.objects.filter(client_id=access.client.pk).select_related("rated_by"):
        ratings[rating.goal_id].append(rating)
    goals = (
        Goal.objects.filter(problem__plan__client_id=access.client.pk)
        .select_related("problem__plan")
        .order_by("-problem__plan__version", "pk")
    )
    courses = [
        GoalCourse(goal, ratings.get(goal.pk, []))
        for goal in goals
        if ratings.get(goal.pk) or goal.problem.plan.status != PlanStatus.SUPERSEDED
    ]
    rated = [c for c in courses if c.latest is not None]
    t_score = (
        outcomes.gas_t_score([c.ratings[-1].level for c in rated], [c.goal.weight for c in rated])
        if rated
        else outcomes.Insufficient(reason="no goal has been rated yet")
    )
    return Attainment(courses, t_score)


# --- program effectiveness ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CohortFilter:
    instrument: str = "phq9"
    program_id: int | None = None
    population: str = ""
    site_id: int | None = None
    directive_id: int | None = None
    therapist_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass
class Effectiveness:
    filters: CohortFilter
    instrument: outcomes.Instrument
    n: int
    minimum: int
    effect: object = None  # outcomes.PairedEffect or outcomes.Insufficient; None when hidden
    shares: dict[str, float] = field(default_factory=dict)
    mean_pre: float | None = None
    mean_post: float | None = None
    rule: str = ""

    @property
    def hidden(self) -> bool:
        return self.n < self.minimum


def cohort_ids_for(user: User) -> QuerySet[Client, Any]:
    """The clients whose measures count in this user's program figures: a program admin's whole
    organization (aggregates only), anyone else's own readable clients."""
    if user.role == Role.PROGRAM_ADMIN:
        return Client.objects.filter(organization_id=user.organization_id).values("pk")  # type: ignore[misc]  # None: no client
    return client_ids_allowing(user, Area.CLINICAL, Action.READ)


def _cohort(user: User, filters: CohortFilter) -> QuerySet[Client]:
    clients = Client.objects.filter(pk__in=cohort_ids_for(user), organization_id=user.organization_id)
    sessions = Session.objects.all()
    if filters.date_from:
        sessions = sessions.filter(starts_at__date__gte=filters.date_from)
    if filters.date_to:
        sessions = sessions.filter(starts_at__date__lte=filters.date_to)
    if filters.program_id:
        clients = clients.filter(group_memberships__group__program_id=filters.program_id)
    if filters.population:
        clients = clients.filter(site__population_type=filters.population)
    if filters.site_id:
        clients = clients.filter(site_id=filters.site_id)
    if filters.directive_id:
        with_directive = sessions.filter(directive_id=filters.directive_id)
        clients = clients.filter(
            Q(sessions__in=with_directive)
            | Q(attendance__session__in=with_directive, attendance__status__in=PRESENT_STATUSES)
        )
    if filters.therapist_id:
        clients = clients.filter(
            pk__in=CareTeamMembership.objects.filter(user_id=filters.therapist_id, role=CareTeamRole.PRIMARY).values(
                "client_id"
            )
        )
    return clients.distinct()


def pre_post(user: User, filters: CohortFilter, instrument: outcomes.Instrument) -> list[tuple[float, float]]:
    """Each cohort client's first and last score in the period (two administrations on different days at least)."""
    administrations = Administration.objects.filter(
        client__in=_cohort(user, filters), instrument=instrument.id, is_complete=True
    )
    if filters.date_from:
        administrations = administrations.filter(administered_on__gte=filters.date_from)
    if filters.date_to:
        administrations = administrations.filter(administered_on__lte=filters.date_to)
    series: dict[int, list[tuple[dt.date, float]]] = defaultdict(list)
    for client_id, day, total in administrations.order_by("administered_on", "recorded_at", "pk").values_list(
        "client_id", "administered_on", "total"
    ):
        series[client_id].append((day, cast(float, total)))  # a complete administration has a total
    return [(points[0][1], points[-1][1]) for points in series.values() if points[-1][0] > points[0][0]]


def program_effectiveness(user: User, filters: CohortFilter) -> Effectiveness:
    require_role(user, *PROGRAM_ROLES)
    instrument = instruments.get(filters.instrument)
    pairs = pre_post(user, filters, instrument)
    result = Effectiveness(filters, instrument, n=len(pairs), minimum=settings.MEASURES_MIN_GROUP_SIZE)
    if result.hidden:
        return result
    pre, post = [p for p, _ in pairs], [q for _, q in pairs]
    result.mean_pre, result.mean_post = sum(pre) / len(pre), sum(post) / len(post)
    result.effect = outcomes.paired_effect(pre, post, min_n=result.minimum)
    counts: dict[str, int] = defaultdict(int)
    try:
        for first, last in pairs:
            change = outcomes.reliable_change(instrument, first, last)
            counts[change.classification] += 1
            result.rule = change.rule
    except outcomes.ClinicalNormsMissing as refused:
        result.rule = str(refused)  # no shares: the courses are not classified
        return result
    result.shares = {
        kind: counts.get(kind, 0) / len(pairs) for kind in ("recovered", "improved", "unchanged", "deteriorated")
    }
    return result
