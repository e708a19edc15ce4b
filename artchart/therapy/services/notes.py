"""Writes to notes: create, autosave a draft, sign, submit, co-sign, return, addenda,
the group batch, and the practice's note templates. Each is one transaction with
one audit event (ids and field names only, never the note's text).

A signed note never changes. What it covered is kept as a keyed hash (HMAC-SHA256
with the audit key) over a canonical JSON of its content (``content_hash``), recorded
in the sign event too, and recomputed whenever the note is shown: a mismatch means
the row was changed behind the application's back, and is flagged on the page and
in the audit log (``artchart audit verify --records`` checks every one). An intern's note is submitted
(locked and hashed the same way), then co-signed or returned to draft by the
supervisor responsible for it: the intern's current supervisor, or the
client's own supervising clinician.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from artchart.clients.models import CareTeamMembership, Client
from artchart.clients.selectors import ClientAccess
from artchart.core import audit
from artchart.core.access import Conflict, require_client_access, require_role
from artchart.core.changes import UNSET, apply_changes, given, save_changes
from artchart.core.messages import UserMessage
from artchart.core.models import CareTeamRole, Role, SupervisionLink, User
from artchart.core.panel_registry import open_risk_alert
from artchart.core.permissions import Action, Area, Relation, allows, client_ids_allowing, relations_of
from artchart.core.signed_records import signed_detail
from artchart.plans.selectors import active_plan
from artchart.programs.models import Directive
from artchart.therapy.audit_actions import TherapyAction
from artchart.therapy.models import (
    ART_PROCESS_FIELDS,
    FORMAT_SECTIONS,
    PRESENT_STATUSES,
    Addendum,
    Attendance,
    Note,
    NoteFormat,
    NoteGoalProgress,
    NoteKind,
    NoteReturn,
    NoteStatus,
    NoteTemplate,
    ProgressRating,
    RiskLevel,
    Session,
    SessionKind,
    SessionStatus,
)
from artchart.therapy.services.sessions import session_complete

SIGNED_IS_FINAL = UserMessage(
    "note_signed_is_final", "This note was signed on {day} by {name}; add an addendum instead."
)
SUBMITTED_IS_LOCKED = UserMessage(
    "submitted_is_locked",
    "This note was submitted on {day} by {name} and waits for co-signature; "
    "it can be changed only if the supervisor returns it.",
)
NOT_ATTENDED = UserMessage(
    "not_attended", "{client} was not at this session; a progress note needs a session the client attended."
)
ONE_PER_SESSION = UserMessage("one_per_session", "{client} already has a progress note for this session.")
NOTE_GONE = UserMessage("note_gone", "This draft was discarded in the meantime.")
SESSION_UNKNOWN = UserMessage("session_unknown", "No such session in your organization.")
NEEDS_SESSION = UserMessage("needs_session", "A progress note is written for a session: choose the session.")
SESSION_NOT_HELD = UserMessage("session_not_held", "This session was {status}; a note needs a session that took place.")
OTHER_ORGANIZATION = UserMessage("note_other_organization", "That {what} belongs to another organization.")
ONLY_AUTHOR_EDITS = UserMessage("only_author_edits", "Only the author of this draft may change it.")
ONLY_AUTHOR_SIGNS = UserMessage("only_author_signs", "You can only sign a note you wrote.")
ONLY_AUTHOR_SUBMITS = UserMessage("only_author_submits", "You can only submit a note you wrote.")
ONLY_AUTHOR_DELETES = UserMessage("only_author_deletes", "Only the author of this draft may delete it.")
NOT_A_DRAFT = UserMessage("not_a_draft", "Only a draft can be signed or submitted.")
NOT_SUBMITTED = UserMessage("not_submitted", "Only a submitted note can be co-signed or returned.")
NOT_THE_SUPERVISOR = UserMessage(
    "note_not_the_supervisor",
    "Only the supervisor responsible for this note — the intern's supervisor or the client's "
    "supervising clinician — may co-sign or return it.",
)
RETURN_NEEDS_COMMENT = UserMessage("return_needs_comment", "Say what needs changing: the intern reads this comment.")
RETURN_UNKNOWN_FIELD = UserMessage(
    "return_unknown_field", "'{field}' is not a field of this note, so a comment cannot be placed beside it."
)
TAMPERED = UserMessage(
    "tampered",
    "This note's content no longer matches what was signed; it cannot be co-signed. Tell your administrator.",
)
REQUIRED_MISSING = UserMessage("required_missing", "Fill in before signing: {fields}.")
RISK_REQUIRED = UserMessage("risk_required", "Complete the risk screen before signing this progress note.")
RISK_REASON_NEEDED = UserMessage(
    "risk_reason_needed",
    "{client} has an open risk alert, yet this note's risk screen says no risk is indicated. "
    "Say why before signing, or change the risk screen.",
)
RISK_REASON_TOO_LONG = UserMessage("risk_reason_too_long", "Keep the reason to {limit} characters.")
RISK_REASON_LIMIT = 1000
HIDDEN_FIELD = UserMessage("hidden_field", "This note's template does not use the field '{field}'.")
UNKNOWN_FIELD = UserMessage("unknown_field", "'{field}' is not a field of a note.")
UNKNOWN_EXTRA = UserMessage("unknown_extra", "'{key}' is not a field of this note's template.")
EXTRA_NOT_TEXT = UserMessage("extra_not_text", "The template field '{key}' takes text.")
EXTRA_TOO_LONG = UserMessage("extra_too_long", "The template field '{key}' is longer than {limit} characters.")
UNKNOWN_RISK = UserMessage("unknown_risk", "'{value}' is not a risk level (use none, low, moderate or high).")
GOAL_NOT_IN_PLAN = UserMessage("goal_not_in_plan", "Choose a goal of {client}'s active treatment plan.")
OBJECTIVE_NOT_OF_GOAL = UserMessage(
    "objective_not_of_goal", "That objective is not one of the goal it is listed under."
)
UNKNOWN_RATING = UserMessage(
    "unknown_rating", "'{value}' is not a progress rating (use regressed, no_change, some, good or met)."
)
GOAL_TWICE = UserMessage("goal_twice", "Each goal or objective is rated once per note.")
DIRECTIVE_UNKNOWN = UserMessage("directive_unknown", "Choose directives from your organization's library.")
TEMPLATE_UNKNOWN = UserMessage(
    "template_unknown", "Choose an active note template of your organization for this kind of note."
)
ADDENDUM_ONLY_SIGNED = UserMessage(
    "addendum_only_signed", "An addendum is added to a signed note; change the draft itself instead."
)
ADDENDUM_NEEDS_TEXT = UserMessage("note_addendum_needs_text", "Write the addendum.")
ADDENDUM_NOT_ALLOWED = UserMessage(
    "addendum_not_allowed",
    "Only the note's author, or a clinician who signs or submits this client's notes, may add an addendum.",
)
NOT_A_GROUP_SESSION = UserMessage("note_batch_not_a_group_session", "The batch screen is for group sessions.")
BATCH_NOTHING = UserMessage("batch_nothing", "No one present at this session has a note you may write.")
BATCH_FAILED = UserMessage("batch_failed", "{client}: {message}")
BATCH_NOT_PRESENT = UserMessage(
    "batch_not_present", "Only members marked present at this session, whose notes you may write, have a note here."
)
TEMPLATE_NAME_NEEDED = UserMessage("template_name_needed", "Give the template a name.")
TEMPLATE_REQUIRED_UNKNOWN = UserMessage("template_required_unknown", "'{field}' is not a field a template can require.")
TEMPLATE_HIDDEN_UNKNOWN = UserMessage(
    "template_hidden_unknown", "Only art-process fields can be hidden; '{field}' is not one."
)
TEMPLATE_REQUIRED_AND_HIDDEN = UserMessage(
    "template_required_and_hidden", "'{field}' cannot be both required and hidden."
)
TEMPLATE_EXTRA_LABEL = UserMessage("template_extra_label", "Each extra field needs a label of at most 100 characters.")
TEMPLATE_EXTRA_TWICE = UserMessage(
    "template_extra_twice", "Two extra fields are called '{label}'; give each its own label."
)
TEMPLATE_EXTRA_MANY = UserMessage("template_extra_many", "A template has at most {limit} extra fields.")

# The note's own text, in the order a reader meets it; what the signature covers with the rest below.
SECTION_FIELDS = ("subjective", "objective", "data", "assessment", "plan", "behavior", "intervention", "response")
ART_FIELDS = tuple(name for name, _ in ART_PROCESS_FIELDS)
CONTENT_FIELDS = ("group_part", *SECTION_FIELDS, *ART_FIELDS, "risk_level", "risk_notes")
EDITABLE_FIELDS = (*CONTENT_FIELDS, "format")
LABELS = {
    "group_part": "Group session (shared)",
    **{f: h for s in FORMAT_SECTIONS.values() for f, h in s},
    **dict(ART_PROCESS_FIELDS),
    "risk_level": "Risk screen",
    "risk_notes": "Risk screen notes",
    "directives": "Directives used",
    "goal_progress": "Goals addressed",
}
REQUIRABLE_FIELDS = (*CONTENT_FIELDS, "directives", "goal_progress")
EXTRA_LIMIT = 2000
EXTRA_FIELDS_MAX = 20
FIELD_COMMENT_LIMIT = 1000


def _day(moment: dt.datetime | None) -> str:
    return f"{timezone.localtime(moment):%-d %B %Y}" if moment else "—"


def _name(user: User | None) -> str:
    return user.display_name if user is not None else "—"


def _record(by: User, action: TherapyAction, note: Note, obj: models.Model | None = None, **detail: Any) -> None:
    audit.record(
        actor=by, action=action, obj=obj or note, client_ids=[note.client_id], detail={"note": note.pk, **detail}
    )


def locked_message(note: Note) -> str:
    """Why this note cannot be changed (signed, or submitted and waiting)."""
    if note.is_signed:
        return SIGNED_IS_FINAL.format(day=_day(note.signed_at), name=_name(note.signed_by))
    return SUBMITTED_IS_LOCKED.format(day=_day(note.submitted_at), name=_name(note.author))


LOCK_FIELDS = (
    "status",
    "submitted_at",
    "signed_by_id",
    "signed_at",
    "cosigned_by_id",
    "cosigned_at",
    "content_hash",
    "late_entry",
)


def _lock(note: Note) -> None:
    """Lock the note's row and take its state as committed, so that an autosave still in flight
    cannot write over a note signed a moment ago (nor two clicks sign it twice)."""
    if note.pk is None:
        return
    fresh = Note.objects.select_for_update().filter(pk=note.pk).values(*LOCK_FIELDS).first()
    if fresh is None:
        raise ValidationError(NOTE_GONE)
    for name, value in fresh.items():
        setattr(note, name, value)


def _require_not_locked(note: Note) -> None:
    _lock(note)
    if not note.is_draft:
        raise Conflict(locked_message(note))


def _require_own_draft(by: User, note: Note, refused: str = ONLY_AUTHOR_EDITS) -> frozenset[Relation]:
    relations = require_client_access(by, note.client_id, Area.NOTES, Action.WRITE)
    _require_not_locked(note)
    if note.author_id != by.pk:
        raise PermissionDenied(refused)
    return relations


# --- content, hash and integrity -----------------------------------------------------------------


def content_of(note: Note) -> dict[str, Any]:
    """Everything a signature covers, as plain values in a stable order."""
    progress = sorted(note.goal_progress.all(), key=lambda item: item.pk)
    return {
        "client": note.client_id,
        "session": note.session_id,
        "author": note.author_id,
        "kind": note.kind,
        "format": note.format,
        **{name: getattr(note, name) for name in CONTENT_FIELDS},
        "directives": sorted(d.pk for d in note.directives.all()),
        "goal_progress": [
            {"goal": g.goal_id, "objective": g.objective_id, "rating": g.rating, "comment": g.comment} for g in progress
        ],
        "extra": note.extra,
    }


def content_canonical(note: Note) -> str:
    return json.dumps(content_of(note), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(note: Note) -> str:
    """The keyed hash of what a signature covers; the sign event records it too."""
    return audit.content_digest(content_canonical(note))


def note_integrity(note: Note) -> bool:
    """True if the note's content is what was signed or submitted (a draft has nothing to check)."""
    if note.is_draft or not note.content_hash:
        return True
    return content_hash(note) == note.content_hash


