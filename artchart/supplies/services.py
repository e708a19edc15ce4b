"""Writes to the materials catalogue, the site rules, directives' materials and safety overrides.

Who does what:

* the catalogue and the population profiles: program administrators and admins (they keep
  supplies and budget); everyone in the organization reads them;
* a site's rules: program administrators and admins may tighten them; loosening what the
  population's profile forbids or supervises is an admin's decision with a recorded reason;
* the materials a directive needs: whoever manages the directive library;
* going ahead with a session's conflict: a therapist or supervisor who may write the session,
  with a reason. Interns document under supervision and ask their supervisor.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from artchart.core import audit
from artchart.core.access import require_role
from artchart.core.changes import UNSET, apply_changes, save_changes
from artchart.core.messages import UserMessage
from artchart.core.models import Organization, Role, Site, User
from artchart.programs.models import Directive
from artchart.programs.services import NOT_A_LIBRARY_MANAGER, may_manage_library
from artchart.supplies import catalogue, selectors
from artchart.supplies.audit_actions import SuppliesAction
from artchart.supplies.models import (
    DirectiveMaterial,
    Material,
    PopulationProfile,
    SafetyOverride,
    SiteProfile,
    loosenings,
)
from artchart.therapy.models import Session, SessionStatus
from artchart.therapy.services.sessions import require_session_write

CATALOGUE_KEEPERS = (Role.ADMIN, Role.PROGRAM_ADMIN)
NOT_A_CATALOGUE_KEEPER = UserMessage(
    "not_a_catalogue_keeper", "Only program administrators and admins change the catalogue and the site rules."
)
LOOSENING_NEEDS_ADMIN = UserMessage(
    "loosening_needs_admin",
    "These rules allow what the site's population profile restricts ({what}); only an admin may do that. "
    "Nothing was changed.",
)
LOOSENING_NEEDS_REASON = UserMessage(
    "loosening_needs_reason",
    "These rules allow what the site's population profile restricts ({what}): say why. Nothing was changed.",
)
PROFILE_ELSEWHERE = UserMessage("profile_elsewhere", "Choose one of your organization's population profiles.")
QUANTITY_POSITIVE = UserMessage("quantity_positive", "Give a quantity above zero.")
QUANTITY_WHOLE = UserMessage("quantity_whole", "{material} is counted in whole {unit}s: give a whole number.")
QUANTITY_NOT_A_NUMBER = UserMessage("quantity_not_a_number", "Give the quantity as a number.")
MATERIAL_ELSEWHERE = UserMessage("material_elsewhere", "Choose a material from your organization's catalogue.")
MATERIAL_RETIRED = UserMessage("material_retired", "This material is no longer in use; choose another.")
NOT_A_CLINICIAN = UserMessage(
    "override_not_a_clinician", "Only a therapist or supervisor may go ahead with a materials conflict."
)
OVERRIDE_NEEDS_REASON = UserMessage("override_needs_reason", "Say why it is safe to go ahead with this material.")
NO_SUCH_CONFLICT = UserMessage(
    "no_such_conflict", "That conflict is no longer found for this session (its plan or its clients changed)."
)
ALREADY_OVERRIDDEN = UserMessage("already_overridden", "This conflict was already overridden.")
SESSION_OVER = UserMessage("override_session_over", "The session is no longer scheduled; nothing was changed.")
OVERRIDERS = (Role.THERAPIST, Role.SUPERVISOR)


def may_keep_catalogue(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in CATALOGUE_KEEPERS)


def _require_keeper(by: User) -> int:
    """The keeper's organization (an account outside every organization keeps no catalogue)."""
    if not may_keep_catalogue(by) or by.organization_id is None:
        raise PermissionDenied(NOT_A_CATALOGUE_KEEPER)
    return by.organization_id


# --- the starting catalogue ------------------------------------------------------------------------


