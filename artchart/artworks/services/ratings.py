"""Ratings of an artwork by named raters. A rating is signed when it is saved:
its content hash covers artwork, rater, system, scores and comment, and it never
changes (a rater who thinks again says so in the artwork's observations).

Who may rate: the client's clinicians (write on notes) and supervisors (who
co-sign notes) — supervisors rate beside their interns to train them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from artchart.artworks.audit_actions import ArtworkAction
from artchart.artworks.models import FEATS, FEATS_SCALES, Artwork, Rating
from artchart.core import audit
from artchart.core.access import Conflict, require_client_access
from artchart.core.messages import UserMessage
from artchart.core.models import User
from artchart.core.permissions import Action, Area, Relation, allows
from artchart.core.signed_records import signed_detail

NOT_RATABLE = UserMessage(
    "not_ratable",
    "This piece has no rating system: FEATS is for PPAT drawings and the assessments marked FEATS-ratable.",
)
SYSTEM_UNKNOWN = UserMessage("system_unknown", "This piece is not rated on '{system}'.")
MISSING = UserMessage("missing", "Give a score for every scale; missing: {names}.")
UNKNOWN_SCALES = UserMessage("unknown_scales", "Unknown scales: {names}.")
OUT_OF_RANGE = UserMessage("out_of_range", "{scale}: {value} is outside {low}–{high}.")
OFF_STEP = UserMessage("off_step", "{scale}: scores go in steps of {step}.")
NOT_A_NUMBER = UserMessage("not_a_number", "{scale}: '{value}' is not a number.")
ALREADY_RATED = UserMessage("already_rated", "You rated this piece on {day}; a signed rating is final.")
MAY_NOT_RATE = UserMessage("may_not_rate", "Only the client's clinicians and their supervisors rate artwork.")


@dataclass(frozen=True)
class Scale:
    key: str
    name: str
    low: float = 0
    high: float = 5
    step: float = 0.5


@dataclass(frozen=True)
class RatingSystem:
    code: str
    name: str
    scales: tuple[Scale, ...]


FEATS_SYSTEM = RatingSystem(FEATS, "FEATS", tuple(Scale(key, name) for key, name in FEATS_SCALES))


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name.lower()).strip("_")


def systems_for(artwork: Artwork) -> list[RatingSystem]:
    """The rating systems this piece may be rated on: FEATS where it applies, and the
    assessment's own scales where the practice defined any."""
    systems = [FEATS_SYSTEM] if artwork.feats_ratable else []
    assessment = artwork.assessment
    if assessment is not None and assessment.rating_scales:
        scales = tuple(
            Scale(_slug(s["name"]), s["name"], float(s.get("min", 0)), float(s.get("max", 5)), float(s.get("step", 1)))
            for s in assessment.rating_scales
        )
        systems.append(RatingSystem(assessment.code, assessment.name, scales))
    return systems


def may_rate(relations: frozenset[Relation]) -> bool:
    return allows(relations, Area.NOTES, Action.WRITE) or allows(relations, Area.NOTES, Action.COSIGN)


def _number(scale: Scale, value: object) -> float:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({scale.key: NOT_A_NUMBER.format(scale=scale.name, value=value)}) from None
    if not (Decimal(str(scale.low)) <= number <= Decimal(str(scale.high))):
        raise ValidationError(
            {scale.key: OUT_OF_RANGE.format(scale=scale.name, value=value, low=scale.low, high=scale.high)}
        )
    if (number - Decimal(str(scale.low))) % Decimal(str(scale.step)) != 0:
        raise ValidationError({scale.key: OFF_STEP.format(scale=scale.name, step=scale.step)})
    return float(number)


def clean_scores(system: RatingSystem, scores: dict[str, object]) -> dict[str, float]:
    keys = {s.key for s in system.scales}
    given = {k: v for k, v in scores.items() if v not in (None, "")}
    unknown = sorted(set(given) - keys)
    if unknown:
        raise ValidationError({"scores": UNKNOWN_SCALES.format(names=", ".join(unknown))})
    missing = [s.name for s in system.scales if s.key not in given]
    if missing:
        raise ValidationError({"scores": MISSING.format(names=", ".join(missing))})
    errors: dict[str, list[str]] = {}
    clean: dict[str, float] = {}
    for scale in system.scales:
        try:
            clean[scale.key] = _number(scale, given[scale.key])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return clean


def rating_canonical(rating: Rating) -> str:
    return json.dumps(
        {
            "artwork": rating.artwork_id,
            "system": rating.system,
            "rater": rating.rater_id,
            "scores": {k: rating.scores[k] for k in sorted(rating.scores)},
            "comment": rating.comment,
        },
        sort_keys=True,
        separators=(",", ":"),
    )


def rating_hash(rating: Rating) -> str:
    """The keyed hash of what the rater signed; the sign event records it too."""
    return audit.content_digest(rating_canonical(rating))


def rating_intact(rating: Rating) -> bool:
    return rating.content_hash == rating_hash(rating)


def rating_sign(*, by: User, artwork: Artwork, system: str, scores: dict[str, object], comment: str = "") -> Rating:
    relations = require_client_access(by, artwork.client_id, Area.NOTES, Action.READ)
    if not may_rate(relations):
        raise PermissionDenied(MAY_NOT_RATE)
    systems = {s.code: s for s in systems_for(artwork)}
    if not systems:
        raise ValidationError({"system": NOT_RATABLE})
    if system not in systems:
        raise ValidationError({"system": SYSTEM_UNKNOWN.format(system=system)})
    clean = clean_scores(systems[system], scores or {})
    earlier = artwork.ratings.filter(system=system, rater=by).first()
    if earlier is not None:
        raise Conflict(ALREADY_RATED.format(day=f"{timezone.localtime(earlier.signed_at):%b %-d, %Y}"))
    rating = Rating(artwork=artwork, system=system, rater=by, scores=clean, comment=(comment or "").strip()[:2000])
    rating.content_hash = rating_hash(rating)
    with transaction.atomic():
        rating.save()
        audit.record(
            actor=by,
            action=ArtworkAction.ARTWORK_RATING_SIGN,
            obj=rating,
            client_ids=[artwork.client_id],
            detail=signed_detail(rating.content_hash, artwork=artwork.pk, system=system),
        )
    return rating
