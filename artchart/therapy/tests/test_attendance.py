"""Attendance at group sessions: marking members, refusing non-members, the page, and each member's chart."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from artchart.clients.selectors import client_get_for_user
from artchart.core.models import AuditEvent
from artchart.core.services import token_issue
from artchart.tests.factories import (
    AttendanceFactory,
    CareTeamFactory,
    ClientFactory,
    GroupFactory,
    GroupMembershipFactory,
    SessionFactory,
)
from artchart.therapy.models import Attendance
from artchart.therapy.selectors.groups import attendance_of
from artchart.therapy.services import groups as services

pytestmark = pytest.mark.django_db

JAN_5 = dt.date(2026, 1, 5)


@pytest.fixture
def group(site, therapist):
    return GroupFactory(site=site, name="Open studio", facilitators=[therapist])


@pytest.fixture
def members(group, therapist, client_record, site):
    """Maya and three more of the therapist's clients, members since 5 January."""
    people = [client_record]
    for first, last in (("Noor", "Haddad"), ("Ben", "Okoro"), ("Ana", "Reyes")):
        person = ClientFactory(site=site, legal_first_name=first, legal_last_name=last)
        CareTeamFactory(client=person, user=therapist, role="primary")
        people.append(person)
    for person in people:
        GroupMembershipFactory(group=group, client=person, joined_on=JAN_5)
    return people


@pytest.fixture
def session(group, therapist):
    return SessionFactory(
        kind="group",
        client=None,
        group=group,
        therapist=therapist,
        starts_at=timezone.make_aware(dt.datetime(2026, 3, 3, 15)),
    )


def test_therapist_marks_four_members_in_one_audited_event(therapist, session, members):
    marks = dict(zip([m.pk for m in members], ["present", "late", "left_early", "absent"], strict=True))
    saved = services.attendance_record(by=therapist, session=session, marks=marks)
    assert {a.client_id: a.status for a in saved} == marks
    assert Attendance.objects.filter(session=session).count() == 4
    event = AuditEvent.objects.get(action="attendance.record")
    assert event.client_id_list == sorted(marks) and event.object_id == str(session.pk)
    assert event.detail == {"group": session.group_id, "marked": 4}


def test_marking_again_changes_the_marks_in_place(therapist, session, members):
    maya = members[0]
    services.attendance_record(by=therapist, session=session, marks={maya.pk: "absent"})
    services.attendance_record(by=therapist, session=session, marks={maya.pk: "excused"})
    assert list(Attendance.objects.values_list("client_id", "status")) == [(maya.pk, "excused")]


def test_a_client_who_was_not_a_member_that_day_refuses_the_whole_request(therapist, session, members, group, site):
    late_joiner = ClientFactory(site=site, legal_first_name="Eli", legal_last_name="Park")
    CareTeamFactory(client=late_joiner, user=therapist, role="primary")
    GroupMembershipFactory(group=group, client=late_joiner, joined_on=dt.date(2026, 3, 10))
    left = members[1]
    left_membership = group.memberships.get(client=left)
    left_membership.left_on = dt.date(2026, 3, 1)
    left_membership.save()
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(
            by=therapist,
            session=session,
            marks={members[0].pk: "present", late_joiner.pk: "present", left.pk: "present"},
        )
    day = "3 March 2026"
    assert exc.value.messages == [
        services.NOT_A_MEMBER_ON.format(name="Noor Haddad", group="Open studio", day=day),
        services.NOT_A_MEMBER_ON.format(name="Eli Park", group="Open studio", day=day),
    ]
    assert "Eli Park was not a member of Open studio on 3 March 2026; nothing was recorded." in exc.value.messages
    assert not Attendance.objects.exists() and not AuditEvent.objects.filter(action="attendance.record").exists()


def test_an_unknown_mark_and_a_non_group_session_are_refused(therapist, session, members, client_record):
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(by=therapist, session=session, marks={client_record.pk: "asleep"})
    assert exc.value.messages == [services.UNKNOWN_MARK.format(mark="asleep")]
    individual = SessionFactory(client=client_record, therapist=therapist)
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(by=therapist, session=individual, marks={client_record.pk: "present"})
    assert exc.value.messages == [services.NOT_A_GROUP_SESSION]
    assert not Attendance.objects.exists()