@transaction.atomic
def catalogue_seed(*, by: User) -> tuple[int, int, int]:
    """Add the common studio materials and the population profiles the organization does not have
    yet (by name and kind), and give each active site without rules its population's profile.
    Returns how many materials, profiles and site rules were added; run twice, it adds nothing."""
    require_role(by, Role.ADMIN)
    organization = Organization.objects.get(pk=_require_keeper(by))
    have = set(Material.objects.filter(organization=organization).values_list("name", flat=True))
    materials = [
        Material(
            organization=organization,
            name=seed.name,
            category=seed.category,
            unit=seed.unit,
            whole_units=seed.whole_units,
            seal=seed.seal,
            hazards=sorted(seed.hazards),
            allergen=seed.allergen,
            min_age=seed.min_age,
            supplier=seed.supplier,
            unit_cost=Decimal(seed.unit_cost),
        )
        for seed in catalogue.MATERIALS
        if seed.name not in have
    ]
    for material in materials:
        material.full_clean()
    Material.objects.bulk_create(materials)
    kinds = set(PopulationProfile.objects.filter(organization=organization).values_list("kind", flat=True))
    profiles = [
        PopulationProfile(
            organization=organization,
            kind=seed.kind,
            name=seed.name,
            forbidden=sorted(seed.forbidden),
            supervised=sorted(seed.supervised),
            ap_only=seed.ap_only,
            typical_goals=seed.typical_goals,
            group_size=seed.group_size,
            session_minutes=seed.session_minutes,
            art_leaves_room=seed.art_leaves_room,
        )
        for seed in catalogue.PROFILES
        if seed.kind not in kinds
    ]
    for profile in profiles:
        profile.full_clean()
    PopulationProfile.objects.bulk_create(profiles)
    by_kind = {p.kind: p for p in PopulationProfile.objects.filter(organization=organization)}
    rules = []
    for site in Site.objects.filter(organization=organization, is_active=True, supplies_profile__isnull=True):
        chosen = by_kind.get(catalogue.PROFILE_FOR_POPULATION.get(site.population_type, ""))
        if chosen is not None:
            rules.append(
                SiteProfile(
                    site=site,
                    profile=chosen,
                    forbidden=chosen.forbidden,
                    supervised=chosen.supervised,
                    ap_only=chosen.ap_only,
                )
            )
    SiteProfile.objects.bulk_create(rules)
    if materials or profiles or rules:
        audit.record(
            actor=by,
            action=SuppliesAction.CATALOGUE_SEED,
            object_type="organization",
            object_id=organization.pk,
            detail={"materials": len(materials), "profiles": len(profiles), "sites": len(rules)},
        )
    return len(materials), len(profiles), len(rules)


# --- the catalogue -------------------------------------------------------------------------------


MATERIAL_FIELDS = (
    "name",
    "category",
    "unit",
    "whole_units",
    "seal",
    "hazards",
    "allergen",
    "min_age",
    "supplier",
    "unit_cost",
    "is_active",
)


@transaction.atomic
def material_create(
    *,
    by: User,
    name: str = UNSET,
    category: str = UNSET,
    unit: str = UNSET,
    whole_units: bool = UNSET,
    seal: str = UNSET,
    hazards: list[str] = UNSET,
    allergen: str = UNSET,
    min_age: int | None = UNSET,
    supplier: str = UNSET,
    unit_cost: Decimal = UNSET,
    is_active: bool = UNSET,
) -> Material:
    material = Material(organization_id=_require_keeper(by))
    values = dict(
        zip(
            MATERIAL_FIELDS,
            (name, category, unit, whole_units, seal, hazards, allergen, min_age, supplier, unit_cost, is_active),
            strict=True,
        )
    )
    apply_changes(material, values)
    material.full_clean()
    material.save()
    audit.record(actor=by, action=SuppliesAction.MATERIAL_CREATE, obj=material)
    return material


@transaction.atomic
def material_update(
    *,
    by: User,
    material: Material,
    name: str = UNSET,
    category: str = UNSET,
    unit: str = UNSET,
    whole_units: bool = UNSET,
    seal: str = UNSET,
    hazards: list[str] = UNSET,
    allergen: str = UNSET,
    min_age: int | None = UNSET,
    supplier: str = UNSET,
    unit_cost: Decimal = UNSET,
    is_active: bool = UNSET,
) -> Material:
    """Change the given fields; nothing is saved or audited when none changed."""
    organization_id = _require_keeper(by)
    material = Material.objects.select_for_update().get(pk=material.pk, organization_id=organization_id)
    if hazards is not UNSET:
        hazards = sorted(set(hazards))
    values = dict(
        zip(
            MATERIAL_FIELDS,
            (name, category, unit, whole_units, seal, hazards, allergen, min_age, supplier, unit_cost, is_active),
            strict=True,
        )
    )
    changed = apply_changes(material, values)
    if not changed:
        return material
    material.full_clean()
    save_changes(material, changed)
    audit.record(actor=by, action=SuppliesAction.MATERIAL_UPDATE, obj=material, detail={"fields": changed})
    return material


# --- a site's rules -------------------------------------------------------------------------------