@transaction.atomic
def note_integrity_flag(*, by: User, note: Note) -> None:
    """Record, flagged, that a note was shown whose content no longer matches its signature."""
    require_client_access(by, note.client_id, Area.NOTES, Action.READ)
    audit.record(
        actor=by,
        action=TherapyAction.NOTE_INTEGRITY_MISMATCH,
        obj=note,
        client_ids=[note.client_id],
        detail={"note": note.pk, "status": note.status},
        flagged=True,
    )


# --- checking what a note may hold -------------------------------------------------------------------


def template_for(organization_id: int, kind: str) -> NoteTemplate | None:
    """The organization's default template for this kind of note, if it has one."""
    return (
        NoteTemplate.objects.filter(organization_id=organization_id, kind=kind, is_active=True, is_default=True)
        .order_by("pk")
        .first()
    )


def _check_template(client: Client, kind: str, template: NoteTemplate | int | None) -> NoteTemplate | None:
    if template is None:
        return template_for(client.organization_id, kind)
    template_id = template.pk if isinstance(template, NoteTemplate) else template
    found = NoteTemplate.objects.filter(
        pk=template_id, organization_id=client.organization_id, kind=kind, is_active=True
    ).first()
    if found is None:
        raise ValidationError({"template": TEMPLATE_UNKNOWN})
    return found


