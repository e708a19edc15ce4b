"""Reads of notes, scoped to the user: a client's notes (NOTES READ of the access table:
404 outside the chart, 403 for a viewer), what a new note starts with (the session's
directive and materials, the plan carried from the last signed note, "copy the last
note"), the lists of the dashboard (own drafts, the co-sign queue, returned notes,
sessions still without a signed note), the group batch screen and the note templates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from artchart.clients.models import Client
from artchart.clients.selectors import ClientAccess, client_get_for_user
from artchart.core import audit
from artchart.core.access import require_role
from artchart.core.models import CareTeamRole, User
from artchart.core.permissions import Action, Area, client_ids_allowing, client_ids_with_chart_access
from artchart.plans.models import Goal, Objective
from artchart.plans.selectors import active_plan
from artchart.therapy.models import (
    ART_PROCESS_FIELDS,
    PRESENT_STATUSES,
    Addendum,
    Attendance,
    AttendanceStatus,
    Note,
    NoteFormat,
    NoteGoalProgress,
    NoteKind,
    NoteReturn,
    NoteStatus,
    NoteTemplate,
    Session,
    SessionKind,
    SessionStatus,
)
from artchart.therapy.selectors.groups import group_session_get
from artchart.therapy.selectors.sessions import sessions_of_client
from artchart.therapy.services.notes import LABELS, SECTION_FIELDS, TEMPLATE_ROLES, template_for

NOTE_RELATED = ("client", "session", "session__group", "author", "signed_by", "cosigned_by", "template")


def note_access(user: User, client_id: int, *, action: Action = Action.READ) -> ClientAccess:
    return client_get_for_user(user, client_id, area=Area.NOTES, action=action)


def _open_returns() -> Prefetch[str, QuerySet[NoteReturn]]:
    return Prefetch("returns", queryset=NoteReturn.objects.select_related("by").order_by("-at"))


def notes_of(access: ClientAccess) -> QuerySet[Note]:
    """The client's notes, newest first, with what the list shows, in a fixed number of queries."""
    return Note.objects.filter(client=access.client).select_related(*NOTE_RELATED).order_by("-created_at", "-pk")


def note_get(access: ClientAccess, note_id: int) -> Note:
    """One note of the client with everything its page shows (404 if it is another client's)."""
    note = (
        notes_of(access)
        .filter(pk=note_id)
        .prefetch_related(
            "directives",
            _open_returns(),
            Prefetch("goal_progress", queryset=NoteGoalProgress.objects.select_related("goal", "objective")),
            Prefetch("addenda", queryset=Addendum.objects.select_related("author", "note")),
        )
        .first()
    )
    if note is None:
        raise Http404
    return note


# --- what a note starts with ------------------------------------------------------------------------------

# What "Copy the last note" fills: the sections and the art process. Not the risk screen nor the goal
# ratings, which are judged afresh each session, and not the client's title and words, which belong to
# this session's pieces.
COPIED_FIELDS = (*SECTION_FIELDS, "directive_notes", "media", "engagement")


@dataclass(frozen=True)
class NotePrefill:
    """Initial values for a note's form, and where they came from (the page says so)."""

    initial: dict[str, Any]
    carried_from: Note | None = None  # the signed note whose "Plan" is carried forward
    last_note: Note | None = None  # what "Copy the last note" copies
    copied: bool = False


def note_session(access: ClientAccess, session_id: str | int | None) -> Session | None:
    """One of the client's sessions by its id as a request gives it (None if absent or not the client's)."""
    if session_id is None or not str(session_id).isdigit():
        return None
    return sessions_of_client(access).filter(pk=int(session_id)).first()


def note_to_start(
    access: ClientAccess,
    *,
    by: User,
    kind: str,
    session: Session | None,
    template: NoteTemplate | None,
    format: str,
) -> Note:
    """The note the editor shows before anything is saved (unsaved): as ``note_create`` would make it,
    the organization's default template for its kind and that template's format unless chosen."""
    chosen = template or template_for(access.client.organization_id, kind)
    return Note(
        client=access.client,
        session=session,
        kind=kind,
        author=by,
        template=chosen,
        format=format or (chosen.format if chosen else NoteFormat.SOAP),
    )


def progress_note_of(access: ClientAccess, session: Session) -> Note | None:
    """The client's progress note for the session, if one was started (there is at most one)."""
    return Note.objects.filter(client=access.client, session=session, kind=NoteKind.PROGRESS).first()


