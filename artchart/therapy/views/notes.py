"""Notes pages: a client's notes, one note (with its integrity check), the draft with autosave,
signing, submitting, co-signing, returning, addenda, "copy as plain text", a group
session's batch screen and the practice's note templates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from artchart.core.forms_util import add_service_errors
from artchart.core.messages import UserMessage
from artchart.core.models import Role
from artchart.core.panel_registry import note_panels, risk_panels, session_panels, without_superseded
from artchart.core.permissions import Action, Area
from artchart.programs.selectors import directives_for
from artchart.therapy.forms.notes import AddendumForm, BatchForm, NoteCreateForm, NoteForm, NoteTemplateForm, ReturnForm
from artchart.therapy.models import NoteFormat, NoteKind, NoteStatus
from artchart.therapy.selectors import notes as selectors
from artchart.therapy.selectors.sessions import sessions_of_client
from artchart.therapy.services import notes as services

SIGNED = UserMessage("note_signed", "The note is signed.")
SUBMITTED = UserMessage("note_submitted", "The note waits for your supervisor's co-signature.")
COSIGNED_NEXT = UserMessage(
    "note_cosigned_next", "The note is co-signed. Next note waiting for your co-signature: this one, 1 of {left}."
)
COSIGNED_ALL = UserMessage(
    "note_cosigned_all", "The note is co-signed. No other note is waiting for your co-signature."
)
RETURNED = UserMessage("note_returned", "The note went back to the intern as a draft, with your comments.")
ADDENDUM_ADDED = UserMessage("addendum_added", "The addendum is signed and added to the note.")
DRAFT_SAVED = UserMessage("note_draft_saved", "Draft saved.")
COPIED = UserMessage("note_copied", "Filled from the note of {day}; read it through, then save.")
NOTHING_TO_COPY = UserMessage("note_nothing_to_copy", "There is no signed note of this client to copy yet.")
DRAFT_DELETED = UserMessage("note_draft_discarded", "The draft was discarded.")
TEMPLATE_SAVED = UserMessage("note_template_saved", "The template is saved.")


def _to_note(note):
    return redirect("therapy:note_detail", note.client_id, note.pk)


def _refused(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _note(request, client_id: int, note_id: int, action: Action = Action.READ):
    access = selectors.note_access(request.user, client_id, action=action)
    return access, selectors.note_get(access, note_id)


@require_GET
@login_required
def note_list(request, client_id: int):
    access = selectors.note_access(request.user, client_id)
    return render(
        request,
        "therapy/notes/list.html",
        {
            "nav": "clients",
            "client": access.client,
            "notes": list(selectors.notes_of(access)),
            "may_write": access.may(Area.NOTES, Action.WRITE),
        },
    )


def _start_form(request, access) -> NoteCreateForm:
    """What the note is (kind, session, template, format): as the request names it, else a progress
    note for the latest session still without one, else unbound (the page asks)."""
    params = request.POST if request.method == "POST" else request.GET
    named = any(params.get(name) for name in ("kind", "session", "template", "format"))
    data = params if named else None
    if data is None:
        session = selectors.session_to_document(access)
        data = {"kind": NoteKind.PROGRESS, "session": str(session.pk)} if session is not None else None
    kind = params.get("kind") or NoteKind.PROGRESS
    return NoteCreateForm(
        data,
        initial={"kind": NoteKind.PROGRESS},
        sessions=sessions_of_client(access).select_related("therapist"),
        templates=selectors.templates_to_choose(access.client, kind if kind in NoteKind.values else None),
    )


@require_http_methods(["GET", "POST"])
@login_required
def note_create(request, client_id: int):
    """Straight to the editor when what the note is for is known (a session, named or the latest still
    undocumented, or a note that needs none), with what the session and the last note give; the choice
    of session, template and format stays on the editor. Only a progress note with no session to
    document asks for one first."""
    access = selectors.note_access(request.user, client_id, action=Action.WRITE)
    start = _start_form(request, access)
    if not start.is_valid():
        return render(request, "therapy/notes/create.html", {"nav": "clients", "client": access.client, "form": start})
    chosen = start.cleaned_data
    started = (
        chosen["session"]
        and chosen["kind"] == NoteKind.PROGRESS
        and selectors.progress_note_of(access, chosen["session"])
    )
    if started and request.method == "GET":
        return _to_note(started)  # the session's note exists: open it rather than a second
    note = selectors.note_to_start(
        access,
        by=request.user,
        kind=chosen["kind"],
        session=chosen["session"],
        template=chosen["template"],
        format=chosen["format"],
    )
    copy_last = request.GET.get("copy") == "last"
    prefill = selectors.note_prefill(access, session=note.session, copy_last=copy_last)
    panels = note_panels(request.user, access.client, note.session)
    form = _note_form(access, note, request.POST or None, prefill=prefill, panels=panels)
    if request.method == "POST" and form.is_valid():
        try:
            note = services.note_create(
                by=request.user,
                client=access.client,
                kind=chosen["kind"],
                session=chosen["session"],
                template=chosen["template"],
                format=chosen["format"] or None,
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _saved(request, note)
    return _editor(request, access, note, form, prefill, panels, start=start, copy_asked=copy_last)


def _editor(request, access, note, form, prefill, panels, *, start=None, copy_asked=False):
    """The note editor, for a new note (``start`` holds what it is) or a saved draft."""
    if copy_asked and request.method == "GET":
        if prefill.copied:
            messages.info(request, COPIED.format(day=f"{selectors.note_day(prefill.last_note):%-d %B %Y}"))
        else:
            messages.info(request, NOTHING_TO_COPY)
    query = request.GET.copy()
    query["copy"] = "last"
    return render(
        request,
        "therapy/notes/edit.html",
        {
            "nav": "clients",
            "client": access.client,
            "note": note,
            "form": form,
            "start": start,
            "start_values": start.cleaned_data if start is not None else {},
            "copy_query": query.urlencode(),
            "last_note": prefill.last_note,
            "last_day": selectors.note_day(prefill.last_note) if prefill.last_note else None,
            "note_panels": panels,
            "labels": services.LABELS,
            "open_return": next((r for r in note.returns.all() if r.resolved_at is None), None) if note.pk else None,
            "risk_panels": risk_panels(request.user, access.client),
            "may_sign": access.may(Area.NOTES, Action.SIGN),
            "may_submit": access.may(Area.NOTES, Action.SUBMIT) and not access.may(Area.NOTES, Action.SIGN),
        },
    )


def _intact(request, note) -> bool:
    """Recompute the note's hash; a mismatch is recorded (flagged) each time it is shown."""
    intact = services.note_integrity(note)
    if not intact:
        services.note_integrity_flag(by=request.user, note=note)
    return intact


