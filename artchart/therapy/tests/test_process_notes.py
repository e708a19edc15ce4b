"""Process notes (psychotherapy notes): seen by their author and an intern author's supervisor, no one else."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from artchart.api import api, api_operations
from artchart.core.models import AuditEvent
from artchart.core.services import token_issue
from artchart.tests.factories import CareTeamFactory, ClientFactory, SessionFactory
from artchart.therapy.models import ProcessNote
from artchart.therapy.services import confidential as services

pytestmark = pytest.mark.django_db

SECRET = "I felt pulled to rescue her, as with my sister."


@pytest.fixture
def intern_note(intern, client_record):
    return services.process_note_create(by=intern, client=client_record, text=SECRET)


def _detail(note):
    return reverse("therapy:process_note_detail", args=[note.client_id, note.pk])


def test_the_author_writes_and_reads_a_process_note(client, therapist, client_record):
    client.force_login(therapist)
    response = client.post(reverse("therapy:process_note_create", args=[client_record.pk]), {"text": SECRET})
    note = ProcessNote.objects.get()
    assert response.status_code == 302 and response["Location"] == _detail(note)
    assert note.author == therapist and note.text == SECRET
    assert SECRET in client.get(_detail(note)).content.decode()
    listing = client.get(reverse("therapy:process_note_list", args=[client_record.pk])).content.decode()
    assert _detail(note) in listing


def test_the_interns_supervisor_reads_but_cannot_change_the_note(client, supervisor, intern_note):
    client.force_login(supervisor)
    page = client.get(_detail(intern_note)).content.decode()
    assert SECRET in page and "only the author may change it" in page
    listing = client.get(reverse("therapy:process_note_list", args=[intern_note.client_id])).content.decode()
    assert _detail(intern_note) in listing
    edit = reverse("therapy:process_note_edit", args=[intern_note.client_id, intern_note.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"text": "Rewritten"}).status_code == 403
    delete = reverse("therapy:process_note_delete", args=[intern_note.client_id, intern_note.pk])
    assert client.post(delete).status_code == 403
    intern_note.refresh_from_db()
    assert intern_note.text == SECRET
    with pytest.raises(PermissionDenied):
        services.process_note_update(by=supervisor, note=intern_note, text="Rewritten")


def test_a_supervisor_whose_link_ended_no_longer_reads_the_note(client, supervisor, intern, intern_note):
    from django.utils import timezone

    from artchart.core.models import SupervisionLink

    SupervisionLink.objects.filter(supervisor=supervisor, supervisee=intern).update(ended_on=timezone.localdate())
    client.force_login(supervisor)
    assert client.get(_detail(intern_note)).status_code == 404


@pytest.mark.parametrize("person", ["therapist", "teamviewer", "admin", "programadmin", "therapist2", "outsider"])
def test_everyone_else_gets_404_for_the_note(request, client, person, intern_note):
    """The primary therapist (not the author), a viewer, an admin, another therapist: 404, the text never shown."""
    client.force_login(request.getfixturevalue(person))
    for name in ("process_note_detail", "process_note_edit", "process_note_delete"):
        response = client.get(reverse(f"therapy:{name}", args=[intern_note.client_id, intern_note.pk]))
        assert response.status_code == 404, name
        assert SECRET not in response.content.decode()


def test_the_primary_therapist_does_not_see_the_interns_notes_in_the_list(client, therapist, intern_note):
    client.force_login(therapist)
    listing = client.get(reverse("therapy:process_note_list", args=[intern_note.client_id]))
    assert listing.status_code == 200
    assert _detail(intern_note) not in listing.content.decode() and SECRET not in listing.content.decode()


def test_the_note_is_not_on_the_chart_or_in_the_search(client, therapist, client_record):
    services.process_note_create(by=therapist, client=client_record, text=SECRET)
    client.force_login(therapist)
    chart = client.get(reverse("clients:chart", args=[client_record.pk])).content.decode()
    assert SECRET not in chart
    search = client.get(reverse("clients:list"), {"q": "rescue"}).content.decode()
    assert SECRET not in search


def test_the_author_changes_and_deletes_the_note(client, intern, intern_note):
    client.force_login(intern)
    edit = reverse("therapy:process_note_edit", args=[intern_note.client_id, intern_note.pk])
    assert SECRET in client.get(edit).content.decode()
    assert client.post(edit, {"text": "Second thoughts."}).status_code == 302
    intern_note.refresh_from_db()
    assert intern_note.text == "Second thoughts." and intern_note.updated_at > intern_note.created_at
    delete = reverse("therapy:process_note_delete", args=[intern_note.client_id, intern_note.pk])
    assert client.get(delete).status_code == 200
    assert client.post(delete).status_code == 302
    assert not ProcessNote.objects.exists()
    assert list(
        AuditEvent.objects.filter(object_type="therapy.processnote").values_list("action", flat=True).order_by("seq")
    ) == ["process_note.create", "process_note.update", "process_note.delete"]


def test_audit_events_of_process_notes_carry_no_text(client, intern, intern_note):
    client.force_login(intern)
    client.post(
        reverse("therapy:process_note_edit", args=[intern_note.client_id, intern_note.pk]),
        {"text": "Another secret thought."},
    )
    client.get(_detail(intern_note))
    events = list(AuditEvent.objects.all())
    assert any(e.action == "process_note.update" for e in events)
    for event in events:
        dumped = json.dumps(event.detail) + event.object_id + event.object_type
        assert "secret" not in dumped.lower() and "rescue" not in dumped
    assert AuditEvent.objects.get(action="process_note.create").detail == {"session": None}


def test_a_viewer_and_an_admin_may_not_write_process_notes(teamviewer, admin, client_record):
    with pytest.raises(PermissionDenied):
        services.process_note_create(by=teamviewer, client=client_record, text=SECRET)
    from django.http import Http404

    with pytest.raises(Http404):
        services.process_note_create(by=admin, client=client_record, text=SECRET)
    assert not ProcessNote.objects.exists()


def test_an_empty_note_is_refused_and_nothing_written(client, therapist, client_record):
    client.force_login(therapist)
    response = client.post(reverse("therapy:process_note_create", args=[client_record.pk]), {"text": "   "})
    assert response.status_code == 200
    assert (
        not ProcessNote.objects.exists() and not AuditEvent.objects.filter(action__startswith="process_note").exists()
    )
    with pytest.raises(ValidationError) as refused:
        services.process_note_create(by=therapist, client=client_record, text="")
    assert services.NOTE_EMPTY in refused.value.messages


def test_a_session_of_another_client_is_refused(therapist, client_record, site):
    other = ClientFactory(site=site)
    CareTeamFactory(client=other, user=therapist, role="primary")
    session = SessionFactory(client=other, therapist=therapist)
    with pytest.raises(ValidationError) as refused:
        services.process_note_create(by=therapist, client=client_record, text=SECRET, session=session)
    assert refused.value.message_dict == {"session": [services.SESSION_OF_ANOTHER_CLIENT]}
    assert not ProcessNote.objects.exists()
    own = SessionFactory(client=client_record, therapist=therapist)
    assert services.process_note_create(by=therapist, client=client_record, text=SECRET, session=own).session == own


def test_process_notes_are_never_in_the_api(therapist, intern_note):
    assert not [op for op in api_operations() if "process" in op.name or "process" in op.path]
    schema = json.dumps(api.get_openapi_schema())
    assert "process_note" not in schema.lower() and "processnote" not in schema.lower()
    from django.test import Client

    browser = Client(headers={"Authorization": f"Bearer {token_issue(user=therapist)[1]}"})
    for path in (
        f"/api/v1/clients/{intern_note.client_id}/process-notes",
        f"/api/v1/clients/{intern_note.client_id}/process-notes/{intern_note.pk}",
    ):
        assert browser.get(path).status_code == 404


def test_the_chart_card_links_process_notes_only_for_those_who_keep_or_read_them(
    client, therapist, teamviewer, client_record
):
    from artchart.clients.selectors import client_get_for_user

    url = reverse("therapy:process_note_list", args=[client_record.pk])
    services.process_note_create(by=therapist, client=client_record, text=SECRET)
    mine = _chart_card(client_get_for_user(therapist, client_record.pk), "therapy/confidential/_chart_card.html")
    assert url in mine and "1 you may read" in mine and SECRET not in mine
    viewer = _chart_card(client_get_for_user(teamviewer, client_record.pk), "therapy/confidential/_chart_card.html")
    assert url not in viewer and "incident" not in viewer.lower()


def test_the_list_query_count_does_not_grow_with_notes(client, intern, supervisor, client_record):
    client.force_login(supervisor)
    url = reverse("therapy:process_note_list", args=[client_record.pk])

    def queries_with(count: int) -> int:
        for _ in range(count):
            services.process_note_create(
                by=intern,
                client=client_record,
                text=SECRET,
                session=SessionFactory(client=client_record, therapist=intern),
            )
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    assert queries_with(2) == queries_with(10)


def _chart_card(access, template: str) -> str:
    """The chart card drawn from ``template`` (see artchart/core/panel_registry.py), or "" if not shown."""
    from django.template.loader import render_to_string

    from artchart.core.panel_registry import chart_panels

    return "".join(render_to_string(p.template, p.context) for p in chart_panels(access) if p.template == template)
