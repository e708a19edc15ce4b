"""A clinical day tried as a new user would, through the pages only.

A therapist starts a group from the nav, adds four members, books a weekly series from the group
page, marks attendance, writes and signs the notes of those present in the batch screen and adds an
addendum; an intern's note is returned with a comment, fixed and co-signed; another therapist gets
404 for the members' charts, the notes and the sessions. Only people and clients are arranged with
factories; everything else is clicked and typed.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from artchart.plans.models import TreatmentPlan
from artchart.tests.factories import CareTeamFactory, ClientFactory
from artchart.therapy.models import Attendance, Note, NoteStatus, Session

pytestmark = pytest.mark.browser


def _earlier_today() -> tuple[str, str, str]:
    """(day, start, end) of a 50-minute slot that began at least an hour ago, today in the server's zone."""
    now = timezone.localtime()
    hour = min(max(now.hour - 2, 0), 22)
    return now.date().isoformat(), f"{hour:02d}:00", f"{hour:02d}:50"


def _switch(page, sign_in, user):
    page.context.clear_cookies()
    sign_in(page, user)


def _status(page, path: str) -> int:
    return page.goto(path).status


def _no_blocking(axe, page, label: str) -> None:
    violations = axe(page, label)
    assert not violations.blocking, violations.describe(violations.blocking)


