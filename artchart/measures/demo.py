"""The demo practice's measures, so every measures page has data: scores over time, schedules,
links, GAS and one alert.

Called once from ``artchart.demo.practice.build_demo`` after the sessions exist.
Everything goes through the measures services (scored, validated, audited):

* The school clients answer the SCARED child form and a parent or guardian the
  SCARED parent form, both made for ages 8 to 18: a child not yet 8 on the
  day carries the clinician's reason for using it (read aloud, with the parent
  form alongside), and only such a child. The forensic and outpatient clients
  answer the PHQ-9 (every other outpatient the GAD-7 too); the memory-care
  residents are not given self-report scales. Each answers at intake (their
  first session) and about every third session after, on the session's day and
  linked to it. Each client's course is one of recovered, improved, unchanged
  or deteriorated, so every classification appears among the adults, and
  item 9 of the PHQ-9 is 0 in all of them but one. A school client's two forms
  follow the same course.
* Two of ``therapist2``'s school clients were referred to "Feelings Through
  Art" and placed in individual sessions before it began (joined, then left
  before the first meeting), so the school program counts six clients with a
  first and a last SCARED of each form: enough for the program page to show
  its figures (mostly better, as such groups report).
* The one risk answer: an outpatient client of ``therapist`` completed a
  PHQ-9 through a link this morning with item 9 above 0 — the demo's one open
  alert, left open and not yet escalated. That client has a signed safety plan,
  gone through with them at their last session, and their site's on-call
  clinician is the supervisor.
  Another link, for the SCARED parent form, waits for a school client's
  guardian; a third expired unanswered.
* Schedules for the measured clients of both therapists; a few are due today
  (several sessions since the last score, or an instrument never given yet).
* Goal Attainment Scaling ratings on the plan goals of a few clients.

The expired link is the only row placed in the past by hand (a link is made
"now" by its service); that update is recorded by one ``demo.backdate`` event,
as the therapy demo places its notes.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from artchart import outcomes
from artchart.clients.models import CareTeamMembership, Client, ClientStatus
from artchart.core import audit
from artchart.core.audit_actions import CoreAction
from artchart.core.models import CareTeamRole, PopulationType, User
from artchart.core.services import site_update
from artchart.measures import instruments, selectors
from artchart.measures.models import MeasureLink, Respondent, ScheduleRule
from artchart.measures.services import links, schedules
from artchart.measures.services.administrations import administration_record
from artchart.measures.services.safety import safety_plan_sign
from artchart.plans.models import Goal, PlanStatus
from artchart.therapy.demo import risk_client_of
from artchart.therapy.models import PRESENT_STATUSES, Attendance, Group, Session, SessionStatus
from artchart.therapy.services import groups

EVERY = 3  # a measure about every third attended session
KINDS = ["recovered", "improved", "unchanged", "recovered", "improved", "deteriorated", "improved", "unchanged"]
# The school group's program is the demo's showcase of program figures: mostly better, as such groups report.
SCHOOL_KINDS = ["recovered", "improved", "improved", "recovered", "unchanged", "improved", "recovered", "unchanged"]
# (first, last) totals of each kind, as ranges. Published thresholds (used to classify):
# PHQ-9 a drop of 6, caseness 10; GAD-7 a drop of 4, caseness 8. The SCARED (0-82) has none: a total of 25 or
# more may indicate an anxiety disorder (Birmaher et al. 1999), so each course starts at 25-45 and a changed
# one moves 5-15 points, a recovered one to below 25.
SCARED_COURSES = {
    "recovered": ((27, 32), (17, 22)),
    "improved": ((38, 45), (30, 33)),
    "unchanged": ((25, 35), (-2, 2)),
    "deteriorated": ((25, 30), (5, 9)),
}
COURSES = {
    "phq9": {
        "recovered": ((14, 19), (3, 8)),
        "improved": ((20, 23), (12, 14)),
        "unchanged": ((11, 15), (-2, 2)),
        "deteriorated": ((5, 8), (7, 9)),
    },
    "gad7": {
        "recovered": ((11, 15), (2, 6)),
        "improved": ((15, 18), (9, 11)),
        "unchanged": ((9, 12), (-2, 2)),
        "deteriorated": ((3, 6), (5, 7)),
    },
    "scared_child": SCARED_COURSES,
    "scared_parent": SCARED_COURSES,
}
RELATIVE_END = {"unchanged", "deteriorated"}  # the last total is the first plus the range
SCHOOL_FORMS = ["scared_child", "scared_parent"]  # the child's form and a parent's, given at the same sessions
# The reason a clinician gives for a measure outside the client's age range, kept with it.
FIT_REASONS = {
    "scared_child": "Not yet 8: the SCARED read aloud to the child, with the parent form alongside.",
    "scared_parent": "Not yet 8: the parent form given alongside the child's SCARED, read aloud to the child.",
}
# An outpatient under 18 (the adult service sees some older teenagers) keeps the adult scale.
ADULT_SCALE_REASON = "Seen in the adult outpatient service; the adult scale kept so the scores carry on past 18."
PROGRAM_MEMBERS = 2  # therapist2's school clients counted in the school program as former group members
GAS_CLIENTS = 5
GAS_LEVELS = [(-2, -1, 0), (-1, 0, 1), (-1, -1, 0), (-2, 0, 1), (-1, 1, 2)]


def build_measures_demo(*, rng: random.Random, people: dict[str, User], clients: list[Client]) -> None:
    """Administrations, schedules, links, GAS ratings and one open risk alert for the demo's clients."""
    today = timezone.localdate()
    therapist = people["therapist"]
    primaries = {m.client_id: m.user for m in _primary_memberships(clients)}
    _program_referrals(people=people, clients=clients, primaries=primaries)
    attended = _attended(clients)

    risk_client = risk_client_of(clients, therapist)  # their notes of the last week record the risk
    overdue = set()  # clients whose last score is old enough for their schedule to call for one today
    kinds, school_kinds = iter(KINDS * len(clients)), iter(SCHOOL_KINDS * len(clients))
    measured = []
    for index, client in enumerate(clients):
        population = client.site.population_type
        if population == PopulationType.NURSING_HOME or not attended[client.pk]:
            continue
        chosen = list(SCHOOL_FORMS) if population == PopulationType.SCHOOL else ["phq9"]
        # Every other outpatient (by place in the list, never by key: keys depend on what the
        # database held before, and the demo must read the same every time) also fills in the GAD-7.
        if population == PopulationType.OUTPATIENT and index % 2 == 1 and client != risk_client:
            chosen.append("gad7")
        stop_early = client.status == ClientStatus.ACTIVE and len(measured) % 5 == 4
        school_kind = next(school_kinds) if population == PopulationType.SCHOOL else None  # one course, both forms
        for instrument in chosen:
            kind = "unchanged" if client == risk_client else school_kind or next(kinds)
            _course(
                rng,
                client=client,
                by=primaries[client.pk],
                instrument=instrument,
                kind=kind,
                sessions=attended[client.pk],
                stop_early=stop_early,
                with_link=client == risk_client,
            )
        if stop_early:
            overdue.add(client.pk)
        measured.append((client, chosen))

    _safety_plan(
        client=risk_client, by=primaries[risk_client.pk], people=people, last_session=attended[risk_client.pk][-1]
    )
    _schedules(measured, primaries=primaries, overdue=overdue)
    _links(clients=clients, primaries=primaries, therapist=therapist, today=today)
    _goal_attainment(rng, clients=[c for c, _ in measured], primaries=primaries, attended=attended)


