"""Notes in the browser: the draft saves as the therapist types, is signed, gets an addendum and is
copied as plain text; a group's notes are written and signed in the batch screen; an intern's note
is returned with a comment beside a field, fixed and co-signed, each submit and co-sign confirmed
first, as signing is."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from artchart.tests.factories import (
    AttendanceFactory,
    CareTeamFactory,
    ClientFactory,
    GroupFactory,
    GroupMembershipFactory,
    NoteFactory,
    SessionFactory,
)
from artchart.therapy.models import Note, NoteStatus
from artchart.therapy.services.notes import note_submit

pytestmark = pytest.mark.browser


def test_therapist_writes_a_note_that_autosaves_signs_it_and_adds_an_addendum(
    page, sign_in, shoot, axe, therapist, client_record
):
    page.on("dialog", lambda dialog: dialog.accept())
    session = SessionFactory(client=client_record, therapist=therapist)
    sign_in(page, therapist)
    # From the session the editor opens straight away; nothing is written until the first save.
    page.goto(f"/clients/{client_record.pk}/notes/new/?session={session.pk}")
    page.get_by_label("Subjective").fill("Said the week had been long.")
    assert not Note.objects.filter(session=session).exists()
    with page.expect_navigation():
        page.get_by_role("button", name="Save the draft").click()
    note = Note.objects.get(session=session)
    assert note.subjective == "Said the week had been long."
    # Once the draft exists, the editor saves as the therapist types.
    page.goto(f"/clients/{client_record.pk}/notes/{note.pk}/edit/")
    page.get_by_label("Objective").fill("Forty minutes with oil pastels; pressed hard.")
    expect(page.locator("[data-autosave-status]")).to_have_text(re.compile(r"^Saved \d\d:\d\d$"), timeout=8000)
    assert Note.objects.get(session=session).objective == "Forty minutes with oil pastels; pressed hard."
    page.get_by_label("Media and materials used").fill("Oil pastels on black paper")
    shoot(page, "draft")
    assert not axe(page, "draft").blocking
    with page.expect_navigation():
        page.get_by_role("button", name="Save the draft").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Signed")
    shoot(page, "signed")
    assert not axe(page, "signed").blocking

    page.get_by_role("link", name="Add an addendum").click()
    page.get_by_label("Addendum").fill("Her mother called: the drawing was of their old flat.")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign and add").click()
    expect(page.get_by_role("region", name="Addenda")).to_contain_text("their old flat")
    page.get_by_role("link", name="Copy as plain text").click()
    expect(page.get_by_label("The note as plain text")).to_have_value(re.compile("ADDENDUM"))
    shoot(page, "text")
    assert not axe(page, "text").blocking


def test_therapist_writes_and_signs_a_groups_notes_in_the_batch_screen(
    page, sign_in, shoot, axe, therapist, client_record
):
    page.on("dialog", lambda dialog: dialog.accept())
    group = GroupFactory(site=client_record.site, name="Tuesday studio", facilitators=[therapist])
    members = [client_record] + [
        ClientFactory(site=client_record.site, legal_first_name=name, legal_last_name="Ito")
        for name in ("Ben", "Cara", "Dev")
    ]
    session = SessionFactory(
        kind="group",
        client=None,
        group=group,
        therapist=therapist,
        starts_at=timezone.now() - timezone.timedelta(hours=3),
    )
    for member, mark in zip(members, ("present", "present", "late", "absent"), strict=True):
        GroupMembershipFactory(group=group, client=member)
        if member != client_record:
            CareTeamFactory(client=member, user=therapist, role="primary")
        AttendanceFactory(session=session, client=member, status=mark)
    sign_in(page, therapist)
    page.goto(f"/sessions/{session.pk}/notes/")
    page.get_by_label("Group session (shared)").fill("Warm-up scribble, then one mural together.")
    for member in members[:3]:
        box = page.get_by_role("group", name=re.compile(member.display_name))
        box.get_by_label("Subjective").fill(f"{member.legal_first_name} chose the colours.")
        box.get_by_label("Assessment").fill("Engaged with peers.")
    expect(page.get_by_text("Dev Ito")).to_be_visible()
    shoot(page, "batch")
    assert not axe(page, "batch").blocking
    with page.expect_navigation():
        page.get_by_role("button", name="Sign all").click()
    notes = Note.objects.filter(session=session)
    assert notes.count() == 3 and {n.status for n in notes} == {NoteStatus.SIGNED}
    assert {n.group_part for n in notes} == {"Warm-up scribble, then one mural together."}
    shoot(page, "signed")


def test_intern_note_is_returned_with_a_field_comment_fixed_and_cosigned(
    page, sign_in, shoot, intern, supervisor, client_record
):
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    session = SessionFactory(client=client_record, therapist=intern)
    sign_in(page, intern)
    page.goto(f"/clients/{client_record.pk}/notes/new/?session={session.pk}")
    page.get_by_label("Subjective").fill("Quiet.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the draft").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Submit for co-signature").click()
    page.context.clear_cookies()

    sign_in(page, supervisor)
    note = Note.objects.get(session=session)
    page.goto(f"/clients/{client_record.pk}/notes/{note.pk}/return/")
    page.get_by_label("What needs changing").fill("Describe the artwork itself.")
    page.get_by_label("Beside “Assessment”").fill("Add your assessment of the drawing.")
    with page.expect_navigation():
        page.get_by_role("button", name="Return to the intern").click()
    page.context.clear_cookies()

    sign_in(page, intern)
    page.goto(f"/clients/{client_record.pk}/notes/{note.pk}/edit/")
    expect(page.get_by_text("Add your assessment of the drawing.")).to_be_visible()
    shoot(page, "returned")
    page.get_by_label("Assessment").fill("A house with no door: feels shut out at school.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the draft").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Submit for co-signature").click()
    page.context.clear_cookies()

    sign_in(page, supervisor)
    page.goto(f"/clients/{client_record.pk}/notes/{note.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Co-sign").click()
    # Nothing else waits for Sam: back to the dashboard, where the co-sign queue is.
    expect(page.get_by_role("status")).to_contain_text("No other note is waiting for your co-signature")
    page.goto(f"/clients/{client_record.pk}/notes/{note.pk}/")
    expect(page.get_by_role("region", name="Signatures")).to_contain_text("co-signed by Sam Lindqvist")
    assert [message.split("?")[0] for message in asked] == [
        "Submit this note for co-signature",
        "Submit this note for co-signature",
        "Co-sign this note",
    ]
    shoot(page, "cosigned")


def test_a_cosign_the_supervisor_does_not_confirm_leaves_the_note_waiting(
    page, sign_in, intern, supervisor, client_record
):
    page.on("dialog", lambda dialog: dialog.dismiss())
    note = NoteFactory(session=SessionFactory(client=client_record, therapist=intern))
    note_submit(by=intern, note=note)
    sign_in(page, supervisor)
    page.goto(f"/clients/{client_record.pk}/notes/{note.pk}/")
    page.get_by_role("button", name="Co-sign").click()
    expect(page.get_by_role("button", name="Co-sign")).to_be_visible()
    note.refresh_from_db()
    assert note.status == NoteStatus.SUBMITTED and note.cosigned_by is None
