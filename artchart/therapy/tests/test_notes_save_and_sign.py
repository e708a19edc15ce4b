"""Save and sign from the editor, and a session documented is a session held.

The editor's "Save and sign" ("Save and submit" for an intern) saves the draft and takes the next
step in one tap; a refused step keeps the saved draft and says why. A progress note signed or
submitted for an individual session that has begun marks a still-scheduled session completed.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from artchart.core.models import AuditEvent
from artchart.measures.services.administrations import administration_record
from artchart.tests.factories import NoteFactory, SessionFactory
from artchart.therapy.models import Note, NoteStatus, SessionStatus
from artchart.therapy.services import notes as services

pytestmark = pytest.mark.django_db

SOAP = {
    "kind": "progress",
    "subjective": "Said the week had been long.",
    "objective": "Forty minutes with oil pastels.",
    "assessment": "Brighter than at intake.",
    "plan": "Continue weekly.",
    "risk_level": "none",
}


def _begun(client_record, therapist, **fields):
    """A session that began an hour ago and is still marked scheduled."""
    return SessionFactory(
        client=client_record,
        therapist=therapist,
        status=SessionStatus.SCHEDULED,
        starts_at=timezone.now() - dt.timedelta(hours=1),
        **fields,
    )


def _new(client_record, session) -> str:
    return reverse("therapy:note_create", args=[client_record.pk]) + f"?session={session.pk}"


def test_save_and_sign_saves_signs_and_marks_the_session_completed(client, therapist, client_record):
    session = _begun(client_record, therapist)
    client.force_login(therapist)
    editor = client.get(_new(client_record, session)).content.decode()
    assert 'value="sign"' in editor and "Save and sign" in editor and "Save and submit" not in editor

    response = client.post(_new(client_record, session), {**SOAP, "session": session.pk, "then": "sign"})

    note = Note.objects.get(session=session)
    assert response.status_code == 302 and response.url == reverse(
        "therapy:note_detail", args=[client_record.pk, note.pk]
    )
    assert note.status == NoteStatus.SIGNED and note.content_hash
    session.refresh_from_db()
    assert session.status == SessionStatus.COMPLETED
    actions = list(AuditEvent.objects.exclude(action="client.read").order_by("seq").values_list("action", flat=True))
    assert actions[-3:] == ["note.create", "note.sign", "session.complete"]


def test_an_intern_saves_and_submits_and_the_session_is_held(client, intern, client_record):
    session = _begun(client_record, intern)
    client.force_login(intern)
    editor = client.get(_new(client_record, session)).content.decode()
    assert "Save and submit" in editor and "Save and sign" not in editor

    client.post(_new(client_record, session), {**SOAP, "session": session.pk, "then": "submit"})

    assert Note.objects.get(session=session).status == NoteStatus.SUBMITTED
    session.refresh_from_db()
    assert session.status == SessionStatus.COMPLETED


def test_a_refused_sign_keeps_the_saved_draft_and_says_why(client, therapist, client_record):
    """An open risk alert with "no risk" needs the signer's reason: the draft is saved, not signed."""
    administration_record(
        by=therapist,
        client=client_record,
        instrument="phq9",
        answers=[0, 0, 0, 0, 0, 0, 0, 0, 1],
        administered_on=timezone.localdate(),
    )
    session = _begun(client_record, therapist)
    client.force_login(therapist)

    response = client.post(_new(client_record, session), {**SOAP, "session": session.pk, "then": "sign"}, follow=True)

    note = Note.objects.get(session=session)
    assert note.status == NoteStatus.DRAFT and note.plan == "Continue weekly."
    shown = [str(m) for m in response.context["messages"]]
    assert "Draft saved." in shown and any("Say why before signing" in m for m in shown)
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED  # nothing signed, nothing held


def test_signing_leaves_a_session_alone_unless_it_is_scheduled_and_has_begun(therapist, client_record):
    later = SessionFactory(
        client=client_record,
        therapist=therapist,
        status=SessionStatus.SCHEDULED,
        starts_at=timezone.now() + dt.timedelta(hours=2),
    )
    no_show = SessionFactory(client=client_record, therapist=therapist, status=SessionStatus.NO_SHOW)
    for session in (later, no_show):
        note = NoteFactory(session=session, author=therapist, risk_level="none")
        services.note_sign(by=therapist, note=note)
    later.refresh_from_db()
    no_show.refresh_from_db()
    assert later.status == SessionStatus.SCHEDULED and no_show.status == SessionStatus.NO_SHOW
