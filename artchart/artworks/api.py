"""API for artworks, under /api/v1/clients/{client_id}/artworks.

A piece is recorded with its photos in one multipart request (``photos`` files
and the artwork's fields as form fields); the answer lists each photo with the
URL it is downloaded from and its analysis (status, and the features once the
background task has run — at once with the local task backend, later on a
server). Every file is checked before anything is stored: one bad file refuses
the whole request, naming the file and why. Ratings are signed when posted and
final: a second rating by the same rater is a 409.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, When
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from artchart.artworks import selectors
from artchart.artworks.models import Artwork, Photo, Rating
from artchart.artworks.services import artworks as services
from artchart.artworks.services import photos as photo_services
from artchart.artworks.services import ratings as rating_services
from artchart.artworks.services.consent import badges, scopes_in_force
from artchart.artworks.serving import image_response
from artchart.core.api import MAX_MINUTES, Day, Id, Listing, paginated
from artchart.core.messages import UserMessage
from artchart.core.permissions import Action
from artchart.therapy.models import Session

router = Router(tags=["artworks"])

INQUIRY_NOT_JSON = UserMessage(
    "inquiry_not_json", 'Send the inquiry as a JSON list of {"question": "…", "answer": "…"}.'
)


# --- schemas ---------------------------------------------------------------------------------


class AnalysisOut(Schema):
    status: str = Field(description="pending (waiting for the background task), ready or failed")
    error: str = ""
    version: str | None = None
    features: dict | None = Field(
        None,
        description="The formal elements (see docs/imaging.md) once ready; the FEATS estimates are the artwork's "
        "feats_estimates, which are checked against the page and the medium",
    )


class PhotoOut(Schema):
    id: int
    caption: str
    is_primary: bool
    position: int
    content_type: str
    width: int
    height: int
    size: int
    sha256: str
    source_format: str
    uploaded_at: dt.datetime
    url: str = Field(description="Download the stored photo (same token)")
    thumbnails: dict[str, str] = Field(
        description="Download URLs of the 'small' and 'large' thumbnails once made, and of the straightened "
        "'page' and 'page_small' where the page was found or its corners marked"
    )
    page_corners: list[list[float]] | None = Field(
        None, description="The page's corners as marked by a person ([x, y] in pixels of the photo), if any"
    )
    deidentified_url: str | None = Field(None, description="The copy with masking annotations applied, if any")
    analysis: AnalysisOut


class InquiryItemIn(Schema):
    question: str = Field(max_length=500)
    answer: str = Field("", max_length=2000)


class CornersIn(Schema):
    corners: list[Any] = Field(
        description="The page's four corners, [[x, y], …] in pixels of the stored photo "
        "(top-left, top-right, bottom-right, bottom-left)"
    )


class RatingOut(Schema):
    id: int
    system: str
    rater: int
    rater_name: str
    scores: dict[str, float]
    comment: str
    signed_at: dt.datetime
    content_hash: str
    intact: bool = Field(description="False if the rating no longer matches what was signed")


class BadgeOut(Schema):
    scope: str
    label: str
    allowed: bool
    why: str


class EstimatesOut(Schema):
    """The computer's estimates of three FEATS scales: estimates, not ratings."""

    kind: str = Field("estimate", description="Always 'estimate': never a rating, never counted as a rater")
    scores: dict[str, float] | None = Field(
        None, description="{scale key: 0–5} for the scales estimated; null when none are given (see reason)"
    )
    reason: str = Field("", description="Why there are no estimates (no photo, not analysed, sheet not found)")
    medium_differs: str = Field("", description="Set when the piece is not in its assessment's standard medium")
    caution: str


class ArtworkSummary(Schema):
    id: int
    client: int
    session: int | None
    title: str
    made_on: dt.date
    media: str
    dimension: str
    assessment: str | None = Field(description="The assessment's code (ppat, dds …), if made under one")
    disposition: str
    created_at: dt.datetime
    updated_at: dt.datetime
    photos: list[PhotoOut]


