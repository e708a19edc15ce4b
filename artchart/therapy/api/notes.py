"""API for notes, under /api/v1/clients/{client_id}/notes.

Drafts are created and changed (PATCH sends only what changes); signing,
submitting, co-signing and returning are actions. A change to a signed or
submitted note is a 409 whose message says to add an addendum. Every read
of a note recomputes its content hash: ``intact`` is false (and the read is
flagged in the audit log) if the note no longer matches what was signed.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from ninja import Body, Router, Schema, Status
from pydantic import Field

from artchart.core.api import Id, paginated
from artchart.core.permissions import Action
from artchart.therapy.models import (
    Addendum,
    Note,
    NoteGoalProgress,
    NoteReturn,
    Session,
)
from artchart.therapy.selectors import notes as selectors
from artchart.therapy.services import notes as services

router = Router(tags=["notes"])


class GoalProgressIn(Schema):
    goal: Id
    objective: Id | None = None
    rating: str = Field(description="regressed, no_change, some, good or met")
    comment: str = Field("", max_length=500)


class GoalProgressOut(GoalProgressIn):
    @staticmethod
    def resolve_goal(item: NoteGoalProgress) -> int:
        return item.goal_id

    @staticmethod
    def resolve_objective(item: NoteGoalProgress) -> int | None:
        return item.objective_id


class NoteFields(Schema):
    """The draft's content; fields of another format than the note's are kept but not shown."""

    group_part: str = Field(None, max_length=10000)
    subjective: str = Field(None, max_length=10000)
    objective: str = Field(None, max_length=10000)
    data: str = Field(None, max_length=10000)
    assessment: str = Field(None, max_length=10000)
    plan: str = Field(None, max_length=10000)
    behavior: str = Field(None, max_length=10000)
    intervention: str = Field(None, max_length=10000)
    response: str = Field(None, max_length=10000)
    directive_notes: str = Field(None, max_length=2000)
    media: str = Field(None, max_length=1000)
    engagement: str = Field(None, max_length=5000)
    client_title: str = Field(None, max_length=200)
    client_words: str = Field(None, max_length=5000)
    risk_level: str = Field(None, description="'' (not screened), none, low, moderate or high")
    risk_notes: str = Field(None, max_length=2000)
    extra: dict[str, str] = Field(None, description="Values of the note template's extra fields, by key")
    directives: list[Id] = Field(None, max_length=50, description="Ids of directives of the library")
    goal_progress: list[GoalProgressIn] = Field(
        None, max_length=100, description="Goals and objectives of the active plan, rated"
    )


class NoteIn(NoteFields):
    kind: str = Field("progress", description="intake, progress or discharge")
    session: Id | None = Field(None, description="The session (required for a progress note)")
    template: Id | None = Field(None, description="A note template; the default of the kind if left out")
    format: str | None = Field(None, description="soap, dap or birp; the template's if left out")


class ReturnOut(Schema):
    id: int
    by: int
    at: dt.datetime
    comment: str
    field_comments: dict[str, str]
    resolved_at: dt.datetime | None

    @staticmethod
    def resolve_by(item: NoteReturn) -> int:
        return item.by_id


class AddendumIn(Schema):
    text: str = Field(max_length=10000)
    reason: str = Field("", max_length=300)


class AddendumOut(AddendumIn):
    id: int
    author: int
    signed_at: dt.datetime
    content_hash: str

    @staticmethod
    def resolve_author(item: Addendum) -> int:
        return item.author_id


class NoteSummary(Schema):
    id: int
    client: int
    session: int | None
    kind: str
    format: str
    template: int | None
    author: int
    status: str
    late_entry: bool
    risk_level: str
    created_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None
    signed_by: int | None
    signed_at: dt.datetime | None
    cosigned_by: int | None
    cosigned_at: dt.datetime | None
    content_hash: str

    @staticmethod
    def resolve_client(note: Note) -> int:
        return note.client_id

    @staticmethod
    def resolve_session(note: Note) -> int | None:
        return note.session_id

    @staticmethod
    def resolve_template(note: Note) -> int | None:
        return note.template_id

    @staticmethod
    def resolve_author(note: Note) -> int:
        return note.author_id

    @staticmethod
    def resolve_signed_by(note: Note) -> int | None:
        return note.signed_by_id

    @staticmethod
    def resolve_cosigned_by(note: Note) -> int | None:
        return note.cosigned_by_id


class NoteOut(NoteSummary):
    group_part: str
    subjective: str
    objective: str
    data: str
    assessment: str
    plan: str
    behavior: str
    intervention: str
    response: str
    directive_notes: str
    media: str
    engagement: str
    client_title: str
    client_words: str
    risk_notes: str
    sign_risk_reason: str
    cosign_risk_reason: str
    extra: dict
    directives: list[int]
    goal_progress: list[GoalProgressOut]
    returns: list[ReturnOut]
    addenda: list[AddendumOut]
    intact: bool = Field(description="False if the content no longer matches what was signed or submitted")

    @staticmethod
    def resolve_directives(note: Note) -> list[int]:
        return [d.pk for d in note.directives.all()]

    @staticmethod
    def resolve_goal_progress(note: Note) -> list:
        return list(note.goal_progress.all())

    @staticmethod
    def resolve_returns(note: Note) -> list:
        return list(note.returns.all())

    @staticmethod
    def resolve_addenda(note: Note) -> list:
        return list(note.addenda.all())


class SignIn(Schema):
    risk_reason: str = Field(
        "",
        max_length=1000,
        description=('Why the risk screen says "none" while the client has an open risk alert; required only then'),
    )


class ReturnIn(Schema):
    comment: str = Field("", max_length=5000)
    field_comments: dict[str, str] = Field(default_factory=dict, description="Comments beside fields, by field name")


class PlainText(Schema):
    id: int
    text: str
    intact: bool


def _note(request, client_id: int, note_id: int, action: Action = Action.READ) -> Note:
    return selectors.note_get(selectors.note_access(request.user, client_id, action=action), note_id)


def _shown(request, client_id: int, note_id: int) -> Note:
    """The note as it is now, with its integrity checked (a mismatch is recorded, flagged)."""
    note = _note(request, client_id, note_id)
    note.intact = services.note_integrity(note)
    if not note.intact:
        services.note_integrity_flag(by=request.user, note=note)
    return note


def _fields(payload: Schema) -> dict:
    fields = payload.dict(exclude_unset=True)
    if "goal_progress" in fields and fields["goal_progress"] is not None:
        fields["goal_progress"] = [dict(item) for item in fields["goal_progress"]]
    if fields.get("risk_level", "") is None:
        fields["risk_level"] = ""  # null: not screened
    return {name: value for name, value in fields.items() if value is not None}


@router.get("/clients/{client_id}/notes", response=list[NoteSummary], url_name="notes_list")
@paginated
def notes_list(request, client_id: Id):
    """The client's notes, newest first."""
    return list(selectors.notes_of(selectors.note_access(request.user, client_id)))


