"""The hours log: logging, refusals with nothing written, confirming and returning, sessions
as direct hours, the pages and the API, audit, and query counts."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from artchart.core.access import Conflict
from artchart.core.models import AuditEvent
from artchart.core.services import token_issue
from artchart.supervision import services
from artchart.supervision.models import HOURS_IN_FUTURE, HOURS_NONE, HoursEntry, HoursStatus
from artchart.supervision.selectors import proposals_from_sessions, week_start
from artchart.tests.factories import NoteFactory, SessionFactory, SupervisionLinkFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _log(intern, supervisor, day=None, direct="3", individual="1", group="0", by=None, **extra):
    return services.hours_log(
        by=by or intern,
        supervisee=intern,
        date=day or TODAY() - dt.timedelta(days=1),
        direct_hours=D(direct),
        individual_hours=D(individual),
        group_hours=D(group),
        supervisor=supervisor,
        supervisor_credential=extra.pop("supervisor_credential", "ATR-BC"),
        setting=extra.pop("setting", "Riverbend Studio"),
        **extra,
    )


def _codes(exc) -> set[str]:
    if isinstance(exc, PermissionDenied):
        return {exc.args[0].code}
    return (
        {getattr(e.message, "code", None) for e in exc.error_list}
        if not hasattr(exc, "error_dict")
        else {getattr(e.message, "code", None) for errors in exc.error_dict.values() for e in errors}
    )


def test_logging_keeps_the_standards_and_is_audited(intern, supervisor):
    entry = _log(intern, supervisor, day=dt.date(2025, 12, 31))
    later = _log(intern, supervisor, day=dt.date(2026, 1, 2))
    assert (entry.status, entry.standards, later.standards) == (HoursStatus.ENTERED, "before-2026", "2026")
    event = AuditEvent.objects.filter(action="hours.log").latest("seq")
    assert (event.actor_id, event.object_id) == (intern.pk, str(later.pk))
    assert event.client_ids == ""


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"day": "future"}, HOURS_IN_FUTURE.code),
        ({"direct": "-1"}, None),
        ({"direct": "25"}, None),
        ({"direct": "20", "individual": "5"}, "hours_over_a_day"),
        ({"direct": "0", "individual": "0"}, HOURS_NONE.code),
        ({"supervisor": "therapist"}, "hours_not_your_supervisor"),
    ],
)
def test_bad_hours_are_refused_and_nothing_is_written(intern, supervisor, therapist, change, code):
    before = (HoursEntry.objects.count(), AuditEvent.objects.count())
    day = TODAY() + dt.timedelta(days=1) if change.pop("day", None) else None
    who = therapist if change.pop("supervisor", None) else supervisor
    with pytest.raises(ValidationError) as refused:
        _log(intern, who, day=day, **change)
    if code:
        assert code in _codes(refused.value)
    assert (HoursEntry.objects.count(), AuditEvent.objects.count()) == before


def test_the_same_hours_twice_and_a_day_past_24_hours_are_refused(intern, supervisor):
    day = TODAY() - dt.timedelta(days=2)
    _log(intern, supervisor, day=day, direct="6", individual="2")
    before = HoursEntry.objects.count()
    with pytest.raises(ValidationError) as duplicate:
        _log(intern, supervisor, day=day, direct="6", individual="2")
    assert _codes(duplicate.value) == {"hours_duplicate"}
    with pytest.raises(ValidationError) as full:
        _log(intern, supervisor, day=day, direct="16", individual="1")
    assert _codes(full.value) == {"hours_day_full"}
    assert HoursEntry.objects.count() == before
    # A returned entry no longer holds the day: the corrected hours may be logged again.
    first = HoursEntry.objects.get()
    services.hours_return(by=supervisor, entry=first, reason="Two sites that day?")
    assert _log(intern, supervisor, day=day, direct="6", individual="2").pk


def test_no_one_logs_in_anothers_log(intern, supervisor, therapist):
    for person in (supervisor, therapist):
        with pytest.raises(PermissionDenied) as refused:
            _log(intern, supervisor, by=person)
        assert _codes(refused.value) == {"hours_not_your_log"}
    assert not HoursEntry.objects.exists()


def test_the_supervisor_confirms_and_no_one_confirms_their_own_hours(intern, supervisor, therapist2, org):
    entry = _log(intern, supervisor)
    for person, code in ((intern, "hours_own"), (therapist2, "hours_not_the_supervisor")):
        with pytest.raises(PermissionDenied) as refused:
            services.hours_confirm(by=person, entry=entry)
        assert _codes(refused.value) == {code}
    entry.refresh_from_db()
    assert entry.status == HoursStatus.ENTERED
    # A therapist who is both supervised and supervising: their own hours wait for their own supervisor.
    SupervisionLinkFactory(supervisor=supervisor, supervisee=therapist2)
    other = _log(therapist2, supervisor)
    with pytest.raises(PermissionDenied):
        services.hours_confirm(by=therapist2, entry=other)
    confirmed = services.hours_confirm(by=supervisor, entry=entry)
    assert confirmed.status == HoursStatus.CONFIRMED and confirmed.decided_at
    assert AuditEvent.objects.filter(action="hours.confirm", actor=supervisor, object_id=str(entry.pk)).exists()
    with pytest.raises(Conflict):
        services.hours_confirm(by=supervisor, entry=entry)
    with pytest.raises(Conflict):
        services.hours_update(by=intern, entry=entry, direct_hours=D(2))


def test_a_return_needs_a_reason_and_the_correction_waits_again(intern, supervisor):
    entry = _log(intern, supervisor)
    with pytest.raises(ValidationError):
        services.hours_return(by=supervisor, entry=entry, reason="  ")
    returned = services.hours_return(by=supervisor, entry=entry, reason="Group, not individual.")
    assert (returned.status, returned.return_reason) == (HoursStatus.RETURNED, "Group, not individual.")
    corrected = services.hours_update(by=intern, entry=returned, individual_hours=D(0), group_hours=D(1))
    assert (corrected.status, corrected.return_reason, corrected.group_hours) == (HoursStatus.ENTERED, "", D(1))
    event = AuditEvent.objects.filter(action="hours.update").latest("seq")
    assert "group_hours" in event.detail["fields"] and "status" in event.detail["fields"]


def test_a_week_is_logged_whole_or_not_at_all(intern, supervisor):
    monday = week_start(TODAY()) - dt.timedelta(days=7)
    days = [services.DayHours(monday + dt.timedelta(days=i), D(4), D(1) if i == 2 else D(0)) for i in range(5)]
    entries = services.week_log(
        by=intern, supervisee=intern, days=days, supervisor=supervisor, supervisor_credential="ATR-BC"
    )
    assert len(entries) == 5
    again = [services.DayHours(monday + dt.timedelta(days=5), D(2)), days[0]]
    with pytest.raises(ValidationError) as refused:
        services.week_log(
            by=intern, supervisee=intern, days=again, supervisor=supervisor, supervisor_credential="ATR-BC"
        )
    assert _codes(refused.value) == {"hours_on_day"}
    assert HoursEntry.objects.count() == 5
    with pytest.raises(ValidationError):
        services.week_log(
            by=intern,
            supervisee=intern,
            days=[services.DayHours(monday)],
            supervisor=supervisor,
            supervisor_credential="ATR-BC",
        )


def test_documented_sessions_fill_the_direct_hours_once(intern, supervisor, client_record):
    monday = week_start(TODAY()) - dt.timedelta(days=7)
    at = timezone.make_aware(dt.datetime.combine(monday + dt.timedelta(days=1), dt.time(10)))
    for offset, status in ((0, "signed"), (2, "submitted"), (4, "draft")):
        session = SessionFactory(
            client=client_record,
            therapist=intern,
            site=client_record.site,
            starts_at=at + dt.timedelta(hours=offset),
            duration_minutes=45,
        )
        NoteFactory(session=session, author=intern, status=status)
    proposed = proposals_from_sessions(intern, monday)
    assert [(p.date, p.minutes, p.hours) for p in proposed] == [(monday + dt.timedelta(days=1), 90, D("1.50"))]
    entries = services.hours_from_sessions(
        by=intern, supervisee=intern, week=monday, supervisor=supervisor, supervisor_credential="ATR-BC"
    )
    assert [(e.direct_hours, len(e.from_sessions)) for e in entries] == [(D("1.50"), 2)]
    assert proposals_from_sessions(intern, monday) == []
    with pytest.raises(ValidationError):
        services.hours_from_sessions(
            by=intern, supervisee=intern, week=monday, supervisor=supervisor, supervisor_credential="ATR-BC"
        )
    services.hours_confirm(by=supervisor, entry=entries[0])


# --- pages ---------------------------------------------------------------------------


def test_the_intern_logs_a_week_on_the_page_and_progress_moves(client, intern, supervisor):
    monday = week_start(TODAY()) - dt.timedelta(days=7)
    client.force_login(intern)
    url = reverse("supervision:log", args=[intern.pk]) + f"?week={monday.isoformat()}"
    page = client.get(url)
    assert page.status_code == 200 and b"Log this week" in page.content
    data = {"supervisor": supervisor.pk, "supervisor_credential": "ATR-BC", "setting": "School"}
    data |= {f"d{i}_direct": "5" for i in range(5)} | {"d0_individual": "1", "d3_group": "1.5"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert HoursEntry.objects.filter(supervisee=intern, status=HoursStatus.ENTERED).count() == 5
    client.force_login(supervisor)
    waiting = client.get(reverse("supervision:supervisees"))
    assert waiting.content.count(b">Confirm<") == 5
    for entry in HoursEntry.objects.all():
        assert client.post(reverse("supervision:entry_confirm", args=[entry.pk])).status_code == 302
    progress = client.get(reverse("supervision:progress", args=[intern.pk]))
    assert progress.status_code == 200
    assert b"<td>25 h</td>" in progress.content and b"<td>2.50 h</td>" in progress.content
    printed = client.get(reverse("supervision:print", args=[intern.pk]))
    assert b"Post-graduate hours log" in printed.content and printed.content.count(b"<tr><td>") == 5


def test_a_refused_week_shows_the_message_and_writes_nothing(client, intern, supervisor):
    client.force_login(intern)
    url = reverse("supervision:log", args=[intern.pk])
    response = client.post(
        url,
        {"supervisor": supervisor.pk, "supervisor_credential": "ATR-BC", "d0_direct": "20", "d0_individual": "6"},
    )
    assert response.status_code == 200
    assert b"24 hours" in response.content and not HoursEntry.objects.exists()


def test_the_return_page_and_the_supervisee_correcting(client, intern, supervisor):
    entry = _log(intern, supervisor)
    client.force_login(supervisor)
    url = reverse("supervision:entry_return", args=[entry.pk])
    assert client.post(url, {"reason": ""}).status_code == 200
    assert client.post(url, {"reason": "Which site?"}).status_code == 302
    client.force_login(intern)
    log = client.get(reverse("supervision:log", args=[intern.pk]) + f"?week={entry.date.isoformat()}")
    assert b"Which site?" in log.content and b"Correct" in log.content
    edit = reverse("supervision:entry_edit", args=[entry.pk])
    form = {
        "date": entry.date.isoformat(),
        "direct_hours": "3",
        "individual_hours": "1",
        "group_hours": "0",
        "supervisor": supervisor.pk,
        "supervisor_credential": "ATR-BC",
        "setting": "Northside school",
        "notes": "",
    }
    assert client.post(edit, form).status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.setting) == (HoursStatus.ENTERED, "Northside school")


def test_outsiders_and_other_interns_get_404(client, intern, supervisor, therapist, org):
    entry = _log(intern, supervisor)
    other_intern = UserFactory(organization=org, role="intern", username="intern2")
    for person in (therapist, other_intern):
        client.force_login(person)
        for url in (
            reverse("supervision:log", args=[intern.pk]),
            reverse("supervision:progress", args=[intern.pk]),
            reverse("supervision:print", args=[intern.pk]),
            reverse("supervision:entry_edit", args=[entry.pk]),
            reverse("supervision:entry_return", args=[entry.pk]),
        ):
            assert client.get(url).status_code == 404, (person, url)
        assert client.post(reverse("supervision:entry_confirm", args=[entry.pk])).status_code == 404
    entry.refresh_from_db()
    assert entry.status == HoursStatus.ENTERED


def test_the_supervisor_cannot_write_in_the_log_by_posting(client, intern, supervisor):
    client.force_login(supervisor)
    url = reverse("supervision:log", args=[intern.pk])
    response = client.post(url, {"supervisor": supervisor.pk, "supervisor_credential": "ATR-BC", "d0_direct": "2"})
    assert response.status_code == 403 and not HoursEntry.objects.exists()


def test_page_queries_do_not_grow_with_entries_or_supervisees(client, intern, supervisor, org):
    def counted(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    client.force_login(supervisor)
    pages = [
        reverse("supervision:supervisees"),
        reverse("supervision:log", args=[intern.pk]),
        reverse("supervision:progress", args=[intern.pk]),
        reverse("supervision:print", args=[intern.pk]),
    ]
    _log(intern, supervisor, day=TODAY() - dt.timedelta(days=1))
    before = [counted(url) for url in pages]
    for offset in range(2, 6):
        _log(intern, supervisor, day=TODAY() - dt.timedelta(days=offset))
    for n in range(3):
        other = UserFactory(organization=org, role="intern", username=f"more{n}")
        SupervisionLinkFactory(supervisor=supervisor, supervisee=other)
        _log(other, supervisor)
    assert [counted(url) for url in pages] == before


# --- API -----------------------------------------------------------------------------


def _api(client, person, method, path, payload=None, **params):
    headers = {"Authorization": f"Bearer {token_issue(user=person)[1]}"}
    send = getattr(client, method)
    if payload is None:
        return send(path, params, headers=headers)
    return send(path, json.dumps(payload), content_type="application/json", headers=headers)


def test_api_log_confirm_return_and_progress(client, intern, supervisor, therapist):
    day = (TODAY() - dt.timedelta(days=1)).isoformat()
    payload = {"date": day, "direct_hours": "4", "individual_hours": "1", "supervisor": supervisor.pk}
    payload["supervisor_credential"] = "ATR-BC"
    made = _api(client, intern, "post", "/api/v1/hours", payload)
    assert made.status_code == 201, made.content
    entry_id = made.json()["id"]
    again = _api(client, intern, "post", "/api/v1/hours", payload)
    assert (again.status_code, again.json()["code"]) == (400, "hours_duplicate")
    future = _api(client, intern, "post", "/api/v1/hours", {**payload, "date": "2100-01-01"})
    assert future.status_code == 400
    own = _api(client, intern, "post", f"/api/v1/hours/{entry_id}/confirm", {})
    assert (own.status_code, own.json()["code"]) == (403, "hours_own")
    assert _api(client, therapist, "post", f"/api/v1/hours/{entry_id}/confirm", {}).status_code == 404
    listed = _api(client, supervisor, "get", "/api/v1/hours", supervisee=intern.pk).json()
    assert listed["count"] == 1 and listed["results"][0]["status"] == "entered"
    assert _api(client, therapist, "get", "/api/v1/hours", supervisee=intern.pk).status_code == 404
    confirmed = _api(client, supervisor, "post", f"/api/v1/hours/{entry_id}/confirm", {})
    assert confirmed.json()["status"] == "confirmed"
    progress = _api(client, intern, "get", "/api/v1/hours/progress").json()
    atr_p = progress["credentials"][0]
    assert (atr_p["credential"], D(atr_p["direct"]), D(atr_p["board_certified"])) == ("ATR-P", D(4), D(1))
    second = _api(client, intern, "post", "/api/v1/hours", {**payload, "direct_hours": "2", "individual_hours": "0"})
    returned = _api(client, supervisor, "post", f"/api/v1/hours/{second.json()['id']}/return", {"reason": "Date?"})
    assert (returned.json()["status"], returned.json()["return_reason"]) == ("returned", "Date?")


def test_the_dashboard_shows_hours_waiting_and_hours_returned(client, intern, supervisor):
    entry = _log(intern, supervisor)
    client.force_login(supervisor)
    assert b"Hours waiting for your confirmation" in client.get(reverse("dashboard")).content
    services.hours_return(by=supervisor, entry=entry, reason="Which site was this?")
    assert b"Hours waiting for your confirmation" not in client.get(reverse("dashboard")).content
    client.force_login(intern)
    page = client.get(reverse("dashboard")).content
    assert b"Hours returned to you" in page and b"Which site was this?" in page