class ArtworkOut(ArtworkSummary):
    statement: str
    observations: str
    width_cm: float | None
    height_cm: float | None
    depth_cm: float | None
    protocol_variant: str
    time_taken_minutes: int | None
    time_limit_minutes: int | None
    disposition_note: str
    inquiry: list[InquiryItemIn]
    feats_ratable: bool
    rating_systems: list[str] = Field(description="Codes this piece may be rated on (feats, or an assessment's own)")
    ratings: list[RatingOut] = Field(
        description="Signed ratings by named raters (the computer's estimates are not here)"
    )
    feats_estimates: EstimatesOut | None = Field(
        None,
        description="The computer's FEATS estimates, for pieces FEATS rates; not ratings, not a validated instrument",
    )
    consent: list[BadgeOut] = Field(description="Each use of the piece beyond the record: allowed or not, and why")


class ArtworkForm(Schema):
    """The artwork's fields as multipart form fields (beside the ``photos`` files)."""

    title: str = Field("", max_length=200)
    statement: str = Field("", max_length=5000)
    observations: str = Field("", max_length=5000)
    made_on: Day | None = Field(None, description="The day it was made; the session's day or today if left out")
    media: str = "marker"
    dimension: str = "2d"
    width_cm: Decimal | None = None
    height_cm: Decimal | None = None
    depth_cm: Decimal | None = None
    assessment: str = Field("", description="The assessment's code (ppat, dds …) or id; empty for none")
    session: Id | None = None
    protocol_variant: str = Field("", max_length=200)
    time_taken_minutes: int | None = Field(None, ge=0, le=MAX_MINUTES)
    time_limit_minutes: int | None = Field(None, ge=0, le=MAX_MINUTES)
    disposition: str = "in_studio"
    disposition_note: str = Field("", max_length=300)
    inquiry: str = Field("", description='The post-drawing inquiry as JSON: [{"question": "…", "answer": "…"}]')
    captions: list[str] = Field(default_factory=list, description="One caption per photo, in order (optional)")


class ArtworkPatch(Schema):
    """Send only what changes (null clears the session or the assessment)."""

    title: str = Field(None, max_length=200)
    statement: str = Field(None, max_length=5000)
    observations: str = Field(None, max_length=5000)
    made_on: Day = None
    media: str = None
    dimension: str = None
    width_cm: Decimal | None = None
    height_cm: Decimal | None = None
    depth_cm: Decimal | None = None
    assessment: str | int | None = Field(None, description="Code or id; null for none")
    session: Id | None = None
    protocol_variant: str = Field(None, max_length=200)
    time_taken_minutes: int | None = Field(None, ge=0, le=MAX_MINUTES)
    time_limit_minutes: int | None = Field(None, ge=0, le=MAX_MINUTES)
    disposition: str = None
    disposition_note: str = Field(None, max_length=300)
    inquiry: list[InquiryItemIn] = Field(None, max_length=20)


class PhotosForm(Schema):
    captions: list[str] = Field(default_factory=list, description="One caption per photo, in order (optional)")


class RatingIn(Schema):
    system: str = Field("feats", description="feats, or the code of the assessment's own scales")
    scores: dict[str, float | str] = Field(description="{scale key: score}; FEATS: 0–5 in half points")
    comment: str = Field("", max_length=2000)


# --- building the answers ------------------------------------------------------------------------


def _download(request, photo: Photo, variant: str) -> str:
    return request.build_absolute_uri(
        reverse(
            "api:artwork_photo_download",
            kwargs={
                "client_id": photo.artwork.client_id,
                "artwork_id": photo.artwork_id,
                "photo_id": photo.pk,
                "variant": variant,
            },
        )
    )


def _photo(request, photo: Photo) -> dict:
    analysis = photo.analysis
    return {
        "id": photo.pk,
        "caption": photo.caption,
        "is_primary": photo.is_primary,
        "position": photo.position,
        "content_type": photo.content_type,
        "width": photo.width,
        "height": photo.height,
        "size": photo.size,
        "sha256": photo.sha256,
        "source_format": photo.source_format,
        "uploaded_at": photo.uploaded_at,
        "url": _download(request, photo, "original"),
        "thumbnails": {
            size: _download(request, photo, size)
            for size, name in (
                ("small", photo.thumb_small),
                ("large", photo.thumb_large),
                ("page", photo.thumb_page),
                ("page_small", photo.thumb_page_small),
            )
            if name
        },
        "page_corners": photo.page_corners,
        "deidentified_url": _download(request, photo, "deidentified") if photo.deidentified else None,
        "analysis": {
            "status": photo.analysis_status,
            "error": photo.analysis_error,
            "version": analysis.version if analysis else None,
            "features": selectors.formal_elements(analysis.features) if analysis else None,
        },
    }


