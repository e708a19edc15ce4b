"""Pages for an artwork's photos: serving an image, adding photos, choosing the main one and the
analysis status fragment that the artwork page polls. Filing the pieces made in a session is
``session_photos``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from artchart.artworks import selectors
from artchart.artworks.forms import CornersForm, initial_corners
from artchart.artworks.models import AnalysisStatus
from artchart.artworks.presentation import feature_rows
from artchart.artworks.services import photos as photo_services
from artchart.artworks.serving import image_response
from artchart.core.forms_util import add_service_errors
from artchart.core.messages import UserMessage
from artchart.core.permissions import Action, Area
from artchart.imaging import corners

PHOTOS_ADDED = UserMessage("photos_added", "Added {count} photo(s).")
ALREADY_THERE = UserMessage("photo_already_there", "That photo is already on this piece.")
MAIN_PHOTO = UserMessage("main_photo_chosen", "This photo now shows the piece on the timeline.")
POLL_SECONDS = 2
CORNERS_SAVED = UserMessage("page_corners_saved", "The page is marked, and the drawing was measured on it.")
CORNERS_RESET = UserMessage(
    "page_corners_reset", "The marked corners are gone; the computer looked for the page again."
)


def palette_of(features: dict | None) -> list[dict]:
    return [
        {"hex": c.get("hex", ""), "name": c.get("name", ""), "percent": round(float(c.get("share", 0)) * 100)}
        for c in (features or {}).get("palette") or []
    ]


def palette_strip(features: dict | None) -> list[dict]:
    """The palette as bands of an SVG strip 100 units wide (x and width in those units)."""
    bands, x = [], 0.0
    colors = (features or {}).get("palette") or []
    total = sum(float(c.get("share", 0)) for c in colors) or 1.0
    for color in colors:
        width = 100 * float(color.get("share", 0)) / total
        bands.append({"x": f"{x:.2f}", "width": f"{width:.2f}", "hex": color.get("hex", "#000")})
        x += width
    return bands


def analysis_context(access, artwork, photo) -> dict:
    features = photo.analysis.features if photo.analysis_status == AnalysisStatus.READY and photo.analysis else None
    return {
        "may_write": access.may(Area.NOTES, Action.WRITE),
        "without_page": selectors.without_page(artwork, features),
        "client": access.client,
        "artwork": artwork,
        "photo": photo,
        "features": features,
        "feature_rows": feature_rows(features),
        "palette": palette_of(features),
        "pending": photo.analysis_status == AnalysisStatus.PENDING,
        "poll_seconds": POLL_SECONDS,
    }


def _photo_of(user, client_id: int, artwork_id: int, photo_id: int, *, action=Action.READ):
    access, photo = selectors.photo_get_for_user(user, photo_id, action=action)
    if photo.artwork_id != artwork_id or photo.artwork.client_id != client_id:
        raise Http404
    return access, photo


@require_GET
@login_required
def image(request, photo_id: int, variant: str):
    access, photo = selectors.photo_get_for_user(request.user, photo_id)
    response = image_response(user=request.user, access=access, photo=photo, variant=variant)
    if request.GET.get("download") == "1":
        response["Content-Disposition"] = response["Content-Disposition"].replace("inline", "attachment", 1)
    return response


@require_GET
@login_required
def photo_status(request, client_id: int, artwork_id: int, photo_id: int):
    access, photo = _photo_of(request.user, client_id, artwork_id, photo_id)
    return render(request, "artworks/_photo_analysis.html", analysis_context(access, photo.artwork, photo))


@require_POST
@login_required
def photos_add(request, client_id: int, artwork_id: int):
    access = selectors.artwork_access(request.user, client_id, action=Action.WRITE)
    artwork = selectors.artwork_get(access, artwork_id)
    uploads = request.FILES.getlist("photos") + request.FILES.getlist("camera")
    before = {p.pk for p in artwork.photos.all()}
    try:
        added = photo_services.photos_add(by=request.user, artwork=artwork, uploads=uploads)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        new = [p for p in added if p.pk not in before]
        messages.success(request, PHOTOS_ADDED.format(count=len(new)) if new else ALREADY_THERE)
    return redirect("artworks:detail", client_id, artwork.pk)


@require_POST
@login_required
def photo_primary(request, client_id: int, artwork_id: int, photo_id: int):
    _, photo = _photo_of(request.user, client_id, artwork_id, photo_id, action=Action.WRITE)
    photo_services.photo_make_primary(by=request.user, photo=photo)
    messages.success(request, MAIN_PHOTO)
    return redirect("artworks:detail", client_id, artwork_id)


# --- marking the page's corners -------------------------------------------------------------------


def _markable(request, client_id: int, artwork_id: int, photo_id: int):
    """The photo, for someone who writes the client's notes; a sculpture's photo has no page."""
    access, photo = _photo_of(request.user, client_id, artwork_id, photo_id, action=Action.WRITE)
    if photo.artwork.is_sculpture:
        messages.error(request, photo_services.NO_PAGE_ON_SCULPTURE)
        return access, None
    return access, photo


@require_http_methods(["GET", "POST"])
@login_required
def photo_corners(request, client_id: int, artwork_id: int, photo_id: int):
    """Drag the four corners of the page onto the photo (or type them), then measure the drawing on it."""
    access, photo = _markable(request, client_id, artwork_id, photo_id)
    if photo is None:
        return redirect("artworks:detail", client_id, artwork_id)
    features = photo.analysis.features if photo.analysis else None
    start = photo.page_corners or (features or {}).get("page_corners")
    form = CornersForm(
        request.POST or None,
        width=photo.width,
        height=photo.height,
        initial=initial_corners(start, photo.width, photo.height),
    )
    if request.method == "POST" and form.is_valid():
        try:
            photo_services.photo_set_corners(by=request.user, photo=photo, corners=form.corners())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, CORNERS_SAVED)
            return redirect("artworks:detail", client_id, artwork_id)
    shown = form.data if form.is_bound else form.initial
    points = " ".join(f"{shown.get(f'x{i}', 0)},{shown.get(f'y{i}', 0)}" for i in range(4))
    return render(
        request,
        "artworks/photo_corners.html",
        {
            "nav": "clients",
            "client": access.client,
            "artwork": photo.artwork,
            "photo": photo,
            "form": form,
            "points": points,
            "not_found": features is not None and features.get("page_found") is False,
            "marked": photo.page_corners is not None,
            # Said by the page while dragging, in the server's own words.
            "crossed": corners.CROSSED,
            "not_convex": corners.NOT_CONVEX,
        },
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def photo_corners_reset(request, client_id: int, artwork_id: int, photo_id: int):
    _, photo = _markable(request, client_id, artwork_id, photo_id)
    if photo is not None:
        try:
            photo_services.photo_reset_corners(by=request.user, photo=photo)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, CORNERS_RESET)
    return redirect("artworks:detail", client_id, artwork_id)