def test_therapist_runs_a_weekly_group_and_signs_the_notes_of_those_present(
    page, sign_in, shoot, axe, page_watch, therapist, therapist2, outsider, client_record
):
    page.on("dialog", lambda dialog: dialog.accept())
    members = [client_record] + [
        ClientFactory(site=client_record.site, legal_first_name=first, legal_last_name="Ito")
        for first in ("Ben", "Cara", "Dev")
    ]
    for member in members[1:]:
        CareTeamFactory(client=member, user=therapist, role="primary")
    day, start, end = _earlier_today()
    sign_in(page, therapist)

    # Start the group from the nav.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Groups").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Groups")
    shoot(page, "01-groups-empty")
    page.get_by_role("link", name="Start a group").click()
    page.get_by_label("Name").fill("Thursday studio")
    page.get_by_label("Site").select_option(label=client_record.site.name)
    expect(page.get_by_label("Tess Rivera")).to_be_checked()
    shoot(page, "02-group-form")
    _no_blocking(axe, page, "group form")
    with page.expect_navigation():
        page.get_by_role("button", name="Start the group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thursday studio")
    expect(page.get_by_text("No members yet.")).to_be_visible()
    shoot(page, "03-group-new")

    # Four members, one by one.
    for member in members:
        page.get_by_role("link", name="Add a member").click()
        page.get_by_label("Client").select_option(label=member.display_name)
        with page.expect_navigation():
            page.get_by_role("button", name="Add", exact=True).click()
        expect(page.get_by_role("region", name="Members")).to_contain_text(member.display_name)
    shoot(page, "04-group-members")
    _no_blocking(axe, page, "group detail")

    # A weekly series from the group page, its first session earlier today.
    page.get_by_role("link", name="Schedule a session").click()
    page.get_by_role("textbox", name=re.compile(r"^Day")).fill(day)
    page.get_by_role("textbox", name=re.compile(r"^Start")).fill(start)
    page.get_by_role("textbox", name=re.compile(r"^End")).fill(end)
    page.get_by_label("How often").select_option(label="Weekly")
    page.get_by_label("After a number of sessions").check()
    page.get_by_role("spinbutton", name="Number of sessions").fill("6")
    shoot(page, "05-group-session-form")
    _no_blocking(axe, page, "group session form")
    with page.expect_navigation():
        page.get_by_role("button", name="Book").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Group session: Thursday studio")
    expect(page.get_by_text("part of a weekly series")).to_be_visible()
    group_session = Session.objects.filter(group__name="Thursday studio").order_by("starts_at").first()
    assert Session.objects.filter(series=group_session.series).count() == 6
    shoot(page, "06-group-session")
    _no_blocking(axe, page, "group session detail")

    # Attendance: the session page does not link to it, so back through Groups to the group's past sessions.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Groups").click()
    page.get_by_role("link", name="Thursday studio").click()
    page.get_by_role("region", name="Past sessions").get_by_role("link", name="Not marked").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance")
    for member, mark in zip(members, ("Present", "Present", "Present", "Absent"), strict=True):
        page.get_by_role("group", name=member.display_name).get_by_label(mark, exact=True).check()
    shoot(page, "07-attendance")
    _no_blocking(axe, page, "attendance")
    with page.expect_navigation():
        page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance is recorded.")).to_be_visible()
    assert Attendance.objects.filter(session=group_session, status="present").count() == 3

    # Mark the session completed (from the schedule, the only way to its page), then the dashboard
    # lists it among completed sessions with no signed note and leads to the batch screen.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Schedule").click()
    shoot(page, "08-schedule")
    _no_blocking(axe, page, "schedule")
    page.get_by_role("link", name="Thursday studio").first.click()
    with page.expect_navigation():
        page.get_by_role("button", name="Mark completed").click()
    expect(page.get_by_text("The session is marked completed.")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    shoot(page, "09-dashboard-unsigned")
    page.get_by_role("region", name="Completed sessions with no signed note").get_by_role(
        "link", name=re.compile("Thursday studio")
    ).click()

    # The batch screen: the shared group part once, each present member's own part.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Notes of Thursday studio")
    expect(page.get_by_role("heading", name="Not at this session")).to_be_visible()
    page.get_by_label("Group session (shared)").fill("Warm-up scribble, then one mural together.")
    for member in members[:3]:
        box = page.get_by_role("group", name=re.compile(member.display_name))
        box.get_by_label("Subjective").fill(f"{member.legal_first_name} chose the colours.")
        box.get_by_label("Assessment").fill("Engaged with peers.")
    shoot(page, "10-batch")
    _no_blocking(axe, page, "batch")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign all").click()
    notes = Note.objects.filter(session=group_session)
    assert notes.count() == 3 and {n.status for n in notes} == {NoteStatus.SIGNED}
    assert not notes.filter(client=members[3]).exists()
    shoot(page, "11-batch-signed")

    # An addendum to one of the signed notes, opened from the batch screen.
    # Three links all named "Open": the row (a <p>) tells them apart.
    page.locator("form.note-batch p", has_text=members[1].display_name).get_by_role("link", name="Open").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Signed")
    shoot(page, "12-group-note-signed")
    _no_blocking(axe, page, "signed note")
    page.get_by_role("link", name="Add an addendum").click()
    page.get_by_label("Addendum").fill("Ben's mother called: the mural's boat is their grandfather's.")
    shoot(page, "13-addendum-form")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign and add").click()
    expect(page.get_by_role("region", name="Addenda")).to_contain_text("grandfather's")
    shoot(page, "14-addendum-added")
    ben_note = notes.get(client=members[1])

    # Another therapist of the organization, and one outside it: none of it is theirs.
    page_watch.allow(r"status of 404")
    for stranger in (therapist2, outsider):
        _switch(page, sign_in, stranger)
        for member in members:
            assert _status(page, f"/clients/{member.pk}/") == 404, member.display_name
        assert _status(page, f"/clients/{members[1].pk}/notes/{ben_note.pk}/") == 404
        assert _status(page, f"/clients/{members[1].pk}/notes/") == 404
        # A group is its facilitators' and its members' care teams': to anyone else it does not exist,
        # nor do its session, batch screen and attendance.
        for path in (
            f"/groups/{group_session.group_id}/",
            f"/sessions/{group_session.pk}/",
            f"/sessions/{group_session.pk}/notes/",
            f"/sessions/{group_session.pk}/attendance/",
        ):
            assert _status(page, path) == 404, path


def test_intern_note_is_returned_fixed_resubmitted_and_cosigned(
    page, sign_in, shoot, axe, page_watch, intern, supervisor, therapist2, client_record
):
    page.on("dialog", lambda dialog: dialog.accept())
    day, start, end = _earlier_today()
    sign_in(page, intern)

    # The intern books the session from the chart, then writes the note from the chart's notes.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()
    page.get_by_role("link", name=client_record.display_name).first.click()
    page.get_by_role("link", name="Schedule a session").click()
    page.get_by_role("textbox", name=re.compile(r"^Day")).fill(day)
    page.get_by_role("textbox", name=re.compile(r"^Start")).fill(start)
    page.get_by_role("textbox", name=re.compile(r"^End")).fill(end)
    with page.expect_navigation():
        page.get_by_role("button", name="Book").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Individual session with Maya Lopez")
    session = Session.objects.get(client=client_record)
    shoot(page, "01-session")
    page.get_by_role("link", name="Maya Lopez", exact=True).click()
    page.get_by_role("link", name="All notes").click()
    # "Write a note" opens the editor for the session just held: no page asks what is known.
    page.get_by_role("link", name="Write a note").click()
    shoot(page, "02-note-create")
    _no_blocking(axe, page, "note create")
    page.get_by_label("Subjective").fill("Quiet; said school was fine.")
    page.get_by_label("Objective").fill("Drew a house with pencil, then stopped.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the draft").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Submit for co-signature").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Waiting for co-signature")
    note = Note.objects.get(session=session)
    shoot(page, "03-submitted")

    # The supervisor finds it on the dashboard and returns it with a comment.
    _switch(page, sign_in, supervisor)
    shoot(page, "04-supervisor-dashboard")
    page.get_by_role("region", name="Notes waiting for your co-signature").get_by_role(
        "link", name=re.compile("Maya Lopez")
    ).click()
    page.get_by_role("link", name="Return with comments").click()
    page.get_by_label("What needs changing").fill("Describe the artwork itself.")
    page.get_by_label("Beside “Assessment”").fill("Add your assessment of the drawing.")
    shoot(page, "05-return-form")
    _no_blocking(axe, page, "return form")
    with page.expect_navigation():
        page.get_by_role("button", name="Return to the intern").click()
    note.refresh_from_db()
    assert note.status == NoteStatus.DRAFT

    # The intern sees the comment beside the field, fixes the note and submits it again.
    _switch(page, sign_in, intern)
    shoot(page, "06-intern-dashboard")
    page.get_by_role("region", name="Notes returned to you with comments").get_by_role(
        "link", name=re.compile("Maya Lopez")
    ).click()
    expect(page.get_by_text("Describe the artwork itself.")).to_be_visible()
    expect(page.get_by_text("Add your assessment of the drawing.")).to_be_visible()
    shoot(page, "07-returned-edit")
    _no_blocking(axe, page, "returned note edit")
    page.get_by_label("Assessment").fill("A house with no door: feels shut out at school.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the draft").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Submit for co-signature").click()

    # The supervisor co-signs.
    _switch(page, sign_in, supervisor)
    page.get_by_role("region", name="Notes waiting for your co-signature").get_by_role(
        "link", name=re.compile("Maya Lopez")
    ).click()
    with page.expect_navigation():
        page.get_by_role("button", name="Co-sign").click()
    expect(page.get_by_role("status")).to_contain_text("No other note is waiting for your co-signature")
    page.goto(f"/clients/{client_record.pk}/notes/{note.pk}/")
    expect(page.get_by_role("region", name="Signatures")).to_contain_text("co-signed by Sam Lindqvist")
    expect(page.get_by_role("region", name="Returned by the supervisor")).to_contain_text("resubmitted")
    note.refresh_from_db()
    assert note.status == NoteStatus.SIGNED and note.cosigned_by == supervisor
    shoot(page, "08-cosigned")
    _no_blocking(axe, page, "cosigned note")

    # Another therapist: 404 for the chart, the note and the session.
    page_watch.allow(r"status of 404")
    _switch(page, sign_in, therapist2)
    assert _status(page, f"/clients/{client_record.pk}/") == 404
    assert _status(page, f"/clients/{client_record.pk}/notes/{note.pk}/") == 404
    assert _status(page, f"/sessions/{session.pk}/") == 404
    shoot(page, "09-therapist2-404")


