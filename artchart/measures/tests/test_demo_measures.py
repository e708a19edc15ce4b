"""The demo's measures as a newcomer finds them: scores over time with every kind of course,
schedules due today, links in each state, GAS ratings, and exactly one open risk alert; the school
clients on the SCARED with a parent form, never on an adult scale.

The demo is built once per test run and loaded once for the module, in a transaction
rolled back at the end (the ``demo_practice`` fixture of the root conftest).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from artchart.clients.models import Client
from artchart.core import audit
from artchart.core.models import AuditEvent, PopulationType, User
from artchart.measures import selectors
from artchart.measures.demo import FIT_REASONS
from artchart.measures.models import (
    Administration,
    GoalAttainment,
    MeasureLink,
    MeasureSchedule,
    Respondent,
    RiskAlert,
)
from artchart.measures.selectors import CohortFilter
from artchart.therapy.models import Group


@pytest.fixture(scope="module")
def demo(demo_practice):
    """The demo, loaded once for the module (see the root conftest)."""


@pytest.fixture(autouse=True)
def _each_test_in_a_savepoint(db):
    pass


def _user(name: str) -> User:
    return User.objects.get(username=name)


def test_clients_have_scores_at_intake_and_every_few_sessions_linked_to_them(demo):
    assert Administration.objects.count() >= 40
    assert set(Administration.objects.values_list("instrument", flat=True)) == {
        "phq9",
        "gad7",
        "scared_child",
        "scared_parent",
    }
    per_client = Counter(Administration.objects.values_list("client_id", "instrument"))
    assert len({client_id for client_id, _ in per_client}) >= 15 and max(per_client.values()) >= 3
    in_session = Administration.objects.filter(session__isnull=False)
    assert in_session.count() == Administration.objects.exclude(mode="link").count()
    for administration in in_session.select_related("session"):
        assert timezone.localtime(administration.session.starts_at).date() == administration.administered_on


def test_every_kind_of_course_appears(demo):
    from artchart.clients.selectors import client_get_for_user
    from artchart.core.permissions import Area
    from artchart.measures.selectors import trajectories_of

    kinds = Counter()
    for username in ("therapist", "therapist2"):
        user = _user(username)
        for client_id in (
            Administration.objects.filter(client__care_team__user=user, client__care_team__role="primary")
            .values_list("client_id", flat=True)
            .distinct()
        ):
            access = client_get_for_user(user, client_id, area=Area.CLINICAL)
            for trajectory in trajectories_of(access):
                kinds[getattr(trajectory.course, "classification", "insufficient")] += 1
    assert {"recovered", "improved", "unchanged", "deteriorated"} <= set(kinds), kinds


def test_school_clients_answer_the_scared_with_a_parent_form_at_the_same_sessions(demo):
    school = Client.objects.filter(site__population_type=PopulationType.SCHOOL)
    assert school.exists()
    for client in school:
        forms = {
            instrument: list(client.administrations.filter(instrument=instrument).order_by("administered_on"))
            for instrument in ("scared_child", "scared_parent")
        }
        assert len(forms["scared_child"]) >= 2, client
        assert [a.session_id for a in forms["scared_child"]] == [a.session_id for a in forms["scared_parent"]]
        assert {a.respondent for a in forms["scared_child"]} == {Respondent.CLIENT}
        assert {a.respondent for a in forms["scared_parent"]} == {Respondent.GUARDIAN}
        assert not client.administrations.filter(instrument__in=["phq9", "gad7"]).exists(), client


def test_a_scared_carries_a_fit_reason_only_for_a_child_not_yet_8_on_the_day(demo):
    given = Administration.objects.filter(instrument__in=["scared_child", "scared_parent"]).select_related("client")
    young = [a for a in given if a.client.age_on(a.administered_on) < 8]
    assert young, "the demo has a school client not yet 8 at intake"
    assert all(a.fit_reason == FIT_REASONS[a.instrument] for a in young)
    assert not [a for a in given if a.client.age_on(a.administered_on) >= 8 and a.fit_reason]


def test_no_client_under_18_has_an_adult_scale_without_a_fit_reason(demo):
    adult_scales = Administration.objects.filter(instrument__in=["phq9", "gad7"]).select_related("client")
    minors = [a for a in adult_scales if a.client.age_on(a.administered_on) < 18]
    assert all(a.fit_reason for a in minors), [(a.client_id, a.instrument) for a in minors]
    assert not [a for a in adult_scales if a.client.age_on(a.administered_on) >= 18 and a.fit_reason]


def test_exactly_one_open_risk_alert_for_a_client_of_therapist(demo):
    assert RiskAlert.objects.count() == 1 and Administration.objects.filter(risk=True).count() == 1
    alert = RiskAlert.objects.get()
    assert alert.is_open and alert.administration.mode == "link" and alert.administration.answers[8] > 0
    assert list(selectors.open_alerts_for(_user("therapist"))) == [alert]
    assert not selectors.open_alerts_for(_user("therapist2")).exists()


def test_the_risk_client_has_a_signed_reviewed_safety_plan_and_the_alert_is_not_yet_escalated(demo):
    from artchart.measures.models import SafetyPlan

    alert = RiskAlert.objects.get()
    plan = SafetyPlan.objects.get()
    assert plan.client_id == alert.client_id and plan.version == 1 and plan.reviews.count() == 1
    assert plan.help_contacts and "988" in plan.crisis_resources
    assert alert.escalated_at is None and not alert.escalations.exists()
    assert alert.client.site.on_call_clinician == _user("supervisor")


def test_no_note_of_the_risk_client_on_the_day_of_the_alert_says_no_risk(demo):
    from artchart.therapy.models import Note

    alert = RiskAlert.objects.get()
    day = alert.administration.administered_on
    week = day - dt.timedelta(days=6)
    recent = [
        note
        for note in Note.objects.filter(client=alert.client).select_related("session")
        if note.session
        and (
            timezone.localtime(note.session.starts_at).date() >= week
            or timezone.localtime(note.signed_at or note.submitted_at or note.created_at).date() == day
        )
    ]
    assert recent and all(note.risk_level not in ("", "none") for note in recent), [
        (note.pk, note.risk_level) for note in recent
    ]


def test_links_completed_waiting_and_expired(demo):
    statuses = Counter(link.status for link in MeasureLink.objects.all())
    assert statuses == {"completed": 1, "waiting": 1, "expired": 1}, statuses
    waiting = next(link for link in MeasureLink.objects.all() if link.status == "waiting")
    assert waiting.respondent == "guardian" and waiting.contact is not None
    assert waiting.instrument == "scared_parent"
    assert waiting.client.site.population_type == PopulationType.SCHOOL
    assert AuditEvent.objects.filter(
        action="demo.backdate",
        object_id=str(next(link for link in MeasureLink.objects.all() if link.status == "expired").pk),
    ).exists()


def test_schedules_put_some_measures_due_today(demo):
    assert MeasureSchedule.objects.filter(is_active=True).count() >= 10
    due = selectors.due_measures_for(_user("therapist")) + selectors.due_measures_for(_user("therapist2"))
    reasons = {d.reason for d in due}
    assert len(due) >= 3 and "at intake" in reasons and any("sessions since the last" in r for r in reasons), reasons


def test_goal_attainment_is_rated_with_a_t_score(demo):
    from artchart.clients.selectors import client_get_for_user
    from artchart.core.permissions import Area

    assert GoalAttainment.objects.values("client_id").distinct().count() >= 4
    rating = GoalAttainment.objects.select_related("rated_by").first()
    access = client_get_for_user(rating.rated_by, rating.client_id, area=Area.CLINICAL)
    attainment = selectors.attainment_of(access)
    assert isinstance(attainment.t_score, float) and attainment.goals[0].ratings


def test_the_school_group_program_shows_its_figures(demo):
    group = Group.objects.get(site__name="Maple Grove Elementary")
    assert group.memberships.filter(left_on__isnull=True).count() == 4  # the therapy demo's group is unchanged
    for instrument in ("scared_child", "scared_parent"):
        filters = CohortFilter(instrument=instrument, program_id=group.program_id)
        result = selectors.program_effectiveness(_user("programadmin"), filters)
        assert result.n >= 5 and not result.hidden, result.n
        assert result.effect and result.effect.n == result.n
        assert result.mean_pre >= 25 and result.mean_post < result.mean_pre  # mostly better, from above the cut-off
        # The SCARED has neither a published change threshold nor clinical norms: no shares, and the page says why.
        assert not result.shares and "no published clinical norms" in result.rule


def test_every_measures_write_is_audited_and_the_chain_holds(demo):
    assert AuditEvent.objects.filter(action="measure.record").count() == Administration.objects.count()
    assert AuditEvent.objects.filter(action="measure.gas_rate").count() == GoalAttainment.objects.count()
    assert audit.verify().ok
