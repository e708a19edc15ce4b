"""URL access cases for the therapy app's notes pages and API (gathered by artchart/tests/test_url_access.py).

A client's notes follow the NOTES row of the access table (no viewer row: a
treatment-team member gets 403, someone outside the chart 404). On top of the
table: only a draft's author edits, autosaves or discards it; only the note's
author or a clinician who signs or submits the client's notes adds an
addendum. A group session's batch screen is for whoever sees its group (scoped like a client);
note templates are for admins and program admins.
"""

from __future__ import annotations

from dataclasses import dataclass

from artchart.core.models import Role
from artchart.core.permissions import Action, Area, allows, relations_of
from artchart.tests.access_rules import OK, Case, Chart, GroupScope, Roles, a, c

NOTES = {action: Chart(Area.NOTES, action) for action in Action}
TEMPLATE_ADMINS = Roles((Role.ADMIN, Role.PROGRAM_ADMIN))


@dataclass(frozen=True)
class Author:
    """As the chart says for ``chart``, and then only the note's author (``therapist``); others 403."""

    chart: Chart
    author: str = "therapist"

    def expect(self, person, client_id: int):
        expected = self.chart.expect(person, client_id)
        return 403 if expected == OK and person.username != self.author else expected


@dataclass(frozen=True)
class AddendumWriter:
    """Whoever reads the notes may open a signed note; an addendum is for its author or whoever signs or submits."""

    author: str = "therapist"

    def expect(self, person, client_id: int):
        expected = NOTES[Action.READ].expect(person, client_id)
        if expected != OK:
            return expected
        relations = relations_of(person, client_id)
        writes = allows(relations, Area.NOTES, Action.SIGN) or allows(relations, Area.NOTES, Action.SUBMIT)
        return OK if writes or person.username == self.author else 403


def n(name: str):
    return lambda o: {**c(o), "note_id": o[name].pk}


RULES: dict[str, Case] = {
    "therapy:note_list": Case(NOTES[Action.READ], kwargs=c),
    "therapy:note_create": Case(NOTES[Action.WRITE], kwargs=c),
    "therapy:note_detail": Case(NOTES[Action.READ], kwargs=n("signed_note")),
    "therapy:note_edit": Case(Author(NOTES[Action.WRITE]), kwargs=n("draft_note")),
    "therapy:note_autosave": Case(
        Author(NOTES[Action.WRITE]),
        method="post",
        kwargs=n("draft_note"),
        data=lambda o: {"subjective": "Arrived quiet; brightened with clay."},
    ),
    "therapy:note_delete": Case(Author(NOTES[Action.WRITE]), method="post", kwargs=n("throwaway_note")),
    "therapy:note_sign": Case(NOTES[Action.SIGN], method="post", kwargs=n("draft_note")),
    "therapy:note_submit": Case(NOTES[Action.SUBMIT], method="post", kwargs=n("intern_note")),
    "therapy:note_cosign": Case(NOTES[Action.COSIGN], method="post", kwargs=n("submitted_note")),
    "therapy:note_return": Case(NOTES[Action.RETURN], kwargs=n("submitted_note")),
    "therapy:note_addendum": Case(AddendumWriter(), kwargs=n("signed_note")),
    "therapy:note_text": Case(NOTES[Action.READ], kwargs=n("signed_note")),
    "therapy:note_batch": Case(GroupScope(), kwargs=lambda o: {"session_id": o["notes_group_session"].pk}),
    "therapy:note_template_list": Case(TEMPLATE_ADMINS),
    "therapy:note_template_create": Case(TEMPLATE_ADMINS),
    "therapy:note_template_edit": Case(TEMPLATE_ADMINS, kwargs=lambda o: {"template_id": o["note_template"].pk}),
    "api:notes_list": a(NOTES[Action.READ]),
    "api:notes_create": a(NOTES[Action.WRITE], "post", data=lambda o: {"kind": "intake", "format": "dap"}),
    "api:note_detail": a(NOTES[Action.READ], kwargs=n("signed_note")),
    "api:note_update": a(
        Author(NOTES[Action.WRITE]),
        "patch",
        kwargs=n("draft_note"),
        data=lambda o: {"assessment": "Engaged throughout."},
    ),
    "api:note_delete": a(Author(NOTES[Action.WRITE]), "delete", kwargs=n("throwaway_note")),
    "api:note_sign": a(NOTES[Action.SIGN], "post", kwargs=n("draft_note"), data=lambda o: {}),
    "api:note_submit": a(NOTES[Action.SUBMIT], "post", kwargs=n("intern_note")),
    "api:note_cosign": a(NOTES[Action.COSIGN], "post", kwargs=n("submitted_note"), data=lambda o: {}),
    "api:note_return": a(
        NOTES[Action.RETURN],
        "post",
        kwargs=n("submitted_note"),
        data=lambda o: {"comment": "Say what the drawing showed."},
    ),
    "api:addenda_create": a(
        AddendumWriter(),
        "post",
        kwargs=n("signed_note"),
        data=lambda o: {"text": "Mother called after the session.", "reason": "Late information"},
    ),
    "api:note_text": a(NOTES[Action.READ], kwargs=n("signed_note")),
}

