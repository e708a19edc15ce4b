"""The client services' shape: explicit keywords, a locked re-read, only changed fields saved."""

from __future__ import annotations

import inspect

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from artchart.clients import services
from artchart.clients.forms import ConsentForm
from artchart.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_an_update_that_changes_nothing_saves_and_audits_nothing(therapist, client_record):
    events = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as queries:
        same = services.client_update(by=therapist, client=client_record, pronouns=client_record.pronouns)
    assert same.pk == client_record.pk
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert AuditEvent.objects.count() == events


def test_an_update_saves_only_the_changed_fields_and_audits_their_names(therapist, client_record):
    with CaptureQueriesContext(connection) as queries:
        updated = services.client_update(by=therapist, client=client_record, pronouns="they/them", phone="555-0100")
    update = next(q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "clients_client"'))
    assert '"pronouns"' in update and '"phone"' in update and '"updated_at"' in update
    assert '"legal_first_name"' not in update and '"address"' not in update
    assert (updated.pronouns, updated.phone) == ("they/them", "555-0100")
    event = AuditEvent.objects.filter(action="client.update").latest("pk")
    assert sorted(event.detail["fields"]) == ["phone", "pronouns"] and "555-0100" not in str(event.detail)


def test_an_update_works_on_the_row_as_stored_not_the_callers_copy(therapist, client_record):
    stale = client_record
    services.client_update(by=therapist, client=client_record, pronouns="she/her")
    updated = services.client_update(by=therapist, client=stale, phone="555-0101")
    assert (updated.pronouns, updated.phone) == ("she/her", "555-0101")


def test_a_field_the_service_does_not_take_is_refused_by_name(therapist, client_record):
    with pytest.raises(TypeError, match="organization"):
        services.client_update(by=therapist, client=client_record, organization=None)


def test_the_consent_form_asks_for_exactly_what_consent_record_takes():
    taken = set(inspect.signature(services.consent_record).parameters) - {"by", "client"}
    assert set(services.CONSENT_FIELDS) == taken
    assert list(ConsentForm.base_fields) == list(services.CONSENT_FIELDS)
