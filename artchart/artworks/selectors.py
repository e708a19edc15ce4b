"""Reads of artworks, always scoped to what the user may see: outsiders get 404,
and every client shown is noted for the request's read event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from artchart import outcomes
from artchart.artworks.models import FEATS, Annotation, Artwork, ArtworkGrant, Dimension, Photo, Rating
from artchart.artworks.services.consent import consent_in_force
from artchart.clients.models import ConsentKind
from artchart.clients.selectors import ClientAccess, client_get_for_user
from artchart.core import audit
from artchart.core.models import User
from artchart.core.permissions import TREATING_RELATIONS, Action, Area, Relation, client_ids_allowing
from artchart.therapy.models import Session

NO_SUPERVISION_CONSENT = "The client has not consented to showing their artwork in supervision."
COMPUTER = "computer"  # the rater key of the computer's FEATS estimates

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


# --- agreement between raters ---------------------------------------------------------------------------


@dataclass
class PairAgreement:
    first: str
    second: str
    artworks: int
    icc: outcomes.Agreement | outcomes.Insufficient
    kappa: outcomes.Agreement | outcomes.Insufficient


@dataclass
class AgreementTable:
    raters: dict[str, str] = field(default_factory=dict)  # key -> display name
    pairs: list[PairAgreement] = field(default_factory=list)


def _estimates(artwork: Artwork) -> Scores | None:
    features = features_of(artwork)
    return (features or {}).get("feats_estimates") or None


def feats_ratings_by_rater(
    artworks: Iterable[Artwork],
) -> tuple[dict[str, dict[int, Scores]], dict[str, str]]:
    """{rater key: {artwork id: scores}} for FEATS, with the computer's estimates as one more rater."""
    by_rater: dict[str, dict[int, Scores]] = {}
    names: dict[str, str] = {}
    for artwork in artworks:
        for rating in artwork.ratings.all():
            if rating.system != FEATS:
                continue
            key = str(rating.rater_id)
            names[key] = rating.rater.get_full_name() or rating.rater.username
            by_rater.setdefault(key, {})[artwork.pk] = rating.scores
        estimates = _estimates(artwork)
        if estimates:
            names[COMPUTER] = "Computer estimate"
            by_rater.setdefault(COMPUTER, {})[artwork.pk] = estimates
    return by_rater, names


def _pair(first: dict[int, Scores], second: dict[int, Scores]) -> tuple[int, list[float], list[float]]:
    """The shared artworks and, scale by scale, the two raters' scores on them."""
    shared = sorted(set(first) & set(second))
    a: list[float] = []
    b: list[float] = []
    for artwork_id in shared:
        for scale in sorted(set(first[artwork_id]) & set(second[artwork_id])):
            a.append(float(first[artwork_id][scale]))
            b.append(float(second[artwork_id][scale]))
    return len(shared), a, b


def agreement_table(artworks: Iterable[Artwork]) -> AgreementTable:
    """ICC(2,1) and quadratic-weighted kappa for every pair of FEATS raters (the computer's
    estimates counting as a rater, on the three scales it estimates), over the (artwork, scale)
    scores both gave, with the number of artworks each figure rests on."""
    by_rater, names = feats_ratings_by_rater(artworks)
    table = AgreementTable(raters=names)
    for first, second in combinations(sorted(by_rater, key=lambda k: (k == COMPUTER, names[k])), 2):
        count, a, b = _pair(by_rater[first], by_rater[second])
        if count == 0:
            continue
        table.pairs.append(
            PairAgreement(
                first,
                second,
                count,
                outcomes.icc_2_1([[x, y] for x, y in zip(a, b, strict=True)]),
                outcomes.weighted_kappa(a, b),
            )
        )
    return table


def rated_artworks_for(user: User) -> QuerySet[Artwork]:
    """Every FEATS-ratable artwork of the clients whose notes this user may read, with ratings."""
    readable = client_ids_allowing(user, Area.NOTES, Action.READ)
    return _with_photos(
        Artwork.objects.filter(client_id__in=readable, ratings__system=FEATS).distinct()
    ).prefetch_related(Prefetch("ratings", queryset=Rating.objects.select_related("rater")))