def test_cancelled_and_future_sessions_take_no_attendance(therapist, group, members):
    cancelled = SessionFactory(kind="group", client=None, group=group, therapist=therapist, status="cancelled")
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(by=therapist, session=cancelled, marks={members[0].pk: "present"})
    assert exc.value.messages == [services.SESSION_CANCELLED]
    later = SessionFactory(
        kind="group",
        client=None,
        group=group,
        therapist=therapist,
        status="scheduled",
        starts_at=timezone.now() + dt.timedelta(days=2),
    )
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(by=therapist, session=later, marks={members[0].pk: "present"})
    assert exc.value.messages == [
        services.SESSION_NOT_STARTED.format(day=f"{timezone.localdate(later.starts_at):%-d %B %Y}")
    ]
    assert not Attendance.objects.exists()
    today = SessionFactory(
        kind="group", client=None, group=group, therapist=therapist, status="scheduled", starts_at=timezone.now()
    )
    services.attendance_record(by=therapist, session=today, marks={members[0].pk: "present"})


def test_only_managers_who_write_the_members_notes_mark_them(session, members, therapist2, intern, supervisor):
    maya = members[0]
    with pytest.raises(PermissionDenied):  # the intern is on Maya's team but does not facilitate this group
        services.attendance_record(by=intern, session=session, marks={maya.pk: "present"})
    from django.http import Http404

    with pytest.raises(Http404):  # therapist2 may manage groups but is not on Maya's team
        services.attendance_record(by=therapist2, session=session, marks={maya.pk: "present"})
    with pytest.raises(PermissionDenied):  # the supervisor reads Maya's notes but does not write them
        services.attendance_record(by=supervisor, session=session, marks={maya.pk: "present"})
    assert not Attendance.objects.exists()


# --- the page -----------------------------------------------------------------------------------


def test_attendance_page_has_a_radio_row_per_member_prefilled_with_the_marks(client, therapist, session, members):
    AttendanceFactory(session=session, client=members[0], status="late", recorded_by=therapist)
    client.force_login(therapist)
    url = reverse("therapy:group_attendance", args=[session.pk])
    page = client.get(url).content.decode()
    for person in members:
        assert f"<legend>{person.display_name}" in page
        assert f'name="mark-{person.pk}" value="present"' in page
    assert f'name="mark-{members[0].pk}" value="late" checked' in page
    response = client.post(url, {f"mark-{m.pk}": "present" for m in members[:3]})
    assert response.status_code == 302
    assert dict(Attendance.objects.values_list("client_id", "status")) == {m.pk: "present" for m in members[:3]}
    detail = client.get(reverse("therapy:group_detail", args=[session.group_id])).content.decode()
    assert "3 present of 3 marked" in detail


def test_attendance_page_refusal_keeps_the_choices_and_records_nothing(client, therapist, session, members):
    client.force_login(therapist)
    url = reverse("therapy:group_attendance", args=[session.pk])
    response = client.post(url, {f"mark-{members[0].pk}": "asleep", f"mark-{members[1].pk}": "present"})
    page = response.content.decode()
    assert response.status_code == 200 and "Nothing was recorded." in page
    assert escape(services.UNKNOWN_MARK.format(mark="asleep")) in page
    assert f'name="mark-{members[1].pk}" value="present" checked' in page
    assert not Attendance.objects.exists()


def test_attendance_page_names_only_members_the_user_may_see(client, therapist2, session, members, group, site):
    theirs = ClientFactory(site=site, legal_first_name="Omar", legal_last_name="Said")
    CareTeamFactory(client=theirs, user=therapist2, role="primary")
    GroupMembershipFactory(group=group, client=theirs, joined_on=JAN_5)
    client.force_login(therapist2)
    page = client.get(reverse("therapy:group_attendance", args=[session.pk])).content.decode()
    assert "Omar Said" in page and "Maya Lopez" not in page and "4 other members" in page


