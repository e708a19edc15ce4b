"""The measures API: instruments (wording only where licensed), recording a scored measure,
a client's measures and outcomes, and program figures that hide small groups."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from artchart import outcomes
from artchart.core.models import AuditEvent
from artchart.core.services import token_issue
from artchart.measures.models import Administration, RiskAlert
from artchart.measures.services.administrations import administration_record
from artchart.tests.factories import (
    CareTeamFactory,
    ClientFactory,
    GroupFactory,
    GroupMembershipFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _headers(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_issue(user=user)[1]}"}


def _url(client_record, what: str = "measures") -> str:
    return f"/api/v1/clients/{client_record.pk}/{what}"


def _post(client, user, client_record, **body):
    payload = {"instrument": "phq9", "answers": [1, 1, 2, 1, 0, 1, 1, 0, 0], "date": TODAY().isoformat(), **body}
    return client.post(_url(client_record), payload, content_type="application/json", **_headers(user))


def _record(by, client_record, instrument, answers, days_ago):
    return administration_record(
        by=by,
        client=client_record,
        instrument=instrument,
        answers=answers,
        administered_on=TODAY() - dt.timedelta(days=days_ago),
    )


# --- instruments ---------------------------------------------------------------------------------------------


def test_instruments_list_the_shipped_ones_with_their_wording_bands_and_licence(client, teamviewer):
    response = client.get("/api/v1/measures/instruments", **_headers(teamviewer))
    assert response.status_code == 200
    found = {i["id"]: i for i in response.json()["results"]}
    assert {"phq9", "gad7", "rses"} <= set(found)
    phq9 = found["phq9"]
    assert phq9["short_name"] == "PHQ-9" and (phq9["score_min"], phq9["score_max"]) == (0, 27)
    assert len(phq9["items"]) == 9 and phq9["items"][0]["text"]
    assert [o["value"] for o in phq9["items"][0]["options"]] == [0, 1, 2, 3]
    assert phq9["items"][8]["risk"] and phq9["licence"]["item_text_may_ship"] and not phq9["score_only"]
    assert [b["min"] for b in phq9["bands"]] == [0, 5, 10, 15, 20]
    assert phq9["unscored_questions"] and phq9["unscored_questions"][0]["text"]
    assert any(item["reverse"] for item in found["rses"]["items"])


def test_a_score_only_instrument_lists_its_items_without_wording(client, therapist, settings, tmp_path):
    import json

    source = json.loads((outcomes.SHIPPED_DIR / "gad7.json").read_text())
    source.update(id="restricted7", short_name="R-7", name="A restricted scale")
    source["licence"] = {
        "text": "Licensed copy held by the practice; wording may not be reproduced.",
        "item_text_may_ship": False,
    }
    for question in source["items"] + source.get("unscored_questions", []):
        question["text"] = None
    (tmp_path / "restricted7.json").write_text(json.dumps(source))
    settings.MEASURES_INSTRUMENT_DIRS = [str(tmp_path)]
    restricted = next(
        i
        for i in client.get("/api/v1/measures/instruments", **_headers(therapist)).json()["results"]
        if i["id"] == "restricted7"
    )
    assert restricted["score_only"] and restricted["instructions"] is None
    assert all(item["text"] is None for item in restricted["items"]) and len(restricted["items"]) == 7


def test_instruments_need_a_token(client):
    assert client.get("/api/v1/measures/instruments").status_code == 401


# --- recording --------------------------------------------------------------------------------------------------


def test_recording_returns_the_scored_result_with_the_item_answers(client, therapist, client_record):
    session = SessionFactory(client=client_record, therapist=therapist)
    response = _post(client, therapist, client_record, session=session.pk, extra_answers={"difficulty": 1})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["total"] == 7 and body["band"].lower().startswith("mild") and body["instrument"] == "phq9"
    assert body["answers"] == [1, 1, 2, 1, 0, 1, 1, 0, 0] and body["session"] == session.pk
    assert body["mode"] == "api" and body["alert"] is None and body["risk"] is False
    assert body["date"] == TODAY().isoformat() and body["extra_answers"] == {"difficulty": 1}
    administration = Administration.objects.get()
    assert administration.pk == body["id"] and administration.recorded_by == therapist
    assert AuditEvent.objects.filter(action="measure.record", object_id=str(administration.pk)).exists()


def test_a_short_name_is_accepted_and_a_guardian_may_be_the_respondent(client, therapist, client_record):
    response = _post(
        client, therapist, client_record, instrument="GAD-7", answers=[0, 1, 0, 1, 0, 1, 0], respondent="guardian"
    )
    assert response.status_code == 201 and response.json()["instrument"] == "gad7"
    assert response.json()["respondent"] == "guardian" and response.json()["total"] == 3


def test_item_9_above_0_raises_an_alert_named_in_the_result(client, therapist, client_record):
    response = _post(client, therapist, client_record, answers=[2, 2, 2, 1, 1, 2, 1, 1, 1])
    assert response.status_code == 201
    body = response.json()
    alert = RiskAlert.objects.get()
    assert body["risk"] is True and body["alert"] == alert.pk and body["flags"] and alert.is_open


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"answers": [1, 1, 2]}, "answers", "9 items; 3 answers"),
        ({"answers": [1, 1, 2, 1, 0, 1, 1, 0, 4]}, "answers", "outside 0–3"),
        ({"answers": ["a", 1, 2, 1, 0, 1, 1, 0, 0]}, "answers", "not a number"),
        ({"answers": "1,1,2"}, "answers", "list"),
        ({"instrument": "XYZ"}, "instrument", "Unknown instrument 'XYZ'"),
        ({"date": (dt.date.today() + dt.timedelta(days=2)).isoformat()}, "date", "future"),
        ({"date": "last tuesday"}, "date", "date"),
        ({"respondent": "teacher"}, "respondent", "guardian"),
        ({"extra_answers": {"mood": 1}}, "extra_answers", "Unknown question 'mood'"),
    ],
)
def test_bad_input_is_refused_naming_the_problem_and_stores_nothing(
    client, therapist, client_record, body, field, words
):
    response = _post(client, therapist, client_record, **body)
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert field in errors and words in " ".join(errors[field]), errors
    assert not Administration.objects.exists() and not AuditEvent.objects.filter(action="measure.record").exists()


def test_a_blank_item_is_refused_but_the_answers_and_the_risk_are_kept(client, therapist, client_record):
    response = _post(client, therapist, client_record, answers=[1, 1, 1, None, 1, 1, 1, 1, 2])
    assert response.status_code == 400
    kept = Administration.objects.get()
    message = " ".join(response.json()["errors"]["answers"])
    assert "cannot be scored" in message and f"administration {kept.pk}" in message and "raised an alert" in message
    assert not kept.is_complete and kept.mode == "api" and RiskAlert.objects.get().administration == kept
    rows = client.get(_url(client_record), **_headers(therapist)).json()["results"]
    assert rows[0]["complete"] is False and rows[0]["total"] is None and rows[0]["alert"] is not None
    response = _post(client, therapist, client_record, answers=[1, 1, 1, 1, 1, 1, 1, 1, 2])
    assert response.status_code == 201 and response.json()["id"] == kept.pk and response.json()["total"] == 10
    assert RiskAlert.objects.count() == 1


def test_a_session_of_another_client_is_refused(client, therapist, client_record, site):
    other = ClientFactory(site=site)
    CareTeamFactory(client=other, user=therapist, role="primary")
    session = SessionFactory(client=other, therapist=therapist)
    response = _post(client, therapist, client_record, session=session.pk)
    assert response.status_code == 400 and "session" in response.json()["errors"]
    assert not Administration.objects.exists()


def test_an_outsider_gets_404_and_a_viewer_403_and_nothing_is_stored(client, therapist2, teamviewer, client_record):
    assert _post(client, therapist2, client_record).status_code == 404
    refused = _post(client, teamviewer, client_record)
    assert refused.status_code == 403 and refused.json()["message"]
    assert not Administration.objects.exists()


# --- listing ---------------------------------------------------------------------------------------------------


def test_list_shows_each_administration_with_its_answers_newest_first(client, therapist, teamviewer, client_record):
    _record(therapist, client_record, "phq9", [2, 2, 2, 2, 2, 1, 1, 1, 0], 30)
    _record(therapist, client_record, "gad7", [1, 1, 1, 1, 1, 1, 1], 20)
    _record(therapist, client_record, "phq9", [1, 1, 1, 0, 0, 0, 0, 0, 0], 2)
    body = client.get(_url(client_record), **_headers(teamviewer)).json()["results"]
    assert [(m["instrument"], m["total"]) for m in body] == [("phq9", 3), ("gad7", 7), ("phq9", 13)]
    assert body[0]["answers"] == [1, 1, 1, 0, 0, 0, 0, 0, 0]
    only = client.get(_url(client_record), {"instrument": "PHQ-9"}, **_headers(teamviewer)).json()["results"]
    assert [m["total"] for m in only] == [3, 13]
    unknown = client.get(_url(client_record), {"instrument": "nope"}, **_headers(teamviewer))
    assert unknown.status_code == 400 and "instrument" in unknown.json()["errors"]


def test_list_queries_do_not_grow_with_the_administrations(client, therapist, client_record):
    headers = _headers(therapist)
    _record(therapist, client_record, "phq9", [1] * 8 + [0], 10)
    client.get(_url(client_record), **headers)
    with CaptureQueriesContext(connection) as few:
        client.get(_url(client_record), **headers)
    for days in range(9, 1, -1):
        _record(therapist, client_record, "gad7", [1] * 7, days)
    _record(therapist, client_record, "phq9", [1] * 9, 1)  # with an alert
    with CaptureQueriesContext(connection) as many:
        response = client.get(_url(client_record), **headers)
    assert len(response.json()["results"]) == 10
    assert len(many) == len(few)


def test_list_is_404_for_an_outsider(client, therapist2, client_record):
    assert client.get(_url(client_record), **_headers(therapist2)).status_code == 404


# --- outcomes ----------------------------------------------------------------------------------------------------


def test_outcomes_classify_each_course_with_the_rule_used(client, therapist, client_record):
    _record(therapist, client_record, "phq9", [2, 2, 2, 2, 2, 2, 2, 2, 0], 60)  # 16
    _record(therapist, client_record, "phq9", [1, 1, 2, 1, 1, 1, 1, 1, 0], 30)  # 9
    _record(therapist, client_record, "phq9", [1, 1, 1, 1, 0, 0, 0, 0, 0], 1)  # 4
    _record(therapist, client_record, "gad7", [1, 1, 1, 1, 1, 1, 1], 5)
    body = client.get(_url(client_record, "outcomes"), **_headers(therapist)).json()
    by_id = {t["instrument"]: t for t in body["instruments"]}
    phq9 = by_id["phq9"]
    assert [p["total"] for p in phq9["points"]] == [16, 9, 4] and phq9["points"][0]["answers"][0] == 2
    course = phq9["course"]
    assert course["classification"] == "recovered" and course["change"] == -12 and course["reliable"]
    assert "PHQ-9 published threshold" in course["rule"] and course["cutoff"] == 10
    # No clinical norms in the PHQ-9 file: no computed index beside the published threshold.
    assert course["rc"] is None and phq9["cutoff"] == 10 and phq9["reliable_band"] == [10, 22]
    assert by_id["gad7"]["course"] == {"insufficient": "needs at least 2 scores", "n": 1}
    assert body["goal_attainment"] == {"goals": [], "t_score": {"insufficient": "no goal has been rated yet", "n": 0}}


def test_outcomes_show_goal_attainment_with_the_t_score(client, therapist, client_record):
    from artchart.measures.services.schedules import gas_rate
    from artchart.plans import services as plans

    plan = plans.plan_create(by=therapist, client=client_record)
    problem = plans.problem_add(by=therapist, plan=plan, statement="Withdraws when frustrated.")
    goal = plans.goal_add(by=therapist, problem=problem, statement="Names a feeling in the artwork")
    gas_rate(by=therapist, client=client_record, goal=goal, level=-1, rated_on=TODAY() - dt.timedelta(days=20))
    gas_rate(by=therapist, client=client_record, goal=goal, level=1, rated_on=TODAY(), note="Named anger twice.")
    body = client.get(_url(client_record, "outcomes"), **_headers(therapist)).json()["goal_attainment"]
    assert [(g["goal"], g["latest_level"]) for g in body["goals"]] == [(goal.pk, 1)]
    assert [r["level"] for r in body["goals"][0]["ratings"]] == [-1, 1]
    assert body["t_score"] == pytest.approx(60.0)


def test_outcomes_are_404_for_an_outsider_and_read_by_a_viewer(client, therapist2, teamviewer, client_record):
    assert client.get(_url(client_record, "outcomes"), **_headers(therapist2)).status_code == 404
    assert client.get(_url(client_record, "outcomes"), **_headers(teamviewer)).status_code == 200


# --- program effectiveness -----------------------------------------------------------------------------------


@pytest.fixture
def program_group(site, therapist):
    from artchart.programs.models import Program

    program = Program.objects.create(organization=site.organization, name="School program", site=site)
    return GroupFactory(site=site, name="Feelings Through Art", program=program, facilitators=[therapist])


def _members(count, group, therapist, courses):
    for index in range(count):
        member = ClientFactory(site=group.site)
        CareTeamFactory(client=member, user=therapist, role="primary")
        GroupMembershipFactory(group=group, client=member)
        first, last = courses[index % len(courses)]
        _record(therapist, member, "gad7", first, 60)
        _record(therapist, member, "gad7", last, 3)


COURSES = [
    ([3, 3, 2, 2, 2, 1, 1], [1, 1, 1, 0, 1, 0, 1]),  # 14 → 5: recovered
    ([3, 3, 3, 2, 2, 2, 1], [2, 2, 2, 1, 1, 1, 1]),  # 16 → 10: improved
    ([2, 2, 2, 2, 1, 1, 1], [2, 2, 2, 1, 1, 1, 1]),  # 11 → 10: unchanged
    ([1, 1, 1, 1, 1, 1, 1], [3, 2, 2, 2, 2, 2, 1]),
]  # 7 → 14: deteriorated


def test_program_figures_show_effect_size_and_shares_for_five_or_more(client, programadmin, program_group, therapist):
    _members(6, program_group, therapist, COURSES)
    response = client.get(
        "/api/v1/measures/programs",
        {"instrument": "gad7", "program": program_group.program_id},
        **_headers(programadmin),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["n"] == 6 and not body["hidden"] and body["message"] == ""
    assert (
        body["effect"]["n"] == 6
        and body["effect"]["ci_low"] < body["effect"]["mean_change"] < body["effect"]["ci_high"]
    )
    assert body["shares"] == pytest.approx(
        {"recovered": 2 / 6, "improved": 2 / 6, "unchanged": 1 / 6, "deteriorated": 1 / 6}
    )
    assert "GAD-7 published threshold" in body["rule"] and body["filters"]["program"] == program_group.program_id
    assert "Maya" not in response.content.decode()


def test_program_figures_are_hidden_below_the_minimum(client, programadmin, program_group, therapist):
    _members(4, program_group, therapist, COURSES)
    body = client.get("/api/v1/measures/programs", {"instrument": "gad7"}, **_headers(programadmin)).json()
    assert body["n"] == 4 and body["hidden"] and "Fewer than 5 clients" in body["message"]
    assert body["effect"] is None and body["mean_pre"] is None and body["shares"] is None


def test_zero_variance_says_so_instead_of_a_number(client, programadmin, program_group, therapist):
    same = [([2, 2, 2, 2, 2, 2, 2], [1, 1, 1, 1, 1, 1, 1])]  # every client 14 → 7
    _members(5, program_group, therapist, same)
    body = client.get("/api/v1/measures/programs", {"instrument": "gad7"}, **_headers(programadmin)).json()
    assert not body["hidden"] and "insufficient" in body["effect"], body["effect"]


def test_a_therapist_counts_only_their_own_clients(client, therapist2, program_group, therapist):
    _members(6, program_group, therapist, COURSES)
    body = client.get("/api/v1/measures/programs", {"instrument": "gad7"}, **_headers(therapist2)).json()
    assert body["n"] == 0 and body["hidden"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"instrument": "nope"}, "instrument"),
        ({"population": "spaceship"}, "population"),
        ({"date_from": "2026-03-01", "date_to": "2026-02-01"}, "date_to"),
        ({"program": "first"}, "program"),
    ],
)
def test_bad_program_filters_are_named(client, programadmin, query, field):
    response = client.get("/api/v1/measures/programs", query, **_headers(programadmin))
    assert response.status_code == 400 and field in response.json()["errors"], response.content


def test_program_figures_are_not_for_admins_or_viewers(client, admin, teamviewer):
    assert client.get("/api/v1/measures/programs", **_headers(admin)).status_code == 403
    assert client.get("/api/v1/measures/programs", **_headers(teamviewer)).status_code == 403


def test_the_filters_match_the_selector(client):
    from artchart.measures.api import CohortIn
    from artchart.measures.selectors import CohortFilter

    named = {f.name.removesuffix("_id") for f in dataclasses.fields(CohortFilter)}
    assert named == set(CohortIn.model_fields)