def _primary_memberships(clients: list[Client]):
    return CareTeamMembership.objects.filter(client__in=clients, role=CareTeamRole.PRIMARY).select_related("user")


def _attended(clients: list[Client]) -> dict[int, list[Session]]:
    """Each client's completed sessions they attended (their own, and group sessions marked present), in order."""
    days: dict[int, list[Session]] = {c.pk: [] for c in clients}
    for session in Session.objects.filter(client__in=clients, status=SessionStatus.COMPLETED):
        days[session.client_id].append(session)
    for mark in Attendance.objects.filter(
        client__in=clients, status__in=PRESENT_STATUSES, session__status=SessionStatus.COMPLETED
    ).select_related("session"):
        days[mark.client_id].append(mark.session)
    return {pk: sorted(sessions, key=lambda s: s.starts_at) for pk, sessions in days.items()}


def _program_referrals(*, people: dict[str, User], clients: list[Client], primaries: dict[int, User]) -> None:
    """Two of therapist2's school clients joined the school group and left for individual work before it met."""
    group = Group.objects.filter(program__isnull=False, site__population_type=PopulationType.SCHOOL).first()
    if group is None:
        return
    therapist2 = people["therapist2"]
    first = group.sessions.order_by("starts_at").values_list("starts_at", flat=True).first()
    if first is None:
        return
    first_day = timezone.localtime(first).date()
    referred = [
        c
        for c in clients
        if c.site_id == group.site_id and primaries[c.pk] == therapist2 and c.status == ClientStatus.ACTIVE
    ][:PROGRAM_MEMBERS]
    if referred and not group.facilitators.filter(pk=therapist2.pk).exists():
        # A group is its facilitators' and its members' care teams' only: therapist2 co-facilitates to refer.
        lead = group.facilitators.order_by("pk").first()
        if lead is None:
            return
        groups.group_update(by=lead, group=group, facilitators=[*group.facilitators.all(), therapist2])
    for client in referred:
        membership = groups.member_add(
            by=therapist2, group=group, client=client, joined_on=first_day - dt.timedelta(days=3)
        )
        groups.member_leave(by=therapist2, membership=membership, left_on=first_day - dt.timedelta(days=1))


