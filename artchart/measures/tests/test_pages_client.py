"""A client's measures pages: trajectories with their course in words, every administration
with its item answers, entering a measure, risk alerts and their acknowledgement, links shown
once, schedules and goal attainment — with bad input storing nothing and query counts flat."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from artchart.core.models import AuditEvent
from artchart.measures.models import Administration, GoalAttainment, MeasureLink, MeasureSchedule, RiskAlert
from artchart.measures.services.administrations import administration_record
from artchart.measures.services.alerts import OTHER_NEEDS_WORDS
from artchart.measures.services.links import link_create
from artchart.measures.services.schedules import gas_rate, schedule_set
from artchart.plans.models import Goal, Problem, TreatmentPlan
from artchart.tests.factories import ContactFactory, SessionFactory

pytestmark = pytest.mark.django_db

QUIET = [0, 0, 0, 0, 0, 0, 0, 0, 0]
RISKY = [1, 1, 1, 1, 1, 1, 1, 1, 1]


def _days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def record(by, client, answers, *, days_ago=0, instrument="phq9", **extra):
    return administration_record(
        by=by, client=client, instrument=instrument, answers=answers, administered_on=_days_ago(days_ago), **extra
    )


def url(name, client, *args):
    return reverse(f"measures:{name}", args=[client.pk, *args])


def page(browser, name, client, *args, **params):
    response = browser.get(url(name, client, *args), params)
    assert response.status_code == 200
    return response.content.decode()


def _item_post(instrument_answers, **fields):
    data = {"instrument": "phq9", "administered_on": timezone.localdate().isoformat(), "respondent": "client"}
    data.update({f"item_{n}": value for n, value in enumerate(instrument_answers, start=1) if value is not None})
    data.update(fields)
    return data


@pytest.fixture
def goal(client_record, therapist):
    plan = TreatmentPlan.objects.create(client=client_record, version=1, author=therapist)
    problem = Problem.objects.create(plan=plan, statement="Withdraws when frustrated")
    return Goal.objects.create(
        problem=problem,
        statement="Names a feeling in session",
        level_minus_2="Cannot name any feeling",
        level_0="Names one feeling with a prompt",
        level_plus_2="Names feelings unprompted",
    )


# --- the measures page ------------------------------------------------------------------------------------


def test_the_trajectory_shows_reliable_improvement_in_words_with_its_rule(client, therapist, client_record):
    record(therapist, client_record, [2, 2, 2, 2, 2, 2, 2, 2, 0], days_ago=60)  # 16
    record(therapist, client_record, [1, 1, 1, 1, 1, 1, 1, 1, 0], days_ago=30)  # 8
    record(therapist, client_record, [1, 1, 1, 0, 0, 0, 0, 0, 0], days_ago=1)  # 3
    client.force_login(therapist)
    html = page(client, "client_measures", client_record)
    assert "Recovered — reliable improvement, and the score crossed the cut-off: from 16 to 3" in html
    assert "PHQ-9 published threshold: a drop of 6 or more" in html
    assert "<svg" in html and "cut-off 10" in html and "reliable improvement: 10 or below" in html
    assert f"{_days_ago(1).day} {_days_ago(1):%B %Y}: 3 — minimal" in html  # a point's title: date and total
    assert "moderately severe" in html  # a band shaded behind the line


def test_one_score_says_there_is_too_little_data(client, therapist, client_record):
    record(therapist, client_record, QUIET)
    client.force_login(therapist)
    html = page(client, "client_measures", client_record)
    assert "Too little data to judge the course: needs at least 2 scores." in html


def test_each_administration_shows_its_item_answers(client, therapist, client_record):
    record(therapist, client_record, [3, 0, 0, 0, 0, 0, 0, 0, 0], extra_answers={"difficulty": 2})
    client.force_login(therapist)
    html = page(client, "client_measures", client_record)
    assert "<details" in html and "9 item answers" in html
    assert "1. Little interest or pleasure in doing things" in html and "Nearly every day (3)" in html
    assert "Very difficult" in html and "(not scored)" in html
    assert "Entered by the clinician" in html and "entered by Tess Rivera" in html


def test_reverse_keyed_items_show_the_option_the_client_chose(client, therapist, client_record):
    # Rosenberg item 2 is reverse-keyed: "Strongly agree" (3) scores 0 but the answer shown is what was chosen.
    administration = record(therapist, client_record, [3] * 10, instrument="rses")
    assert administration.answers == [3] * 10
    client.force_login(therapist)
    html = page(client, "administration_detail", client_record, administration.pk)
    assert html.count("Strongly agree (3)") == 10


def test_a_viewer_reads_the_measures_but_records_nothing(client, teamviewer, therapist, client_record):
    record(therapist, client_record, RISKY)
    client.force_login(teamviewer)
    html = page(client, "client_measures", client_record)
    assert "Risk alert waiting for acknowledgement" in html
    assert "Record a measure" not in html and "Acknowledge with a safety-plan note" not in html
    assert "a clinician on the care team acknowledges it" in html.lower()
    assert client.get(url("administer", client_record)).status_code == 403


def test_outsiders_get_404(client, outsider, client_record):
    client.force_login(outsider)
    assert client.get(url("client_measures", client_record)).status_code == 404


def test_the_measures_page_query_count_does_not_grow(client, therapist, client_record, goal):
    def add(days):
        for n in range(days, days + 3):
            record(therapist, client_record, QUIET, days_ago=n)
            record(therapist, client_record, RISKY, days_ago=n, instrument="phq9")
            record(therapist, client_record, [1] * 7, days_ago=n, instrument="gad7")
            link_create(by=therapist, client=client_record, instrument="gad7", recipient="Maya")
            gas_rate(by=therapist, client=client_record, goal=goal, level=0, rated_on=_days_ago(n))

    schedule_set(by=therapist, client=client_record, instrument="phq9", rule="weeks", interval=1)
    add(10)
    client.force_login(therapist)
    page(client, "client_measures", client_record)
    with CaptureQueriesContext(connection) as few:
        page(client, "client_measures", client_record)
    add(20)
    with CaptureQueriesContext(connection) as many:
        page(client, "client_measures", client_record)
    assert len(many) == len(few)


# --- entering a measure ------------------------------------------------------------------------------------


def test_the_form_shows_every_item_with_its_options(client, therapist, client_record):
    client.force_login(therapist)
    html = page(client, "administer", client_record, instrument="phq9")
    assert "Over the last 2 weeks" in html
    assert html.count('value="3"') >= 10 and "Thoughts that you would be better off dead" in html
    assert "Hand the tablet to the client" in html and 'name="extra_difficulty"' in html


def test_a_phq9_with_item_9_above_0_raises_the_alert(client, therapist, client_record):
    session = SessionFactory(
        client=client_record, therapist=therapist, status="completed", starts_at=timezone.now() - dt.timedelta(hours=1)
    )
    client.force_login(therapist)
    response = client.post(
        url("administer", client_record) + f"?session={session.pk}",
        _item_post([1, 1, 1, 1, 1, 1, 1, 1, 2], session=session.pk),
    )
    administration = Administration.objects.get()
    # Started from the session, but a risk answer lands on the measure, where its alert is.
    assert response.status_code == 302 and response["Location"] == url(
        "administration_detail", client_record, administration.pk
    )
    assert administration.session == session and administration.total == 10 and administration.risk
    alert = RiskAlert.objects.get()
    html = client.get(response["Location"]).content.decode()
    assert "This measure raised a risk alert" in html and url("alert_acknowledge", client_record, alert.pk) in html
    assert "More than half the days (2)" in html and "risk item" in html
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Risk alerts" in dashboard and url("alert_acknowledge", client_record, alert.pk) in dashboard
    chart = client.get(reverse("clients:chart", args=[client_record.pk])).content.decode()
    assert "Risk alert:" in chart


def _todays_session(client_record, therapist):
    return SessionFactory(
        client=client_record, therapist=therapist, status="completed", starts_at=timezone.now() - dt.timedelta(hours=1)
    )


def test_a_measure_started_from_a_session_goes_back_to_that_session(client, therapist, client_record):
    session = _todays_session(client_record, therapist)
    client.force_login(therapist)
    form = page(client, "administer", client_record, session=session.pk)
    back = reverse("therapy:session_detail", args=[session.pk])
    assert f'<a href="{back}">← The session of' in form and f'<a href="{back}">Cancel</a>' in form
    response = client.post(
        url("administer", client_record) + f"?session={session.pk}", _item_post(QUIET, session=session.pk)
    )
    assert response.status_code == 302 and response["Location"] == back
    assert Administration.objects.get().session == session
    assert "PHQ-9 recorded: 0 (" in client.get(back).content.decode()


def test_a_measure_filed_under_another_session_than_it_started_from_shows_the_measure(client, therapist, client_record):
    started, other = _todays_session(client_record, therapist), _todays_session(client_record, therapist)
    client.force_login(therapist)
    response = client.post(
        url("administer", client_record) + f"?session={started.pk}", _item_post(QUIET, session=other.pk)
    )
    assert response["Location"] == url("administration_detail", client_record, Administration.objects.get().pk)


def test_a_session_that_is_not_this_clients_is_no_way_back(client, therapist, client_record):
    from artchart.tests.factories import ClientFactory

    elsewhere = _todays_session(ClientFactory(site=client_record.site), therapist)
    client.force_login(therapist)
    form = page(client, "administer", client_record, session=elsewhere.pk)
    assert reverse("therapy:session_detail", args=[elsewhere.pk]) not in form
    response = client.post(
        url("administer", client_record) + f"?session={elsewhere.pk}&next=https://evil.example/", _item_post(QUIET)
    )
    assert response["Location"] == url("administration_detail", client_record, Administration.objects.get().pk)
    response = client.get(url("administer", client_record) + "?session=../../admin")
    assert response.status_code == 200 and "← Measures of" in response.content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"item_3": "7"}, "Choose an answer."),
        ({"item_3": "two"}, "Choose an answer."),
        (
            {"administered_on": (timezone.localdate() + dt.timedelta(days=2)).isoformat()},
            "The date cannot be in the future.",
        ),
        ({"administered_on": "yesterday"}, "Enter a valid date."),
        ({"extra_difficulty": "9"}, "Choose an answer."),
    ],
)
def test_bad_input_names_the_problem_and_stores_nothing(client, therapist, client_record, change, message):
    client.force_login(therapist)
    response = client.post(url("administer", client_record), _item_post(QUIET, **change))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was saved." in html and message in html
    assert not Administration.objects.exists() and not AuditEvent.objects.filter(action="measure.record").exists()


def test_a_blank_item_is_kept_incomplete_and_the_rest_completes_it(client, therapist, client_record):
    client.force_login(therapist)
    response = client.post(url("administer", client_record), _item_post([*QUIET[:8], None]))
    html = response.content.decode()
    assert response.status_code == 200 and "Kept as incomplete, not scored." in html
    assert "PHQ-9 cannot be scored with 1 of its 9 items unanswered" in html and "Nothing was saved." not in html
    kept = Administration.objects.get()
    assert not kept.is_complete and kept.total is None and not RiskAlert.objects.exists()
    assert AuditEvent.objects.filter(action="measure.record_incomplete", object_id=str(kept.pk)).exists()
    measures = page(client, "client_measures", client_record)
    assert "Incomplete — not scored" in measures and "8 of 9 items answered" in measures
    response = client.post(url("administer", client_record), _item_post([*QUIET[:8], 0]))
    kept.refresh_from_db()
    assert response.status_code == 302 and kept.is_complete and Administration.objects.count() == 1


def test_a_blank_item_with_a_risk_answer_raises_the_alert(client, therapist, client_record):
    client.force_login(therapist)
    response = client.post(url("administer", client_record), _item_post([1, 1, 1, None, 1, 1, 1, 1, 2]))
    assert "the risk answer among them raised an alert" in response.content.decode()
    alert = RiskAlert.objects.get()
    assert not alert.administration.is_complete and alert.is_open
    detail = page(client, "administration_detail", client_record, alert.administration.pk)
    assert "Incomplete — not scored" in detail and "This measure raised a risk alert" in detail
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert url("alert_acknowledge", client_record, alert.pk) in dashboard


def test_another_clients_session_is_refused(client, therapist, client_record):
    from artchart.tests.factories import ClientFactory

    other = SessionFactory(client=ClientFactory(site=client_record.site), therapist=therapist)
    client.force_login(therapist)
    response = client.post(url("administer", client_record), _item_post(QUIET, session=other.pk))
    assert "Select a valid choice" in response.content.decode() and not Administration.objects.exists()


def test_an_unknown_instrument_is_404(client, therapist, client_record):
    client.force_login(therapist)
    assert client.get(url("administer", client_record), {"instrument": "xyz"}).status_code == 404
    assert client.post(url("administer", client_record), _item_post(QUIET, instrument="xyz")).status_code == 404


def test_a_score_only_instrument_takes_numbers_in_range(client, therapist, client_record, settings, tmp_path):
    import json
    from pathlib import Path

    from artchart import outcomes

    source = json.loads((Path(outcomes.__file__).parent / "instruments" / "gad7.json").read_text())
    source.update(id="scoreonly", short_name="SO-7", name="Score-only seven")
    source["licence"] = {"text": "Licensed copy held by the practice.", "item_text_may_ship": False}
    for item in source["items"]:
        item.pop("text", None)
    source.pop("instructions", None)
    source["unscored_questions"] = []
    (tmp_path / "scoreonly.json").write_text(json.dumps(source))
    settings.MEASURES_INSTRUMENT_DIRS = [str(tmp_path)]
    client.force_login(therapist)
    html = page(client, "administer", client_record, instrument="scoreonly")
    assert "score-only entry" in html and "Item 1" in html and 'type="number"' in html
    data = {
        "instrument": "scoreonly",
        "administered_on": timezone.localdate().isoformat(),
        "respondent": "client",
        **{f"item_{n}": 1 for n in range(1, 8)},
    }
    response = client.post(url("administer", client_record), {**data, "item_2": "5"})
    assert "Enter a whole number from 0 to 3." in response.content.decode() and not Administration.objects.exists()
    response = client.post(url("administer", client_record), data)
    assert response.status_code == 302 and Administration.objects.get().total == 7


def test_handing_the_tablet_over_remembers_what_to_ask(client, therapist, client_record):
    client.force_login(therapist)
    response = client.post(url("handoff_start", client_record), {"instrument": "gad7"})
    assert response.status_code == 302
    assert client.session["measures_handoff"] == {
        "client_id": client_record.pk,
        "instrument": "gad7",
        "session_id": None,
        "by": therapist.pk,
        "fit_reason": "",
    }


# --- alerts ---------------------------------------------------------------------------------------------------


def test_acknowledging_with_a_reason_needs_words_for_other_and_then_clears_the_alert(client, therapist, client_record):
    alert = record(therapist, client_record, RISKY).alert
    client.force_login(therapist)
    html = page(client, "alert_acknowledge", client_record, alert.pk)
    assert "The answers that raised it" in html and "Several days (1)" in html
    assert "Write a safety plan" in html and "Client declined" in html
    response = client.post(
        url("alert_acknowledge", client_record, alert.pk), {"action": "reason", "outcome": "other", "note": "   "}
    )
    assert "Nothing was saved." in response.content.decode() and OTHER_NEEDS_WORDS in response.content.decode()
    alert.refresh_from_db()
    assert alert.is_open
    response = client.post(
        url("alert_acknowledge", client_record, alert.pk),
        {"action": "reason", "outcome": "other", "note": "Called her mother; 988 card given."},
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert not alert.is_open and alert.acknowledged_by == therapist and alert.outcome == "other"
    assert "Risk alerts" not in client.get(reverse("dashboard")).content.decode()
    html = page(client, "alert_acknowledge", client_record, alert.pk)
    assert "Acknowledged" in html and "988 card given" in html and "<textarea" not in html


def test_the_intern_acknowledges_but_a_viewer_gets_403(client, therapist, intern, teamviewer, client_record):
    alert = record(therapist, client_record, RISKY).alert
    client.force_login(teamviewer)
    assert client.get(url("alert_acknowledge", client_record, alert.pk)).status_code == 403
    assert (
        client.post(
            url("alert_acknowledge", client_record, alert.pk), {"action": "reason", "outcome": "declined"}
        ).status_code
        == 403
    )
    alert.refresh_from_db()
    assert alert.is_open
    client.force_login(intern)
    assert client.get(url("alert_acknowledge", client_record, alert.pk)).status_code == 200


# --- links ----------------------------------------------------------------------------------------------------


def test_a_link_is_shown_once_with_a_qr_code(client, therapist, client_record):
    client.force_login(therapist)
    html = page(client, "link_create", client_record)
    assert "Maya Lopez (the client)" in html
    response = client.post(url("link_create", client_record), {"instrument": "gad7", "for_whom": "client"})
    html = response.content.decode()
    link = MeasureLink.objects.get()
    assert response.status_code == 200 and link.recipient == "Maya Lopez" and link.respondent == "client"
    assert "works <strong>once</strong>" in html and 'class="segno"' in html
    assert 'value="http://testserver/m/' in html  # the absolute address of the public page
    listing = page(client, "client_measures", client_record)
    assert "Waiting" in listing and "Resend" in listing


def test_a_link_for_a_guardian_names_them(client, therapist, client_record):
    guardian = ContactFactory(client=client_record, name="Rosa Lopez", relationship="Mother", is_guardian=True)
    client.force_login(therapist)
    client.post(
        url("link_create", client_record),
        {"instrument": "phq9", "for_whom": str(guardian.pk), "email": "rosa@example.org"},
    )
    link = MeasureLink.objects.get()
    assert link.respondent == "guardian" and link.contact == guardian and link.emailed_to == "rosa@example.org"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"instrument": "xyz"}, "Select a valid choice"),
        ({"for_whom": "999999"}, "Select a valid choice"),
        ({"email": "not-an-address"}, "Enter a valid email address."),
        ({"due_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat()}, "The due date cannot be in the past."),
        ({"due_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat()}, "The due date must come before"),
    ],
)
def test_a_bad_link_request_makes_no_link(client, therapist, client_record, change, message):
    client.force_login(therapist)
    response = client.post(url("link_create", client_record), {"instrument": "gad7", "for_whom": "client", **change})
    assert response.status_code == 200 and message in response.content.decode()
    assert not MeasureLink.objects.exists()


def test_resending_replaces_the_old_link(client, therapist, client_record):
    old, _ = link_create(by=therapist, client=client_record, instrument="gad7", recipient="Maya")
    client.force_login(therapist)
    response = client.post(url("link_resend", client_record, old.pk))
    assert response.status_code == 200 and "shown this once" in response.content.decode()
    old.refresh_from_db()
    assert old.status == "cancelled" and MeasureLink.objects.count() == 2
    listing = page(client, "client_measures", client_record)
    assert "Replaced or withdrawn" in listing
    response = client.post(url("link_resend", client_record, old.pk))
    assert response.status_code == 302 and MeasureLink.objects.count() == 2


# --- schedules and goals --------------------------------------------------------------------------------------


def test_a_schedule_shows_what_is_due_and_can_be_stopped(client, therapist, client_record):
    client.force_login(therapist)
    response = client.post(
        url("schedule_set", client_record),
        {"instrument": "phq9", "rule": "weeks", "interval": "4", "at_discharge": "on"},
    )
    assert response.status_code == 302
    schedule = MeasureSchedule.objects.get()
    html = page(client, "client_measures", client_record)
    assert "every 4 weeks, and at discharge" in html and "Due now" in html and "at intake" in html
    assert "Measures due" in client.get(reverse("dashboard")).content.decode()
    client.post(url("schedule_stop", client_record, schedule.pk))
    schedule.refresh_from_db()
    assert not schedule.is_active
    assert "No measure is scheduled." in page(client, "client_measures", client_record)


def test_a_bad_schedule_stores_nothing(client, therapist, client_record):
    client.force_login(therapist)
    response = client.post(url("schedule_set", client_record), {"instrument": "phq9", "rule": "weeks", "interval": "0"})
    assert "Nothing was saved." in response.content.decode() and not MeasureSchedule.objects.exists()


def test_rating_a_goal_shows_its_levels_and_the_t_score(client, therapist, client_record, goal):
    client.force_login(therapist)
    assert "GAS T-score: too little data" in page(client, "client_measures", client_record)
    html = page(client, "gas_rate", client_record, goal.pk)
    assert "−2 much less than expected: Cannot name any feeling" in html and "Names feelings unprompted" in html
    response = client.post(
        url("gas_rate", client_record, goal.pk),
        {"level": "1", "rated_on": timezone.localdate().isoformat(), "note": "Named two"},
    )
    assert response.status_code == 302 and GoalAttainment.objects.get().level == 1
    html = page(client, "client_measures", client_record)
    assert "GAS T-score: 60.0" in html and "Named two" in html


@pytest.mark.parametrize(
    "data",
    [
        {"level": "3", "rated_on": "2026-01-01"},
        {"level": "1", "rated_on": (timezone.localdate() + dt.timedelta(days=1)).isoformat()},
        {"level": "one", "rated_on": "2026-01-01"},
    ],
)
def test_a_bad_rating_stores_nothing(client, therapist, client_record, goal, data):
    client.force_login(therapist)
    response = client.post(url("gas_rate", client_record, goal.pk), data)
    assert response.status_code == 200 and "Nothing was saved." in response.content.decode()
    assert not GoalAttainment.objects.exists()


def test_a_goal_of_another_client_is_404(client, therapist, client_record, goal):
    from artchart.tests.factories import CareTeamFactory, ClientFactory

    other = ClientFactory(site=client_record.site)
    CareTeamFactory(client=other, user=therapist, role="primary")
    client.force_login(therapist)
    assert client.get(url("gas_rate", other, goal.pk)).status_code == 404