def _check_fields(note: Note, fields: dict[str, Any]) -> None:
    """Refuse names a note does not have, fields the template hides, and values no field takes."""
    hidden = set(cast(NoteTemplate, note.template).hidden_fields) if note.template_id else set()
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise ValidationError(UNKNOWN_FIELD.format(field=name))
        if name in hidden and value:
            raise ValidationError({name: HIDDEN_FIELD.format(field=name)})
    if "risk_level" in fields and fields["risk_level"] not in RiskLevel.values:
        raise ValidationError({"risk_level": UNKNOWN_RISK.format(value=fields["risk_level"])})


def _check_extra(template: NoteTemplate | None, extra: dict[str, Any] | None) -> dict[str, str]:
    keys = {field["key"] for field in template.extra_fields} if template else set()
    cleaned: dict[str, str] = {}
    for key, value in (extra or {}).items():
        if key not in keys:
            raise ValidationError({"extra": UNKNOWN_EXTRA.format(key=key)})
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise ValidationError({"extra": EXTRA_NOT_TEXT.format(key=key)})
        if len(value) > EXTRA_LIMIT:
            raise ValidationError({"extra": EXTRA_TOO_LONG.format(key=key, limit=EXTRA_LIMIT)})
        cleaned[key] = value.strip()
    return cleaned


def _check_directives(client: Client, directives: Iterable[Directive | int]) -> list[Directive]:
    ids = {d.pk if isinstance(d, Directive) else d for d in directives}
    found = list(Directive.objects.filter(pk__in=ids, organization_id=client.organization_id))
    if len(found) != len(ids):
        raise ValidationError({"directives": DIRECTIVE_UNKNOWN})
    return found


