"""A note starts from what is known: the session's directive and materials, the goals of the
active plan, "Plan" carried from the last signed note (and marked so), "Copy the last note" when
asked, the client's pieces of the session with their titles and words, and no pre-page when the
session is known."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from artchart.plans import services as plans
from artchart.programs.models import Directive
from artchart.tests.factories import NoteFactory, SessionFactory, artwork_with_photo
from artchart.therapy.models import Note
from artchart.therapy.selectors import notes as selectors
from artchart.therapy.services import notes as services

pytestmark = pytest.mark.django_db


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def _signed_note(therapist, client_record, day: dt.date, **fields) -> Note:
    note = NoteFactory(session=SessionFactory(client=client_record, therapist=therapist, starts_at=_at(day)), **fields)
    return services.note_sign(by=therapist, note=note)


def _session(therapist, client_record, **fields):
    fields.setdefault("starts_at", _at(dt.date(2026, 11, 30)))
    return SessionFactory(client=client_record, therapist=therapist, **fields)


def _bridge(client_record) -> Directive:
    return Directive.objects.create(
        organization=client_record.organization, name="Bridge drawing", materials="Pencil and markers, 9×12 paper"
    )


def _active_plan(therapist, client_record):
    plan = plans.plan_create(by=therapist, client=client_record)
    problem = plans.problem_add(by=therapist, plan=plan, statement="Withdraws in groups")
    goal = plans.goal_add(by=therapist, problem=problem, statement="Joins one group piece")
    plans.objective_add(by=therapist, goal=goal, statement="Adds to the mural in 2 of 4 sessions")
    plans.plan_sign(by=therapist, plan=plan)
    return goal


def _new(client_record, session=None, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in {**({"session": session.pk} if session else {}), **params}.items())
    return reverse("therapy:note_create", args=[client_record.pk]) + (f"?{query}" if query else "")


# --- the prefill selector ------------------------------------------------------------------------------


def test_the_prefill_ticks_the_sessions_directive_fills_media_and_carries_the_last_signed_plan(
    therapist, client_record
):
    _signed_note(therapist, client_record, dt.date(2026, 11, 2), plan="Older plan.")
    last = _signed_note(therapist, client_record, dt.date(2026, 11, 23), plan="Try the bridge drawing next.")
    bridge = _bridge(client_record)
    session = _session(therapist, client_record, directive=bridge)
    access = selectors.note_access(therapist, client_record.pk)

    prefill = selectors.note_prefill(access, session=session)

    assert prefill.initial == {
        "directives": [bridge.pk],
        "media": "Pencil and markers, 9×12 paper",
        "plan": "Try the bridge drawing next.",
    }
    assert prefill.carried_from == last and selectors.note_day(last) == dt.date(2026, 11, 23)
    assert not prefill.copied


def test_drafts_and_returned_notes_are_not_carried_forward(therapist, client_record):
    NoteFactory(session=_session(therapist, client_record), plan="A draft's plan.")
    access = selectors.note_access(therapist, client_record.pk)
    prefill = selectors.note_prefill(access, session=None)
    assert prefill.initial == {} and prefill.carried_from is None and prefill.last_note is None


def test_copying_the_last_note_fills_sections_and_process_but_not_the_risk_screen(therapist, client_record):
    _signed_note(
        therapist,
        client_record,
        dt.date(2026, 11, 23),
        engagement="Worked steadily.",
        risk_level="low",
        risk_notes="Passive thoughts last month.",
    )
    access = selectors.note_access(therapist, client_record.pk)
    prefill = selectors.note_prefill(access, session=_session(therapist, client_record), copy_last=True)
    assert prefill.copied
    assert prefill.initial["subjective"] == "Said the week had been hard."
    assert prefill.initial["engagement"] == "Worked steadily."
    assert "risk_level" not in prefill.initial and "risk_notes" not in prefill.initial


# --- the editor opens with it -----------------------------------------------------------------------------


def test_a_note_for_a_session_opens_the_editor_prefilled_with_the_plan_marked_as_carried(
    client, therapist, client_record
):
    _signed_note(therapist, client_record, dt.date(2026, 11, 23), plan="Try the bridge drawing next.")
    bridge = _bridge(client_record)
    goal = _active_plan(therapist, client_record)
    session = _session(therapist, client_record, directive=bridge)
    client.force_login(therapist)

    response = client.get(_new(client_record, session))

    page = response.content.decode()
    assert response.status_code == 200 and "Save the draft" in page and "Open the editor" not in page
    form = response.context["form"]
    assert form.initial["directives"] == [bridge.pk]
    assert f'value="{bridge.pk}" id="id_directives_0" checked' in page
    assert form.initial["media"] == "Pencil and markers, 9×12 paper"
    assert form.initial["plan"] == "Try the bridge drawing next."
    assert "Carried from the note of 23 November 2026" in page
    assert f"Goal: {goal.statement}" in page and "Objective: Adds to the mural in 2 of 4 sessions" in page
    assert "Copy the last note (23 November 2026)" in page
    # The choice of session, template and format stays on the editor.
    assert "Session, template and format" in page and 'name="format"' in page
    assert not Note.objects.filter(session=session).exists()  # opening the editor writes nothing


def test_saving_the_new_note_creates_the_draft_with_what_was_prefilled_and_typed(client, therapist, client_record):
    bridge = _bridge(client_record)
    goal = _active_plan(therapist, client_record)
    session = _session(therapist, client_record, directive=bridge)
    client.force_login(therapist)

    response = client.post(
        _new(client_record, session),
        {
            "kind": "progress",
            "session": session.pk,
            "format": "dap",
            "data": "Drew a bridge over a dark river.",
            "plan": "Continue weekly.",
            "media": "Pencil and markers, 9×12 paper",
            "directives": [bridge.pk],
            f"goal_{goal.pk}": "some",
        },
    )

    note = Note.objects.get(session=session)
    assert response.status_code == 302 and response.url == reverse(
        "therapy:note_detail", args=[client_record.pk, note.pk]
    )
    assert note.format == "dap" and note.data == "Drew a bridge over a dark river." and note.author == therapist
    assert list(note.directives.all()) == [bridge]
    assert [(g.goal_id, g.rating) for g in note.goal_progress.all()] == [(goal.pk, "some")]


def test_copy_the_last_note_is_only_on_request_and_keeps_what_the_session_gives(client, therapist, client_record):
    _signed_note(therapist, client_record, dt.date(2026, 11, 23), media="Clay", engagement="Kneaded for a long time.")
    session = _session(therapist, client_record, directive=_bridge(client_record))
    client.force_login(therapist)

    plain = client.get(_new(client_record, session)).context["form"]
    assert "subjective" not in plain.initial and "engagement" not in plain.initial

    copied = client.get(_new(client_record, session, copy="last"))
    form = copied.context["form"]
    assert form.initial["subjective"] == "Said the week had been hard."
    assert form.initial["engagement"] == "Kneaded for a long time."
    assert form.initial["media"] == "Pencil and markers, 9×12 paper"  # the session's directive, not the copy
    assert "Filled from the note of 23 November 2026" in copied.content.decode()


def test_copy_the_last_note_fills_only_the_empty_fields_of_a_saved_draft(client, therapist, client_record):
    _signed_note(therapist, client_record, dt.date(2026, 11, 23), objective="Worked in clay.")
    draft = NoteFactory(session=_session(therapist, client_record), subjective="Arrived late, flat.", objective="")
    client.force_login(therapist)
    form = client.get(reverse("therapy:note_edit", args=[client_record.pk, draft.pk]) + "?copy=last").context["form"]
    assert form.initial["subjective"] == "Arrived late, flat."
    assert form.initial["objective"] == "Worked in clay."


def test_a_saved_draft_keeps_the_carried_mark_while_its_plan_reads_as_the_last_notes(client, therapist, client_record):
    _signed_note(therapist, client_record, dt.date(2026, 11, 23), plan="Continue weekly.")
    draft = NoteFactory(session=_session(therapist, client_record), plan="Continue weekly.")
    changed = NoteFactory(
        session=_session(therapist, client_record, starts_at=_at(dt.date(2026, 12, 1))), plan="Move to fortnightly."
    )
    client.force_login(therapist)

    def edit(note):
        return client.get(reverse("therapy:note_edit", args=[client_record.pk, note.pk])).content.decode()

    assert "Carried from the note of 23 November 2026" in edit(draft)
    assert "Carried from the note of" not in edit(changed)


# --- the pre-page only when it is needed --------------------------------------------------------------------


def test_with_no_session_named_the_latest_session_still_without_a_note_opens_in_the_editor(
    client, therapist, client_record
):
    documented = _signed_note(therapist, client_record, dt.date(2026, 11, 23)).session
    undocumented = _session(therapist, client_record)
    SessionFactory(
        client=client_record, therapist=therapist, status="scheduled", starts_at=timezone.now() + dt.timedelta(days=2)
    )
    client.force_login(therapist)

    editor = client.get(_new(client_record))
    assert "Save the draft" in editor.content.decode()
    assert editor.context["start"].cleaned_data["session"] == undocumented

    NoteFactory(session=undocumented)
    chooser = client.get(_new(client_record))
    page = chooser.content.decode()
    assert "Open the editor" in page and 'method="get"' in page and not chooser.context["form"].errors
    assert {s.pk for s in chooser.context["form"].fields["session"].queryset} >= {documented.pk, undocumented.pk}

    unchosen = client.get(_new(client_record, kind="progress"))
    assert "choose the session" in unchosen.content.decode()
    chosen = client.get(_new(client_record, documented, kind="intake"))
    assert "Save the draft" in chosen.content.decode()


def test_a_client_with_no_session_still_chooses_and_an_intake_opens_the_editor_at_once(
    client, therapist, client_record
):
    client.force_login(therapist)
    chooser = client.get(_new(client_record))
    assert "Open the editor" in chooser.content.decode()
    assert list(chooser.context["form"].fields["session"].queryset) == []

    intake = client.get(_new(client_record, kind="intake"))
    assert "Save the draft" in intake.content.decode()
    response = client.post(_new(client_record, kind="intake"), {"kind": "intake", "subjective": "Referred by school."})
    note = Note.objects.get(client=client_record, kind="intake")
    assert response.status_code == 302 and note.session is None and note.subjective == "Referred by school."


def test_a_session_of_another_client_is_not_offered(client, therapist, client_record, site):
    from artchart.tests.factories import CareTeamFactory, ClientFactory

    other = ClientFactory(site=site)
    CareTeamFactory(client=other, user=therapist, role="primary")
    foreign = SessionFactory(client=other, therapist=therapist)
    client.force_login(therapist)
    page = client.get(_new(client_record, foreign)).content.decode()
    assert "Open the editor" in page and "Select a valid choice" in page


def test_someone_outside_the_care_team_gets_404_for_the_new_note_and_its_copy(
    client, therapist, outsider, client_record
):
    _signed_note(therapist, client_record, dt.date(2026, 11, 23))
    session = _session(therapist, client_record)
    client.force_login(outsider)
    assert client.get(_new(client_record, session)).status_code == 404
    assert client.get(_new(client_record, session, copy="last")).status_code == 404
    assert client.post(_new(client_record, session), {"kind": "progress", "session": session.pk}).status_code == 404
    assert not Note.objects.filter(session=session).exists()


# --- the client's pieces of the session -----------------------------------------------------------------------


def test_the_pieces_of_the_session_appear_in_the_note_with_thumbnails_titles_and_words(
    client, therapist, client_record
):
    session = _session(therapist, client_record)
    artwork = artwork_with_photo(
        by=therapist,
        client=client_record,
        session=session,
        title="The bridge home",
        statement="The river is what I am leaving behind.",
        made_on=dt.date(2026, 11, 30),
    )
    photo = artwork.photos.get()
    client.force_login(therapist)

    editor = client.get(_new(client_record, session))
    page = editor.content.decode()
    assert "The bridge home" in page and "The river is what I am leaving behind." in page
    assert reverse("artworks:image", args=[photo.pk, photo.small_variant]) in page
    # One source: the note does not ask again for the title and words the piece holds.
    assert "client_title" not in editor.context["form"].fields
    assert "client_words" not in editor.context["form"].fields

    client.post(_new(client_record, session), {"kind": "progress", "session": session.pk, "subjective": "Quiet."})
    note = Note.objects.get(session=session)
    assert note.client_title == "" and note.client_words == ""
    detail = client.get(reverse("therapy:note_detail", args=[client_record.pk, note.pk])).content.decode()
    assert "The bridge home" in detail and "The river is what I am leaving behind." in detail
    # Shown once: the note's card of the piece stands in for the session's card of it.
    assert detail.count(reverse("artworks:image", args=[photo.pk, photo.small_variant])) == 1
    assert detail.count(reverse("artworks:session_upload", args=[session.pk])) == 1

    # The piece's words, changed on the piece, read the same in the note.
    artwork.statement = "A bridge, not a wall."
    artwork.save(update_fields=["statement"])
    detail = client.get(reverse("therapy:note_detail", args=[client_record.pk, note.pk])).content.decode()
    assert "A bridge, not a wall." in detail


def test_without_pieces_the_note_asks_for_the_clients_title_and_words(client, therapist, client_record):
    session = _session(therapist, client_record)
    client.force_login(therapist)
    form = client.get(_new(client_record, session)).context["form"]
    assert "client_title" in form.fields and "client_words" in form.fields


def test_the_editor_query_count_does_not_grow_with_the_pieces_or_the_signed_notes(client, therapist, client_record):
    from artchart.tests.factories import ArtworkFactory

    session = _session(therapist, client_record, directive=_bridge(client_record))
    _signed_note(therapist, client_record, dt.date(2026, 11, 23))
    ArtworkFactory(client=client_record, session=session, created_by=therapist, made_on=dt.date(2026, 11, 30))
    _active_plan(therapist, client_record)
    client.force_login(therapist)
    url = _new(client_record, session)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)

    _signed_note(therapist, client_record, dt.date(2026, 11, 16))
    for _ in range(3):
        ArtworkFactory(client=client_record, session=session, created_by=therapist, made_on=dt.date(2026, 11, 30))
    with CaptureQueriesContext(connection) as more:
        page = client.get(url).content.decode()
    assert page.count('class="note-artwork"') == 4
    assert len(more) == len(few)


def test_a_session_whose_note_was_started_opens_that_note_rather_than_a_second(client, therapist, client_record):
    session = _session(therapist, client_record)
    draft = NoteFactory(session=session)
    client.force_login(therapist)
    response = client.get(_new(client_record, session))
    assert response.status_code == 302
    assert response.url == reverse("therapy:note_detail", args=[client_record.pk, draft.pk])
