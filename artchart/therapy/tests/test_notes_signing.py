"""Notes: writing, signing (hashed, final), the intern's submit → return → fix → co-sign, addenda,
integrity checks, late entries, templates, and every bad input of the issue refused with nothing written."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from artchart.core.access import Conflict
from artchart.core.models import AuditEvent
from artchart.core.services import token_issue
from artchart.tests.factories import (
    AttendanceFactory,
    CareTeamFactory,
    ClientFactory,
    GroupFactory,
    GroupMembershipFactory,
    NoteFactory,
    SessionFactory,
    SupervisionLinkFactory,
    UserFactory,
)
from artchart.therapy.models import Addendum, Note, NoteReturn, NoteStatus, NoteTemplate
from artchart.therapy.services import notes as services

pytestmark = pytest.mark.django_db


def _api(user):
    from django.test import Client

    return Client(headers={"Authorization": f"Bearer {token_issue(user=user)[1]}"})


def _session(client_record, therapist, **extra):
    return SessionFactory(client=client_record, therapist=therapist, **extra)


def _signed(therapist, client_record, **fields):
    note = NoteFactory(session=_session(client_record, therapist), **fields)
    return services.note_sign(by=therapist, note=note)


def _snapshot(note: Note) -> dict:
    note.refresh_from_db()
    return {**services.content_of(note), "status": note.status, "hash": note.content_hash}


# --- signing ------------------------------------------------------------------------------------------


def test_therapist_signs_own_progress_note_and_its_content_is_hashed(therapist, client_record):
    note = _signed(therapist, client_record)
    note.refresh_from_db()
    assert note.status == NoteStatus.SIGNED and note.signed_by == therapist and note.signed_at
    assert note.content_hash == services.content_hash(note) and len(note.content_hash) == 64
    assert AuditEvent.objects.filter(action="note.sign", object_id=str(note.pk)).exists()


def test_editing_a_signed_note_is_409_with_the_addendum_message_and_nothing_changes(therapist, client_record):
    note = _signed(therapist, client_record)
    Note.objects.filter(pk=note.pk).update(signed_at=timezone.make_aware(dt.datetime(2026, 3, 3, 15, 0)))
    note.refresh_from_db()
    before = _snapshot(note)
    message = "This note was signed on 3 March 2026 by Tess Rivera; add an addendum instead."
    with pytest.raises(Conflict) as refused:
        note = services.note_update_draft(by=therapist, note=note, assessment="Changed afterwards")
    assert refused.value.messages == [message]

    response = _api(therapist).patch(
        reverse("api:note_update", args=[client_record.pk, note.pk]),
        json.dumps({"assessment": "Changed afterwards"}),
        content_type="application/json",
    )
    assert response.status_code == 409 and message in response.content.decode()
    assert response.json()["code"] == services.SIGNED_IS_FINAL.code == "note_signed_is_final"
    assert _snapshot(note) == before


def test_deleting_a_signed_note_is_409_and_the_note_stays(therapist, client_record):
    note = _signed(therapist, client_record)
    response = _api(therapist).delete(reverse("api:note_delete", args=[client_record.pk, note.pk]))
    assert response.status_code == 409 and "add an addendum instead" in response.content.decode()
    assert Note.objects.filter(pk=note.pk, status=NoteStatus.SIGNED).exists()
    with pytest.raises(Conflict):
        services.note_delete(by=therapist, note=note)


def test_a_draft_can_be_discarded_by_its_author(therapist, client_record):
    note = NoteFactory(session=_session(client_record, therapist))
    assert _api(therapist).delete(reverse("api:note_delete", args=[client_record.pk, note.pk])).status_code == 204
    assert not Note.objects.filter(pk=note.pk).exists()


def test_signing_another_persons_note_is_refused(therapist, therapist2, client_record):
    CareTeamFactory(client=client_record, user=therapist2, role="co_therapist")
    note = NoteFactory(session=_session(client_record, therapist))
    with pytest.raises(PermissionDenied, match="You can only sign a note you wrote."):
        services.note_sign(by=therapist2, note=note)
    response = _api(therapist2).generic("POST", reverse("api:note_sign", args=[client_record.pk, note.pk]))
    assert response.status_code == 403 and "You can only sign a note you wrote." in response.content.decode()
    note.refresh_from_db()
    assert note.status == NoteStatus.DRAFT and not note.content_hash


def test_only_the_author_changes_a_draft(therapist, therapist2, client_record):
    CareTeamFactory(client=client_record, user=therapist2, role="co_therapist")
    note = NoteFactory(session=_session(client_record, therapist))
    with pytest.raises(PermissionDenied, match=services.ONLY_AUTHOR_EDITS):
        note = services.note_update_draft(by=therapist2, note=note, plan="Mine now")
    note.refresh_from_db()
    assert note.plan == "Continue weekly."


# --- which session a note is for --------------------------------------------------------------------


def _group_session(therapist, client_record, mark="present"):
    group = GroupFactory(site=client_record.site, facilitators=[therapist])
    GroupMembershipFactory(group=group, client=client_record)
    session = SessionFactory(kind="group", client=None, group=group, therapist=therapist)
    AttendanceFactory(session=session, client=client_record, status=mark)
    return session


def test_a_progress_note_for_a_client_absent_from_the_group_session_is_refused(therapist, client_record):
    session = _group_session(therapist, client_record, mark="absent")
    with pytest.raises(ValidationError) as refused:
        services.note_create(by=therapist, client=client_record, session=session, subjective="Was not there")
    assert refused.value.messages == [
        "Maya Lopez was not at this session; a progress note needs a session the client attended."
    ]
    response = _api(therapist).post(
        reverse("api:notes_create", args=[client_record.pk]),
        json.dumps({"kind": "progress", "session": session.pk}),
        content_type="application/json",
    )
    assert response.status_code == 400 and "was not at this session" in response.content.decode()
    assert not Note.objects.exists()


def test_a_progress_note_for_another_clients_session_is_refused(therapist, client_record):
    other = ClientFactory(site=client_record.site)
    session = SessionFactory(client=other, therapist=therapist)
    with pytest.raises(ValidationError, match="was not at this session"):
        services.note_create(by=therapist, client=client_record, session=session)
    assert not Note.objects.exists()


def test_a_group_member_marked_present_gets_a_progress_note(therapist, client_record):
    session = _group_session(therapist, client_record, mark="late")
    note = services.note_create(by=therapist, client=client_record, session=session, group_part="Clay coil pots.")
    assert note.status == NoteStatus.DRAFT and note.group_part == "Clay coil pots."


def test_one_progress_note_per_client_per_session(therapist, client_record):
    session = _session(client_record, therapist)
    services.note_create(by=therapist, client=client_record, session=session)
    with pytest.raises(ValidationError, match="already has a progress note for this session"):
        services.note_create(by=therapist, client=client_record, session=session)
    assert Note.objects.count() == 1


def test_a_progress_note_needs_a_session_but_an_intake_does_not(therapist, client_record):
    with pytest.raises(ValidationError, match=services.NEEDS_SESSION):
        services.note_create(by=therapist, client=client_record, kind="progress")
    intake = services.note_create(by=therapist, client=client_record, kind="intake", format="dap")
    assert intake.session is None and intake.format == "dap"


# --- the intern's note ----------------------------------------------------------------------------


def test_intern_submits_supervisor_returns_with_comment_intern_fixes_and_supervisor_cosigns(
    client, intern, supervisor, client_record
):
    note = NoteFactory(session=_session(client_record, intern), assessment="")
    client.force_login(intern)
    client.post(reverse("therapy:note_submit", args=[client_record.pk, note.pk]))
    note.refresh_from_db()
    assert note.status == NoteStatus.SUBMITTED and note.content_hash == services.content_hash(note)
    with pytest.raises(Conflict):
        note = services.note_update_draft(by=intern, note=note, assessment="Too late")

    client.force_login(supervisor)
    response = client.post(
        reverse("therapy:note_return", args=[client_record.pk, note.pk]),
        {"comment": "Say what the drawing showed.", "field_assessment": "Add your assessment."},
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.status == NoteStatus.DRAFT and not note.content_hash
    returned = NoteReturn.objects.get(note=note)
    assert returned.field_comments == {"assessment": "Add your assessment."} and returned.resolved_at is None

    client.force_login(intern)
    page = client.get(reverse("therapy:note_edit", args=[client_record.pk, note.pk])).content.decode()
    assert "Say what the drawing showed." in page and "Add your assessment." in page
    note = services.note_update_draft(by=intern, note=note, assessment="A house with no door: feels shut out.")
    client.post(reverse("therapy:note_submit", args=[client_record.pk, note.pk]))
    returned.refresh_from_db()
    assert returned.resolved_at is not None

    client.force_login(supervisor)
    client.post(reverse("therapy:note_cosign", args=[client_record.pk, note.pk]))
    note.refresh_from_db()
    assert note.status == NoteStatus.SIGNED and note.cosigned_by == supervisor and note.signed_by == intern
    assert services.note_integrity(note)
    actions = list(
        AuditEvent.objects.filter(object_id=str(note.pk), action__startswith="note.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["note.submit", "note.return", "note.update", "note.submit", "note.cosign"]


def _submitted(intern, client_record):
    note = NoteFactory(session=_session(client_record, intern))
    return services.note_submit(by=intern, note=note)


def test_cosign_or_return_by_anyone_but_the_responsible_supervisor_is_refused(org, therapist, intern, client_record):
    note = _submitted(intern, client_record)
    # A supervisor of the primary therapist sees the client, but is not this intern's supervisor.
    other_supervisor = UserFactory(organization=org, role="supervisor", username="othersup")
    SupervisionLinkFactory(supervisor=other_supervisor, supervisee=therapist)
    with pytest.raises(PermissionDenied, match="Only the supervisor responsible for this note"):
        services.note_cosign(by=other_supervisor, note=note)
    with pytest.raises(PermissionDenied, match="Only the supervisor responsible for this note"):
        services.note_return(by=other_supervisor, note=note, comment="No")
    for person in (therapist, intern):
        assert (
            _api(person).generic("POST", reverse("api:note_cosign", args=[client_record.pk, note.pk])).status_code
            == 403
        )
    note.refresh_from_db()
    assert note.status == NoteStatus.SUBMITTED and not NoteReturn.objects.exists()


def test_the_clients_own_supervising_clinician_may_cosign(org, intern, client_record):
    note = _submitted(intern, client_record)
    clinician = UserFactory(organization=org, role="supervisor", username="clinsup")
    CareTeamFactory(client=client_record, user=clinician, role="supervisor")
    services.note_cosign(by=clinician, note=note)
    assert note.status == NoteStatus.SIGNED and note.cosigned_by == clinician


def test_a_return_needs_a_comment_and_names_only_fields_of_the_note(intern, supervisor, client_record):
    note = _submitted(intern, client_record)
    with pytest.raises(ValidationError, match="Say what needs changing"):
        services.note_return(by=supervisor, note=note, comment="  ")
    with pytest.raises(ValidationError, match="'password' is not a field of this note"):
        services.note_return(by=supervisor, note=note, comment="Fix it", field_comments={"password": "x"})
    note.refresh_from_db()
    assert note.status == NoteStatus.SUBMITTED


def test_a_tampered_submitted_note_cannot_be_cosigned(intern, supervisor, client_record):
    note = _submitted(intern, client_record)
    Note.objects.filter(pk=note.pk).update(assessment="Rewritten in the database")
    note.refresh_from_db()
    with pytest.raises(Conflict, match="no longer matches"):
        services.note_cosign(by=supervisor, note=note)


# --- addenda ------------------------------------------------------------------------------------------


def test_an_addendum_is_added_to_a_signed_note_signed_and_hashed(client, therapist, client_record):
    note = _signed(therapist, client_record)
    client.force_login(therapist)
    response = client.post(
        reverse("therapy:note_addendum", args=[client_record.pk, note.pk]),
        {"text": "Mother phoned: the drawing was of their old house.", "reason": "Late information"},
    )
    assert response.status_code == 302
    addendum = Addendum.objects.get(note=note)
    assert addendum.author == therapist and services.addendum_integrity(addendum)
    assert _snapshot(note)["hash"] == note.content_hash  # the note itself is untouched
    page = client.get(reverse("therapy:note_detail", args=[client_record.pk, note.pk])).content.decode()
    assert "Mother phoned" in page


def test_an_addendum_to_a_draft_is_refused(therapist, client_record):
    note = NoteFactory(session=_session(client_record, therapist))
    with pytest.raises(Conflict, match=services.ADDENDUM_ONLY_SIGNED):
        services.addendum_add(by=therapist, note=note, text="Later")
    assert not Addendum.objects.exists()


def test_a_supervisor_who_only_cosigns_may_not_add_an_addendum(therapist, supervisor, client_record):
    note = _signed(therapist, client_record)
    with pytest.raises(PermissionDenied):
        services.addendum_add(by=supervisor, note=note, text="Not mine to add")
    assert not Addendum.objects.exists()


# --- integrity ---------------------------------------------------------------------------------------


def test_a_note_changed_in_the_database_is_flagged_on_its_page_and_audited(client, therapist, client_record):
    note = _signed(therapist, client_record)
    Note.objects.filter(pk=note.pk).update(assessment="Rewritten behind the application's back")
    client.force_login(therapist)
    page = client.get(reverse("therapy:note_detail", args=[client_record.pk, note.pk])).content.decode()
    assert "This note's content no longer matches what was signed" in page
    event = AuditEvent.objects.get(action="note.integrity_mismatch")
    assert event.flagged and event.object_id == str(note.pk) and event.detail == {"note": note.pk, "status": "signed"}
    body = _api(therapist).get(reverse("api:note_detail", args=[client_record.pk, note.pk])).json()
    assert body["intact"] is False
    assert AuditEvent.objects.filter(action="note.integrity_mismatch").count() == 2


def test_an_untouched_signed_note_shows_no_warning(client, therapist, client_record):
    note = _signed(therapist, client_record)
    client.force_login(therapist)
    page = client.get(reverse("therapy:note_detail", args=[client_record.pk, note.pk])).content.decode()
    assert "no longer matches" not in page
    assert not AuditEvent.objects.filter(action="note.integrity_mismatch").exists()


# --- late entries ---------------------------------------------------------------------------------


def test_a_note_signed_long_after_the_session_is_a_late_entry(client, therapist, client_record, settings):
    settings.LATE_ENTRY_HOURS = 72
    old = _session(client_record, therapist, starts_at=timezone.now() - dt.timedelta(days=5))
    note = services.note_sign(by=therapist, note=NoteFactory(session=old))
    assert note.late_entry
    client.force_login(therapist)
    page = client.get(reverse("therapy:note_detail", args=[client_record.pk, note.pk])).content.decode()
    assert "Late entry" in page
    assert f"Session on {timezone.localtime(old.starts_at):%-d %B %Y}" in page
    assert f"signed on {timezone.localtime(note.signed_at):%-d %B %Y}" in page


def test_a_note_signed_within_the_hours_allowed_is_not_late(therapist, client_record, settings):
    settings.LATE_ENTRY_HOURS = 72
    recent = _session(client_record, therapist, starts_at=timezone.now() - dt.timedelta(hours=30))
    assert not services.note_sign(by=therapist, note=NoteFactory(session=recent)).late_entry


def test_an_interns_late_entry_is_judged_when_it_is_submitted(intern, client_record, settings):
    settings.LATE_ENTRY_HOURS = 24
    old = _session(client_record, intern, starts_at=timezone.now() - dt.timedelta(days=2))
    assert services.note_submit(by=intern, note=NoteFactory(session=old)).late_entry


# --- templates -------------------------------------------------------------------------------------


def _template(org, **extra):
    return NoteTemplate.objects.create(
        organization=org, name="Inpatient progress", kind="progress", format="soap", is_default=True, **extra
    )


def test_a_templates_required_fields_must_be_filled_before_signing(org, therapist, client_record):
    _template(
        org,
        required_fields=["assessment", "media", "risk_level"],
        extra_fields=[{"key": "safety_plan", "label": "Safety plan reviewed", "required": True}],
    )
    note = services.note_create(
        by=therapist, client=client_record, session=_session(client_record, therapist), subjective="Quiet at first."
    )
    with pytest.raises(ValidationError) as refused:
        services.note_sign(by=therapist, note=note)
    assert refused.value.messages == [
        "Fill in before signing: Assessment, Media and materials used, Safety plan reviewed."
    ]
    note = services.note_update_draft(
        by=therapist, note=note, assessment="Engaged.", media="Clay", extra={"safety_plan": "Yes, with nursing"}
    )
    with pytest.raises(ValidationError, match="Complete the risk screen"):
        services.note_sign(by=therapist, note=note)
    note.refresh_from_db()
    assert note.status == NoteStatus.DRAFT
    note = services.note_update_draft(by=therapist, note=note, risk_level="high", risk_notes="Passive ideation")
    assert services.note_sign(by=therapist, note=note).is_signed


def test_a_template_hides_fields_and_refuses_unknown_extra_keys(org, therapist, client_record):
    _template(org, hidden_fields=["client_title"], extra_fields=[{"key": "unit", "label": "Unit", "required": False}])
    note = services.note_create(by=therapist, client=client_record, session=_session(client_record, therapist))
    with pytest.raises(ValidationError, match="does not use the field 'client_title'"):
        note = services.note_update_draft(by=therapist, note=note, client_title="Home")
    with pytest.raises(ValidationError, match="'ward' is not a field of this note's template"):
        note = services.note_update_draft(by=therapist, note=note, extra={"ward": "4B"})
    note = services.note_update_draft(by=therapist, note=note, extra={"unit": "4B"})
    note.refresh_from_db()
    assert note.extra == {"unit": "4B"} and note.client_title == ""


def test_a_high_risk_screen_shows_a_banner(client, therapist, client_record):
    note = _signed(therapist, client_record, risk_level="high", risk_notes="Plan and means")
    client.force_login(therapist)
    page = client.get(reverse("therapy:note_detail", args=[client_record.pk, note.pk])).content.decode()
    assert "High risk indicated in the risk screen: Plan and means" in page


# --- goals addressed -------------------------------------------------------------------------------


def _active_plan(therapist, client):
    from artchart.plans import services as plans

    plan = plans.plan_create(by=therapist, client=client)
    problem = plans.problem_add(by=therapist, plan=plan, statement="Withdraws in groups")
    goal = plans.goal_add(by=therapist, problem=problem, statement="Joins one group piece")
    objective = plans.objective_add(by=therapist, goal=goal, statement="Adds to the mural in 2 of 4 sessions")
    plans.plan_sign(by=therapist, plan=plan)
    return goal, objective


def test_goals_of_the_active_plan_are_rated_and_covered_by_the_signature(therapist, client_record):
    goal, objective = _active_plan(therapist, client_record)
    note = NoteFactory(session=_session(client_record, therapist))
    note = services.note_update_draft(
        by=therapist,
        note=note,
        goal_progress=[
            {"goal": goal.pk, "rating": "some"},
            {"goal": goal.pk, "objective": objective.pk, "rating": "good"},
        ],
    )
    services.note_sign(by=therapist, note=note)
    assert [g["rating"] for g in services.content_of(note)["goal_progress"]] == ["some", "good"]


def test_a_goal_of_another_client_is_refused(therapist, client_record, site):
    other = ClientFactory(site=site)
    CareTeamFactory(client=other, user=therapist, role="primary")
    foreign_goal, _ = _active_plan(therapist, other)
    note = NoteFactory(session=_session(client_record, therapist))
    with pytest.raises(ValidationError, match="Choose a goal of Maya Lopez's active treatment plan"):
        note = services.note_update_draft(
            by=therapist, note=note, goal_progress=[{"goal": foreign_goal.pk, "rating": "met"}]
        )
    assert not note.goal_progress.exists()


def test_an_autosave_works_on_the_stored_draft_and_one_changing_nothing_is_not_audited(therapist, client_record):
    note = services.note_create(by=therapist, client=client_record, session=_session(client_record, therapist))
    stale = Note.objects.get(pk=note.pk)
    services.note_update_draft(by=therapist, note=note, subjective="Quiet at first.")
    updated = services.note_update_draft(by=therapist, note=stale, media="Clay")
    assert (updated.subjective, updated.media) == ("Quiet at first.", "Clay")
    services.note_update_draft(by=therapist, note=stale, media="Clay")
    events = AuditEvent.objects.filter(action="note.update").order_by("pk")
    assert [event.detail["fields"] for event in events] == [["subjective"], ["media"]]