def _check_goal_progress(
    by: User, relations: frozenset[Relation], note: Note, items: list[dict[str, Any]]
) -> list[NoteGoalProgress]:
    """Ratings of goals and objectives of the client's active plan, checked and not yet saved."""
    plan = active_plan(ClientAccess(client=note.client, relations=relations, user=by))
    goals = {g.pk: g for p in (plan.problems.all() if plan else ()) for g in p.goals.all()}
    made: list[NoteGoalProgress] = []
    seen: set[tuple[Any, Any]] = set()
    for item in items:
        goal_id = getattr(item.get("goal"), "pk", item.get("goal"))
        objective_id = getattr(item.get("objective"), "pk", item.get("objective")) or None
        if goal_id not in goals:
            raise ValidationError({"goal_progress": GOAL_NOT_IN_PLAN.format(client=note.client.display_name)})
        if objective_id is not None and objective_id not in {o.pk for o in goals[goal_id].objectives.all()}:
            raise ValidationError({"goal_progress": OBJECTIVE_NOT_OF_GOAL})
        if item.get("rating") not in ProgressRating.values:
            raise ValidationError({"goal_progress": UNKNOWN_RATING.format(value=item.get("rating"))})
        if (goal_id, objective_id) in seen:
            raise ValidationError({"goal_progress": GOAL_TWICE})
        seen.add((goal_id, objective_id))
        progress = NoteGoalProgress(
            note=note,
            goal_id=goal_id,
            objective_id=objective_id,
            rating=item["rating"],
            comment=(item.get("comment") or "").strip(),
        )
        progress.full_clean(exclude=["note"] if note.pk is None else None)
        made.append(progress)
    return made


def _check_session(client: Client, kind: str, session: Session | None) -> None:
    if session is None:
        if kind == NoteKind.PROGRESS:
            raise ValidationError({"session": NEEDS_SESSION})
        return
    if session.organization_id != client.organization_id:
        raise ValidationError({"session": OTHER_ORGANIZATION.format(what="session")})
    if session.status in (SessionStatus.CANCELLED, SessionStatus.NO_SHOW):
        raise ValidationError({"session": SESSION_NOT_HELD.format(status=session.get_status_display().lower())})
    if session.kind == SessionKind.GROUP:
        attended = Attendance.objects.filter(session=session, client=client, status__in=PRESENT_STATUSES).exists()
    else:
        attended = session.client_id == client.pk
    if not attended:
        raise ValidationError({"session": NOT_ATTENDED.format(client=client.display_name)})
    if (
        kind == NoteKind.PROGRESS
        and Note.objects.filter(session=session, client=client, kind=NoteKind.PROGRESS).exists()
    ):
        raise ValidationError({"session": ONE_PER_SESSION.format(client=client.display_name)})


def missing_fields(note: Note) -> list[str]:
    """Labels of what the note's template requires that is still empty (those of another format do not count)."""
    template = note.template
    if template is None:
        return []
    other_format = set(SECTION_FIELDS) - {name for name, _ in FORMAT_SECTIONS[note.format]}
    missing = []
    for name in template.required_fields:
        if name in other_format or name == "risk_level" or (name == "group_part" and not _is_group(note)):
            continue
        if name == "directives":
            empty = not note.directives.exists()
        elif name == "goal_progress":
            empty = not note.goal_progress.exists()
        else:
            empty = not str(getattr(note, name, "")).strip()
        if empty:
            missing.append(LABELS.get(name, name))
    missing += [
        field["label"]
        for field in template.extra_fields
        if field.get("required") and not str(note.extra.get(field["key"], "")).strip()
    ]
    return missing


def _is_group(note: Note) -> bool:
    return bool(note.session_id) and cast(Session, note.session).kind == SessionKind.GROUP


def _require_complete(note: Note) -> None:
    missing = missing_fields(note)
    if missing:
        raise ValidationError(REQUIRED_MISSING.format(fields=", ".join(missing)))
    if (
        note.kind == NoteKind.PROGRESS
        and note.template_id
        and "risk_level" in cast(NoteTemplate, note.template).required_fields
        and not note.risk_level
    ):
        raise ValidationError({"risk_level": RISK_REQUIRED})


def needs_risk_reason(note: Note) -> bool:
    """The risk screen says "no risk" while the client has an open risk alert: the signer must say why."""
    return note.risk_level == RiskLevel.NONE and open_risk_alert(note.client_id)


def _check_risk_reason(note: Note, reason: str) -> str:
    """The reason the signer gives for "no risk" despite an open alert (empty when none is asked for)."""
    if not needs_risk_reason(note):
        return ""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"risk_reason": RISK_REASON_NEEDED.format(client=note.client.display_name)})
    if len(reason) > RISK_REASON_LIMIT:
        raise ValidationError({"risk_reason": RISK_REASON_TOO_LONG.format(limit=RISK_REASON_LIMIT)})
    return reason


def is_late(note: Note, at: dt.datetime) -> bool:
    """Signed or submitted more than LATE_ENTRY_HOURS after the session ended."""
    if not note.session_id:
        return False
    return at > cast(Session, note.session).ends_at + dt.timedelta(hours=settings.LATE_ENTRY_HOURS)


# --- create and change a draft ------------------------------------------------------------------------


def _apply(by: User, relations: frozenset[Relation], note: Note, fields: dict[str, Any]) -> list[str]:
    """Check and set a draft's fields (text, format, extra, directives, goal progress); return what changed.

    Everything is checked before anything is written.
    """
    fields = dict(fields)
    extra = fields.pop("extra", None)
    directives = fields.pop("directives", None)
    progress = fields.pop("goal_progress", None)
    _check_fields(note, fields)
    changed = []
    for name, value in fields.items():
        value = "" if value is None else value
        if getattr(note, name) != value:
            setattr(note, name, value)
            changed.append(name)
    if extra is not None:
        cleaned = _check_extra(note.template, extra)
        if cleaned != note.extra:
            note.extra = cleaned
            changed.append("extra")
    chosen = _check_directives(note.client, directives) if directives is not None else None
    ratings = _check_goal_progress(by, relations, note, progress) if progress is not None else None
    note.full_clean(exclude=["directives"])
    if note.pk is None:
        note.save()
    elif changed:
        note.save(update_fields=changed)
    if chosen is not None and {d.pk for d in chosen} != set(note.directives.values_list("pk", flat=True)):
        note.directives.set(chosen)
        changed.append("directives")
    if ratings is not None:
        before = [(g.goal_id, g.objective_id, g.rating, g.comment) for g in note.goal_progress.order_by("pk")]
        if before != [(g.goal_id, g.objective_id, g.rating, g.comment) for g in ratings]:
            note.goal_progress.all().delete()
            NoteGoalProgress.objects.bulk_create(ratings)
            changed.append("goal_progress")
    return changed


