"""Reads of artworks, always scoped to what the user may see: outsiders get 404,
and every client shown is noted for the request's read event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from artchart import outcomes
from artchart.artworks.models import (
    FEATS,
    FEATS_SCALE_NAMES,
    FEATS_SCALES,
    AnalysisStatus,
    Annotation,
    Artwork,
    ArtworkGrant,
    Dimension,
    Media,
    Photo,
    Rating,
)
from artchart.artworks.services.consent import consent_in_force
from artchart.clients.models import ConsentKind
from artchart.clients.selectors import ClientAccess, client_get_for_user
from artchart.core import audit
from artchart.core.messages import UserMessage
from artchart.core.models import User
from artchart.core.permissions import TREATING_RELATIONS, Action, Area, Relation, client_ids_allowing
from artchart.therapy.models import Session

NO_SUPERVISION_CONSENT = UserMessage(
    "no_supervision_consent", "The client has not consented to showing their artwork in supervision."
)

# An analysis's features, as stored (a JSON object: measure key -> value).
Features = dict[str, Any]
# One rater's FEATS scores of one artwork: {"scale key": number}.
Scores = dict[str, float]


def artwork_access(user: User, client_id: int, *, action: Action = Action.READ) -> ClientAccess:
    return client_get_for_user(user, client_id, area=Area.NOTES, action=action)


def _with_photos(queryset: QuerySet[Artwork]) -> QuerySet[Artwork]:
    return queryset.select_related("assessment", "session").prefetch_related(
        Prefetch("photos", queryset=Photo.objects.prefetch_related("analyses"))
    )


def artworks_of(
    access: ClientAccess,
    *,
    media: str = "",
    assessment_id: int | None = None,
    session_id: int | None = None,
    dimension: str = "",
) -> QuerySet[Artwork]:
    """The client's artworks in the order they were made, optionally filtered."""
    queryset = Artwork.objects.filter(client_id=access.client.pk)
    if media:
        queryset = queryset.filter(media=media)
    if assessment_id:
        queryset = queryset.filter(assessment_id=assessment_id)
    if session_id:
        queryset = queryset.filter(session_id=session_id)
    if dimension:
        queryset = queryset.filter(dimension=dimension)
    return _with_photos(queryset).order_by("made_on", "pk")


def artwork_get(access: ClientAccess, artwork_id: int) -> Artwork:
    artwork = (
        _with_photos(Artwork.objects.filter(pk=artwork_id, client_id=access.client.pk))
        .prefetch_related(
            "inquiry",
            Prefetch("ratings", queryset=Rating.objects.select_related("rater")),
            Prefetch("grants", queryset=ArtworkGrant.objects.select_related("consent")),
        )
        .first()
    )
    if artwork is None:
        raise Http404
    return artwork


def artwork_get_for_user(user: User, artwork_id: int, *, action: Action = Action.READ) -> tuple[ClientAccess, Artwork]:
    """The artwork and the user's access to its client; 404 for anyone off the care team."""
    client_id = Artwork.objects.filter(pk=artwork_id).values_list("client_id", flat=True).first()
    if client_id is None:
        raise Http404
    access = artwork_access(user, client_id, action=action)
    return access, artwork_get(access, artwork_id)


def photo_get_for_user(user: User, photo_id: int, *, action: Action = Action.READ) -> tuple[ClientAccess, Photo]:
    photo = Photo.objects.select_related("artwork", "artwork__client").filter(pk=photo_id).first()
    if photo is None:
        raise Http404
    return artwork_access(user, photo.artwork.client_id, action=action), photo


def annotation_get_for_user(user: User, annotation_id: int) -> Annotation:
    annotation = Annotation.objects.select_related("photo__artwork").filter(pk=annotation_id).first()
    if annotation is None:
        raise Http404
    artwork_access(user, annotation.photo.artwork.client_id, action=Action.WRITE)
    return annotation


def grant_get_for_user(user: User, grant_id: int) -> ArtworkGrant:
    grant = ArtworkGrant.objects.select_related("artwork", "consent").filter(pk=grant_id).first()
    if grant is None:
        raise Http404
    artwork_access(user, grant.artwork.client_id, action=Action.WRITE)
    return grant