def session_to_document(access: ClientAccess) -> Session | None:
    """The client's latest session that took place (theirs, or a group they were present at) and has
    no progress note for them yet: what "Write a note" is for when no session is named."""
    client = access.client
    present = Attendance.objects.filter(client=client, status__in=PRESENT_STATUSES).values("session_id")
    noted = Note.objects.filter(client=client, kind=NoteKind.PROGRESS, session__isnull=False).values("session_id")
    return (
        sessions_of_client(access)
        .filter(Q(client=client) | Q(pk__in=present), starts_at__lte=timezone.now())
        .exclude(status__in=(SessionStatus.CANCELLED, SessionStatus.NO_SHOW))
        .exclude(pk__in=noted)
        .first()
    )


def last_signed_note(access: ClientAccess) -> Note | None:
    """The client's most recently signed note, with what a prefill reads from it."""
    return (
        Note.objects.filter(client=access.client, status=NoteStatus.SIGNED)
        .select_related("session")
        .order_by("-signed_at", "-pk")
        .first()
    )


def note_day(note: Note) -> dt.date:
    """The day a note is of: its session's, else the day it was signed or started."""
    moment = note.session.starts_at if note.session is not None else (note.signed_at or note.created_at)
    return timezone.localtime(moment).date()


def note_goals(access: ClientAccess) -> list[Goal]:
    """The goals of the client's active treatment plan, with their objectives: what a note rates."""
    plan = active_plan(access)
    return [goal for problem in plan.problems.all() for goal in problem.goals.all()] if plan else []


def note_prefill(
    access: ClientAccess, *, session: Session | None = None, draft: Note | None = None, copy_last: bool = False
) -> NotePrefill:
    """What a note's form starts with. A new note: the session's planned directive ticked and its
    materials as the media, and "Plan" carried forward from the client's last signed note. Asked
    for ("Copy the last note"): that note's sections and art process too. The form fills only the
    fields still empty, so nothing typed is overwritten. For a ``draft`` already saved, only the
    copy: its "Plan" is still marked as carried while it reads as the last note's."""
    last = last_signed_note(access)
    initial: dict[str, Any] = {}
    carried = None
    if draft is not None:
        if last is not None and last.plan and draft.plan == last.plan:
            carried = last
    else:
        directive = session.directive if session is not None else None
        if directive is not None:
            initial["directives"] = [directive.pk]
            if directive.materials:
                initial["media"] = directive.materials
        if last is not None and last.plan:
            initial["plan"], carried = last.plan, last
    if copy_last and last is not None:
        for name in COPIED_FIELDS:
            if getattr(last, name) and name not in initial:
                initial[name] = getattr(last, name)
        for key, value in last.extra.items():
            initial[f"extra_{key}"] = value
    return NotePrefill(initial=initial, carried_from=carried, last_note=last, copied=copy_last and last is not None)


def _notes_readable(user: User) -> QuerySet[Client, Any]:
    return client_ids_allowing(user, Area.NOTES, Action.READ)


def notes_of_session(user: User, session: Session) -> list[Note]:
    """The notes of one session whose client's notes ``user`` may read (a group session's: one per member)."""
    return list(
        Note.objects.filter(session=session, client_id__in=_notes_readable(user))
        .select_related("client", "author")
        .order_by("client__legal_last_name", "client__legal_first_name")
    )


def notes_awaiting_signature(user: User) -> QuerySet[Note]:
    """The user's own drafts, oldest first (the dashboard's "notes awaiting signature")."""
    return (
        Note.objects.filter(author=user, status=NoteStatus.DRAFT, client_id__in=_notes_readable(user))
        .select_related("client", "session")
        .order_by("created_at", "pk")
    )


def cosign_queue(user: User) -> QuerySet[Note]:
    """Submitted notes this user is the responsible supervisor of, oldest first."""
    supervised = Q(author__supervisor_links__supervisor=user, author__supervisor_links__ended_on__isnull=True)
    supervising = Q(client__care_team__user=user, client__care_team__role=CareTeamRole.SUPERVISOR)
    ids = Note.objects.filter(
        supervised | supervising,
        status=NoteStatus.SUBMITTED,
        client_id__in=client_ids_allowing(user, Area.NOTES, Action.COSIGN),
    ).values("pk")
    return Note.objects.filter(pk__in=ids).select_related("client", "session", "author").order_by("submitted_at", "pk")