def _create(
    by: User,
    client: Client,
    kind: str,
    session: Session | None,
    template: NoteTemplate | int | None,
    format: str | None,
    fields: dict[str, Any],
) -> Note:
    relations = require_client_access(by, client.pk, Area.NOTES, Action.WRITE)
    if kind not in NoteKind.values:
        raise ValidationError({"kind": f"'{kind}' is not a kind of note."})
    _check_session(client, kind, session)
    chosen = _check_template(client, kind, template)
    note = Note(
        client=client,
        session=session,
        kind=kind,
        author=by,
        template=chosen,
        format=format or (chosen.format if chosen else NoteFormat.SOAP),
    )
    note.updated_at = note.created_at  # not yet changed since it was started
    if note.format not in NoteFormat.values:
        raise ValidationError({"format": f"'{note.format}' is not a note format (use soap, dap or birp)."})
    if session is not None and session.kind == SessionKind.GROUP and "group_part" not in fields:
        shared = Note.objects.filter(session=session).exclude(group_part="").values_list("group_part", flat=True)
        fields = {**fields, "group_part": shared.first() or ""}
    _apply(by, relations, note, fields)
    return note


@transaction.atomic
def note_create(
    *,
    by: User,
    client: Client,
    kind: str = NoteKind.PROGRESS,
    session: Session | None = None,
    template: NoteTemplate | int | None = None,
    format: str | None = None,
    group_part: str = UNSET,
    subjective: str = UNSET,
    objective: str = UNSET,
    data: str = UNSET,
    assessment: str = UNSET,
    plan: str = UNSET,
    behavior: str = UNSET,
    intervention: str = UNSET,
    response: str = UNSET,
    directive_notes: str = UNSET,
    media: str = UNSET,
    engagement: str = UNSET,
    client_title: str = UNSET,
    client_words: str = UNSET,
    risk_level: str = UNSET,
    risk_notes: str = UNSET,
    extra: Mapping[str, Any] | None = UNSET,
    directives: Iterable[Directive | int] | None = UNSET,
    goal_progress: Iterable[Mapping[str, Any]] | None = UNSET,
) -> Note:
    """A new draft by ``by``. A progress note is for a session the client attended, one per client and session."""
    fields = given(
        {
            "group_part": group_part,
            "subjective": subjective,
            "objective": objective,
            "data": data,
            "assessment": assessment,
            "plan": plan,
            "behavior": behavior,
            "intervention": intervention,
            "response": response,
            "directive_notes": directive_notes,
            "media": media,
            "engagement": engagement,
            "client_title": client_title,
            "client_words": client_words,
            "risk_level": risk_level,
            "risk_notes": risk_notes,
            "extra": extra,
            "directives": directives,
            "goal_progress": goal_progress,
        }
    )
    note = _create(by, client, kind, session, template, format, fields)
    _record(by, TherapyAction.NOTE_CREATE, note, kind=kind, session=session.pk if session else None)
    return note


def _update(by: User, note: Note, fields: dict[str, Any]) -> list[str]:
    relations = _require_own_draft(by, note)
    changed = _apply(by, relations, note, fields)
    if changed:
        note.updated_at = timezone.now()
        note.save(update_fields=["updated_at"])
    return changed


@transaction.atomic
def note_update_draft(
    *,
    by: User,
    note: Note,
    format: str = UNSET,
    group_part: str = UNSET,
    subjective: str = UNSET,
    objective: str = UNSET,
    data: str = UNSET,
    assessment: str = UNSET,
    plan: str = UNSET,
    behavior: str = UNSET,
    intervention: str = UNSET,
    response: str = UNSET,
    directive_notes: str = UNSET,
    media: str = UNSET,
    engagement: str = UNSET,
    client_title: str = UNSET,
    client_words: str = UNSET,
    risk_level: str = UNSET,
    risk_notes: str = UNSET,
    extra: Mapping[str, Any] | None = UNSET,
    directives: Iterable[Directive | int] | None = UNSET,
    goal_progress: Iterable[Mapping[str, Any]] | None = UNSET,
) -> Note:
    """Autosave: only the author, only while the note is a draft (409 once it is signed or submitted).

    Nothing is saved or audited when nothing changed.
    """
    note = Note.objects.select_for_update().get(pk=note.pk)
    fields = given(
        {
            "group_part": group_part,
            "subjective": subjective,
            "objective": objective,
            "data": data,
            "assessment": assessment,
            "plan": plan,
            "behavior": behavior,
            "intervention": intervention,
            "response": response,
            "directive_notes": directive_notes,
            "media": media,
            "engagement": engagement,
            "client_title": client_title,
            "client_words": client_words,
            "risk_level": risk_level,
            "risk_notes": risk_notes,
            "extra": extra,
            "directives": directives,
            "goal_progress": goal_progress,
            "format": format,
        }
    )
    changed = _update(by, note, fields)
    if changed:
        _record(by, TherapyAction.NOTE_UPDATE, note, fields=sorted(changed))
    return note