# Every API operation of this area as (operationId, method, path); the schema test checks the list is whole.
API_OPERATIONS: list[tuple[str, str, str]] = [
    ("notes_list", "GET", "/api/v1/clients/{client_id}/notes"),
    ("notes_create", "POST", "/api/v1/clients/{client_id}/notes"),
    ("note_detail", "GET", "/api/v1/clients/{client_id}/notes/{note_id}"),
    ("note_update", "PATCH", "/api/v1/clients/{client_id}/notes/{note_id}"),
    ("note_delete", "DELETE", "/api/v1/clients/{client_id}/notes/{note_id}"),
    ("note_sign", "POST", "/api/v1/clients/{client_id}/notes/{note_id}/sign"),
    ("note_submit", "POST", "/api/v1/clients/{client_id}/notes/{note_id}/submit"),
    ("note_cosign", "POST", "/api/v1/clients/{client_id}/notes/{note_id}/cosign"),
    ("note_return", "POST", "/api/v1/clients/{client_id}/notes/{note_id}/return"),
    ("addenda_create", "POST", "/api/v1/clients/{client_id}/notes/{note_id}/addenda"),
    ("note_text", "GET", "/api/v1/clients/{client_id}/notes/{note_id}/text"),
]


def objs(base: dict) -> dict:
    """A draft, a signed note and a throwaway draft of ``therapist``; an intern draft and a submitted
    intern note (``supervisor`` is responsible); a group session with ``client`` present; a template."""
    from artchart.tests.factories import (
        AttendanceFactory,
        GroupFactory,
        GroupMembershipFactory,
        NoteFactory,
        SessionFactory,
    )
    from artchart.therapy.models import NoteTemplate
    from artchart.therapy.services.notes import note_sign, note_submit

    client, therapist, intern = base["client"], base["therapist"], base["intern"]

    def session(by):
        return SessionFactory(client=client, therapist=by)

    signed = NoteFactory(session=session(therapist))
    note_sign(by=therapist, note=signed)
    submitted = NoteFactory(session=session(intern))
    note_submit(by=intern, note=submitted)
    group = GroupFactory(site=client.site, name="Notes studio", facilitators=[therapist])
    GroupMembershipFactory(group=group, client=client)
    group_session = SessionFactory(kind="group", client=None, group=group, therapist=therapist)
    AttendanceFactory(session=group_session, client=client)
    return {
        "draft_note": NoteFactory(session=session(therapist)),
        "throwaway_note": NoteFactory(session=None, client=client, author=therapist, kind="intake"),
        "intern_note": NoteFactory(session=session(intern)),
        "submitted_note": submitted,
        "signed_note": signed,
        "notes_group_session": group_session,
        "note_template": NoteTemplate.objects.create(
            organization_id=client.organization_id, name="Progress (SOAP)", kind="progress", format="soap"
        ),
    }
