"""The clinical reports, made through every door: what they hold, what they say when data is missing,
who may make them, the periods they refuse, and the audit event each one leaves."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pypdf
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from artchart.core.models import AuditEvent
from artchart.core.services import token_issue
from artchart.measures.services.administrations import administration_record
from artchart.measures.services.schedules import gas_rate
from artchart.plans import services as plans
from artchart.reports import selectors, services
from artchart.tests.factories import ConsentFactory, SessionFactory, artwork_with_photo

START, END = dt.date(2026, 1, 1), dt.date(2026, 6, 30)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def progress(by, client, **extra):
    return services.report_export(
        by=by, client_id=client.pk, kind="progress", file_format="pdf", start=START, end=END, **extra
    )


@pytest.fixture
def signed_plan(therapist, client_record):
    plan = plans.plan_create(by=therapist, client=client_record, review_date=dt.date(2026, 9, 1))
    problem = plans.problem_add(by=therapist, plan=plan, statement="Withdraws from peers after conflict at school.")
    goal = plans.goal_add(
        by=therapist,
        problem=problem,
        statement="Names feelings in art and words",
        level_minus_1="Names a feeling when asked",
        level_0="Names a feeling unprompted once a session",
        level_plus_1="Names feelings and links them to events",
    )
    plans.objective_add(by=therapist, goal=goal, statement="Uses a feelings palette in 4 of 5 sessions")
    plans.intervention_add(by=therapist, plan=plan, technique="Feelings colour wheel", frequency="Weekly")
    return plans.plan_sign(by=therapist, plan=plan)


# --- missing data, said plainly ---------------------------------------------------------------------------


def test_a_client_with_no_sessions_measures_plan_or_artwork_gets_a_report_that_says_so(therapist, client_record):
    text = pdf_text(progress(therapist, client_record).data)
    for sentence in (
        selectors.NO_SESSIONS,
        selectors.NO_PLAN_IN_FORCE,
        selectors.NO_MEASURES,
        selectors.NO_ARTWORKS,
    ):
        assert sentence in " ".join(text.split()), sentence
    assert "Produced by" in text and therapist.display_name in text


def test_the_plan_report_of_a_client_without_a_signed_plan_says_there_is_none(therapist, client_record):
    report = services.report_export(by=therapist, client_id=client_record.pk, kind="plan", file_format="docx")
    opened = docx.Document(io.BytesIO(report.data))
    assert selectors.NO_SIGNED_PLAN in [p.text for p in opened.paragraphs]


# --- what the reports hold -----------------------------------------------------------------------------------


def test_the_signed_plan_shows_its_goals_objectives_interventions_and_signatures(therapist, signed_plan):
    report = services.report_export(by=therapist, client_id=signed_plan.client_id, kind="plan", file_format="pdf")
    text = " ".join(pdf_text(report.data).split())
    assert "Names feelings in art and words" in text
    assert "Uses a feelings palette in 4 of 5 sessions" in text
    assert "Feelings colour wheel" in text
    assert "Signed by" in text and therapist.display_name in text
    assert signed_plan.content_hash in text
    assert report.content_type == "application/pdf" and report.name.endswith(".pdf")


def test_a_progress_report_holds_attendance_gas_measures_and_consented_artwork(therapist, client_record, signed_plan):
    SessionFactory(
        client=client_record, therapist=therapist, starts_at=timezone.make_aware(dt.datetime(2026, 2, 3, 10))
    )
    SessionFactory(
        client=client_record,
        therapist=therapist,
        status="no_show",
        starts_at=timezone.make_aware(dt.datetime(2026, 2, 10, 10)),
    )
    goal = signed_plan.problems.get().goals.get()
    gas_rate(by=therapist, client=client_record, goal=goal, level=0, rated_on=dt.date(2026, 3, 1))
    for day, answers in ((dt.date(2026, 1, 10), [3, 3, 2, 2, 2, 2, 2, 1, 0]), (dt.date(2026, 5, 1), [1] * 8 + [0])):
        administration_record(
            by=therapist, client=client_record, instrument="phq9", answers=answers, administered_on=day
        )
    artwork_with_photo(by=therapist, client=client_record, title="The bridge", statement="It holds me up.")

    report = progress(therapist, client_record)
    text = " ".join(pdf_text(report.data).split())
    assert "Attendance" in text and "No-show" in text
    assert "GAS ratings in this period: 1 Mar 2026: 0" in text
    assert "GAS T-score: 50.0" in text
    # The plan in force today was signed after the period: the report says so.
    assert "It was signed after this period ended." in text
    assert "PHQ-9 in this period, on its severity bands" in text
    assert "The bridge" in text and "It holds me up." in text
    word = services.report_export(
        by=therapist, client_id=client_record.pk, kind="progress", file_format="docx", start=START, end=END
    )
    opened = docx.Document(io.BytesIO(word.data))
    headings = [p.text for p in opened.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Attendance", "Goals and objectives", "Measures", "Artworks"]
    assert len(opened.inline_shapes) == 1
    measures = next(t for t in opened.tables if t.rows[0].cells[0].text == "Measure")
    name, times, _first, _last, change = (cell.text for cell in measures.rows[1].cells)
    assert (name, times) == ("PHQ-9", "2")
    assert change.startswith("Recovered — reliable improvement, and the score crossed the cut-off: from 17 to 8")


def test_artwork_leaves_the_report_when_the_record_consent_is_revoked(therapist, client_record):
    artwork_with_photo(by=therapist, client=client_record, title="The bridge", statement="It holds me up.")
    ConsentFactory(client=client_record, kind="record", decision="refused", recorded_by=therapist, signed_on=END)
    text = " ".join(pdf_text(progress(therapist, client_record).data).split())
    assert selectors.NO_RECORD_CONSENT in text
    assert "The bridge" not in text and "It holds me up." not in text


# --- who may make them ---------------------------------------------------------------------------------------


def test_a_report_on_a_client_outside_the_users_care_is_not_found(outsider, client_record):
    with pytest.raises(Http404):
        progress(outsider, client_record)
    with pytest.raises(Http404):
        services.report_export(by=outsider, client_id=client_record.pk, kind="plan", file_format="pdf")
    assert not AuditEvent.objects.filter(action__startswith="report.").exists()


def test_a_treatment_team_viewer_prints_the_plan_but_not_a_progress_report(teamviewer, client_record, signed_plan):
    services.report_export(by=teamviewer, client_id=client_record.pk, kind="plan", file_format="pdf")
    with pytest.raises(PermissionDenied):
        progress(teamviewer, client_record)


# --- bad periods ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "field", "code"),
    [
        (dt.date(2026, 6, 30), dt.date(2026, 1, 1), "end", "report_period_backwards"),
        (None, dt.date(2026, 1, 1), "start", "report_period_needed"),
        (dt.date(2022, 1, 1), dt.date(2026, 1, 1), "start", "report_period_too_long"),
        (dt.date(2099, 1, 1), dt.date(2099, 2, 1), "start", "report_period_in_future"),
    ],
)
def test_a_bad_period_is_refused_with_a_message_and_nothing_is_recorded(
    therapist, client_record, start, end, field, code
):
    with pytest.raises(ValidationError) as refused:
        services.report_export(
            by=therapist, client_id=client_record.pk, kind="progress", file_format="pdf", start=start, end=end
        )
    assert field in refused.value.message_dict
    assert not AuditEvent.objects.filter(action__startswith="report.").exists()
    messages = {m.code: m for m in (services.PERIOD_BACKWARDS, services.PERIOD_NEEDED, services.PERIOD_TOO_LONG)}
    messages[services.PERIOD_IN_FUTURE.code] = services.PERIOD_IN_FUTURE
    assert code in messages


def test_a_period_that_ends_before_it_starts_says_which_dates_to_swap(therapist, client_record):
    with pytest.raises(ValidationError) as refused:
        services.report_export(
            by=therapist,
            client_id=client_record.pk,
            kind="progress",
            file_format="pdf",
            start=dt.date(2026, 6, 30),
            end=dt.date(2026, 1, 1),
        )
    assert refused.value.message_dict["end"] == [
        "The period ends on 2026-01-01, before it starts on 2026-06-30; swap the two dates."
    ]


# --- the audit log -----------------------------------------------------------------------------------------------


def test_every_export_is_recorded_against_the_client_without_its_content(therapist, client_record):
    report = progress(therapist, client_record)
    event = AuditEvent.objects.get(action="report.progress")
    assert event.actor == therapist
    assert event.client_ids == f",{client_record.pk},"
    assert event.detail == {"format": "pdf", "bytes": len(report.data), "days": 181}
    services.report_export(by=therapist, client_id=client_record.pk, kind="plan", file_format="docx")
    assert AuditEvent.objects.get(action="report.plan").detail["format"] == "docx"


# --- queries -------------------------------------------------------------------------------------------------------


def test_the_progress_report_reads_in_queries_that_do_not_grow_with_its_artworks(therapist, client_record):
    artwork_with_photo(by=therapist, client=client_record, seed=1)
    with CaptureQueriesContext(connection) as one:
        progress(therapist, client_record)
    for seed in (2, 3, 4):
        artwork_with_photo(by=therapist, client=client_record, seed=seed)
    with CaptureQueriesContext(connection) as four:
        progress(therapist, client_record)
    assert len(four) == len(one), [q["sql"] for q in four.captured_queries]
    assert len(one) <= 40


# --- the doors: the page and the command -----------------------------------------------------------------------


def test_the_report_page_downloads_the_file_and_the_chart_links_to_it(client, therapist, client_record):
    client.force_login(therapist)
    chart = client.get(reverse("clients:chart", args=[client_record.pk])).content.decode()
    url = reverse("reports:page", args=[client_record.pk])
    assert url in chart
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "progress", "file_format": "docx", "start": "2026-01-01", "end": "2026-06-30"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment;" in response["Content-Disposition"]
    assert docx.Document(io.BytesIO(response.content)).paragraphs[0].text == "Progress report"


def test_the_report_page_shows_a_bad_period_on_the_form_and_writes_nothing(client, therapist, client_record):
    client.force_login(therapist)
    response = client.post(
        reverse("reports:page", args=[client_record.pk]),
        {"kind": "progress", "file_format": "pdf", "start": "2026-06-30", "end": "2026-01-01"},
    )
    assert response.status_code == 400
    assert "before it starts on 2026-06-30; swap the two dates." in response.content.decode()
    assert not AuditEvent.objects.filter(action__startswith="report.").exists()


def test_the_report_page_is_not_found_for_an_outsider(client, outsider, client_record):
    client.force_login(outsider)
    assert client.get(reverse("reports:page", args=[client_record.pk])).status_code == 404


def test_artchart_report_writes_the_file_as_the_user_it_names(therapist, client_record, tmp_path):
    target = tmp_path / "progress.pdf"
    out = io.StringIO()
    call_command(
        "report",
        "progress",
        "--client",
        str(client_record.pk),
        "--format",
        "pdf",
        "-o",
        str(target),
        "--user",
        therapist.username,
        "--from",
        "2026-01-01",
        "--to",
        "2026-06-30",
        stdout=out,
    )
    assert target.read_bytes().startswith(b"%PDF")
    assert "Wrote" in out.getvalue()
    assert AuditEvent.objects.get(action="report.progress").actor == therapist


def test_artchart_report_refuses_an_outsider_and_a_bad_period_and_writes_nothing(
    therapist, outsider, client_record, tmp_path
):
    target = tmp_path / "plan.pdf"
    with pytest.raises(CommandError, match="not on the care team"):
        call_command("report", "plan", "--client", str(client_record.pk), "-o", str(target), "--by", outsider.username)
    with pytest.raises(CommandError, match="swap the two dates"):
        call_command(
            "report",
            "progress",
            "--client",
            str(client_record.pk),
            "-o",
            str(target),
            "--by",
            therapist.username,
            "--from",
            "2026-06-30",
            "--to",
            "2026-01-01",
        )
    assert not target.exists()


# --- the API ----------------------------------------------------------------------------------------------------------


def _api(client, user, client_record, **body):
    return client.post(
        f"/api/v1/clients/{client_record.pk}/reports",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)[1]}",
    )


def test_the_api_answers_with_the_file_and_records_the_export(client, therapist, client_record):
    response = _api(
        client, therapist, client_record, kind="progress", format="pdf", start="2026-01-01", end="2026-06-30"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.get(action="report.progress").actor == therapist


def test_the_api_refuses_a_backwards_period_with_its_code_and_an_outsider_with_404(
    client, therapist, outsider, client_record
):
    response = _api(client, therapist, client_record, kind="progress", start="2026-06-30", end="2026-01-01")
    assert response.status_code == 400
    assert response.json()["code"] == "report_period_backwards"
    assert _api(client, outsider, client_record, kind="plan").status_code == 404
    assert not AuditEvent.objects.filter(action__startswith="report.").exists()


def test_a_viewer_is_offered_only_the_plan_on_the_report_page(client, teamviewer, client_record, signed_plan):
    client.force_login(teamviewer)
    url = reverse("reports:page", args=[client_record.pk])
    page = client.get(url).content.decode()
    assert 'value="plan"' in page and 'value="progress"' not in page
    response = client.post(url, {"kind": "plan", "file_format": "pdf"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