# --- serving images -------------------------------------------------------------------------------

VARIANTS = ("original", "large", "small", "page", "page_small", "deidentified")


def images_allowed(access: ClientAccess) -> bool:
    """May this viewer see the client's artwork images? Someone who sees the client only as a
    supervisor (no treating relation of their own) needs the client's supervision consent in
    force. Asked once per page, so a page of thumbnails never shows broken images."""
    # TREATING_RELATIONS includes SUPERVISOR itself, so it is taken out here: "only as a supervisor".
    treats = access.relations & (TREATING_RELATIONS - {Relation.SUPERVISOR})
    supervisor_only = Relation.SUPERVISOR in access.relations and not treats
    return not supervisor_only or consent_in_force(access.client.pk, ConsentKind.SUPERVISION) is not None


def image_file(access: ClientAccess, photo: Photo, variant: str) -> str:
    """The stored name of the file this user may see for ``variant`` (404 for an unknown
    variant or one not made yet; 403 without the consent :func:`images_allowed` asks for)."""
    if variant not in VARIANTS:
        raise Http404
    if not images_allowed(access):
        raise PermissionDenied(NO_SUPERVISION_CONSENT)
    name = {
        "original": photo.file,
        "large": photo.thumb_large,
        "small": photo.thumb_small,
        "page": photo.thumb_page,
        "page_small": photo.thumb_page_small,
        "deidentified": photo.deidentified,
    }[variant]
    if not name:
        raise Http404
    return name


# --- a session's artworks ----------------------------------------------------------------------------


def artworks_of_session(user: User, session: Session) -> list[Artwork]:
    """The pieces made in a session, for the clients this user may read."""
    readable = client_ids_allowing(user, Area.NOTES, Action.READ)
    artworks = list(
        _with_photos(Artwork.objects.filter(session=session, client_id__in=readable))
        .select_related("client")
        .order_by("client__legal_last_name", "pk")
    )
    audit.note_shown({a.client_id for a in artworks})
    return artworks


# --- analysis, trends and the computer's estimates -----------------------------------------------------


def primary_photo(artwork: Artwork) -> Photo | None:
    photos = list(artwork.photos.all())
    return next((p for p in photos if p.is_primary), photos[0] if photos else None)


def features_of(artwork: Artwork) -> Features | None:
    photo = primary_photo(artwork)
    analysis = photo.analysis if photo is not None else None
    return analysis.features if analysis is not None else None


def formal_elements(features: Features | None) -> Features | None:
    """A photo's stored analysis as it leaves the app, without the FEATS estimates: those are read
    only through ``feats_estimates_of``, which checks the page and the assessment's medium."""
    if features is None:
        return None
    return {key: value for key, value in features.items() if key != "feats_estimates"}


def without_page(artwork: Artwork, features: Features | None) -> bool:
    """A flat piece analysed without a page (none found, none marked): it has no figures, or, from
    an older feature version, figures of the whole photo, table and all. Either way none to show."""
    return artwork.dimension == Dimension.FLAT and features is not None and features.get("page_found") is False


@dataclass(frozen=True)
class TrendPoint:
    artwork: Artwork
    day: dt.date
    features: Features
    without_page: bool = False

    @property
    def photo(self) -> Photo | None:
        return primary_photo(self.artwork)


def trend_points(access: ClientAccess) -> list[TrendPoint]:
    """One point per analysed artwork, in the order made (3-D work has colour features only);
    those analysed without a page say so and carry no figures to chart."""
    points: list[TrendPoint] = []
    for artwork in artworks_of(access):
        features = features_of(artwork)
        if features is not None:
            points.append(TrendPoint(artwork, artwork.made_on, features, without_page(artwork, features)))
    return points


# --- the computer's FEATS estimates --------------------------------------------------------------------