@require_GET
@login_required
def note_detail(request, client_id: int, note_id: int):
    access, note = _note(request, client_id, note_id)
    mine = note.author_id == request.user.pk
    panels = note_panels(request.user, access.client, note.session)
    return render(
        request,
        "therapy/notes/detail.html",
        {
            "nav": "clients",
            "client": access.client,
            "note": note,
            "intact": _intact(request, note),
            "addenda": [(a, services.addendum_integrity(a)) for a in note.addenda.all()],
            "open_return": next((r for r in note.returns.all() if r.resolved_at is None), None)
            if note.is_draft
            else None,
            "art_fields": _art_fields(note, frozenset(name for panel in panels for name in panel.fills)),
            "labels": services.LABELS,
            "editable": note.is_draft and mine and access.may(Area.NOTES, Action.WRITE),
            "may_sign": note.is_draft and mine and access.may(Area.NOTES, Action.SIGN),
            "may_submit": note.is_draft
            and mine
            and access.may(Area.NOTES, Action.SUBMIT)
            and not access.may(Area.NOTES, Action.SIGN),
            "may_review": note.status == NoteStatus.SUBMITTED
            and services.is_responsible_supervisor(request.user, note)
            and access.may(Area.NOTES, Action.COSIGN),
            "may_addendum": services.may_add_addendum(access.relations, request.user, note),
            "missing": services.missing_fields(note) if note.is_draft else [],
            # The note's card of the client's pieces stands in for the session's card of them.
            "session_panels": without_superseded(session_panels(request.user, note.session), by=panels)
            if note.session_id
            else [],
            "note_panels": panels,
            "risk_panels": risk_panels(request.user, access.client),
            "risk_reason_needed": note.status != NoteStatus.SIGNED and services.needs_risk_reason(note),
        },
    )


def _art_fields(note, shown_elsewhere: frozenset[str] = frozenset()) -> list[tuple[str, str, str]]:
    """The art-process fields shown, without those another card shows (and the note leaves empty)."""
    hidden = set(note.template.hidden_fields) if note.template_id else set()
    hidden |= {name for name in shown_elsewhere if not getattr(note, name)}
    return [(name, label, getattr(note, name)) for name, label in services.ART_PROCESS_FIELDS if name not in hidden]


