"""Program effectiveness: aggregates of first and last scores, never a client's name, and no
figure at all for a group smaller than the minimum."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from artchart.measures.selectors import PERIOD_BACKWARDS
from artchart.measures.services.administrations import administration_record
from artchart.measures.views.program import CSV_HEADER
from artchart.tests.factories import CareTeamFactory, ClientFactory, GroupFactory, GroupMembershipFactory, SiteFactory


def _today():
    """Today in the practice's zone, read when asked: a run that crosses midnight must not compare two days."""
    return timezone.localdate()


PAGE = reverse("measures:program_effectiveness")
CSV = reverse("measures:program_effectiveness_csv")
COURSES = [(20, 8), (18, 10), (16, 14), (22, 9), (15, 16), (19, 7)]
TOO_FEW = "; no figures are shown so no one can be singled out"


def phq9_answers(total: int) -> list[int]:
    """Nine PHQ-9 answers adding up to ``total`` with item 9 at 0 (no risk alert)."""
    answers = []
    for _ in range(8):
        answers.append(min(3, total))
        total -= answers[-1]
    return answers + [0]


def cohort(therapist, site, courses=COURSES, *, names="Pat", before=60, after=5):
    clients = []
    for number, (pre, post) in enumerate(courses):
        person = ClientFactory(site=site, legal_first_name=f"{names}{number}", legal_last_name=f"Cohort{number}")
        CareTeamFactory(client=person, user=therapist, role="primary")
        for days_ago, total in ((before, pre), (after, post)):
            administration_record(
                by=therapist,
                client=person,
                instrument="phq9",
                answers=phq9_answers(total),
                administered_on=_today() - dt.timedelta(days=days_ago),
            )
        clients.append(person)
    return clients


@pytest.fixture
def six(therapist, site):
    return cohort(therapist, site)


def test_a_program_admin_sees_the_figures_and_no_names(client, programadmin, six):
    client.force_login(programadmin)
    response = client.get(PAGE)
    page = response.content.decode()
    assert response.status_code == 200
    assert "6 clients with a first and a last score" in page
    assert "Mean first score (pre)</dt><dd>18.3" in page and "Mean last score (post)</dt><dd>10.7" in page
    assert "<strong>-7.7</strong> points (95 % CI" in page and "an improvement on PHQ-9" in page
    assert "Hedges’ g<sub>z</sub>" in page and "large effect" in page
    assert "Rule used: PHQ-9 published threshold" in page
    for kind in ("Recovered", "Improved", "Unchanged", "Deteriorated"):
        assert kind in page
    for person in six:
        assert person.legal_last_name not in page and person.legal_first_name not in page


def test_fewer_than_the_minimum_show_no_figures(client, programadmin, therapist, site):
    cohort(therapist, site, COURSES[:4])
    client.force_login(programadmin)
    page = client.get(PAGE).content.decode()
    assert "4 clients with a first and a last score" in page and TOO_FEW in page
    assert "Mean first score" not in page and "Hedges" not in page.split("figures-title")[1]


def test_the_minimum_is_configurable(client, programadmin, therapist, site, settings):
    settings.MEASURES_MIN_GROUP_SIZE = 3
    cohort(therapist, site, COURSES[:4])
    client.force_login(programadmin)
    assert "Mean first score" in client.get(PAGE).content.decode()


def test_clinicians_count_only_the_clients_they_read(client, therapist, therapist2, six):
    client.force_login(therapist)
    assert "6 clients with a first and a last score" in client.get(PAGE).content.decode()
    client.force_login(therapist2)
    page = client.get(PAGE).content.decode()
    assert "0 clients with a first and a last score" in page and TOO_FEW in page


@pytest.mark.parametrize("person", ["teamviewer", "admin"])
def test_others_get_403(client, people, person):
    client.force_login(people[person])
    assert client.get(PAGE).status_code == 403 and client.get(CSV).status_code == 403


