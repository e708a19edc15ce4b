"""Small things that keep a clinician's trust in the notes pages: submit and co-sign ask first, as
signing does; after co-signing, the next note waiting; the dashboard's list of sessions without a
signed note leaves out the intern's notes waiting for the supervisor; "returned with comments"."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from artchart.tests.factories import CareTeamFactory, ClientFactory, NoteFactory, SessionFactory, UserFactory
from artchart.therapy.models import NoteStatus
from artchart.therapy.selectors import notes as selectors
from artchart.therapy.services import notes as services
from artchart.therapy.views.notes import COSIGNED_ALL, COSIGNED_NEXT

pytestmark = pytest.mark.django_db


def _submitted(intern, client_record, **session):
    note = NoteFactory(session=SessionFactory(client=client_record, therapist=intern, **session))
    return services.note_submit(by=intern, note=note)


def _button(page: str, label: str) -> str:
    """The <button> element whose text is ``label``."""
    found = re.findall(r"<button[^>]*>" + re.escape(label) + "</button>", page)
    assert len(found) == 1, found
    return found[0]


# --- submit and co-sign ask first, as signing does ----------------------------------------------------


def test_sign_submit_and_cosign_each_ask_before_they_act(client, therapist, intern, supervisor, client_record):
    draft = NoteFactory(session=SessionFactory(client=client_record, therapist=therapist))
    client.force_login(therapist)
    page = client.get(reverse("therapy:note_detail", args=[client_record.pk, draft.pk])).content.decode()
    assert 'data-confirm="Sign this note?' in _button(page, "Sign")

    intern_draft = NoteFactory(session=SessionFactory(client=client_record, therapist=intern))
    client.force_login(intern)
    page = client.get(reverse("therapy:note_detail", args=[client_record.pk, intern_draft.pk])).content.decode()
    assert 'data-confirm="Submit this note for co-signature?' in _button(page, "Submit for co-signature")

    submitted = _submitted(intern, client_record)
    client.force_login(supervisor)
    page = client.get(reverse("therapy:note_detail", args=[client_record.pk, submitted.pk])).content.decode()
    assert 'data-confirm="Co-sign this note? The co-signed note is final' in _button(page, "Co-sign")
    # Beside it, "Return with comments" only opens the return form: it changes nothing by itself.
    assert f'href="{reverse("therapy:note_return", args=[client_record.pk, submitted.pk])}"' in page


# --- after co-signing: the next note waiting, or the queue ---------------------------------------------


def test_after_cosigning_the_supervisor_lands_on_the_next_note_waiting(client, intern, supervisor, client_record):
    first = _submitted(intern, client_record)
    second = _submitted(intern, client_record)
    third = _submitted(intern, client_record)
    client.force_login(supervisor)

    response = client.post(reverse("therapy:note_cosign", args=[client_record.pk, second.pk]), follow=True)
    assert response.redirect_chain == [(reverse("therapy:note_detail", args=[client_record.pk, first.pk]), 302)]
    assert COSIGNED_NEXT.format(left=2) in response.content.decode()
    second.refresh_from_db()
    assert second.status == NoteStatus.SIGNED and second.cosigned_by == supervisor

    response = client.post(reverse("therapy:note_cosign", args=[client_record.pk, first.pk]))
    assert response.url == reverse("therapy:note_detail", args=[client_record.pk, third.pk])


def test_after_the_last_note_waiting_the_supervisor_is_back_at_the_dashboard_queue(
    client, intern, supervisor, client_record
):
    note = _submitted(intern, client_record)
    client.force_login(supervisor)
    response = client.post(reverse("therapy:note_cosign", args=[client_record.pk, note.pk]), follow=True)
    assert response.redirect_chain == [(reverse("dashboard"), 302)]
    page = response.content.decode()
    assert COSIGNED_ALL in page and "Notes waiting for your co-signature" not in page


def test_a_refused_cosign_stays_on_the_note_with_the_reason(client, intern, supervisor, client_record):
    note = NoteFactory(session=SessionFactory(client=client_record, therapist=intern))  # a draft, never submitted
    _submitted(intern, client_record)
    client.force_login(supervisor)
    response = client.post(reverse("therapy:note_cosign", args=[client_record.pk, note.pk]), follow=True)
    assert response.redirect_chain == [(reverse("therapy:note_detail", args=[client_record.pk, note.pk]), 302)]
    assert services.NOT_SUBMITTED in response.content.decode()
    note.refresh_from_db()
    assert note.status == NoteStatus.DRAFT


def test_the_next_note_is_only_one_this_supervisor_may_cosign(
    client, org, site, therapist, intern, supervisor, client_record
):
    note = _submitted(intern, client_record)
    # Another intern's note, on another client, supervised by someone else: never offered to Sam.
    other_intern = UserFactory(organization=org, role="intern", username="otherintern")
    other = ClientFactory(site=site)
    CareTeamFactory(client=other, user=other_intern, role="primary")
    NoteFactory(session=SessionFactory(client=other, therapist=other_intern), status=NoteStatus.SUBMITTED)
    client.force_login(supervisor)
    response = client.post(reverse("therapy:note_cosign", args=[client_record.pk, note.pk]))
    assert response.url == reverse("dashboard")


# --- the dashboard's sessions without a signed note ------------------------------------------------------


def test_an_interns_submitted_note_leaves_the_no_signed_note_list_until_it_is_returned(
    client, intern, supervisor, client_record
):
    waiting = _submitted(intern, client_record)
    draft = NoteFactory(session=SessionFactory(client=client_record, therapist=intern))
    nothing = SessionFactory(client=client_record, therapist=intern)
    assert set(selectors.sessions_without_signed_note(intern)) == {draft.session, nothing}

    client.force_login(intern)
    page = client.get(reverse("dashboard")).content.decode()
    unsigned = page[page.index('id="h-sessions-unsigned"') :]
    assert reverse("therapy:session_detail", args=[nothing.pk]) in unsigned
    assert reverse("therapy:session_detail", args=[waiting.session_id]) not in unsigned

    services.note_return(by=supervisor, note=waiting, comment="Add the assessment.")
    assert waiting.session in set(selectors.sessions_without_signed_note(intern))


# --- wording --------------------------------------------------------------------------------------------


def test_returned_notes_are_returned_with_comments_not_edits(client, intern, supervisor, client_record):
    note = _submitted(intern, client_record)
    services.note_return(by=supervisor, note=note, comment="Add the assessment.")
    client.force_login(intern)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Notes returned to you with comments" in page and "with edits" not in page