def test_plan_with_two_goals_is_signed_then_revised_into_version_2(
    page, sign_in, shoot, axe, page_watch, therapist, therapist2, client_record
):
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, therapist)
    page.goto(f"/clients/{client_record.pk}/plans/")
    with page.expect_navigation():
        page.get_by_role("button", name="Start a plan").click()
    page.get_by_role("link", name="Add a problem").click()
    page.get_by_label("Problem").fill("Withdraws from peers since the move.")
    with page.expect_navigation():
        page.get_by_role("button", name="Add", exact=True).click()
    for goal, objective in (
        ("Takes part in group art-making.", "Joins the shared mural 3 of 4 sessions."),
        ("Names her feelings through her work.", "Titles 2 artworks a week with a feeling."),
    ):
        page.get_by_role("link", name="Add a goal").first.click()
        page.get_by_role("textbox", name=re.compile(r"^Goal")).fill(goal)
        with page.expect_navigation():
            page.get_by_role("button", name="Add", exact=True).click()
        page.get_by_role("link", name="Add an objective").last.click()
        page.get_by_label("Measurable objective").fill(objective)
        page.get_by_label("Baseline").fill("Not yet")
        with page.expect_navigation():
            page.get_by_role("button", name="Add", exact=True).click()
    shoot(page, "01-draft")
    _no_blocking(axe, page, "plan draft")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign", exact=True).click()
    shoot(page, "02-signed")
    page.get_by_role("link", name="All versions").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Revise into version 2").click()
    shoot(page, "03-version-2")
    _no_blocking(axe, page, "plan version 2")
    plans = TreatmentPlan.objects.filter(client=client_record).order_by("version")
    assert [p.version for p in plans] == [1, 2]
    assert plans[0].status == "signed"
    assert plans[1].is_draft
    assert sum(problem.goals.count() for problem in plans[1].problems.all()) == 2

    page_watch.allow(r"status of 404")
    _switch(page, sign_in, therapist2)
    assert _status(page, f"/clients/{client_record.pk}/plans/{plans[0].pk}/") == 404