# --- scores ---------------------------------------------------------------------------------------------------


def _totals(rng: random.Random, instrument: str, kind: str, points: int, top: int) -> list[int]:
    (low, high), (end_low, end_high) = COURSES[instrument][kind]
    first = rng.randint(low, high)
    last = first + rng.randint(end_low, end_high) if kind in RELATIVE_END else rng.randint(end_low, end_high)
    if points == 1:
        return [first]
    totals = []
    for step in range(points):
        expected = first + (last - first) * step / (points - 1)
        wobble = 0 if step in (0, points - 1) else rng.choice([-2, -1, 0, 1, 1, 2])
        totals.append(max(0, min(top, round(expected) + wobble)))
    return totals


def _answers(rng: random.Random, instrument, total: int, *, risk_item: int = 0) -> list[int]:
    """Item answers summing to ``total``; risk items stay at ``risk_item`` (0 but for the demo's one alert)."""
    answers = [0] * len(instrument.items)
    risky = {flag.item - 1 for flag in instrument.flags if flag.risk}
    for index in risky:
        answers[index] = risk_item
    open_items = [i for i in range(len(answers)) if i not in risky]
    remaining = total - sum(answers)
    while remaining > 0:
        index = rng.choice([i for i in open_items if answers[i] < instrument.items[i].highest])
        answers[index] += 1
        remaining -= 1
    return answers


def _course(
    rng: random.Random,
    *,
    client: Client,
    by: User,
    instrument: str,
    kind: str,
    sessions: list[Session],
    stop_early: bool,
    with_link: bool,
) -> None:
    found = instruments.get(instrument)
    chosen = sessions[::EVERY]
    if stop_early and len(chosen) > 2:
        chosen = chosen[:-1]  # the last due score was not given: the schedule shows it due
        if len(sessions) - sessions.index(chosen[-1]) - 1 < EVERY + 1:
            chosen = chosen[:-1]
    top = int(found.score_max) - (3 if instrument == "phq9" else 0)  # item 9 stays 0
    totals = _totals(rng, instrument, kind, len(chosen) + (1 if with_link else 0), top)
    respondent = Respondent.GUARDIAN if found.respondent == "parent_or_carer" else Respondent.CLIENT
    # With a link, the last total is left over for it (below).
    for session, total in zip(chosen, totals, strict=False):
        day = timezone.localtime(session.starts_at).date()
        administration_record(
            by=by,
            client=client,
            instrument=found.id,
            answers=_answers(rng, found, total),
            administered_on=day,
            session=session,
            respondent=respondent,
            fit_reason=_fit_reason(client, found, day),
        )
    if with_link:
        # This morning, at home, through the link the therapist sent: item 9 above 0.
        link, token = links.link_create(
            by=by, client=client, instrument=found.id, recipient=client.preferred_name or client.legal_first_name
        )
        links.link_complete(
            token=token, answers=_answers(rng, found, totals[-1], risk_item=1), extra_answers={"difficulty": 1}
        )


def _fit_reason(client: Client, instrument: outcomes.Instrument, day: dt.date) -> str:
    """Blank where the instrument fits the client's age on the day it is given; else the clinician's reason."""
    if instrument.fits_age(client.age_on(day)):
        return ""
    return FIT_REASONS.get(instrument.id, ADULT_SCALE_REASON)


# --- the suicide-risk pathway ------------------------------------------------------------------------------


def _safety_plan(*, client: Client, by: User, people: dict[str, User], last_session: Session) -> None:
    """The risk client's signed plan (their alert stays open for the visitor to answer) and an on-call clinician."""
    safety_plan_sign(
        by=by,
        client=client,
        crisis_resources=selectors.crisis_text(client.organization_id),
        reviewed_on=timezone.localtime(last_session.starts_at).date(),
        warning_signs=["Staying in bed past noon", "Not answering my sister's texts"],
        coping_strategies=["Drawing in my sketchbook", "A walk round the park with music"],
        distractions=["The library café", "My neighbour Ana"],
        help_contacts=["My sister Lucía — 555 0142", "My friend Dev — 555 0178"],
        professionals=[
            f"{by.get_full_name()}, my art therapist — 555 0100 (weekdays)",
            "County mobile crisis team — 555 0199",
        ],
        means_safety=["My sister keeps my medication and gives me the week's doses"],
        reasons_for_living=["My niece", "Finishing the mural at the community centre"],
    )
    site_update(by=people["admin"], site=client.site, on_call_clinician=people["supervisor"])