def test_filters_narrow_the_group(client, programadmin, therapist, org, six):
    from artchart.programs.models import Program

    elsewhere = SiteFactory(organization=org, name="Northside School", population_type="school")
    school = Program.objects.create(organization=org, name="Feelings Through Art")
    group = GroupFactory(site=elsewhere, program=school, name="Thursday group")
    members = cohort(therapist, elsewhere, COURSES[:5], names="Kim")
    for member in members:
        GroupMembershipFactory(group=group, client=member)
    client.force_login(programadmin)
    assert "11 clients" in client.get(PAGE).content.decode()
    page = client.get(PAGE, {"program": school.pk}).content.decode()
    assert "5 clients with a first and a last score" in page and "Program: Feelings Through Art" in page
    assert "5 clients" in client.get(PAGE, {"site": elsewhere.pk}).content.decode()
    assert "5 clients" in client.get(PAGE, {"population": "school"}).content.decode()
    assert "11 clients" in client.get(PAGE, {"therapist": therapist.pk}).content.decode()
    # The period keeps only scores inside it: the first scores (60 days ago) fall outside.
    since = (_today() - dt.timedelta(days=30)).isoformat()
    assert "0 clients" in client.get(PAGE, {"date_from": since}).content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date_from": "2026-05-01", "date_to": "2026-04-01"}, PERIOD_BACKWARDS),
        ({"date_from": "last spring"}, "Enter a valid date."),
        ({"instrument": "XYZ"}, "Select a valid choice."),
        ({"program": "999999"}, "Select a valid choice."),
    ],
)
def test_bad_filters_show_no_figures(client, programadmin, six, query, message):
    client.force_login(programadmin)
    response = client.get(PAGE, query)
    page = response.content.decode()
    assert response.status_code == 200 and message in page and "No figures: correct the filters" in page
    assert "Mean first score" not in page


def test_changes_without_spread_say_so_in_words(client, programadmin, therapist, site):
    cohort(therapist, site, [(20, 15), (18, 13), (16, 11), (22, 17), (15, 10)])
    client.force_login(programadmin)
    page = client.get(PAGE).content.decode()
    assert "Not computed: every client changed by the same amount" in page
    assert "Mean first score (pre)</dt><dd>18.2" in page


def test_the_csv_has_the_same_figures(client, programadmin, six):
    client.force_login(programadmin)
    response = client.get(CSV)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    header, row = list(csv.reader(io.StringIO(response.content.decode())))
    assert header == CSV_HEADER
    data = dict(zip(header, row, strict=True))
    assert data["instrument"] == "PHQ-9" and data["program"] == "Every program" and data["n_with_pre_and_post"] == "6"
    assert data["mean_pre"] == "18.333" and data["mean_change"] == "-7.667" and float(data["hedges_g_z"]) < -0.8
    assert float(data["mean_change_ci_low"]) < -7.667 < float(data["mean_change_ci_high"])
    assert (
        abs(sum(float(data[f"share_{k}"]) for k in ("recovered", "improved", "unchanged", "deteriorated")) - 1) < 1e-9
    )
    assert data["rule"].startswith("PHQ-9") and data["note"] == ""


def test_the_csv_leaves_hidden_figures_empty_with_the_reason(client, programadmin, therapist, site):
    cohort(therapist, site, COURSES[:2])
    client.force_login(programadmin)
    header, row = list(csv.reader(io.StringIO(client.get(CSV).content.decode())))
    data = dict(zip(header, row, strict=True))
    assert data["n_with_pre_and_post"] == "2" and data["minimum_group_size"] == "5"
    assert data["mean_pre"] == data["hedges_g_z"] == data["share_recovered"] == data["rule"] == ""
    assert TOO_FEW in data["note"]


def test_the_csv_names_bad_filters_and_neutralizes_formulas(client, programadmin, org, six):
    from artchart.programs.models import Program

    formula = Program.objects.create(organization=org, name='=HYPERLINK("x")')
    client.force_login(programadmin)
    _, row = list(csv.reader(io.StringIO(client.get(CSV, {"program": formula.pk}).content.decode())))
    assert row[1] == '\'=HYPERLINK("x")'
    _, row = list(csv.reader(io.StringIO(client.get(CSV, {"date_from": "soon"}).content.decode())))
    assert row[-1].startswith("No figures: the filters are not valid") and "From" in row[-1]


def test_queries_do_not_grow_with_the_clients(client, programadmin, therapist, site, django_assert_max_num_queries):
    cohort(therapist, site, COURSES[:5])
    client.force_login(programadmin)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(PAGE)
    cohort(therapist, site, COURSES * 2, names="Lee")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(PAGE)
