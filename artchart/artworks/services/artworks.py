"""Artworks themselves: record one (with its first photos), correct its details,
the post-drawing inquiry, and grants to use a piece beyond the record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from artchart.artworks.audit_actions import ArtworkAction
from artchart.artworks.models import (
    PER_ARTWORK_SCOPES,
    Artwork,
    ArtworkGrant,
    AssessmentType,
    Dimension,
    InquiryItem,
)
from artchart.artworks.services import photos as photo_services
from artchart.artworks.services.consent import consent_in_force
from artchart.clients.models import Client
from artchart.core import audit
from artchart.core.access import require_client_access
from artchart.core.changes import UNSET, apply_changes, save_changes
from artchart.core.messages import UserMessage
from artchart.core.models import User
from artchart.core.permissions import Action, Area
from artchart.therapy.models import Session
from artchart.therapy.selectors.sessions import sessions_booking

SESSION_OF_ANOTHER_CLIENT = UserMessage(
    "artwork_session_of_another_client",
    "Choose one of this client's sessions (their own, or a group session they attended).",
)
ASSESSMENT_UNKNOWN = UserMessage("assessment_unknown", "Choose one of your practice's assessments.")
ASSESSMENT_FIELDS_WITHOUT_ASSESSMENT = UserMessage(
    "assessment_fields_without_assessment",
    "Protocol, time and inquiry belong to work made under an assessment: choose it.",
)
SCULPTURE_ASSESSMENT = UserMessage(
    "sculpture_assessment", "Art-based assessments here are drawings; a 3-D piece is recorded without one."
)
OVER_TIME = UserMessage("over_time", "The time taken is longer than the time limit; check both.")
MADE_BEFORE_SESSION = UserMessage("made_before_session", "The session was on {day}; the date made cannot be before it.")
INQUIRY_TOO_LONG = UserMessage("inquiry_too_long", "At most 20 inquiry questions.")
SCOPE_NOT_PER_ARTWORK = UserMessage(
    "scope_not_per_artwork", "Only exhibit, publication and research are granted piece by piece."
)
NO_CONSENT_FOR_SCOPE = UserMessage(
    "no_consent_for_scope", "{client} has no consent in force for this use; record it in the chart first."
)
ALREADY_GRANTED = UserMessage("already_granted", "This piece is already granted for this use.")

# One inquiry question and its answer: a pair, or {"question": ..., "answer": ...} as the API sends it.
InquiryInput = tuple[str, str] | dict[str, str]


def assessments_for(organization_id: int) -> QuerySet[AssessmentType]:
    """The assessments a practice may record work under: the shipped ones and its own."""
    return AssessmentType.objects.filter(
        Q(organization__isnull=True) | Q(organization_id=organization_id), is_active=True
    )


def _check(artwork: Artwork, inquiry: list[tuple[str, str]] | None) -> None:
    errors: dict[str, str] = {}
    client = artwork.client
    if artwork.session_id and not sessions_booking(client.pk).filter(pk=artwork.session_id).exists():
        errors["session"] = SESSION_OF_ANOTHER_CLIENT
    elif artwork.made_on and artwork.session is not None:
        session_day = timezone.localtime(artwork.session.starts_at).date()
        if artwork.made_on < session_day:
            errors["made_on"] = MADE_BEFORE_SESSION.format(day=f"{session_day:%b %-d, %Y}")
    if artwork.assessment_id:
        if not assessments_for(client.organization_id).filter(pk=artwork.assessment_id).exists():
            errors["assessment"] = ASSESSMENT_UNKNOWN
        elif artwork.dimension == Dimension.SCULPTURE:
            errors["assessment"] = SCULPTURE_ASSESSMENT
    elif artwork.protocol_variant or artwork.time_taken_minutes or artwork.time_limit_minutes or inquiry:
        errors["assessment"] = ASSESSMENT_FIELDS_WITHOUT_ASSESSMENT
    if (
        artwork.time_taken_minutes
        and artwork.time_limit_minutes
        and artwork.time_taken_minutes > artwork.time_limit_minutes + 5
    ):
        errors["time_taken_minutes"] = OVER_TIME
    if inquiry and len(inquiry) > 20:
        errors["inquiry"] = INQUIRY_TOO_LONG
    if errors:
        raise ValidationError(errors)
    artwork.full_clean(exclude=["client", "created_by"])


def _clean_inquiry(inquiry: Iterable[InquiryInput] | None) -> list[tuple[str, str]] | None:
    if inquiry is None:
        return None
    pairs: list[tuple[str, str]] = []
    for item in inquiry:
        question, answer = (item.get("question", ""), item.get("answer", "")) if isinstance(item, dict) else item
        question, answer = (question or "").strip(), (answer or "").strip()
        if question:
            pairs.append((question[:500], answer[:2000]))
    return pairs


def _write_inquiry(artwork: Artwork, pairs: list[tuple[str, str]]) -> None:
    artwork.inquiry.all().delete()
    InquiryItem.objects.bulk_create(
        InquiryItem(artwork=artwork, position=i, question=q, answer=a) for i, (q, a) in enumerate(pairs)
    )


def artwork_create(
    *,
    by: User,
    client: Client,
    photos: Iterable[File[bytes]] = (),
    captions: Iterable[str] = (),
    inquiry: Iterable[InquiryInput] | None = None,
    title: str = UNSET,
    statement: str = UNSET,
    observations: str = UNSET,
    made_on: dt.date = UNSET,
    media: str = UNSET,
    dimension: str = UNSET,
    width_cm: Decimal | float | None = UNSET,
    height_cm: Decimal | float | None = UNSET,
    depth_cm: Decimal | float | None = UNSET,
    assessment: AssessmentType | int | None = UNSET,
    protocol_variant: str = UNSET,
    time_taken_minutes: int | None = UNSET,
    time_limit_minutes: int | None = UNSET,
    disposition: str = UNSET,
    disposition_note: str = UNSET,
    session: Session | int | None = UNSET,
) -> Artwork:
    """Record a piece, with any photos of it. Everything is checked before anything is stored."""
    require_client_access(by, client.pk, Area.NOTES, Action.WRITE)
    artwork = Artwork(client=client, created_by=by)
    apply_changes(
        artwork,
        {
            "title": title,
            "statement": statement,
            "observations": observations,
            "made_on": made_on,
            "media": media,
            "dimension": dimension,
            "width_cm": width_cm,
            "height_cm": height_cm,
            "depth_cm": depth_cm,
            "assessment": assessment,
            "protocol_variant": protocol_variant,
            "time_taken_minutes": time_taken_minutes,
            "time_limit_minutes": time_limit_minutes,
            "disposition": disposition,
            "disposition_note": disposition_note,
            "session": session,
        },
    )
    pairs = _clean_inquiry(inquiry)
    _check(artwork, pairs)
    photos = list(photos)
    checked: list[photo_services.CheckedPhoto] = []
    if photos:
        photo_services.require_record_consent(client)
        checked = photo_services.check_photos(photos)
    with transaction.atomic():
        artwork.save()
        if pairs:
            _write_inquiry(artwork, pairs)
        if checked:
            photo_services.attach(by=by, artwork=artwork, checked=checked, captions=captions)
        audit.record(
            actor=by,
            action=ArtworkAction.ARTWORK_CREATE,
            obj=artwork,
            client_ids=[client.pk],
            detail={"session": artwork.session_id, "photos": len(checked), "assessment": artwork.assessment_id},
        )
    return artwork


def artwork_update(
    *,
    by: User,
    artwork: Artwork,
    inquiry: Iterable[InquiryInput] | None = None,
    title: str = UNSET,
    statement: str = UNSET,
    observations: str = UNSET,
    made_on: dt.date = UNSET,
    media: str = UNSET,
    dimension: str = UNSET,
    width_cm: Decimal | float | None = UNSET,
    height_cm: Decimal | float | None = UNSET,
    depth_cm: Decimal | float | None = UNSET,
    assessment: AssessmentType | int | None = UNSET,
    protocol_variant: str = UNSET,
    time_taken_minutes: int | None = UNSET,
    time_limit_minutes: int | None = UNSET,
    disposition: str = UNSET,
    disposition_note: str = UNSET,
    session: Session | int | None = UNSET,
) -> Artwork:
    """Change the given fields (and the inquiry, if given); nothing is saved or audited when none changed."""
    require_client_access(by, artwork.client_id, Area.NOTES, Action.WRITE)
    pairs = _clean_inquiry(inquiry)
    with transaction.atomic():
        artwork = Artwork.objects.select_for_update().get(pk=artwork.pk)
        changed = apply_changes(
            artwork,
            {
                "title": title,
                "statement": statement,
                "observations": observations,
                "made_on": made_on,
                "media": media,
                "dimension": dimension,
                "width_cm": width_cm,
                "height_cm": height_cm,
                "depth_cm": depth_cm,
                "assessment": assessment,
                "protocol_variant": protocol_variant,
                "time_taken_minutes": time_taken_minutes,
                "time_limit_minutes": time_limit_minutes,
                "disposition": disposition,
                "disposition_note": disposition_note,
                "session": session,
            },
        )
        stored = [(q, a) for q, a in artwork.inquiry.values_list("question", "answer")]
        inquiry_changed = pairs is not None and pairs != stored
        if not changed and not inquiry_changed:
            return artwork
        _check(artwork, pairs if pairs is not None else stored)
        save_changes(artwork, changed)
        if inquiry_changed and pairs is not None:
            _write_inquiry(artwork, pairs)
            changed.append("inquiry")
        audit.record(
            actor=by,
            action=ArtworkAction.ARTWORK_UPDATE,
            obj=artwork,
            client_ids=[artwork.client_id],
            detail={"fields": changed},
        )
    return artwork


# --- grants beyond the record ------------------------------------------------------------------


def grant_add(*, by: User, artwork: Artwork, scope: str, granted_on: dt.date) -> ArtworkGrant:
    require_client_access(by, artwork.client_id, Area.NOTES, Action.WRITE)
    if scope not in PER_ARTWORK_SCOPES:
        raise ValidationError({"scope": SCOPE_NOT_PER_ARTWORK})
    consent = consent_in_force(artwork.client_id, scope)
    if consent is None:
        raise ValidationError({"scope": NO_CONSENT_FOR_SCOPE.format(client=artwork.client.display_name)})
    if artwork.grants.filter(scope=scope, revoked_on__isnull=True).exists():
        raise ValidationError({"scope": ALREADY_GRANTED})
    grant = ArtworkGrant(artwork=artwork, scope=scope, consent=consent, granted_on=granted_on, recorded_by=by)
    grant.full_clean()
    with transaction.atomic():
        grant.save()
        audit.record(
            actor=by,
            action=ArtworkAction.ARTWORK_GRANT_ADD,
            obj=grant,
            client_ids=[artwork.client_id],
            detail={"scope": scope, "artwork": artwork.pk, "consent": consent.pk},
        )
    return grant


def grant_revoke(*, by: User, grant: ArtworkGrant) -> ArtworkGrant:
    require_client_access(by, grant.artwork.client_id, Area.NOTES, Action.WRITE)
    if grant.revoked_on is None:
        with transaction.atomic():
            grant.revoked_on = timezone.localdate()
            grant.save(update_fields=["revoked_on"])
            audit.record(
                actor=by,
                action=ArtworkAction.ARTWORK_GRANT_REVOKE,
                obj=grant,
                client_ids=[grant.artwork.client_id],
                detail={"scope": grant.scope, "artwork": grant.artwork_id},
            )
    return grant