@transaction.atomic
def site_rules_set(
    *,
    by: User,
    site: Site,
    profile: PopulationProfile,
    forbidden: list[str],
    supervised: list[str],
    ap_only: bool,
    reason: str = "",
) -> SiteProfile:
    """Give a site its population profile and its own rules. Tightening (forbidding or supervising
    more) is the keeper's; allowing what the profile restricts needs an admin and a reason, and is
    audited as a loosening. Refused with nothing written otherwise."""
    _require_keeper(by)
    if site.organization_id != by.organization_id:
        raise PermissionDenied(NOT_A_CATALOGUE_KEEPER)
    if profile.organization_id != by.organization_id:
        raise ValidationError({"profile": PROFILE_ELSEWHERE})
    forbidden, supervised = sorted(set(forbidden)), sorted(set(supervised) - set(forbidden))
    loosened = loosenings(profile, forbidden, supervised, ap_only)
    reason = reason.strip()
    if loosened:
        what = "; ".join(loosened)
        if by.role != Role.ADMIN:
            raise PermissionDenied(LOOSENING_NEEDS_ADMIN.format(what=what))
        if not reason:
            raise ValidationError({"reason": LOOSENING_NEEDS_REASON.format(what=what)})
    rules = SiteProfile.objects.select_for_update().filter(site=site).first() or SiteProfile(site=site)
    changed = apply_changes(
        rules,
        {
            "profile": profile,
            "forbidden": forbidden,
            "supervised": supervised,
            "ap_only": ap_only,
            "loosened_reason": reason if loosened else "",
            "loosened_by": by if loosened else None,
        },
    )
    if rules.pk and not changed:
        return rules
    rules.full_clean()
    rules.save()
    audit.record(
        actor=by,
        action=SuppliesAction.SITE_RULES_LOOSENED if loosened else SuppliesAction.SITE_RULES_SET,
        obj=rules,
        detail={"fields": changed, **({"loosened": loosened} if loosened else {})},
        flagged=bool(loosened),
    )
    return rules


# --- what a directive needs -----------------------------------------------------------------------


def _quantity(material: Material, quantity: Decimal | int | str) -> Decimal:
    try:
        value = Decimal(str(quantity))
    except (InvalidOperation, ValueError):
        raise ValidationError({"quantity": QUANTITY_NOT_A_NUMBER}) from None
    if not value.is_finite() or value <= 0:
        raise ValidationError({"quantity": QUANTITY_POSITIVE})
    if material.whole_units and value != value.to_integral_value():
        raise ValidationError({"quantity": QUANTITY_WHOLE.format(material=material.name, unit=material.unit)})
    return value


@transaction.atomic
def directive_material_set(
    *, by: User, directive: Directive, material: Material, quantity: Decimal | int | str
) -> DirectiveMaterial:
    """Say how much of a catalogue material each participant of a directive needs (replacing what
    was said before)."""
    if not may_manage_library(by):
        raise PermissionDenied(NOT_A_LIBRARY_MANAGER)
    if material.organization_id != by.organization_id or directive.organization_id != by.organization_id:
        raise ValidationError({"material": MATERIAL_ELSEWHERE})
    if not material.is_active:
        raise ValidationError({"material": MATERIAL_RETIRED})
    value = _quantity(material, quantity)
    link = DirectiveMaterial.objects.select_for_update().filter(
        directive=directive, material=material
    ).first() or DirectiveMaterial(directive=directive, material=material, quantity=value)
    if link.pk and link.quantity == value:
        return link
    link.quantity = value
    link.full_clean()
    link.save()
    audit.record(
        actor=by,
        action=SuppliesAction.DIRECTIVE_MATERIAL_SET,
        obj=directive,
        detail={"material": material.pk},
    )
    return link


@transaction.atomic
def directive_material_remove(*, by: User, link: DirectiveMaterial) -> None:
    if not may_manage_library(by):
        raise PermissionDenied(NOT_A_LIBRARY_MANAGER)
    directive = link.directive
    material_id = link.material_id
    link.delete()
    audit.record(
        actor=by,
        action=SuppliesAction.DIRECTIVE_MATERIAL_REMOVE,
        obj=directive,
        detail={"material": material_id},
    )


# --- going ahead with a conflict ------------------------------------------------------------------


@transaction.atomic
def safety_override(*, by: User, session: Session, key: str, reason: str) -> SafetyOverride:
    """Record a clinician's decision to go ahead with one of a session's conflicts, and why."""
    require_session_write(by, session)
    if by.role not in OVERRIDERS:
        raise PermissionDenied(NOT_A_CLINICIAN)
    session = Session.objects.select_for_update(of=("self",)).select_related("site", "directive").get(pk=session.pk)
    if session.status != SessionStatus.SCHEDULED:
        raise ValidationError({"key": SESSION_OVER})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": OVERRIDE_NEEDS_REASON})
    found = {f.conflict.key: f for f in selectors.session_safety(None, session).conflicts}
    finding = found.get(key)
    if finding is None:
        raise ValidationError({"key": NO_SUCH_CONFLICT})
    if finding.override is not None:
        raise ValidationError({"key": ALREADY_OVERRIDDEN})
    override = SafetyOverride(
        session=session,
        key=key,
        material_id=finding.conflict.material_id,
        client_id=finding.conflict.client_id,
        reason=reason,
        by=by,
    )
    override.full_clean()
    override.save()
    client_ids = [i for i in {finding.conflict.client_id, session.client_id} if i is not None]
    audit.record(
        actor=by,
        action=SuppliesAction.SAFETY_OVERRIDE,
        obj=session,
        client_ids=client_ids,
        detail={"material": finding.conflict.material_id, "level": finding.conflict.level},
        flagged=True,
    )
    return override