@transaction.atomic
def note_delete(*, by: User, note: Note) -> None:
    """Discard a draft (its author only). A signed or submitted note is never deleted."""
    _require_own_draft(by, note, ONLY_AUTHOR_DELETES)
    _record(by, TherapyAction.NOTE_DELETE, note, kind=note.kind, session=note.session_id)
    note.delete()


# --- sign, submit, co-sign, return -----------------------------------------------------------------


def _seal(note: Note, status: str, now: dt.datetime) -> None:
    """Lock the note: status, time, hash over its content, and whether it is a late entry."""
    _require_complete(note)
    note.status = status
    note.content_hash = content_hash(note)
    note.late_entry = is_late(note, now)


def _sign(by: User, note: Note, now: dt.datetime, risk_reason: str = "") -> None:
    require_client_access(by, note.client_id, Area.NOTES, Action.SIGN)
    _require_not_locked(note)
    if note.author_id != by.pk:
        raise PermissionDenied(ONLY_AUTHOR_SIGNS)
    note.sign_risk_reason = _check_risk_reason(note, risk_reason)
    note.signed_by, note.signed_at = by, now
    _seal(note, NoteStatus.SIGNED, now)
    note.save()


def _submit(by: User, note: Note, now: dt.datetime) -> list[int]:
    require_client_access(by, note.client_id, Area.NOTES, Action.SUBMIT)
    _require_not_locked(note)
    if note.author_id != by.pk:
        raise PermissionDenied(ONLY_AUTHOR_SUBMITS)
    note.submitted_at = now
    _seal(note, NoteStatus.SUBMITTED, now)
    note.save()
    resolved = list(note.returns.filter(resolved_at__isnull=True).values_list("pk", flat=True))
    NoteReturn.objects.filter(pk__in=resolved).update(resolved_at=now)
    return resolved


def _session_held(by: User, note: Note, now: dt.datetime) -> None:
    """A progress note signed or submitted for an individual session that has begun says the session was
    held: one still "scheduled" is marked completed in the same transaction (audited as its own event),
    so documenting a session needs no separate "Mark completed"."""
    session = note.session
    if note.kind != NoteKind.PROGRESS or session is None or not session.client_id:
        return
    if session.status == SessionStatus.SCHEDULED and session.starts_at <= now:
        session_complete(by=by, session=session)


@transaction.atomic
def note_sign(*, by: User, note: Note, risk_reason: str = "") -> Note:
    """The author (a therapist or co-therapist) signs: the note is final from now on. A risk screen of "no
    risk" while the client has an open risk alert needs ``risk_reason``, kept on the note."""
    now = timezone.now()
    _sign(by, note, now, risk_reason)
    _record(
        by,
        TherapyAction.NOTE_SIGN,
        note,
        **signed_detail(note.content_hash, late_entry=note.late_entry, risk_reason_given=bool(note.sign_risk_reason)),
    )
    _session_held(by, note, now)
    return note


@transaction.atomic
def note_submit(*, by: User, note: Note) -> Note:
    """The intern author submits the draft: locked and hashed until the supervisor co-signs or returns it."""
    now = timezone.now()
    resolved = _submit(by, note, now)
    detail = signed_detail(note.content_hash, late_entry=note.late_entry, resolves=resolved)
    _record(by, TherapyAction.NOTE_SUBMIT, note, **detail)
    _session_held(by, note, now)
    return note


def is_responsible_supervisor(user: User, note: Note) -> bool:
    """The intern author's current supervisor, or the client's own supervising clinician."""
    if SupervisionLink.objects.filter(supervisor=user, supervisee_id=note.author_id, ended_on__isnull=True).exists():
        return True
    return CareTeamMembership.objects.filter(client_id=note.client_id, user=user, role=CareTeamRole.SUPERVISOR).exists()


def _require_responsible_supervisor(by: User, note: Note, action: Action) -> None:
    require_client_access(by, note.client_id, Area.NOTES, action)
    _lock(note)
    if note.status != NoteStatus.SUBMITTED:
        raise Conflict(locked_message(note) if note.is_signed else NOT_SUBMITTED)
    if not is_responsible_supervisor(by, note):
        raise PermissionDenied(NOT_THE_SUPERVISOR)


@transaction.atomic
def note_cosign(*, by: User, note: Note, risk_reason: str = "") -> Note:
    """The responsible supervisor co-signs the submitted note as it was submitted; like signing, a risk screen
    of "no risk" while the client has an open risk alert needs ``risk_reason``."""
    _require_responsible_supervisor(by, note, Action.COSIGN)
    if not note_integrity(note):
        raise Conflict(TAMPERED)
    note.cosign_risk_reason = _check_risk_reason(note, risk_reason)
    note.status = NoteStatus.SIGNED
    note.signed_by_id, note.signed_at = note.author_id, note.submitted_at
    note.cosigned_by, note.cosigned_at = by, timezone.now()
    note.save()
    _record(
        by,
        TherapyAction.NOTE_COSIGN,
        note,
        **signed_detail(note.content_hash, risk_reason_given=bool(note.cosign_risk_reason)),
    )
    return note