ESTIMATES_CAUTION = UserMessage(
    "estimates_caution",
    "Estimates computed from the photo, not ratings: not a validated instrument, never a diagnosis, "
    "never counted as a rater in agreement between raters. Rate the piece yourself with the FEATS manual.",
)
NO_PHOTO = UserMessage("estimates_need_photo", "Add a photo of the piece to see the computer's estimates.")
NOT_ANALYSED = UserMessage("estimates_not_analysed", "The estimates appear once the main photo has been analysed.")
NO_RECTIFIED_PAGE = UserMessage(
    "estimates_no_page",
    "No estimates for this photo: the sheet of paper was not found in it, and figures about a page that "
    "was not found would be guesses. A photo of the whole sheet from above gives them.",
)
MEDIUM_DIFFERS = UserMessage(
    "estimates_medium_differs",
    "Medium differs: the {assessment} is drawn with {standard}, this piece with {media}. The estimates "
    "follow work on the standard medium; compare them with other pieces in the same medium only.",
)


@dataclass(frozen=True)
class FeatsEstimates:
    """The computer's estimates of one piece, or why there are none (``scores`` None, ``reason`` says why)."""

    scores: Scores | None
    reason: str = ""
    medium_differs: str = ""  # the flag's words; "" when the piece is in the standard medium or none is set
    caution: str = ESTIMATES_CAUTION

    @property
    def rows(self) -> list[tuple[str, float]]:
        """(scale name, estimate) in the FEATS order."""
        return [(name, self.scores[key]) for key, name in FEATS_SCALES if self.scores and key in self.scores]


def _medium_differs(artwork: Artwork) -> str:
    assessment = artwork.assessment
    standard = assessment.standard_media if assessment is not None else ""
    if assessment is None or not standard or artwork.media == standard:
        return ""
    return MEDIUM_DIFFERS.format(
        assessment=assessment.code.upper() if assessment.organization_id is None else assessment.name,
        standard=Media(standard).label.lower(),
        media=artwork.get_media_display().lower(),
    )


def feats_estimates_of(artwork: Artwork) -> FeatsEstimates | None:
    """The computer's FEATS estimates of a piece FEATS rates (None for any other piece): only from a
    photo whose sheet was found and straightened, flagged when the piece is not in the assessment's
    standard medium."""
    if not artwork.feats_ratable:
        return None
    photo = primary_photo(artwork)
    if photo is None:
        return FeatsEstimates(None, NO_PHOTO)
    features = features_of(artwork)
    if photo.analysis_status != AnalysisStatus.READY or not features:
        return FeatsEstimates(None, NOT_ANALYSED)
    if features.get("page_found") is not True:
        return FeatsEstimates(None, NO_RECTIFIED_PAGE)
    estimates = features.get("feats_estimates")
    if not estimates:
        return FeatsEstimates(None, NOT_ANALYSED)
    return FeatsEstimates({k: float(v) for k, v in estimates.items()}, medium_differs=_medium_differs(artwork))


# --- agreement between raters ---------------------------------------------------------------------------

# Fewer artworks than this and an ICC's interval spans most of its range: the figure is not shown.
MIN_ARTWORKS = 5
TOO_FEW = UserMessage(
    "too_few_rated_artworks", "Too few artworks: {n} rated by two or more raters; the figure needs at least {minimum}."
)
TOO_FEW_WITH_ESTIMATES = UserMessage(
    "too_few_with_estimates", "Too few artworks: {n} with both this rater's score and an estimate; needs {minimum}."
)


@dataclass(frozen=True)
class ScaleAgreement:
    """Agreement between the human raters on one FEATS scale, over ``artworks`` pieces (n)."""

    key: str
    name: str
    artworks: int
    result: outcomes.Agreement | outcomes.Insufficient


@dataclass(frozen=True)
class EstimateAgreement:
    """Research only: one rater against the computer's estimates on one scale it estimates."""

    key: str
    name: str
    rater: str
    artworks: int
    result: outcomes.Agreement | outcomes.Insufficient


@dataclass
class AgreementReport:
    scales: list[ScaleAgreement] = field(default_factory=list)
    raters: int = 0  # the human raters counted
    research: list[EstimateAgreement] | None = None  # only when the research view asks for it


def _rater_name(rating: Rating) -> str:
    return rating.rater.get_full_name() or rating.rater.username