def _summary(request, artwork: Artwork) -> dict:
    photos = list(artwork.photos.all())
    for photo in photos:
        photo.artwork = artwork  # already loaded: no query per photo
    return {
        "id": artwork.pk,
        "client": artwork.client_id,
        "session": artwork.session_id,
        "title": artwork.title,
        "made_on": artwork.made_on,
        "media": artwork.media,
        "dimension": artwork.dimension,
        "assessment": artwork.assessment.code if artwork.assessment else None,
        "disposition": artwork.disposition,
        "created_at": artwork.created_at,
        "updated_at": artwork.updated_at,
        "photos": [_photo(request, photo) for photo in photos],
    }


def _rating(rating: Rating) -> dict:
    return {
        "id": rating.pk,
        "system": rating.system,
        "rater": rating.rater_id,
        "rater_name": rating.rater.get_full_name() or rating.rater.username,
        "scores": rating.scores,
        "comment": rating.comment,
        "signed_at": rating.signed_at,
        "content_hash": rating.content_hash,
        "intact": rating_services.rating_intact(rating),
    }


def _estimates(estimates: selectors.FeatsEstimates | None) -> dict | None:
    if estimates is None:
        return None
    return {
        "kind": "estimate",
        "scores": estimates.scores,
        "reason": estimates.reason,
        "medium_differs": estimates.medium_differs,
        "caution": estimates.caution,
    }


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _detail(request, access, artwork_id: int) -> dict:
    artwork = selectors.artwork_get(access, artwork_id)
    return {
        **_summary(request, artwork),
        "statement": artwork.statement,
        "observations": artwork.observations,
        "width_cm": _number(artwork.width_cm),
        "height_cm": _number(artwork.height_cm),
        "depth_cm": _number(artwork.depth_cm),
        "protocol_variant": artwork.protocol_variant,
        "time_taken_minutes": artwork.time_taken_minutes,
        "time_limit_minutes": artwork.time_limit_minutes,
        "disposition_note": artwork.disposition_note,
        "inquiry": [{"question": i.question, "answer": i.answer} for i in artwork.inquiry.all()],
        "feats_ratable": artwork.feats_ratable,
        "rating_systems": [system.code for system in rating_services.systems_for(artwork)],
        "ratings": [_rating(r) for r in artwork.ratings.all()],
        "feats_estimates": _estimates(selectors.feats_estimates_of(artwork)),
        "consent": [vars(b) for b in badges(artwork, scopes_in_force(access.client.pk))],
    }


# --- reading the input ---------------------------------------------------------------------------


def _assessment(access, value) -> int | None:
    """The id of the practice's assessment named by code or id (the practice's own before a shipped one)."""
    if value in (None, ""):
        return None
    choices = services.assessments_for(access.client.organization_id)
    text = str(value).strip()
    found = choices.filter(pk=int(text)) if text.isdigit() else choices.filter(code=text.lower())
    found = found.annotate(
        shipped=Case(When(organization__isnull=True, then=1), default=0, output_field=IntegerField())
    ).order_by("shipped")
    assessment_id = found.values_list("pk", flat=True).first()
    if assessment_id is None:
        raise ValidationError({"assessment": services.ASSESSMENT_UNKNOWN})
    return assessment_id


def _inquiry(text: str) -> list[dict] | None:
    if not text.strip():
        return None
    try:
        items = json.loads(text)
    except ValueError:
        raise ValidationError({"inquiry": INQUIRY_NOT_JSON}) from None
    if not isinstance(items, list) or not all(
        isinstance(i, dict) and isinstance(i.get("question", ""), str) and isinstance(i.get("answer", ""), str)
        for i in items
    ):
        raise ValidationError({"inquiry": INQUIRY_NOT_JSON})
    return items


