"""Risk in front of whoever documents: the client's open risk alerts and precautions on the note editor,
the note, co-sign and return screens and the session page; and a risk screen of "no risk" signed or
co-signed while an alert is open only with a reason, kept on the note."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from artchart.core.models import AuditEvent
from artchart.measures.services.administrations import administration_record
from artchart.measures.services.alerts import alert_acknowledge
from artchart.tests.factories import NoteFactory, SessionFactory
from artchart.therapy.models import Note, NoteStatus
from artchart.therapy.services import notes as services

pytestmark = pytest.mark.django_db

RISKY = [0, 0, 0, 0, 0, 0, 0, 0, 1]  # item 9 above 0
REASON = "Seen after the alert: denies intent or plan; safety plan reviewed together."


def _alert(by, client_record):
    return administration_record(
        by=by, client=client_record, instrument="phq9", answers=RISKY, administered_on=timezone.localdate()
    ).alert


def _draft(author, client_record, **fields):
    return NoteFactory(
        session=SessionFactory(client=client_record, therapist=author),
        author=author,
        **{"risk_level": "none", **fields},
    )


def _submitted(intern, client_record):
    note = _draft(intern, client_record)
    return services.note_submit(by=intern, note=note)


# --- signing --------------------------------------------------------------------------------------------


def test_signing_no_risk_with_an_open_alert_is_refused_without_a_reason_and_nothing_is_written(
    therapist, client_record
):
    _alert(therapist, client_record)
    note = _draft(therapist, client_record)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.note_sign(by=therapist, note=note, risk_reason="   ")
    assert refused.value.message_dict["risk_reason"] == [
        services.RISK_REASON_NEEDED.format(client=client_record.display_name)
    ]
    stored = Note.objects.get(pk=note.pk)
    assert stored.status == NoteStatus.DRAFT and not stored.content_hash and not stored.sign_risk_reason
    assert AuditEvent.objects.count() == events


def test_signing_no_risk_with_an_open_alert_keeps_the_reason(therapist, client_record):
    _alert(therapist, client_record)
    note = services.note_sign(by=therapist, note=_draft(therapist, client_record), risk_reason=f" {REASON} ")
    note.refresh_from_db()
    assert note.status == NoteStatus.SIGNED and note.sign_risk_reason == REASON
    assert services.note_integrity(note)
    event = AuditEvent.objects.filter(action="note.sign").latest("seq")
    assert event.detail["risk_reason_given"] is True and REASON not in str(event.detail)


def test_no_reason_is_asked_for_without_an_open_alert_or_when_the_screen_records_risk(therapist, client_record):
    quiet = services.note_sign(by=therapist, note=_draft(therapist, client_record), risk_reason="ignored")
    assert quiet.status == NoteStatus.SIGNED and quiet.sign_risk_reason == ""
    alert = _alert(therapist, client_record)
    risky = services.note_sign(by=therapist, note=_draft(therapist, client_record, risk_level="low"))
    assert risky.status == NoteStatus.SIGNED
    alert_acknowledge(by=therapist, alert=alert, outcome="already_safe")
    assert services.note_sign(by=therapist, note=_draft(therapist, client_record)).status == NoteStatus.SIGNED


def test_the_sign_button_asks_for_the_reason_and_the_view_passes_it_on(client, therapist, client_record):
    _alert(therapist, client_record)
    note = _draft(therapist, client_record)
    client.force_login(therapist)
    url = reverse("therapy:note_detail", args=[client_record.pk, note.pk])
    page = client.get(url).content.decode()
    assert 'name="risk_reason"' in page
    sign = reverse("therapy:note_sign", args=[client_record.pk, note.pk])
    refused = client.post(sign, follow=True).content.decode()
    assert services.RISK_REASON_NEEDED.format(client=client_record.display_name).replace("'", "&#x27;") in refused
    assert Note.objects.get(pk=note.pk).status == NoteStatus.DRAFT
    client.post(sign, {"risk_reason": REASON})
    note.refresh_from_db()
    assert note.status == NoteStatus.SIGNED and note.sign_risk_reason == REASON
    assert REASON in client.get(url).content.decode()


# --- co-signing -----------------------------------------------------------------------------------------


def test_cosigning_no_risk_with_an_open_alert_needs_the_supervisors_reason(intern, supervisor, client_record):
    note = _submitted(intern, client_record)
    _alert(intern, client_record)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.note_cosign(by=supervisor, note=note)
    assert refused.value.message_dict["risk_reason"] == [
        services.RISK_REASON_NEEDED.format(client=client_record.display_name)
    ]
    assert Note.objects.get(pk=note.pk).status == NoteStatus.SUBMITTED and AuditEvent.objects.count() == events
    services.note_cosign(by=supervisor, note=note, risk_reason=REASON)
    note.refresh_from_db()
    assert note.status == NoteStatus.SIGNED and note.cosign_risk_reason == REASON and note.cosigned_by == supervisor


def test_cosign_through_the_api_takes_the_reason(intern, supervisor, client_record):
    from django.test import Client

    from artchart.core.services import token_issue

    note = _submitted(intern, client_record)
    _alert(intern, client_record)
    api = Client(headers={"Authorization": f"Bearer {token_issue(user=supervisor)[1]}"})
    url = f"/api/v1/clients/{client_record.pk}/notes/{note.pk}/cosign"
    refused = api.generic("POST", url)
    assert refused.status_code == 400
    assert services.RISK_REASON_NEEDED.format(client=client_record.display_name) in str(refused.json()["errors"])
    answer = api.post(url, {"risk_reason": REASON}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["cosign_risk_reason"] == REASON


# --- the pages show the client's risk -------------------------------------------------------------------


def test_the_note_editor_and_the_cosign_and_return_screens_show_the_open_alert(
    client, intern, supervisor, client_record
):
    client_record.sharps_restriction = True
    client_record.save()
    _alert(intern, client_record)
    draft = _draft(intern, client_record)
    client.force_login(intern)
    editor = client.get(reverse("therapy:note_edit", args=[client_record.pk, draft.pk])).content.decode()
    assert "data-risk-concerns" in editor and "Risk alert:" in editor and "Sharps restriction" in editor

    note = _submitted(intern, client_record)
    client.force_login(supervisor)
    cosign = client.get(reverse("therapy:note_detail", args=[client_record.pk, note.pk])).content.decode()
    assert "Risk alert:" in cosign and "Sharps restriction" in cosign
    assert reverse("therapy:note_cosign", args=[client_record.pk, note.pk]) in cosign
    assert 'name="risk_reason"' in cosign
    returning = client.get(reverse("therapy:note_return", args=[client_record.pk, note.pk])).content.decode()
    assert "Risk alert:" in returning


def test_the_session_page_shows_the_open_alert(client, therapist, client_record):
    session = SessionFactory(client=client_record, therapist=therapist)
    client.force_login(therapist)
    url = reverse("therapy:session_detail", args=[session.pk])
    assert "data-risk-concerns" not in client.get(url).content.decode()
    _alert(therapist, client_record)
    assert "Risk alert:" in client.get(url).content.decode()
