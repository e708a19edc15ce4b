"""Notes pages: the client's list, the draft with autosave, plain text, the group batch screen,
note templates, who may see what, the dashboard selectors and query counts that stay flat."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from artchart.core.models import AuditEvent
from artchart.tests.factories import (
    AttendanceFactory,
    CareTeamFactory,
    ClientFactory,
    GroupFactory,
    GroupMembershipFactory,
    NoteFactory,
    SessionFactory,
)
from artchart.therapy.models import Note, NoteStatus, NoteTemplate
from artchart.therapy.selectors import notes as selectors
from artchart.therapy.services import notes as services

pytestmark = pytest.mark.django_db


def _signed(therapist, client_record, **fields):
    note = NoteFactory(session=SessionFactory(client=client_record, therapist=therapist), **fields)
    return services.note_sign(by=therapist, note=note)


# --- who may see notes ---------------------------------------------------------------------------------


def test_a_treatment_team_viewer_gets_403_for_notes(client, therapist, teamviewer, client_record):
    note = _signed(therapist, client_record)
    client.force_login(teamviewer)
    for url in (
        reverse("therapy:note_list", args=[client_record.pk]),
        reverse("therapy:note_detail", args=[client_record.pk, note.pk]),
        reverse("therapy:note_text", args=[client_record.pk, note.pk]),
    ):
        assert client.get(url).status_code == 403, url


def test_a_therapist_outside_the_care_team_gets_404_for_notes(client, therapist, therapist2, client_record):
    note = _signed(therapist, client_record)
    client.force_login(therapist2)
    assert client.get(reverse("therapy:note_list", args=[client_record.pk])).status_code == 404
    assert client.get(reverse("therapy:note_detail", args=[client_record.pk, note.pk])).status_code == 404
    assert client.post(reverse("therapy:note_sign", args=[client_record.pk, note.pk])).status_code == 404


def test_a_note_of_another_client_is_404_under_this_clients_address(client, therapist, client_record, site):
    other = ClientFactory(site=site)
    CareTeamFactory(client=other, user=therapist, role="primary")
    note = _signed(therapist, other)
    client.force_login(therapist)
    assert client.get(reverse("therapy:note_detail", args=[client_record.pk, note.pk])).status_code == 404


# --- pages ---------------------------------------------------------------------------------------------


def test_the_notes_list_shows_status_session_late_entry_and_awaiting_cosign(client, therapist, intern, client_record):
    late = _signed(therapist, client_record)
    Note.objects.filter(pk=late.pk).update(late_entry=True)
    submitted = NoteFactory(session=SessionFactory(client=client_record, therapist=intern))
    services.note_submit(by=intern, note=submitted)
    client.force_login(therapist)
    page = client.get(reverse("therapy:note_list", args=[client_record.pk])).content.decode()
    assert "Late entry" in page and "awaiting co-signature" in page and "Signed" in page


def test_a_note_is_started_from_a_session_and_edited_with_autosave(client, therapist, client_record):
    session = SessionFactory(client=client_record, therapist=therapist)
    client.force_login(therapist)
    form = client.get(reverse("therapy:note_create", args=[client_record.pk]) + f"?session={session.pk}")
    assert form.status_code == 200
    response = client.post(
        reverse("therapy:note_create", args=[client_record.pk]),
        {"kind": "progress", "session": session.pk, "format": "birp"},
    )
    note = Note.objects.get(session=session)
    assert response.status_code == 302 and note.format == "birp" and note.author == therapist

    page = client.get(reverse("therapy:note_edit", args=[client_record.pk, note.pk])).content.decode()
    assert 'data-autosave-url="/clients/' in page and "therapy/notes.js" in page and "Behaviour" in page
    saved = client.post(
        reverse("therapy:note_autosave", args=[client_record.pk, note.pk]),
        {"behavior": "Paced, then sat with the paper.", "risk_level": ""},
    )
    assert saved.status_code == 200 and saved.json()["saved"] is True
    assert saved.json()["at"] == f"{timezone.localtime(timezone.now()):%H:%M}"
    note.refresh_from_db()
    assert note.behavior == "Paced, then sat with the paper."


def test_autosave_of_a_signed_note_is_409_and_changes_nothing(client, therapist, client_record):
    note = _signed(therapist, client_record)
    client.force_login(therapist)
    response = client.post(
        reverse("therapy:note_autosave", args=[client_record.pk, note.pk]), {"subjective": "Sneaked in"}
    )
    assert response.status_code == 409 and "add an addendum instead" in response.json()["message"]
    note.refresh_from_db()
    assert note.subjective == "Said the week had been hard."


def test_the_plain_text_copy_has_signature_addenda_and_its_read_is_audited(client, therapist, client_record):
    therapist.licence, therapist.npi = "LCAT 001234 NY", "1234567893"
    therapist.save()
    note = _signed(therapist, client_record)
    services.addendum_add(by=therapist, note=note, text="Mother phoned after the session.")
    client.force_login(therapist)
    page = client.get(reverse("therapy:note_text", args=[client_record.pk, note.pk])).content.decode()
    assert "<textarea" in page and "readonly" in page and "data-copy-target" in page
    assert "Electronically signed by Tess Rivera (LCAT 001234 NY, NPI 1234567893)" in page
    assert "Mother phoned after the session." in page
    assert AuditEvent.objects.filter(
        action="client.read", object_id="therapy:note_text", client_ids__contains=f",{client_record.pk},"
    ).exists()
    text = selectors.note_plain_text(note)
    assert text.startswith("PROGRESS NOTE (SOAP)") and "SUBJECTIVE:\nSaid the week had been hard." in text


# --- the group batch screen -----------------------------------------------------------------------------


def _group_of_three(therapist, client_record):
    group = GroupFactory(site=client_record.site, facilitators=[therapist])
    ben, cara = (
        ClientFactory(site=client_record.site, legal_first_name=n, legal_last_name="Ito") for n in ("Ben", "Cara")
    )
    for member in (client_record, ben, cara):
        GroupMembershipFactory(group=group, client=member)
    for member in (ben, cara):
        CareTeamFactory(client=member, user=therapist, role="primary")
    session = SessionFactory(
        kind="group", client=None, group=group, therapist=therapist, starts_at=timezone.now() - dt.timedelta(hours=2)
    )
    AttendanceFactory(session=session, client=client_record, status="present")
    AttendanceFactory(session=session, client=ben, status="left_early")
    AttendanceFactory(session=session, client=cara, status="absent")
    return session, ben, cara


def _batch_data(session, members, finish="0", **per_member):
    data = {"group_part": "Warm-up scribble, then a shared mural.", "finish": finish}
    for member in members:
        data[f"c{member.pk}-subjective"] = f"{member.legal_first_name} said little."
        data[f"c{member.pk}-assessment"] = per_member.get(f"assessment_{member.pk}", "Engaged.")
    return data


def test_the_batch_screen_writes_one_note_per_member_present_sharing_the_group_part(client, therapist, client_record):
    session, ben, cara = _group_of_three(therapist, client_record)
    client.force_login(therapist)
    url = reverse("therapy:note_batch", args=[session.pk])
    page = client.get(url).content.decode()
    assert "Cara Ito" in page and "no note" in page and f'name="c{cara.pk}-subjective"' not in page
    response = client.post(url, _batch_data(session, [client_record, ben]))
    assert response.status_code == 302
    notes = Note.objects.filter(session=session).order_by("client__legal_first_name")
    assert [n.client for n in notes] == [ben, client_record]
    assert {n.group_part for n in notes} == {"Warm-up scribble, then a shared mural."}
    assert all(n.status == NoteStatus.DRAFT for n in notes)

    client.post(url, _batch_data(session, [client_record, ben], finish="1"))
    assert set(Note.objects.filter(session=session).values_list("status", flat=True)) == {NoteStatus.SIGNED}
    assert not Note.objects.filter(client=cara).exists()
    assert AuditEvent.objects.filter(action="note.batch_finish").count() == 1


def test_sign_all_is_all_or_nothing(client, org, therapist, client_record):
    NoteTemplate.objects.create(
        organization=org, name="Group", kind="progress", format="soap", is_default=True, required_fields=["assessment"]
    )
    session, ben, _ = _group_of_three(therapist, client_record)
    client.force_login(therapist)
    data = _batch_data(session, [client_record, ben], finish="1", **{f"assessment_{ben.pk}": ""})
    page = client.post(reverse("therapy:note_batch", args=[session.pk]), data).content.decode()
    assert "Ben Ito: Fill in before signing: Assessment." in page
    assert not Note.objects.filter(session=session).exists()


def test_an_intern_submits_all_instead_of_signing(client, intern, supervisor, client_record):
    group = GroupFactory(site=client_record.site, facilitators=[intern])
    GroupMembershipFactory(group=group, client=client_record)
    session = SessionFactory(kind="group", client=None, group=group, therapist=intern)
    AttendanceFactory(session=session, client=client_record)
    client.force_login(intern)
    url = reverse("therapy:note_batch", args=[session.pk])
    assert "Submit all" in client.get(url).content.decode()
    client.post(url, _batch_data(session, [client_record], finish="1"))
    assert Note.objects.get(session=session).status == NoteStatus.SUBMITTED


def test_the_batch_refuses_a_member_who_was_absent(therapist, client_record):
    session, _, cara = _group_of_three(therapist, client_record)
    with pytest.raises(services.ValidationError, match="Only members marked present"):
        services.group_notes_save(by=therapist, session=session, group_part="x", individual={cara.pk: {"plan": "y"}})
    assert not Note.objects.exists()


# --- note templates --------------------------------------------------------------------------------------


def test_an_admin_creates_a_template_with_extra_fields_and_one_default_per_kind(client, org, admin, therapist):
    old = NoteTemplate.objects.create(organization=org, name="Old", kind="progress", format="dap", is_default=True)
    client.force_login(admin)
    response = client.post(
        reverse("therapy:note_template_create"),
        {
            "name": "Inpatient progress",
            "kind": "progress",
            "format": "soap",
            "is_default": "on",
            "is_active": "on",
            "required_fields": ["assessment", "risk_level"],
            "hidden_fields": ["client_title"],
            "extra_label_0": "Safety plan reviewed",
            "extra_required_0": "on",
        },
    )
    assert response.status_code == 302
    made = NoteTemplate.objects.get(name="Inpatient progress")
    assert made.extra_fields == [{"key": "safety_plan_reviewed", "label": "Safety plan reviewed", "required": True}]
    assert made.is_default and not NoteTemplate.objects.get(pk=old.pk).is_default
    client.force_login(therapist)
    assert client.get(reverse("therapy:note_template_list")).status_code == 403


def test_a_template_cannot_hide_a_field_it_requires(admin):
    with pytest.raises(services.ValidationError, match="cannot be both required and hidden"):
        services.note_template_create(
            by=admin, name="Odd", kind="progress", format="soap", required_fields=["media"], hidden_fields=["media"]
        )
    assert not NoteTemplate.objects.exists()


# --- the dashboard's selectors ----------------------------------------------------------------------------


def test_dashboard_selectors_show_each_person_their_own(therapist, intern, supervisor, therapist2, client_record):
    draft = NoteFactory(session=SessionFactory(client=client_record, therapist=therapist))
    unsigned_session = SessionFactory(client=client_record, therapist=therapist)
    _signed(therapist, client_record)
    submitted = NoteFactory(session=SessionFactory(client=client_record, therapist=intern))
    services.note_submit(by=intern, note=submitted)
    returned = NoteFactory(session=SessionFactory(client=client_record, therapist=intern))
    services.note_submit(by=intern, note=returned)
    services.note_return(by=supervisor, note=returned, comment="Add the assessment.")

    assert list(selectors.notes_awaiting_signature(therapist)) == [draft]
    assert list(selectors.cosign_queue(supervisor)) == [submitted]
    assert list(selectors.cosign_queue(therapist)) == []
    assert list(selectors.returned_to(intern)) == [returned]
    assert set(selectors.sessions_without_signed_note(therapist)) == {draft.session, unsigned_session}
    for query in (
        selectors.notes_awaiting_signature,
        selectors.cosign_queue,
        selectors.returned_to,
        selectors.sessions_without_signed_note,
    ):
        assert not list(query(therapist2))


# --- query counts ----------------------------------------------------------------------------------------


def _count(run) -> int:
    with CaptureQueriesContext(connection) as queries:
        run()
    return len(queries)


def test_the_notes_list_query_count_does_not_grow_with_its_notes(client, therapist, client_record):
    client.force_login(therapist)
    url = reverse("therapy:note_list", args=[client_record.pk])

    def add(n):
        for _ in range(n):
            _signed(therapist, client_record)

    add(1)
    client.get(url)
    few = _count(lambda: client.get(url))
    add(6)
    assert _count(lambda: client.get(url)) == few


def test_the_cosign_queue_query_count_does_not_grow(intern, supervisor, client_record):
    def add(n):
        for _ in range(n):
            services.note_submit(
                by=intern, note=NoteFactory(session=SessionFactory(client=client_record, therapist=intern))
            )

    def read():
        for note in selectors.cosign_queue(supervisor):
            _ = (note.client.display_name, note.author.display_name, note.session.starts_at)

    add(1)
    few = _count(read)
    add(5)
    assert _count(read) == few and len(list(selectors.cosign_queue(supervisor))) == 6


# --- the API ---------------------------------------------------------------------------------------------


def test_the_api_creates_updates_and_signs_a_note_with_goal_progress(therapist, client_record):
    import json

    from artchart.therapy.tests.test_notes_signing import _active_plan, _api

    goal, objective = _active_plan(therapist, client_record)
    session = SessionFactory(client=client_record, therapist=therapist)
    api = _api(therapist)
    created = api.post(
        reverse("api:notes_create", args=[client_record.pk]),
        json.dumps({"kind": "progress", "session": session.pk, "subjective": "Tired."}),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    note_id = created.json()["id"]
    updated = api.patch(
        reverse("api:note_update", args=[client_record.pk, note_id]),
        json.dumps(
            {
                "assessment": "Brighter by the end.",
                "risk_level": "low",
                "goal_progress": [
                    {"goal": goal.pk, "objective": objective.pk, "rating": "some", "comment": "Added a tile"}
                ],
            }
        ),
        content_type="application/json",
    )
    assert updated.status_code == 200, updated.content
    assert updated.json()["goal_progress"] == [
        {"goal": goal.pk, "objective": objective.pk, "rating": "some", "comment": "Added a tile"}
    ]
    signed = api.generic("POST", reverse("api:note_sign", args=[client_record.pk, note_id])).json()
    assert signed["status"] == "signed" and signed["intact"] is True and len(signed["content_hash"]) == 64
    text = api.get(reverse("api:note_text", args=[client_record.pk, note_id])).json()["text"]
    assert "Electronically signed by Tess Rivera" in text and "Some progress (Added a tile)" in text
    refused = api.generic("POST", reverse("api:note_sign", args=[client_record.pk, note_id]))
    assert refused.status_code == 409


def test_the_api_refuses_a_bad_rating_and_writes_nothing(therapist, client_record):
    import json

    from artchart.therapy.tests.test_notes_signing import _active_plan, _api

    goal, _ = _active_plan(therapist, client_record)
    note = NoteFactory(session=SessionFactory(client=client_record, therapist=therapist))
    response = _api(therapist).patch(
        reverse("api:note_update", args=[client_record.pk, note.pk]),
        json.dumps({"assessment": "Changed", "goal_progress": [{"goal": goal.pk, "rating": "excellent"}]}),
        content_type="application/json",
    )
    assert response.status_code == 400 and "'excellent' is not a progress rating" in response.content.decode()
    note.refresh_from_db()
    assert note.assessment == "Engaged; mood brighter by the end." and not note.goal_progress.exists()