@transaction.atomic
def note_return(*, by: User, note: Note, comment: str, field_comments: dict[str, Any] | None = None) -> Note:
    """Send the submitted note back to the intern as a draft, with a comment and comments beside fields."""
    _require_responsible_supervisor(by, note, Action.RETURN)
    comment = (comment or "").strip()
    known = set(EDITABLE_FIELDS) | {"directives", "goal_progress"}
    if note.template_id:
        known |= {field["key"] for field in cast(NoteTemplate, note.template).extra_fields}
    cleaned: dict[str, str] = {}
    for field, text in (field_comments or {}).items():
        if field not in known:
            raise ValidationError({"field_comments": RETURN_UNKNOWN_FIELD.format(field=field)})
        text = (text or "").strip()
        if len(text) > FIELD_COMMENT_LIMIT:
            raise ValidationError({"field_comments": EXTRA_TOO_LONG.format(key=field, limit=FIELD_COMMENT_LIMIT)})
        if text:
            cleaned[field] = text
    if not comment and not cleaned:
        raise ValidationError({"comment": RETURN_NEEDS_COMMENT})
    returned = NoteReturn(note=note, by=by, comment=comment, field_comments=cleaned)
    returned.full_clean()
    returned.save()
    note.status, note.submitted_at, note.content_hash, note.late_entry = NoteStatus.DRAFT, None, "", False
    note.save(update_fields=["status", "submitted_at", "content_hash", "late_entry"])
    # An empty hash: from this event the note is a draft again, with nothing signed to check.
    _record(by, TherapyAction.NOTE_RETURN, note, **signed_detail("", fields=sorted(cleaned)))
    return note


# --- addenda -----------------------------------------------------------------------------------------


def addendum_canonical(addendum: Addendum) -> str:
    payload = {
        "note": addendum.note_id,
        "note_hash": addendum.note.content_hash,
        "author": addendum.author_id,
        "text": addendum.text,
        "reason": addendum.reason,
        "signed_at": addendum.signed_at.isoformat(timespec="microseconds"),
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def addendum_hash(addendum: Addendum) -> str:
    return audit.content_digest(addendum_canonical(addendum))


def may_add_addendum(relations: frozenset[Relation], user: User, note: Note) -> bool:
    return note.is_signed and (
        note.author_id == user.pk
        or allows(relations, Area.NOTES, Action.SIGN)
        or allows(relations, Area.NOTES, Action.SUBMIT)
    )


@transaction.atomic
def addendum_add(*, by: User, note: Note, text: str, reason: str = "") -> Addendum:
    """Later content for a signed note: signed and hashed as it is written, never changed."""
    relations = require_client_access(by, note.client_id, Area.NOTES, Action.READ)
    _lock(note)
    if not note.is_signed:
        raise Conflict(ADDENDUM_ONLY_SIGNED)
    if not may_add_addendum(relations, by, note):
        raise PermissionDenied(ADDENDUM_NOT_ALLOWED)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ADDENDUM_NEEDS_TEXT})
    addendum = Addendum(note=note, author=by, text=text, reason=(reason or "").strip(), signed_at=timezone.now())
    addendum.content_hash = addendum_hash(addendum)
    addendum.full_clean()
    addendum.save()
    _record(by, TherapyAction.NOTE_ADDENDUM, note, obj=addendum, **signed_detail(addendum.content_hash))
    return addendum


def addendum_integrity(addendum: Addendum) -> bool:
    return addendum_hash(addendum) == addendum.content_hash


# --- a group session's notes, in one batch --------------------------------------------------------


@transaction.atomic
def group_notes_save(
    *, by: User, session: Session, group_part: str, individual: dict[int, dict[str, Any]], finish: bool = False
) -> list[Note]:
    """Save the notes of a group session's attending members: the shared group part copied into each,
    the individual fields per member. With ``finish`` each note is signed (or, for an intern, submitted):
    all of them or, if one cannot be, none — the message names the client and what is missing.

    Only members marked present (or late, or leaving early) whose notes ``by`` may write are touched;
    a note written by someone else, or already signed or submitted, is left as it is.
    """
    if session.kind != SessionKind.GROUP:
        raise ValidationError(NOT_A_GROUP_SESSION)

    present = (
        Attendance.objects.filter(session=session, status__in=PRESENT_STATUSES)
        .filter(client_id__in=client_ids_allowing(by, Area.NOTES, Action.WRITE))
        .select_related("client__organization")
    )
    existing = {
        n.client_id: n
        for n in Note.objects.filter(session=session, kind=NoteKind.PROGRESS).select_related(
            "template", "session", "client", "author"
        )
    }
    if set(individual) - {a.client_id for a in present}:
        raise ValidationError(BATCH_NOT_PRESENT)
    notes, signed, now = [], 0, timezone.now()
    for mark in present:
        note = existing.get(mark.client_id)
        if note is not None and (note.author_id != by.pk or not note.is_draft):
            continue
        fields = {**individual.get(mark.client_id, {}), "group_part": group_part}
        try:
            if note is None:
                note = _create(by, mark.client, NoteKind.PROGRESS, session, None, None, fields)
            else:
                _update(by, note, fields)
            if finish:
                signs = allows(relations_of(by, note.client_id), Area.NOTES, Action.SIGN)
                (_sign if signs else _submit)(by, note, now)
                signed += signs
                # Each note's own event records the hash of what was signed, for verify --records.
                action = TherapyAction.NOTE_SIGN if signs else TherapyAction.NOTE_SUBMIT
                _record(by, action, note, **signed_detail(note.content_hash, late_entry=note.late_entry, batch=True))
        except ValidationError as exc:
            raise ValidationError(
                BATCH_FAILED.format(client=mark.client.display_name, message=" ".join(exc.messages))
            ) from exc
        notes.append(note)
    if not notes:
        raise ValidationError(BATCH_NOTHING)
    audit.record(
        actor=by,
        action=TherapyAction.NOTE_BATCH_FINISH if finish else TherapyAction.NOTE_BATCH_SAVE,
        obj=session,
        client_ids=[n.client_id for n in notes],
        detail={
            "session": session.pk,
            "notes": [n.pk for n in notes],
            "signed": signed,
            "submitted": len(notes) - signed if finish else 0,
        },
    )
    return notes