def returned_to(user: User) -> QuerySet[Note]:
    """The user's notes a supervisor returned, not yet resubmitted, with the returns."""
    unresolved = NoteReturn.objects.filter(note=OuterRef("pk"), resolved_at__isnull=True)
    return (
        Note.objects.filter(author=user, status=NoteStatus.DRAFT, client_id__in=_notes_readable(user))
        .filter(Exists(unresolved))
        .select_related("client", "session")
        .prefetch_related(_open_returns())
        .order_by("created_at", "pk")
    )


def sessions_without_signed_note(user: User) -> QuerySet[Session]:
    """The user's completed sessions with an attending client who has no signed progress note of it.

    An intern's submitted note counts as done: it waits for the supervisor, and the intern has
    nothing left to do for that session until it is co-signed or returned (a returned note is a
    draft again, so its session comes back)."""
    done = [NoteStatus.SIGNED, NoteStatus.SUBMITTED]
    signed = Note.objects.filter(session=OuterRef("session"), client=OuterRef("client"), status__in=done)
    unsigned_attendee = (
        Attendance.objects.filter(session=OuterRef("pk"), status__in=PRESENT_STATUSES)
        .annotate(signed=Exists(signed))
        .filter(signed=False)
    )
    own_signed = Note.objects.filter(session=OuterRef("pk"), client=OuterRef("client"), status__in=done)
    readable = _notes_readable(user)
    individual = Q(client__isnull=False, client_id__in=readable) & ~Exists(own_signed)
    group = Q(kind=SessionKind.GROUP) & Exists(unsigned_attendee)
    return (
        Session.objects.filter(Q(therapist=user) | Q(co_facilitators=user), status=SessionStatus.COMPLETED)
        .filter(individual | group)
        .select_related("client", "group")
        .distinct()
        .order_by("starts_at", "pk")
    )


# --- the group batch screen ----------------------------------------------------------------------------


@dataclass
class BatchRow:
    client: Client
    mark: str
    note: Note | None
    may_write: bool  # the user may write this client's notes
    editable: bool  # …and this note is (or will be) the user's own draft
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def attended(self) -> bool:
        return self.mark in PRESENT_STATUSES

    @property
    def mark_label(self) -> str:
        return AttendanceStatus(self.mark).label


@dataclass
class Batch:
    session: Session
    rows: list[BatchRow]
    absent: list[BatchRow]
    hidden: int  # members marked whose charts the user may not open (not named)

    @property
    def group_part(self) -> str:
        return next((row.note.group_part for row in self.rows if row.note and row.note.group_part), "")

    @property
    def editable(self) -> list[BatchRow]:
        return [row for row in self.rows if row.editable]


def group_batch(user: User, session_id: int) -> Batch:
    """A group session's attending members and their notes, as the batch screen shows them."""
    access, session = group_session_get(user, session_id)
    readable = set(
        Client.objects.filter(attendance__session=session)
        .filter(pk__in=client_ids_with_chart_access(user))
        .values_list("pk", flat=True)
    )
    writable = set(
        Client.objects.filter(attendance__session=session)
        .filter(pk__in=client_ids_allowing(user, Area.NOTES, Action.WRITE))
        .values_list("pk", flat=True)
    )
    notes_readable = set(
        Client.objects.filter(attendance__session=session)
        .filter(pk__in=_notes_readable(user))
        .values_list("pk", flat=True)
    )
    notes = {
        n.client_id: n
        for n in Note.objects.filter(
            session=session, kind=NoteKind.PROGRESS, client_id__in=notes_readable
        ).select_related("author", "signed_by")
    }
    rows: list[BatchRow] = []
    absent: list[BatchRow] = []
    hidden = 0
    for mark in session.attendance.select_related("client"):
        if mark.client_id not in readable:
            hidden += 1
            continue
        note = notes.get(mark.client_id)
        editable = mark.client_id in writable and (note is None or (note.author_id == user.pk and note.is_draft))
        row = BatchRow(
            client=mark.client, mark=mark.status, note=note, may_write=mark.client_id in writable, editable=editable
        )
        (rows if row.attended else absent).append(row)
    audit.note_shown(row.client.pk for row in rows + absent)
    return Batch(session=session, rows=rows, absent=absent, hidden=hidden)


# --- note templates ------------------------------------------------------------------------------------


def templates_for(user: User) -> QuerySet[NoteTemplate]:
    """The organization's templates, for its admins and program admins (403 for anyone else)."""
    require_role(user, *TEMPLATE_ROLES)
    return NoteTemplate.objects.filter(organization_id=user.organization_id).order_by("kind", "name")  # type: ignore[misc]


def template_get(user: User, template_id: int) -> NoteTemplate:
    template = templates_for(user).filter(pk=template_id).first()
    if template is None:
        raise Http404
    return template