def _feats_ratings(artworks: Iterable[Artwork]) -> list[tuple[Artwork, list[Rating]]]:
    """Each artwork with its FEATS ratings in the order they were signed (human raters only)."""
    return [(a, [r for r in a.ratings.all() if r.system == FEATS]) for a in artworks]


def _scale_agreement(key: str, name: str, rated: list[tuple[Artwork, list[Rating]]]) -> ScaleAgreement:
    rows = [
        [(r.rater_id, float(r.scores[key])) for r in ratings if r.scores.get(key) is not None] for _, ratings in rated
    ]
    rows = [row for row in rows if len(row) >= 2]
    n = len(rows)
    if n < MIN_ARTWORKS:
        return ScaleAgreement(key, name, n, outcomes.Insufficient(TOO_FEW.format(n=n, minimum=MIN_ARTWORKS), n))
    panels = {frozenset(rater for rater, _ in row) for row in rows}
    if len(panels) == 1:
        # The same raters scored every artwork: two-way random effects, raters as columns.
        order = sorted(next(iter(panels)))
        matrix = [[dict(row)[rater] for rater in order] for row in rows]
        return ScaleAgreement(key, name, n, outcomes.icc_2_1(matrix))
    # Raters vary across artworks: one-way random effects on each artwork's first k ratings signed.
    k = min(len(row) for row in rows)
    return ScaleAgreement(key, name, n, outcomes.icc_1_1([[score for _, score in row[:k]] for row in rows]))


def _estimate_agreement(rated: list[tuple[Artwork, list[Rating]]]) -> list[EstimateAgreement]:
    """Each rater against the estimates shown without a flag (page found, standard medium), scale by scale."""
    pairs: dict[tuple[str, int], list[list[float | None]]] = {}
    names: dict[int, str] = {}
    for artwork, ratings in rated:
        estimates = feats_estimates_of(artwork)
        if estimates is None or estimates.scores is None or estimates.medium_differs:
            continue
        for rating in ratings:
            names[rating.rater_id] = _rater_name(rating)
            for key, value in estimates.scores.items():
                if rating.scores.get(key) is not None:
                    pairs.setdefault((key, rating.rater_id), []).append([float(rating.scores[key]), value])
    result = []
    order = {key: index for index, (key, _) in enumerate(FEATS_SCALES)}
    for (key, rater), rows in sorted(pairs.items(), key=lambda item: (order[item[0][0]], names[item[0][1]])):
        n = len(rows)
        figure = (
            outcomes.icc_2_1(rows)
            if n >= MIN_ARTWORKS
            else outcomes.Insufficient(TOO_FEW_WITH_ESTIMATES.format(n=n, minimum=MIN_ARTWORKS), n)
        )
        result.append(EstimateAgreement(key, FEATS_SCALE_NAMES[key], names[rater], n, figure))
    return result


def agreement_by_scale(artworks: Iterable[Artwork], *, include_estimates: bool = False) -> AgreementReport:
    """Inter-rater agreement on each FEATS scale separately, never pooled across scales: ICC(2,1)
    when the same raters scored every artwork, ICC(1,1) when they vary, each with its 95 % interval
    and n = artworks, shown from MIN_ARTWORKS artworks. Human raters only; ``include_estimates``
    adds the research view, each rater against the computer's estimates."""
    rated = _feats_ratings(artworks)
    report = AgreementReport(
        scales=[_scale_agreement(key, name, rated) for key, name in FEATS_SCALES],
        raters=len({r.rater_id for _, ratings in rated for r in ratings}),
    )
    if include_estimates:
        report.research = _estimate_agreement(rated)
    return report


def rated_artworks_for(user: User) -> QuerySet[Artwork]:
    """Every FEATS-ratable artwork of the clients whose notes this user may read, with ratings."""
    readable = client_ids_allowing(user, Area.NOTES, Action.READ)
    return _with_photos(
        Artwork.objects.filter(client_id__in=readable, ratings__system=FEATS).distinct()
    ).prefetch_related(Prefetch("ratings", queryset=Rating.objects.select_related("rater")))