# --- schedules, links and goal attainment -------------------------------------------------------------------


def _schedules(measured: list[tuple[Client, list[str]]], *, primaries: dict[int, User], overdue: set[int]) -> None:
    """Every active measured client is on a schedule; a few forensic clients are also due the Rosenberg scale."""
    rses_given = 0
    for client, chosen in measured:
        if client.status != ClientStatus.ACTIVE:
            continue
        by = primaries[client.pk]
        for instrument in chosen:
            schedules.schedule_set(
                by=by,
                client=client,
                instrument=instrument,
                rule=ScheduleRule.EVERY_N_SESSIONS,
                interval=EVERY + 1 if client.pk in overdue else EVERY + 2,
            )
        if client.site.population_type == PopulationType.FORENSIC and rses_given < 2:
            # Newly added to the plan: due "at intake", as nothing has been given yet.
            schedules.schedule_set(by=by, client=client, instrument="rses", rule=ScheduleRule.EVERY_N_WEEKS, interval=6)
            rses_given += 1


def _links(*, clients: list[Client], primaries: dict[int, User], therapist: User, today: dt.date) -> None:
    """A guardian's SCARED parent-form link waiting, and a PHQ-9 link that expired unanswered (placed in the past)."""
    school = [
        c
        for c in clients
        if c.site.population_type == PopulationType.SCHOOL
        and primaries[c.pk] == therapist
        and c.status == ClientStatus.ACTIVE
    ]
    for client in school:
        guardian = client.contacts.filter(is_guardian=True).first()
        if guardian is not None:
            due_on = today + dt.timedelta(days=2)
            links.link_create(
                by=therapist,
                client=client,
                instrument="scared_parent",
                respondent=Respondent.GUARDIAN,
                contact=guardian,
                due_on=due_on,
                fit_reason=_fit_reason(client, instruments.get("scared_parent"), due_on),
            )
            break
    lapsed = next(
        c
        for c in clients
        if c.site.population_type == PopulationType.OUTPATIENT
        and c.status == ClientStatus.ACTIVE
        and primaries[c.pk] != therapist
    )
    link, _ = links.link_create(
        by=primaries[lapsed.pk],
        client=lapsed,
        instrument="phq9",
        recipient=lapsed.preferred_name or lapsed.legal_first_name,
    )
    sent = timezone.now() - dt.timedelta(days=12)
    MeasureLink.objects.filter(pk=link.pk).update(
        created_at=sent, due_on=(sent + dt.timedelta(days=3)).date(), expires_at=sent + dt.timedelta(days=7)
    )
    audit.record(
        actor=None,
        action=CoreAction.DEMO_BACKDATE,
        obj=link,
        client_ids=[lapsed.pk],
        detail={"measure_links": 1, "via": "demo"},
    )


def _goal_attainment(
    rng: random.Random, *, clients: list[Client], primaries: dict[int, User], attended: dict[int, list[Session]]
) -> None:
    """GAS ratings of the signed plan's goals at three sessions, for a few clients of each therapist."""
    rated = [c for c in clients if c.status == ClientStatus.ACTIVE and len(attended[c.pk]) >= 6][:GAS_CLIENTS]
    for index, client in enumerate(rated):
        by = primaries[client.pk]
        sessions = attended[client.pk]
        moments = [sessions[1], sessions[len(sessions) // 2], sessions[-1]]
        goals = Goal.objects.filter(problem__plan__client=client, problem__plan__status=PlanStatus.SIGNED)
        for number, goal in enumerate(goals):
            levels = GAS_LEVELS[(index + number) % len(GAS_LEVELS)]
            for session, level in zip(moments, levels, strict=True):
                schedules.gas_rate(
                    by=by,
                    client=client,
                    goal=goal,
                    level=level,
                    session=session,
                    rated_on=timezone.localtime(session.starts_at).date(),
                    note=rng.choice(GAS_NOTES[level]),
                )


GAS_NOTES = {
    -2: ["Destroyed the piece when it went wrong; no words for it yet."],
    -1: ["Named one feeling with prompting.", "Stopped twice; restarted with a prompt."],
    0: ["Met the expected level this week.", "Named a feeling in the image when asked."],
    1: ["Named two feelings in the artwork without a prompt."],
    2: ["Talked through the image and linked it to the week, unprompted."],
}