def _note_form(access, note, data=None, *, prefill=None, panels=()) -> NoteForm:
    carried = prefill.carried_from if prefill is not None else None
    return NoteForm(
        data,
        note=note,
        goals=selectors.note_goals(access),
        directives=directives_for(access.user),
        prefill=prefill.initial if prefill is not None else None,
        carried_day=f"{selectors.note_day(carried):%-d %B %Y}" if carried is not None else "",
        shown_elsewhere=frozenset(name for panel in panels for name in panel.fills),
    )


@require_http_methods(["GET", "POST"])
@login_required
def note_edit(request, client_id: int, note_id: int):
    access, note = _note(request, client_id, note_id, Action.WRITE)
    if not note.is_draft:
        messages.error(request, services.locked_message(note))
        return _to_note(note)
    if note.author_id != request.user.pk:
        raise PermissionDenied(services.ONLY_AUTHOR_EDITS)
    copy_last = request.GET.get("copy") == "last"
    prefill = selectors.note_prefill(access, draft=note, copy_last=copy_last)
    panels = note_panels(request.user, access.client, note.session)
    form = _note_form(access, note, request.POST or None, prefill=prefill, panels=panels)
    if request.method == "POST" and form.is_valid():
        try:
            note = services.note_update_draft(by=request.user, note=note, **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _saved(request, note)
    return _editor(request, access, note, form, prefill, panels, copy_asked=copy_last)


def _saved(request, note):
    """After the editor saved the draft: the note, or for "Save and sign" ("Save and submit" for an
    intern) that step too. A refused step (an open risk alert with "no risk" and no reason, say) keeps
    the saved draft and shows why on the note, where its sign form asks for what is missing."""
    step = {
        "sign": (services.note_sign, SIGNED, {"risk_reason": request.POST.get("risk_reason", "")}),
        "submit": (services.note_submit, SUBMITTED, {}),
    }.get(request.POST.get("then", ""))
    if step is None:
        messages.success(request, DRAFT_SAVED)
        return _to_note(note)
    service, done, extra = step
    try:
        service(by=request.user, note=note, **extra)
    except ValidationError as exc:
        messages.success(request, DRAFT_SAVED)
        _refused(request, exc)
    else:
        messages.success(request, done)
    return _to_note(note)


@require_POST
@login_required
def note_autosave(request, client_id: int, note_id: int):
    """The draft as the therapist types (notes.js posts the form after a pause): JSON with the time saved."""
    access, note = _note(request, client_id, note_id, Action.WRITE)
    form = _note_form(access, note, request.POST, panels=note_panels(request.user, access.client, note.session))
    if not form.is_valid():
        return JsonResponse({"saved": False, "errors": form.errors.get_json_data()}, status=422)
    try:
        note = services.note_update_draft(by=request.user, note=note, **form.service_fields())
    except ValidationError as exc:
        return JsonResponse(
            {"saved": False, "message": " ".join(exc.messages)},
            status=409 if isinstance(exc, services.Conflict) else 422,
        )
    return JsonResponse({"saved": True, "at": f"{timezone.localtime(note.updated_at):%H:%M}"})


@require_POST
@login_required
def note_delete(request, client_id: int, note_id: int):
    access, note = _note(request, client_id, note_id, Action.WRITE)
    try:
        services.note_delete(by=request.user, note=note)
    except ValidationError as exc:
        _refused(request, exc)
        return _to_note(note)
    messages.success(request, DRAFT_DELETED)
    return redirect("therapy:note_list", access.client.pk)


def _decide(request, client_id: int, note_id: int, action: Action, service, done: str, **extra):
    _, note = _note(request, client_id, note_id, action)
    try:
        service(by=request.user, note=note, **extra)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, done)
    return _to_note(note)


@require_POST
@login_required
def note_sign(request, client_id: int, note_id: int):
    return _decide(
        request,
        client_id,
        note_id,
        Action.SIGN,
        services.note_sign,
        SIGNED,
        risk_reason=request.POST.get("risk_reason", ""),
    )


@require_POST
@login_required
def note_submit(request, client_id: int, note_id: int):
    return _decide(request, client_id, note_id, Action.SUBMIT, services.note_submit, SUBMITTED)


@require_POST
@login_required
def note_cosign(request, client_id: int, note_id: int):
    """Co-sign, then straight on to the next note waiting for this supervisor, or back to the dashboard's queue."""
    _, note = _note(request, client_id, note_id, Action.COSIGN)
    try:
        services.note_cosign(by=request.user, note=note, risk_reason=request.POST.get("risk_reason", ""))
    except ValidationError as exc:
        _refused(request, exc)
        return _to_note(note)
    waiting = list(selectors.cosign_queue(request.user).values_list("client_id", "pk"))
    if not waiting:
        messages.success(request, COSIGNED_ALL)
        return redirect("dashboard")
    messages.success(request, COSIGNED_NEXT.format(left=len(waiting)))
    return redirect("therapy:note_detail", *waiting[0])