@router.post("/clients/{client_id}/notes", response={201: NoteOut}, url_name="notes_create")
def notes_create(request, client_id: Id, payload: NoteIn):
    """Start a draft. A progress note names a session the client attended; one per client and session."""
    access = selectors.note_access(request.user, client_id, action=Action.WRITE)
    fields = _fields(payload)
    session_id = fields.pop("session", None)
    session = None
    if session_id is not None:
        session = Session.objects.filter(pk=session_id, organization_id=access.client.organization_id).first()
        if session is None:
            raise ValidationError({"session": services.SESSION_UNKNOWN})
    note = services.note_create(by=request.user, client=access.client, session=session, **fields)
    return Status(201, _shown(request, client_id, note.pk))


@router.get("/clients/{client_id}/notes/{note_id}", response=NoteOut, url_name="note_detail")
def note_detail(request, client_id: Id, note_id: Id):
    return _shown(request, client_id, note_id)


@router.patch("/clients/{client_id}/notes/{note_id}", response=NoteOut, url_name="note_update")
def note_update(request, client_id: Id, note_id: Id, payload: NoteFields):
    """Change a draft (its author only); 409 once it is signed or submitted."""
    note = _note(request, client_id, note_id, Action.WRITE)
    services.note_update_draft(by=request.user, note=note, **_fields(payload))
    return _shown(request, client_id, note_id)


@router.delete("/clients/{client_id}/notes/{note_id}", response={204: None}, url_name="note_delete")
def note_delete(request, client_id: Id, note_id: Id):
    """Discard a draft (its author only); a signed or submitted note is never deleted (409)."""
    services.note_delete(by=request.user, note=_note(request, client_id, note_id, Action.WRITE))
    return Status(204, None)


def _acted(request, client_id: int, note_id: int, action: Action, service, **extra) -> Note:
    service(by=request.user, note=_note(request, client_id, note_id, action), **extra)
    return _shown(request, client_id, note_id)


@router.post("/clients/{client_id}/notes/{note_id}/sign", response=NoteOut, url_name="note_sign")
def note_sign(request, client_id: Id, note_id: Id, payload: Body[SignIn | None] = None):
    """Sign your own draft: the content is hashed and the note is final. The body is optional: ``risk_reason``."""
    return _acted(
        request, client_id, note_id, Action.SIGN, services.note_sign, risk_reason=(payload or SignIn()).risk_reason
    )


@router.post("/clients/{client_id}/notes/{note_id}/submit", response=NoteOut, url_name="note_submit")
def note_submit(request, client_id: Id, note_id: Id):
    """An intern submits their draft for co-signature (locked and hashed)."""
    return _acted(request, client_id, note_id, Action.SUBMIT, services.note_submit)


@router.post("/clients/{client_id}/notes/{note_id}/cosign", response=NoteOut, url_name="note_cosign")
def note_cosign(request, client_id: Id, note_id: Id, payload: Body[SignIn | None] = None):
    """The responsible supervisor co-signs a submitted note. The body is optional: ``risk_reason``."""
    return _acted(
        request, client_id, note_id, Action.COSIGN, services.note_cosign, risk_reason=(payload or SignIn()).risk_reason
    )


@router.post("/clients/{client_id}/notes/{note_id}/return", response=NoteOut, url_name="note_return")
def note_return(request, client_id: Id, note_id: Id, payload: ReturnIn):
    """The responsible supervisor returns a submitted note to draft, with comments."""
    return _acted(
        request,
        client_id,
        note_id,
        Action.RETURN,
        services.note_return,
        comment=payload.comment,
        field_comments=payload.field_comments,
    )


@router.post("/clients/{client_id}/notes/{note_id}/addenda", response={201: AddendumOut}, url_name="addenda_create")
def addenda_create(request, client_id: Id, note_id: Id, payload: AddendumIn):
    """Add a signed addendum to a signed note (409 for a draft or submitted note)."""
    note = _note(request, client_id, note_id)
    return Status(201, services.addendum_add(by=request.user, note=note, **payload.dict()))


@router.get("/clients/{client_id}/notes/{note_id}/text", response=PlainText, url_name="note_text")
def note_text(request, client_id: Id, note_id: Id):
    """The note as plain text, with signature lines and addenda, to paste into another record."""
    note = _shown(request, client_id, note_id)
    return {"id": note.pk, "text": selectors.note_plain_text(note), "intact": note.intact}