def templates_to_choose(client: Client, kind: str | None = None) -> QuerySet[NoteTemplate]:
    templates = NoteTemplate.objects.filter(organization_id=client.organization_id, is_active=True)
    return templates.filter(kind=kind) if kind else templates


# --- "copy as plain text" --------------------------------------------------------------------------------


def _when(moment: dt.datetime | None) -> str:
    return f"{timezone.localtime(moment):%-d %B %Y, %H:%M}" if moment else ""


def _plain_heading(note: Note) -> list[str]:
    """The kind and format, the client, the session and, unless signed, the status."""
    client = note.client
    lines = [
        f"{note.get_kind_display().upper()} ({note.get_format_display()})",
        f"Client: {client.display_name}"
        + (f" · DOB {client.date_of_birth:%Y-%m-%d}" if getattr(client, "date_of_birth", None) else ""),
    ]
    if note.session_id:
        session = cast(Session, note.session)
        lines.append(
            f"Session: {session.get_kind_display()}, {_when(session.starts_at)}, "
            f"{session.duration_minutes} min, {session.get_modality_display().lower()}"
        )
    if not note.is_signed:
        lines.append(f"STATUS: {note.get_status_display().upper()} — NOT SIGNED")
    return lines


def _plain_signature(note: Note) -> list[str]:
    """A signed note's signature line, with the author's credentials, and its co-signature if any."""
    author = note.author
    credentials = ", ".join(
        filter(None, [getattr(author, "licence", ""), f"NPI {author.npi}" if getattr(author, "npi", "") else ""])
    )
    lines = [
        f"Electronically signed by {author.display_name}"
        + (f" ({credentials})" if credentials else "")
        + f" on {_when(note.signed_at)}"
    ]
    if note.cosigned_by_id:
        lines.append(f"Co-signed by {cast(User, note.cosigned_by).display_name} on {_when(note.cosigned_at)}")
    return lines


def _plain_goal_progress(note: Note) -> list[str]:
    """One line per goal rated: the goal, the objective if any, the rating and its comment."""
    return [
        f"- {g.goal.statement}"
        + (f" / {cast(Objective, g.objective).statement}" if g.objective_id else "")
        + f": {g.get_rating_display()}"
        + (f" ({g.comment})" if g.comment else "")
        for g in note.goal_progress.all()
    ]


def _plain_blocks(note: Note) -> list[str]:
    """Each part of the note that has text: a heading, the text and a blank line."""
    lines: list[str] = []

    def block(heading: str, text: str) -> None:
        if text and text.strip():
            lines.extend([f"{heading.upper()}:", text.strip(), ""])

    if note.group_part:
        block(LABELS["group_part"], note.group_part)
    for _, heading, text in note.sections:
        block(heading, text)
    hidden = set(cast(NoteTemplate, note.template).hidden_fields) if note.template_id else set()
    for name, label in ART_PROCESS_FIELDS:
        if name not in hidden:
            block(label, getattr(note, name))
    directives = ", ".join(d.name for d in note.directives.all())
    block(LABELS["directives"], directives)
    block(LABELS["goal_progress"], "\n".join(_plain_goal_progress(note)))
    if note.template_id:
        for extra in cast(NoteTemplate, note.template).extra_fields:
            block(extra["label"], note.extra.get(extra["key"], ""))
    if note.risk_level or note.risk_notes:
        block("Risk screen", "\n".join(filter(None, [note.get_risk_level_display(), note.risk_notes])))
    return lines


def note_plain_text(note: Note) -> str:
    """The note as plain text for pasting into a hospital's main record: its sections, the art process,
    goals, risk screen, signature lines, a late-entry mark and the addenda, each with its signature."""
    lines = _plain_heading(note)
    lines.append("")
    lines.extend(_plain_blocks(note))
    if note.is_signed:
        lines.extend(_plain_signature(note))
    if note.late_entry:
        lines.append(
            f"LATE ENTRY: session on {_when(cast(Session, note.session).starts_at)}; "
            f"{'submitted' if note.submitted_at else 'signed'} on {_when(note.submitted_at or note.signed_at)}"
        )
    for addendum in note.addenda.all():
        lines.extend(
            [
                "",
                f"ADDENDUM ({_when(addendum.signed_at)})" + (f" — {addendum.reason}" if addendum.reason else ""),
                addendum.text,
                f"Electronically signed by {addendum.author.display_name} on {_when(addendum.signed_at)}",
            ]
        )
    return "\n".join(lines).strip() + "\n"