def test_attendance_page_query_count_does_not_grow_with_members(client, therapist, session, group, site):
    def add(n):
        for _ in range(n):
            person = ClientFactory(site=site)
            CareTeamFactory(client=person, user=therapist, role="primary")
            GroupMembershipFactory(group=group, client=person, joined_on=JAN_5)
            AttendanceFactory(session=session, client=person, recorded_by=therapist)

    client.force_login(therapist)
    url = reverse("therapy:group_attendance", args=[session.pk])
    add(1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(8)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_api_records_and_reads_attendance(therapist, session, members, client_record):
    browser = Browser(headers={"Authorization": f"Bearer {token_issue(user=therapist)[1]}"})
    url = reverse("api:session_attendance_record", kwargs={"session_id": session.pk})
    response = browser.post(
        url, json.dumps({"marks": {str(client_record.pk): "excused"}}), content_type="application/json"
    )
    assert response.status_code == 200
    body = browser.get(reverse("api:session_attendance", kwargs={"session_id": session.pk})).json()
    assert {m["client"]: m["status"] for m in body["marks"]}[client_record.pk] == "excused"
    assert len(body["marks"]) == 4 and body["other_members"] == 0
    response = browser.post(
        url, json.dumps({"marks": {str(client_record.pk): "asleep"}}), content_type="application/json"
    )
    assert response.status_code == 400


# --- the member's chart -------------------------------------------------------------------------


def test_a_members_chart_shows_their_attendance_newest_first(rf, therapist, group, members, client_record):
    older = SessionFactory(
        kind="group",
        client=None,
        group=group,
        therapist=therapist,
        starts_at=timezone.make_aware(dt.datetime(2026, 2, 3, 15)),
    )
    newer = SessionFactory(
        kind="group",
        client=None,
        group=group,
        therapist=therapist,
        starts_at=timezone.make_aware(dt.datetime(2026, 2, 10, 15)),
    )
    AttendanceFactory(session=older, client=client_record, status="present", recorded_by=therapist)
    AttendanceFactory(session=newer, client=client_record, status="absent", recorded_by=therapist)
    access = client_get_for_user(therapist, client_record.pk)
    assert [a.session for a in attendance_of(access)] == [newer, older]
    html = _chart_card(access, "therapy/groups/_chart_attendance.html")
    assert "Group attendance" in html and "Attended 1 of 2" in html
    assert html.index("Absent") < html.index("Present") and "Open studio" in html


def test_a_viewer_does_not_see_attendance_in_the_chart(teamviewer, group, members, client_record, therapist):
    session = SessionFactory(kind="group", client=None, group=group, therapist=therapist)
    AttendanceFactory(session=session, client=client_record, recorded_by=therapist)
    access = client_get_for_user(teamviewer, client_record.pk)
    assert list(attendance_of(access)) == []
    assert _chart_card(access, "therapy/groups/_chart_attendance.html") == ""


def test_chart_attendance_costs_the_same_queries_however_many_sessions(therapist, group, members, client_record):
    access = client_get_for_user(therapist, client_record.pk)

    def add(n):
        for _ in range(n):
            session = SessionFactory(kind="group", client=None, group=group, therapist=therapist)
            AttendanceFactory(session=session, client=client_record, recorded_by=therapist)

    add(1)
    with CaptureQueriesContext(connection) as few:
        _chart_card(access, "therapy/groups/_chart_attendance.html")
    add(10)
    with CaptureQueriesContext(connection) as many:
        _chart_card(access, "therapy/groups/_chart_attendance.html")
    assert len(many) == len(few)


def test_an_intern_who_facilitates_marks_the_members_on_their_team(client, intern, group, session, members):
    group.facilitators.add(intern)
    client.force_login(intern)
    url = reverse("therapy:group_attendance", args=[session.pk])
    page = client.get(url).content.decode()
    # Maya is on the intern's team; the three others are the therapist's only, so counted, not named
    assert "<legend>Maya Lopez" in page and "Noor Haddad" not in page and "3 other members" in page
    assert client.post(url, {f"mark-{members[0].pk}": "present"}).status_code == 302
    assert list(Attendance.objects.values_list("client_id", "recorded_by")) == [(members[0].pk, intern.pk)]


def _chart_card(access, template: str) -> str:
    """The chart card drawn from ``template`` (see artchart/core/panel_registry.py), or "" if not shown."""
    from django.template.loader import render_to_string

    from artchart.core.panel_registry import chart_panels

    return "".join(render_to_string(p.template, p.context) for p in chart_panels(access) if p.template == template)
