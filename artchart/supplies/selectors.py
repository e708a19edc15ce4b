"""Reads of the catalogue, the site rules and a session's safety check.

The catalogue, the profiles and each site's rules hold no client data: everyone in the
organization may read them. The session check reads the attending clients' precautions, so
it names only the clients this viewer may see, and notes them for the read audit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from artchart.clients.models import Client
from artchart.clients.selectors import shown
from artchart.core.models import Site, User
from artchart.core.permissions import Action, Area, client_ids_allowing
from artchart.programs.models import Directive
from artchart.supplies import safety
from artchart.supplies.models import DirectiveMaterial, Material, PopulationProfile, SafetyOverride, SiteProfile
from artchart.therapy.models import PRESENT_STATUSES, Attendance, GroupMembership, Note, Session, SessionKind


# An account outside every organization has organization_id None, which Django reads as IS NULL
# (nothing matches); django-stubs refuses None for a non-null key, hence the ignores.
def materials_for(user: User) -> QuerySet[Material]:
    return Material.objects.filter(organization_id=user.organization_id)  # type: ignore[misc]


def material_get(user: User, material_id: int) -> Material:
    return get_object_or_404(materials_for(user), pk=material_id)


def profiles_for(user: User) -> QuerySet[PopulationProfile]:
    return PopulationProfile.objects.filter(organization_id=user.organization_id)  # type: ignore[misc]


def sites_with_rules(user: User) -> list[tuple[Site, SiteProfile | None]]:
    """Every active site of the organization with the rules it keeps (None: none set yet)."""
    sites = list(Site.objects.filter(organization_id=user.organization_id, is_active=True))  # type: ignore[misc]
    rules = {
        r.site_id: r
        for r in SiteProfile.objects.filter(site__in=sites).select_related("profile", "site", "loosened_by")
    }
    return [(site, rules.get(site.pk)) for site in sites]


def site_get(user: User, site_id: int) -> Site:
    return get_object_or_404(
        Site.objects.filter(organization_id=user.organization_id, is_active=True),  # type: ignore[misc]
        pk=site_id,
    )


def site_rules_of(site: Site) -> SiteProfile | None:
    return SiteProfile.objects.filter(site=site).select_related("profile", "site").first()


def directive_materials(directive: Directive) -> list[DirectiveMaterial]:
    return list(DirectiveMaterial.objects.filter(directive=directive).select_related("material"))


def attending_clients(session: Session) -> list[Client]:
    """Who the session is for: its client, or for a group the members marked present (once
    attendance is taken) or else the members on the session's day."""
    if session.kind != SessionKind.GROUP or session.group_id is None:
        return [session.client] if session.client_id else []  # type: ignore[list-item]
    marked = Attendance.objects.filter(session=session)
    if marked.exists():
        return [a.client for a in marked.filter(status__in=PRESENT_STATUSES).select_related("client")]
    day = timezone.localtime(session.starts_at).date()
    return [
        m.client
        for m in GroupMembership.objects.filter(group_id=session.group_id, joined_on__lte=day)
        .exclude(left_on__lt=day)
        .select_related("client")
    ]


@dataclass
class Finding:
    conflict: safety.Conflict
    override: SafetyOverride | None = None


@dataclass
class SessionSafety:
    """A session's materials and what the check found: conflicts (each perhaps overridden)
    and the supervised items to count out and in."""

    session: Session
    rules: SiteProfile | None
    materials: list[tuple[Material, Decimal]] = field(default_factory=list)
    participants: int = 0
    conflicts: list[Finding] = field(default_factory=list)
    supervised: list[safety.Conflict] = field(default_factory=list)

    @property
    def open_conflicts(self) -> list[Finding]:
        return [f for f in self.conflicts if f.override is None]


def _facts(client: Client, name: str, day: dt.date) -> safety.ClientFacts:
    return safety.ClientFacts(
        id=client.pk,
        name=name,
        age=client.age_on(day),
        latex_allergy=client.latex_allergy,
        allergies=client.allergies,
        sharps_restriction=client.sharps_restriction,
        ligature_risk=client.ligature_risk,
        choking_risk=client.choking_risk,
        self_harm_risk=client.self_harm_risk,
    )


def check_materials(
    *, user: User | None, materials: list[Material], site: Site, clients: list[Client], day: dt.date
) -> tuple[SiteProfile | None, list[safety.Conflict]]:
    """The pure check run on these rows. Clients are named only to a ``user`` who may read them
    (``None``: a service, naming everyone for its own reasons)."""
    readable: set[int] | None = None
    if user is not None:
        readable = set(
            client_ids_allowing(user, Area.DEMOGRAPHICS, Action.READ)
            .filter(pk__in=[c.pk for c in clients])
            .values_list("pk", flat=True)
        )
        shown(c for c in clients if c.pk in readable)
    # A group member this viewer does not treat is counted in, but not named.
    facts = [
        _facts(c, c.display_name if readable is None or c.pk in readable else "a group member", day) for c in clients
    ]
    rules = site_rules_of(site)
    site_rules = rules.rules() if rules else safety.SiteRules(site=site.name)
    return rules, safety.check([m.facts() for m in materials], site_rules, facts)


def session_safety(user: User | None, session: Session) -> SessionSafety:
    """The check for a session's planned directive (the caller has found the session through a
    selector that checked access)."""
    links = directive_materials(session.directive) if session.directive_id else []  # type: ignore[arg-type]
    clients = attending_clients(session)
    materials = [link.material for link in links]
    rules, found = check_materials(
        user=user,
        materials=materials,
        site=session.site,
        clients=clients,
        day=timezone.localtime(session.starts_at).date(),
    )
    result = SessionSafety(session=session, rules=rules, participants=len(clients))
    result.materials = [(link.material, link.quantity * max(len(clients), 1)) for link in links]
    overrides = {o.key: o for o in SafetyOverride.objects.filter(session=session).select_related("by")}
    for conflict in found:
        if conflict.is_conflict:
            result.conflicts.append(Finding(conflict, overrides.get(conflict.key)))
        else:
            result.supervised.append(conflict)
    return result


def note_safety(user: User, client: Client, session: Session) -> list[Finding]:
    """The check for the directives a client's notes of a session record (and the session's
    planned one), for that client alone: what was used, against the site's rules and their
    precautions, each conflict with the override recorded for it, if any."""
    directive_ids = set(Note.objects.filter(client=client, session=session).values_list("directives", flat=True)) - {
        None
    }
    if session.directive_id:
        directive_ids.add(session.directive_id)
    if not directive_ids:
        return []
    materials = list(
        Material.objects.filter(directive_links__directive_id__in=directive_ids).distinct().order_by("name")
    )
    day = timezone.localtime(session.starts_at).date()
    _, found = check_materials(user=user, materials=materials, site=session.site, clients=[client], day=day)
    overrides = {o.key: o for o in SafetyOverride.objects.filter(session=session).select_related("by")}
    return [Finding(c, overrides.get(c.key)) for c in found if c.is_conflict]
