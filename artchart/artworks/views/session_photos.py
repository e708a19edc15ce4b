"""The session's photo page: the pieces made in a session, filed as a tablet takes them.

One area per client to file for (the session's client, or each member present at a group
session): a large camera target and a file picker. With scripts, each photo becomes a card with
its own title, media and client's words, is shrunk on the device and sent on its own to
``session_photo``, with a progress bar and a retry that keeps the others. Without scripts the same
form posts every photo at once to ``session_upload``, each becoming a piece with the row's details.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from artchart.artworks import selectors
from artchart.artworks.models import Media
from artchart.artworks.services import photos as photo_services
from artchart.artworks.services.session_photos import (
    MEDIA_REQUIRED,
    artwork_from_session_photo,
    session_media,
    stored_long_side,
)
from artchart.core.messages import UserMessage, refusal_code
from artchart.core.permissions import Action, Area, client_ids_allowing
from artchart.therapy.models import PRESENT_STATUSES
from artchart.therapy.selectors.sessions import session_get_for_user

NOTHING_CHOSEN = UserMessage("no_photo_chosen", "Choose a photo (or take one) for at least one client.")
ROWS_SAVED = UserMessage("batch_rows_filed", "Filed {count} piece(s): {names}.")
ROWS_REFUSED = UserMessage("batch_rows_refused", "Nothing was filed for: {names}. See the message beside each.")
NOT_FILED = UserMessage("photo_not_filed", "This photo was not filed: {reason}")
INTERRUPTED = UserMessage(
    "photo_upload_interrupted", "The upload was interrupted; nothing was half-filed. Try this photo again."
)
NOT_A_KEY = UserMessage("photo_upload_key_invalid", "This upload's key is not one the page made; reload the page.")


def _upload_rows(user, session):
    """The clients to file work for: the session's client, or each member marked present, late or
    left early at a group session, limited to those whose notes this user writes."""
    if session.client_id:
        selectors.artwork_access(user, session.client_id, action=Action.WRITE)
        return [session.client]
    writable = set(client_ids_allowing(user, Area.NOTES, Action.WRITE).values_list("pk", flat=True))
    marks = session.attendance.filter(status__in=PRESENT_STATUSES).select_related("client")
    return [mark.client for mark in marks if mark.client_id in writable]


def _file_row(user, session, client, uploads, *, title: str, media: str, statement: str) -> str | None:
    """One piece per photo for one client; every photo (and the media) is checked first, so a refused
    one files nothing for the row. Returns the error to show beside the row, or None."""
    if media not in Media.values:
        return MEDIA_REQUIRED
    try:
        photo_services.require_record_consent(client)
        photo_services.check_photos(uploads)
    except ValidationError as exc:
        return " ".join(exc.messages)
    for upload in uploads:
        upload.seek(0)
        try:
            artwork_from_session_photo(
                by=user, session=session, client=client, photo=upload, media=media, title=title, statement=statement
            )
        except ValidationError as exc:
            return " ".join(exc.messages)
    return None


def _row_input(request, client) -> dict:
    return {
        "title": (request.POST.get(f"title-{client.pk}") or "").strip()[:200],
        "media": request.POST.get(f"media-{client.pk}") or "",
        "statement": (request.POST.get(f"statement-{client.pk}") or "").strip()[:5000],
    }


@require_http_methods(["GET", "POST"])
@login_required
def session_upload(request, session_id: int):
    session = session_get_for_user(request.user, session_id).session
    clients = _upload_rows(request.user, session)
    offered = session_media(session)
    errors: dict[int, str] = {}
    given: dict[int, dict] = {}
    if request.method == "POST":
        saved, refused, pieces = [], [], 0
        for client in clients:
            uploads = request.FILES.getlist(f"camera-{client.pk}") + request.FILES.getlist(f"photos-{client.pk}")
            given[client.pk] = _row_input(request, client)
            if not uploads:
                continue
            error = _file_row(request.user, session, client, uploads, **given[client.pk])
            if error:
                errors[client.pk] = error
                refused.append(client.display_name)
            else:
                saved.append(f"{client.display_name} ({len(uploads)})")
                pieces += len(uploads)
        if saved:
            messages.success(request, ROWS_SAVED.format(count=pieces, names=", ".join(saved)))
        if refused:
            messages.error(request, ROWS_REFUSED.format(names=", ".join(refused)))
        elif not saved:
            messages.error(request, NOTHING_CHOSEN)
        else:
            return redirect("therapy:session_detail", session.pk)
    blank = {"title": "", "media": offered, "statement": ""}
    rows = [{"client": c, "error": errors.get(c.pk, ""), **given.get(c.pk, blank)} for c in clients]
    long_side = stored_long_side()
    return render(
        request,
        "artworks/session_upload.html",
        {
            "nav": "clients" if session.client_id else "groups",
            "session": session,
            "rows": rows,
            "made_on": timezone.localtime(session.starts_at).date(),
            "media_choices": Media.choices,
            "offered_media": offered,
            "directive": session.directive,
            "long_side": long_side or "",
            "max_mb": settings.ARTWORK_MAX_BYTES // (1024 * 1024),
            "words": {"media_required": MEDIA_REQUIRED, "interrupted": INTERRUPTED, "nothing_chosen": NOTHING_CHOSEN},
        },
        status=400 if errors else 200,
    )


def _refused(exc: ValidationError, status: int = 400) -> JsonResponse:
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"photo": exc.messages}
    message = " ".join(exc.messages)
    return JsonResponse(
        {"code": refusal_code(exc) or "invalid", "message": NOT_FILED.format(reason=message), "errors": fields},
        status=status,
    )


def _key(raw: str) -> uuid.UUID | None:
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ValidationError({"key": NOT_A_KEY}) from None


def _filed(artwork, created: bool) -> dict:
    photo = selectors.primary_photo(artwork)
    variant = photo.small_variant if photo is not None else ""
    return {
        "created": created,
        "artwork": {
            "id": artwork.pk,
            "title": str(artwork),
            "media": artwork.get_media_display(),
            "url": reverse("artworks:detail", args=[artwork.client_id, artwork.pk]),
            "thumbnail": reverse("artworks:image", args=[photo.pk, variant]) if variant else "",
        },
    }


@require_POST
@login_required
def session_photo(request, session_id: int):
    """One photo, one piece: JSON with the piece's page and thumbnail (201; 200 when the same key
    was filed before), or the refusal (400) with nothing filed."""
    session = session_get_for_user(request.user, session_id).session
    clients = {c.pk: c for c in _upload_rows(request.user, session)}
    raw_client = request.POST.get("client") or (str(session.client_id) if session.client_id else "")
    client = clients.get(int(raw_client)) if raw_client.isdigit() else None
    if client is None:
        raise Http404
    try:
        photo = request.FILES.get("photo")
        if photo is None:
            raise ValidationError({"photo": photo_services.NO_PHOTOS})
        artwork, created = artwork_from_session_photo(
            by=request.user,
            session=session,
            client=client,
            photo=photo,
            media=request.POST.get("media") or "",
            title=request.POST.get("title") or "",
            statement=request.POST.get("statement") or "",
            key=_key(request.POST.get("key") or ""),
        )
    except ValidationError as exc:
        return _refused(exc)
    artwork.client = client
    return JsonResponse(_filed(artwork, created), status=201 if created else 200)