# --- note templates (a practice's choices, without code) --------------------------------------------

TEMPLATE_ROLES = (Role.ADMIN, Role.PROGRAM_ADMIN)


def _extra_key(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:50] or "field"


def _check_template_fields(template: NoteTemplate) -> None:
    """Required fields are fields of a note, hidden ones art-process fields, extra fields labelled once each."""
    template.name = (template.name or "").strip()
    if not template.name:
        raise ValidationError({"name": TEMPLATE_NAME_NEEDED})
    for name in template.required_fields:
        if name not in REQUIRABLE_FIELDS:
            raise ValidationError({"required_fields": TEMPLATE_REQUIRED_UNKNOWN.format(field=name)})
    for name in template.hidden_fields:
        if name not in ART_FIELDS:
            raise ValidationError({"hidden_fields": TEMPLATE_HIDDEN_UNKNOWN.format(field=name)})
        if name in template.required_fields:
            raise ValidationError({"hidden_fields": TEMPLATE_REQUIRED_AND_HIDDEN.format(field=name)})
    if len(template.extra_fields) > EXTRA_FIELDS_MAX:
        raise ValidationError({"extra_fields": TEMPLATE_EXTRA_MANY.format(limit=EXTRA_FIELDS_MAX)})
    cleaned, keys = [], set()
    for field in template.extra_fields:
        label = str(field.get("label") or "").strip()
        if not label or len(label) > 100:
            raise ValidationError({"extra_fields": TEMPLATE_EXTRA_LABEL})
        key = field.get("key") or _extra_key(label)
        if key in keys:
            raise ValidationError({"extra_fields": TEMPLATE_EXTRA_TWICE.format(label=label)})
        keys.add(key)
        cleaned.append({"key": key, "label": label, "required": bool(field.get("required"))})
    template.extra_fields = cleaned
    template.required_fields = sorted(set(template.required_fields), key=REQUIRABLE_FIELDS.index)
    template.hidden_fields = sorted(set(template.hidden_fields), key=ART_FIELDS.index)


def _save_template(by: User, template: NoteTemplate, action: TherapyAction, changed: list[str]) -> NoteTemplate:
    _check_template_fields(template)
    template.full_clean()
    if template.is_default:
        # One default per kind: the new default takes the place of the old.
        (
            NoteTemplate.objects.filter(organization_id=template.organization_id, kind=template.kind, is_default=True)
            .exclude(pk=template.pk)
            .update(is_default=False)
        )
    if template.pk is None:
        template.save()
    else:
        save_changes(template, changed)
    audit.record(actor=by, action=action, obj=template, detail={"fields": changed})
    return template


@transaction.atomic
def note_template_create(
    *,
    by: User,
    name: str,
    kind: str,
    format: str,
    required_fields: Sequence[str] = (),
    hidden_fields: Sequence[str] = (),
    extra_fields: Sequence[Mapping[str, Any]] = (),
    is_default: bool = False,
    is_active: bool = True,
) -> NoteTemplate:
    require_role(by, *TEMPLATE_ROLES)
    template = NoteTemplate(
        organization_id=by.organization_id,  # type: ignore[misc]  # None: full_clean refuses it
        name=name,
        kind=kind,
        format=format,
        required_fields=list(required_fields),
        hidden_fields=list(hidden_fields),
        extra_fields=[dict(f) for f in extra_fields],
        is_default=is_default,
        is_active=is_active,
    )
    return _save_template(by, template, TherapyAction.NOTE_TEMPLATE_CREATE, [])


@transaction.atomic
def note_template_update(
    *,
    by: User,
    template: NoteTemplate,
    name: str = UNSET,
    kind: str = UNSET,
    format: str = UNSET,
    required_fields: Sequence[str] = UNSET,
    hidden_fields: Sequence[str] = UNSET,
    extra_fields: Sequence[Mapping[str, Any]] = UNSET,
    is_default: bool = UNSET,
    is_active: bool = UNSET,
) -> NoteTemplate:
    """Change a template. Notes already signed keep what they were signed with; drafts follow the change."""
    require_role(by, *TEMPLATE_ROLES)
    template = NoteTemplate.objects.select_for_update().get(pk=template.pk)
    changed = apply_changes(
        template,
        {
            "name": name,
            "kind": kind,
            "format": format,
            "required_fields": required_fields if required_fields is UNSET else list(required_fields),
            "hidden_fields": hidden_fields if hidden_fields is UNSET else list(hidden_fields),
            "extra_fields": extra_fields if extra_fields is UNSET else [dict(f) for f in extra_fields],
            "is_default": is_default,
            "is_active": is_active,
        },
    )
    if not changed:
        return template
    return _save_template(by, template, TherapyAction.NOTE_TEMPLATE_UPDATE, changed)
