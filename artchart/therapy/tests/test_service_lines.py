"""A session's service lines: added and removed through one audited service each, refused with the rule
in plain words and nothing written, 404 for outsiders, on the session page and in the API."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from artchart.core.access import Conflict
from artchart.core.models import AuditEvent
from artchart.core.services import token_issue
from artchart.tests.factories import GroupFactory, SessionFactory
from artchart.therapy.models import ServiceLine, Session
from artchart.therapy.services import billing, notes
from artchart.therapy.services import sessions as session_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(therapist, client_record):
    """A 45-minute individual session held yesterday, after an earlier one (so not the intake)."""
    SessionFactory(
        client=client_record, therapist=therapist, starts_at=timezone.now() - dt.timedelta(days=8), status="completed"
    )
    return SessionFactory(
        client=client_record,
        therapist=therapist,
        starts_at=timezone.now() - dt.timedelta(days=1),
        duration_minutes=45,
        status="completed",
    )


def add(by, session, code, **extra):
    return billing.service_line_add(by=by, session=session, code=code, **extra)


def lines(session) -> list[tuple[str, int, str]]:
    return [(line.code, line.units, line.modifiers) for line in ServiceLine.objects.filter(session=session)]


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


# --- services ------------------------------------------------------------------------------------------


def test_a_session_carries_a_code_and_its_add_on_each_audited_without_the_code(therapist, session, client_record):
    add(therapist, session, "90834")
    add(therapist, session, "90785")
    assert lines(session) == [("90834", 1, ""), ("90785", 1, "")]
    event = AuditEvent.objects.filter(action="service_line.add").latest("pk")
    assert event.client_id_list == [client_record.pk]
    assert "90785" not in json.dumps(event.detail)


@pytest.mark.parametrize(
    ("first", "code", "message"),
    [
        (None, "90837", "90837 needs 53 or more face-to-face minutes; this session has 45."),
        (None, "90853", "90853 is group psychotherapy; this is an individual session."),
        (None, "90785", "90785 (interactive complexity) is an add-on"),
        ("90834", "90832", "A session takes one psychotherapy time code, not 90832 and 90834."),
        ("90834", "90834", "90834 is on this session twice; one line with its units is enough."),
        (None, "90791", "90791 is for the intake"),
    ],
)
def test_a_line_that_contradicts_the_session_is_refused_and_nothing_is_written(
    therapist, session, first, code, message
):
    if first:
        add(therapist, session, first)
    before = (lines(session), events("service_line.add"))
    with pytest.raises(ValidationError) as caught:
        add(therapist, session, code)
    assert any(text.startswith(message) for text in caught.value.message_dict["code"])
    assert (lines(session), events("service_line.add")) == before


def test_90791_fits_the_clients_first_session(therapist, client_record):
    first = SessionFactory(client=client_record, therapist=therapist, duration_minutes=60)
    add(therapist, first, "90791")
    assert lines(first) == [("90791", 1, "")]


def test_90791_fits_the_session_an_intake_note_names(therapist, session, client_record):
    notes.note_create(by=therapist, client=client_record, kind="intake", session=session)
    add(therapist, session, "90791")
    assert lines(session) == [("90791", 1, "")]


def test_removing_a_line_that_leaves_an_add_on_alone_is_refused(therapist, session):
    main = add(therapist, session, "90834")
    add(therapist, session, "90785")
    with pytest.raises(ValidationError, match="90785 \\(interactive complexity\\) is an add-on"):
        billing.service_line_remove(by=therapist, line=main)
    assert lines(session) == [("90834", 1, ""), ("90785", 1, "")]
    assert events("service_line.remove") == 0


def test_removing_a_line_is_audited(therapist, session):
    line = add(therapist, session, "90834")
    billing.service_line_remove(by=therapist, line=line)
    assert lines(session) == []
    assert events("service_line.remove") == 1


def test_crisis_lines_count_the_minutes(therapist, client_record):
    crisis = SessionFactory(client=client_record, therapist=therapist, duration_minutes=110)
    add(therapist, crisis, "90839")
    with pytest.raises(ValidationError, match="support 2 units of 90840"):
        add(therapist, crisis, "90840", units=3)
    add(therapist, crisis, "90840", units=2)
    assert lines(crisis) == [("90839", 1, ""), ("90840", 2, "")]


def test_a_group_session_takes_90853(therapist, site):
    group = GroupFactory(site=site, facilitators=[therapist])
    held = SessionFactory(kind="group", client=None, group=group, therapist=therapist, duration_minutes=60)
    add(therapist, held, "90853")
    with pytest.raises(ValidationError, match="a group session takes 90853"):
        add(therapist, held, "90837")
    assert lines(held) == [("90853", 1, "")]


def test_a_family_session_takes_90847(therapist, client_record):
    family = SessionFactory(client=client_record, therapist=therapist, kind="family")
    add(therapist, family, "90847")
    assert lines(family) == [("90847", 1, "")]


def test_telehealth_lines_carry_their_modifier(therapist, session):
    session_services.session_update(by=therapist, session=session, modality="telehealth", place_of_service="10")
    with pytest.raises(ValidationError, match="Place of service 10 is telehealth"):
        add(therapist, session, "90834")
    add(therapist, session, "90834", modifiers="93")
    assert lines(session) == [("90834", 1, "93")]


def test_a_session_change_its_lines_contradict_is_refused(therapist, session):
    add(therapist, session, "90834")
    with pytest.raises(ValidationError, match="90834 needs 38 or more face-to-face minutes; this session has 30."):
        session_services.session_update(by=therapist, session=session, duration_minutes=30)
    with pytest.raises(ValidationError, match="Place of service 02 is telehealth, so 90834 needs a telehealth"):
        session_services.session_update(by=therapist, session=session, place_of_service="02")
    session.refresh_from_db()
    assert (session.duration_minutes, session.place_of_service) == (45, "")
    assert events("session.update") == 0


def test_lines_change_after_the_note_is_signed_as_the_session_does(therapist, session, client_record):
    note = notes.note_create(by=therapist, client=client_record, session=session, subjective="Drew a bridge.")
    notes.note_sign(by=therapist, note=note)
    add(therapist, session, "90834")
    assert lines(session) == [("90834", 1, "")]


def test_a_cancelled_session_takes_no_lines(therapist, client_record):
    cancelled = SessionFactory(client=client_record, therapist=therapist, status="cancelled")
    with pytest.raises(Conflict, match="schedule a new one"):
        add(therapist, cancelled, "90834")
    assert lines(cancelled) == []


def test_outsiders_get_404_and_viewers_403(therapist2, teamviewer, session):
    with pytest.raises(Http404):
        add(therapist2, session, "90834")
    with pytest.raises(PermissionDenied):
        add(teamviewer, session, "90834")
    assert lines(session) == []


def test_a_series_code_becomes_each_sessions_first_line(therapist, client_record):
    series = session_services.series_create(
        by=therapist,
        kind="individual",
        client=client_record,
        therapist=therapist,
        site=client_record.site,
        first_starts_at=timezone.now() + dt.timedelta(days=2),
        duration_minutes=30,
        modality="in_person",
        cpt_code="90832",
        place_of_service="03",
        count=3,
    )
    made = Session.objects.filter(series=series)
    assert [lines(s) for s in made] == [[("90832", 1, "")]] * 3


# --- the session page ------------------------------------------------------------------------------------


def test_the_session_page_adds_and_removes_lines(client, therapist, session):
    client.force_login(therapist)
    url = reverse("therapy:session_detail", args=[session.pk])
    assert 'name="code"' in client.get(url).content.decode()
    added = client.post(reverse("therapy:session_line_add", args=[session.pk]), {"code": "90834", "units": 1})
    assert added.status_code == 302
    line = ServiceLine.objects.get(session=session)
    page = client.get(url).content.decode()
    assert "90834" in page and "Psychotherapy, 45 minutes" in page
    removed = client.post(reverse("therapy:session_line_remove", args=[session.pk, line.pk]))
    assert removed.status_code == 302 and lines(session) == []


def test_the_session_page_says_why_a_line_is_refused(client, therapist, session):
    client.force_login(therapist)
    response = client.post(reverse("therapy:session_line_add", args=[session.pk]), {"code": "90837", "units": 1})
    assert response.status_code == 200
    assert "90837 needs 53 or more face-to-face minutes; this session has 45." in response.content.decode()
    assert lines(session) == []


def test_the_session_page_is_404_for_an_outsider_adding_a_line(client, therapist2, session):
    client.force_login(therapist2)
    response = client.post(reverse("therapy:session_line_add", args=[session.pk]), {"code": "90834", "units": 1})
    assert response.status_code == 404 and lines(session) == []


def test_the_session_pages_queries_do_not_grow_with_its_lines(client, therapist, session):
    client.force_login(therapist)
    url = reverse("therapy:session_detail", args=[session.pk])
    client.get(url)
    add(therapist, session, "90834")
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    add(therapist, session, "90785")
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    assert len(two.captured_queries) == len(one.captured_queries)


# --- API ------------------------------------------------------------------------------------------------


def api(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_issue(user=user)[1]}"})


def test_api_lists_adds_and_deletes_lines(therapist, session):
    browser = api(therapist)
    url = reverse("api:service_lines_list", args=[session.pk])
    created = browser.post(url, {"code": "90834", "modifiers": []}, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["code"] == "90834" and created.json()["units"] == 1
    assert [line["code"] for line in browser.get(url).json()["results"]] == ["90834"]
    detail = browser.get(reverse("api:session_detail", args=[session.pk])).json()
    assert detail["service_lines"] == [{"id": created.json()["id"], "code": "90834", "units": 1, "modifiers": []}]
    deleted = browser.delete(reverse("api:service_line_delete", args=[session.pk, created.json()["id"]]))
    assert deleted.status_code == 204 and lines(session) == []


def test_api_refuses_a_contradicting_line_with_the_rule(therapist, session):
    response = api(therapist).post(
        reverse("api:service_line_create", args=[session.pk]), {"code": "90837"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "90837 needs 53 or more face-to-face minutes; this session has 45." in response.content.decode()
    assert lines(session) == []


def test_api_is_404_for_an_outsider(therapist2, session):
    browser = api(therapist2)
    assert browser.get(reverse("api:service_lines_list", args=[session.pk])).status_code == 404
    response = browser.post(
        reverse("api:service_line_create", args=[session.pk]), {"code": "90834"}, content_type="application/json"
    )
    assert response.status_code == 404 and lines(session) == []


def test_api_session_list_queries_do_not_grow_with_lines(therapist, client_record):
    browser = api(therapist)
    url = reverse("api:sessions_list")
    first = SessionFactory(client=client_record, therapist=therapist, duration_minutes=45)
    add(therapist, first, "90834")
    browser.get(url)
    with CaptureQueriesContext(connection) as few:
        browser.get(url)
    for _ in range(4):
        more = SessionFactory(client=client_record, therapist=therapist, duration_minutes=45)
        add(therapist, more, "90834")
        add(therapist, more, "90785")
    with CaptureQueriesContext(connection) as many:
        assert len(browser.get(url).json()["results"]) == 5
    assert len(many.captured_queries) == len(few.captured_queries)


# --- the service ledger ------------------------------------------------------------------------------------


def ledger(browser, start=None, end=None):
    today = timezone.localdate()
    start = start or (today - dt.timedelta(days=30)).isoformat()
    return browser.get(reverse("therapy:ledger"), {"date_from": start, "date_to": end or today.isoformat()})


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def csv_rows(response) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_ledger_lists_each_line_per_client_formula_safe_and_audited(client, therapist, session, site):
    therapist.first_name, therapist.last_name, therapist.npi = "=HYPERLINK(1)", "Doe", "1234567893"
    therapist.save()
    session.place_of_service = "11"
    session.save()
    add(therapist, session, "90834")
    add(therapist, session, "90785")
    group = GroupFactory(site=site, facilitators=[therapist])
    held = SessionFactory(
        kind="group", client=None, group=group, therapist=therapist, duration_minutes=60, starts_at=days_ago(2)
    )
    add(therapist, held, "90853")
    from artchart.tests.factories import AttendanceFactory

    there = AttendanceFactory(session=held, client=session.client, status="present")
    AttendanceFactory(session=held, status="absent")
    client.force_login(therapist)
    response = ledger(client)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    header, *rows = csv_rows(response)
    assert header[:3] == ["date", "session_id", "client_id"]
    day = timezone.localtime(session.starts_at).date().isoformat()
    mine = [row for row in rows if row[1] == str(session.pk)][0]
    assert mine[:5] == [day, str(session.pk), str(session.client_id), "'=HYPERLINK(1) Doe", "1234567893"]
    assert sorted((r[2], r[6], r[7], r[9]) for r in rows) == sorted(
        [
            (str(session.client_id), "90834", "1", "11"),
            (str(session.client_id), "90785", "1", "11"),
            (str(there.client_id), "90853", "1", ""),
        ]
    )
    event = AuditEvent.objects.get(action="ledger.export")
    assert event.client_id_list == [session.client_id]
    assert event.detail["rows"] == 3


def test_the_ledger_shows_no_one_elses_clients(client, therapist, therapist2, session):
    add(therapist, session, "90834")
    client.force_login(therapist2)
    assert csv_rows(ledger(client))[1:] == []


def test_a_ledger_period_that_ends_before_it_starts_is_refused_and_nothing_is_recorded(client, therapist, session):
    client.force_login(therapist)
    response = ledger(client, "2030-03-10", "2030-03-01")
    assert response.status_code == 400
    assert "The period ends before it starts: swap the days." in response.content.decode()
    assert events("ledger.export") == 0


def test_the_ledgers_queries_do_not_grow_with_its_rows(client, therapist, client_record):
    client.force_login(therapist)
    first = SessionFactory(client=client_record, therapist=therapist, duration_minutes=45, starts_at=days_ago(3))
    add(therapist, first, "90834")
    ledger(client)
    with CaptureQueriesContext(connection) as few:
        ledger(client)
    for day in range(4, 8):
        more = SessionFactory(client=client_record, therapist=therapist, duration_minutes=45, starts_at=days_ago(day))
        add(therapist, more, "90834")
    with CaptureQueriesContext(connection) as many:
        assert len(csv_rows(ledger(client))) == 6
    assert len(many.captured_queries) == len(few.captured_queries)