def _both(first, second) -> tuple:
    """Run two readers of the input, reporting the errors of both at once."""
    errors, results = {}, []
    for read in (first, second):
        try:
            results.append(read())
        except ValidationError as exc:
            errors.update(exc.message_dict)
            results.append(None)
    if errors:
        raise ValidationError(errors)
    return tuple(results)


def _session_day(access, session_id: int | None) -> dt.date:
    session = Session.objects.filter(pk=session_id, organization_id=access.client.organization_id).first()
    return timezone.localtime(session.starts_at).date() if session else timezone.localdate()


def _photo_of(access, artwork_id: int, photo_id: int) -> Photo:
    photo = (
        Photo.objects.select_related("artwork")
        .filter(pk=photo_id, artwork_id=artwork_id, artwork__client_id=access.client.pk)
        .first()
    )
    if photo is None:
        raise Http404
    return photo


# --- operations ------------------------------------------------------------------------------------


@router.get("/clients/{client_id}/artworks", response=list[ArtworkSummary], url_name="artworks_list")
@paginated
def artworks_list(request, client_id: Id, media: str = "", assessment: str = "", session: Id | None = None):
    """The client's artworks in the order they were made; filter by media, assessment (code or id) or session."""
    access = selectors.artwork_access(request.user, client_id)
    assessment_id = _assessment(access, assessment) if assessment else None
    artworks = selectors.artworks_of(access, media=media, assessment_id=assessment_id, session_id=session)
    return Listing(artworks, lambda page: [_summary(request, artwork) for artwork in page])


@router.post("/clients/{client_id}/artworks", response={201: ArtworkOut}, url_name="artworks_create")
def artworks_create(request, client_id: Id, payload: Form[ArtworkForm], photos: File[list[UploadedFile]] = None):
    """Multipart: one or more ``photos`` files and the artwork's fields. Every file is checked first;
    a refused file stores nothing and the answer names it and why."""
    access = selectors.artwork_access(request.user, client_id, action=Action.WRITE)
    if not photos:
        raise ValidationError({"photos": photo_services.NO_PHOTOS})
    fields = payload.dict()
    captions = fields.pop("captions") or ()
    inquiry, fields["assessment"] = _both(
        lambda: _inquiry(fields.pop("inquiry")), lambda: _assessment(access, fields["assessment"])
    )
    if fields["made_on"] is None:
        fields["made_on"] = _session_day(access, fields["session"])
    artwork = services.artwork_create(
        by=request.user, client=access.client, photos=photos, captions=captions, inquiry=inquiry, **fields
    )
    return Status(201, _detail(request, access, artwork.pk))


@router.get("/clients/{client_id}/artworks/{artwork_id}", response=ArtworkOut, url_name="artwork_detail")
def artwork_detail(request, client_id: Id, artwork_id: Id):
    """The piece: its fields, inquiry, photos (with download URLs and analysis), ratings and consent."""
    return _detail(request, selectors.artwork_access(request.user, client_id), artwork_id)


@router.patch("/clients/{client_id}/artworks/{artwork_id}", response=ArtworkOut, url_name="artwork_update")
def artwork_update(request, client_id: Id, artwork_id: Id, payload: ArtworkPatch):
    """Correct the piece's details (JSON; only the fields sent change)."""
    access = selectors.artwork_access(request.user, client_id, action=Action.WRITE)
    artwork = selectors.artwork_get(access, artwork_id)
    fields = payload.dict(exclude_unset=True)
    inquiry = fields.pop("inquiry", None)
    for name in (
        "title",
        "statement",
        "observations",
        "protocol_variant",
        "disposition_note",
        "media",
        "dimension",
        "disposition",
        "made_on",
    ):
        if name in fields and fields[name] is None:
            raise ValidationError({name: "This field cannot be empty."})
    if "assessment" in fields:
        fields["assessment"] = _assessment(access, fields["assessment"])
    services.artwork_update(by=request.user, artwork=artwork, inquiry=inquiry, **fields)
    return _detail(request, access, artwork.pk)


