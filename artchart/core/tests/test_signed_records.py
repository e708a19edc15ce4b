"""Signed records under the audit chain: each sign event records the keyed hash of what
was signed, and ``artchart audit verify --records`` names any record changed since.

Changes are made as an attacker with database access would: raw SQL ``UPDATE``.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from artchart.artworks.models import Rating
from artchart.core import audit, signed_records
from artchart.core.audit_actions import CoreAction
from artchart.core.models import AuditEvent
from artchart.measures.models import SafetyPlan
from artchart.plans.models import PlanStatus, TreatmentPlan
from artchart.tests.factories import NoteFactory, SessionFactory
from artchart.therapy.models import Addendum, Note, NoteStatus
from artchart.therapy.services import notes as note_services

pytestmark = pytest.mark.django_db


def _signed_note(therapist, client_record) -> Note:
    note = NoteFactory(session=SessionFactory(client=client_record, therapist=therapist))
    return note_services.note_sign(by=therapist, note=note)


def _sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _records_ok() -> str:
    out = StringIO()
    call_command("audit", "verify", "--records", stdout=out)
    return out.getvalue()


def _records_failing() -> tuple[str, str]:
    err = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("audit", "verify", "--records", stdout=StringIO(), stderr=err)
    return str(failure.value), err.getvalue()


def test_the_sign_event_records_the_keyed_hash_of_what_was_signed(therapist, client_record):
    note = _signed_note(therapist, client_record)
    event = AuditEvent.objects.get(action="note.sign", object_id=str(note.pk))
    assert event.detail["content_hmac"] == note.content_hash
    assert note.content_hash == audit.content_digest(note_services.content_canonical(note))
    assert note.content_hash != signed_records.legacy_digest(note_services.content_canonical(note))


def test_normal_use_verifies_clean(therapist, client_record):
    note = _signed_note(therapist, client_record)
    note_services.addendum_add(by=therapist, note=note, text="Called the next day; feeling steadier.")
    output = _records_ok()
    assert "Audit chain intact" in output
    assert "Signed records intact: 2, each as its sign event recorded it" in output


def test_a_signed_notes_text_changed_with_raw_sql_is_named(therapist, client_record):
    note = _signed_note(therapist, client_record)
    kept = _signed_note(therapist, client_record)
    _sql("UPDATE therapy_note SET subjective = %s WHERE id = %s", ["Said the week had been fine.", note.pk])
    message, listed = _records_failing()
    assert message == "Signed records NOT verified: 1 of 2 changed (listed above)."
    seq = AuditEvent.objects.get(action="note.sign", object_id=str(note.pk)).seq
    assert f"therapy.note {note.pk}: its content differs from what event #{seq} (note.sign) recorded" in listed
    assert f"therapy.note {kept.pk}:" not in listed


def test_a_changed_text_with_its_hash_recomputed_without_the_key_is_still_named(therapist, client_record):
    note = _signed_note(therapist, client_record)
    _sql("UPDATE therapy_note SET subjective = %s WHERE id = %s", ["Edited.", note.pk])
    note = Note.objects.get(pk=note.pk)
    forged = signed_records.legacy_digest(note_services.content_canonical(note))  # all one can do without the key
    _sql("UPDATE therapy_note SET content_hash = %s WHERE id = %s", [forged, note.pk])
    _, listed = _records_failing()
    assert f"therapy.note {note.pk}: its content differs" in listed


def test_a_stored_hash_changed_alone_is_named(therapist, client_record):
    note = _signed_note(therapist, client_record)
    _sql("UPDATE therapy_note SET content_hash = %s WHERE id = %s", ["0" * 64, note.pk])
    _, listed = _records_failing()
    assert f"therapy.note {note.pk}: its stored hash was changed (its content still matches event #" in listed


def test_a_signed_note_put_back_to_draft_in_the_database_is_named(therapist, client_record):
    note = _signed_note(therapist, client_record)
    _sql("UPDATE therapy_note SET status = 'draft' WHERE id = %s", [note.pk])
    _, listed = _records_failing()
    assert f"therapy.note {note.pk}: event #" in listed and "recorded it signed, but it is no longer signed" in listed


def test_a_note_returned_to_its_intern_is_no_longer_expected_signed(intern, supervisor, client_record):
    note = NoteFactory(session=SessionFactory(client=client_record, therapist=intern), author=intern)
    note_services.note_submit(by=intern, note=note)
    note_services.note_return(by=supervisor, note=Note.objects.get(pk=note.pk), comment="Say more about the drawing.")
    assert "Signed records intact: 0" in _records_ok()


def _legacy_signed_note(therapist, client_record, *, matching: bool = True) -> Note:
    """A note signed before keyed hashes: its unkeyed SHA-256 on the row, no event recording it."""
    note = NoteFactory(session=SessionFactory(client=client_record, therapist=therapist))
    Note.objects.filter(pk=note.pk).update(status=NoteStatus.SIGNED, signed_by=therapist, signed_at=note.created_at)
    note = Note.objects.get(pk=note.pk)
    old = signed_records.legacy_digest(note_services.content_canonical(note)) if matching else "e" * 64
    Note.objects.filter(pk=note.pk).update(content_hash=old)
    return Note.objects.get(pk=note.pk)


def test_records_signed_before_keyed_hashes_are_sealed_when_they_still_match(therapist, client_record):
    note = _legacy_signed_note(therapist, client_record)
    addendum = Addendum(note=note, author=therapist, text="Later.", reason="", signed_at=note.signed_at)
    addendum.content_hash = signed_records.legacy_digest(note_services.addendum_canonical(addendum))
    addendum.save()
    changed = _legacy_signed_note(therapist, client_record, matching=False)
    _, listed = _records_failing()
    assert f"therapy.note {note.pk}: signed before hashes were keyed and not yet sealed" in listed

    assert signed_records.seal_legacy() == 2  # the note and its addendum; not the one that no longer matches
    note, addendum = Note.objects.get(pk=note.pk), Addendum.objects.get(pk=addendum.pk)
    assert note.content_hash == note_services.content_hash(note) and note_services.note_integrity(note)
    assert note_services.addendum_integrity(addendum)  # sealed over its note's new hash
    sealed = AuditEvent.objects.filter(action=CoreAction.RECORD_SEAL.value)
    assert sorted(e.object_type for e in sealed) == ["therapy.addendum", "therapy.note"]
    assert signed_records.seal_legacy() == 0  # the next migrate finds nothing to do
    message, listed = _records_failing()
    assert message.startswith("Signed records NOT verified: 1 of 3 changed")
    assert f"therapy.note {changed.pk}: signed, but no audit event records its hash" in listed


def test_every_kind_in_the_demo_verifies_and_a_change_to_each_is_named(load_demo):
    load_demo()
    assert "Signed records intact" in _records_ok()
    note = Note.objects.filter(status=NoteStatus.SIGNED).order_by("pk").first()
    addendum = Addendum.objects.order_by("pk").first()
    plan = TreatmentPlan.objects.filter(status=PlanStatus.SIGNED).order_by("pk").first()
    safety = SafetyPlan.objects.order_by("pk").first()

    rating = Rating.objects.order_by("pk").first()
    assert all((note, addendum, plan, safety, rating))
    _sql("UPDATE therapy_note SET plan = %s WHERE id = %s", ["Changed.", note.pk])
    _sql("UPDATE therapy_addendum SET text = %s WHERE id = %s", ["Changed.", addendum.pk])
    _sql("UPDATE plans_treatmentplan SET review_date = NULL WHERE id = %s", [plan.pk])
    _sql("UPDATE artworks_rating SET comment = %s WHERE id = %s", ["Changed.", rating.pk])
    _sql("UPDATE measures_safetyplan SET crisis_resources = %s WHERE id = %s", ["Changed.", safety.pk])
    message, listed = _records_failing()
    assert message.startswith("Signed records NOT verified: ")
    for label, pk in (
        ("therapy.note", note.pk),
        ("therapy.addendum", addendum.pk),
        ("plans.treatmentplan", plan.pk),
        ("artworks.rating", rating.pk),
        ("measures.safetyplan", safety.pk),
    ):
        assert f"{label} {pk}: its content differs from what event #" in listed