@require_http_methods(["GET", "POST"])
@login_required
def note_return(request, client_id: int, note_id: int):
    access, note = _note(request, client_id, note_id, Action.RETURN)
    form = ReturnForm(request.POST or None, note=note)
    if request.method == "POST" and form.is_valid():
        try:
            services.note_return(
                by=request.user, note=note, comment=form.cleaned_data["comment"], field_comments=form.field_comments()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, RETURNED)
            return _to_note(note)
    return render(
        request,
        "therapy/notes/return.html",
        {
            "nav": "clients",
            "client": access.client,
            "note": note,
            "form": form,
            "intact": _intact(request, note),
            "risk_panels": risk_panels(request.user, access.client),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def note_addendum(request, client_id: int, note_id: int):
    access, note = _note(request, client_id, note_id)
    if not note.is_signed:
        messages.error(request, services.ADDENDUM_ONLY_SIGNED)
        return _to_note(note)
    if not services.may_add_addendum(access.relations, request.user, note):
        raise PermissionDenied(services.ADDENDUM_NOT_ALLOWED)
    form = AddendumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.addendum_add(by=request.user, note=note, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, ADDENDUM_ADDED)
            return _to_note(note)
    return render(
        request, "therapy/notes/addendum.html", {"nav": "clients", "client": access.client, "note": note, "form": form}
    )


@require_GET
@login_required
def note_text(request, client_id: int, note_id: int):
    """The signed note as plain text to paste into a hospital's record (the read is audited for the request)."""
    access, note = _note(request, client_id, note_id)
    return render(
        request,
        "therapy/notes/text.html",
        {
            "nav": "clients",
            "client": access.client,
            "note": note,
            "intact": _intact(request, note),
            "text": selectors.note_plain_text(note),
        },
    )


# --- a group session's notes -------------------------------------------------------------------------


def _batch_form(request, batch) -> BatchForm:
    """The batch form, each note in its own format (a new note in the default template's), without hidden fields."""
    default = services.template_for(batch.session.organization_id, NoteKind.PROGRESS)
    fallback = default.format if default else NoteFormat.SOAP
    formats = {row.client.pk: row.note.format if row.note else fallback for row in batch.editable}
    return BatchForm(
        request.POST or None, batch=batch, formats=formats, hidden=frozenset(default.hidden_fields if default else ())
    )


@require_http_methods(["GET", "POST"])
@login_required
def note_batch(request, session_id: int):
    batch = selectors.group_batch(request.user, session_id)
    form = _batch_form(request, batch)
    if request.method == "POST" and form.is_valid():
        finish = request.POST.get("finish") == "1"
        try:
            notes = services.group_notes_save(
                by=request.user,
                session=batch.session,
                finish=finish,
                group_part=form.cleaned_data["group_part"],
                individual=form.individual(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{len(notes)} note{'s' if len(notes) != 1 else ''} "
                f"{'signed or submitted' if finish else 'saved as drafts'}.",
            )
            return redirect("therapy:note_batch", batch.session.pk)
    signs = request.user.role != Role.INTERN
    return render(
        request,
        "therapy/notes/batch.html",
        {"nav": "groups", "session": batch.session, "batch": batch, "form": form, "signs": signs},
    )


# --- note templates ------------------------------------------------------------------------------------


@require_GET
@login_required
def note_template_list(request):
    return render(
        request,
        "therapy/notes/templates.html",
        {"nav": "admin", "templates": list(selectors.templates_for(request.user)), "labels": services.LABELS},
    )


@require_http_methods(["GET", "POST"])
@login_required
def note_template_edit(request, template_id: int | None = None):
    template = selectors.template_get(request.user, template_id) if template_id else None
    if template is None:
        selectors.templates_for(request.user)  # 403 for anyone but admins and program admins
    form = NoteTemplateForm(request.POST or None, template=template)
    if request.method == "POST" and form.is_valid():
        try:
            if template is None:
                services.note_template_create(by=request.user, **form.service_fields())
            else:
                services.note_template_update(by=request.user, template=template, **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, TEMPLATE_SAVED)
            return redirect("therapy:note_template_list")
    return render(request, "therapy/notes/template_form.html", {"nav": "admin", "form": form, "template": template})