@router.post(
    "/clients/{client_id}/artworks/{artwork_id}/photos", response={201: list[PhotoOut]}, url_name="artwork_photos_add"
)
def artwork_photos_add(
    request, client_id: Id, artwork_id: Id, photos: File[list[UploadedFile]], payload: Form[PhotosForm] = None
):
    """Multipart: more ``photos`` of the piece (3-D work from several sides). A photo the piece
    already has (same stored bytes) is returned, not added twice."""
    access = selectors.artwork_access(request.user, client_id, action=Action.WRITE)
    artwork = selectors.artwork_get(access, artwork_id)
    captions = payload.captions if payload is not None else ()
    added = photo_services.photos_add(by=request.user, artwork=artwork, uploads=photos, captions=captions)
    ids = [photo.pk for photo in added]
    fresh = {p.pk: p for p in selectors.artwork_get(access, artwork_id).photos.all()}
    return Status(201, [_photo(request, fresh[pk]) for pk in ids if pk in fresh])


# Declared before the download, whose {variant} would otherwise take the path "corners".
@router.put(
    "/clients/{client_id}/artworks/{artwork_id}/photos/{photo_id}/corners",
    response=PhotoOut,
    url_name="artwork_photo_corners_set",
)
def artwork_photo_corners_set(request, client_id: Id, artwork_id: Id, photo_id: Id, payload: CornersIn):
    """Mark where the page lies on the photo (when the computer did not find it, or found it wrong);
    the photo is analysed again on that page. Corners off the photo, crossed, dart-shaped or too
    small are a 400 with the reason, and nothing changes."""
    access = selectors.artwork_access(request.user, client_id, action=Action.WRITE)
    photo = photo_services.photo_set_corners(
        by=request.user, photo=_photo_of(access, artwork_id, photo_id), corners=payload.corners
    )
    return _photo(request, _photo_of(access, artwork_id, photo.pk))


@router.delete(
    "/clients/{client_id}/artworks/{artwork_id}/photos/{photo_id}/corners",
    response=PhotoOut,
    url_name="artwork_photo_corners_reset",
)
def artwork_photo_corners_reset(request, client_id: Id, artwork_id: Id, photo_id: Id):
    """Forget the marked corners: the computer looks for the page again and the photo is analysed again."""
    access = selectors.artwork_access(request.user, client_id, action=Action.WRITE)
    photo = photo_services.photo_reset_corners(by=request.user, photo=_photo_of(access, artwork_id, photo_id))
    return _photo(request, _photo_of(access, artwork_id, photo.pk))


@router.get(
    "/clients/{client_id}/artworks/{artwork_id}/photos/{photo_id}/{variant}",
    response={200: None},
    url_name="artwork_photo_download",
)
def artwork_photo_download(request, client_id: Id, artwork_id: Id, photo_id: Id, variant: str):
    """The image's bytes: variant original, large, small, page, page_small (the straightened page)
    or deidentified (with masks applied)."""
    access = selectors.artwork_access(request.user, client_id)
    photo = _photo_of(access, artwork_id, photo_id)
    return image_response(user=request.user, access=access, photo=photo, variant=variant)


@router.get(
    "/clients/{client_id}/artworks/{artwork_id}/ratings", response=list[RatingOut], url_name="artwork_ratings_list"
)
@paginated
def artwork_ratings_list(request, client_id: Id, artwork_id: Id):
    """Every signed rating of the piece, each with its integrity checked."""
    artwork = selectors.artwork_get(selectors.artwork_access(request.user, client_id), artwork_id)
    return Listing(artwork.ratings.all(), lambda page: [_rating(r) for r in page])


@router.post(
    "/clients/{client_id}/artworks/{artwork_id}/ratings", response={201: RatingOut}, url_name="artwork_ratings_create"
)
def artwork_ratings_create(request, client_id: Id, artwork_id: Id, payload: RatingIn):
    """Sign a rating (final once signed: a second one by the same rater is a 409). Clinicians and
    supervisors of the client rate; others get 403."""
    artwork = selectors.artwork_get(selectors.artwork_access(request.user, client_id), artwork_id)
    rating = rating_services.rating_sign(
        by=request.user, artwork=artwork, system=payload.system, scores=payload.scores, comment=payload.comment
    )
    return Status(201, _rating(rating))
