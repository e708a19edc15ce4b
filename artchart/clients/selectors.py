"""Reads of client records, always scoped to the acting user.

Every function takes the user first and returns only what that user may see;
fetching one client records the read for the request's audit event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from artchart.clients.models import (
    ACCOUNTING_YEARS,
    AmendmentRequest,
    CareTeamMembership,
    Client,
    ClientRestriction,
    ClientStatus,
    Consent,
    ConsentKind,
    Contact,
    Diagnosis,
    Disclosure,
    EmergencyAccess,
    GatheredDocument,
    GatheredInfo,
)
from artchart.core import audit
from artchart.core.access import require_break_glass, require_client_access, require_role
from artchart.core.models import Role, SupervisionLink, User
from artchart.core.permissions import (
    TREATING_RELATIONS,
    Action,
    Area,
    Relation,
    allows,
    client_ids_with_chart_access,
    may_break_glass,
    relations_of,
    running_emergency_accesses,
)

# An account outside every organization has organization_id None, which Django reads as IS NULL
# (nothing matches); django-stubs refuses None in a lookup, hence the ignores on those filters.


def organization_has_clients(user: User) -> bool:
    """Whether the user's organization has any client yet (a yes or no: no record is shown)."""
    return Client.objects.filter(organization_id=user.organization_id).exists()  # type: ignore[misc]


def clients_visible_to(user: User) -> QuerySet[Client]:
    """Clients whose chart ``user`` may open: their care teams and their supervisees'."""
    return Client.objects.filter(pk__in=client_ids_with_chart_access(user)).select_related("site")


def client_search(user: User, *, q: str = "", status: str = "", site_id: int | None = None) -> QuerySet[Client]:
    clients = clients_visible_to(user)
    for word in q.split():
        clients = clients.filter(
            Q(legal_first_name__icontains=word) | Q(legal_last_name__icontains=word) | Q(preferred_name__icontains=word)
        )
    if status:
        clients = clients.filter(status=status)
    if site_id:
        clients = clients.filter(site_id=site_id)
    return clients


def shown(clients: ShownClients) -> ShownClients:
    """Mark clients as shown in this response (for its read event) and return them."""
    audit.note_shown(client.pk for client in clients)
    return clients


# Anything holding clients, handed back as it came (a queryset, a page, a list).
ShownClients = TypeVar("ShownClients", bound=Iterable[Client])


@dataclass(frozen=True)
class ClientAccess:
    client: Client
    relations: frozenset[Relation]
    user: User | None = None  # who is looking (for their emergency access, if any)

    def may(self, area: Area, action: Action) -> bool:
        return allows(self.relations, area, action)

    @cached_property
    def restriction(self) -> ClientRestriction | None:
        """The client's restriction, if it is a restricted client (else None)."""
        return ClientRestriction.objects.filter(client_id=self.client.pk).first()

    @property
    def hides_contact(self) -> bool:
        """Address, phone and email are hidden from this user (a viewer, or an emergency reader, of a restricted
        client)."""
        return not (self.relations & TREATING_RELATIONS) and self.restriction is not None

    @cached_property
    def emergency(self) -> EmergencyAccess | None:
        """The emergency access this user reads the chart under, if that is their only way in."""
        if self.user is None or Relation.EMERGENCY not in self.relations:
            return None
        return emergency_access_active(self.user, self.client.pk)

    @property
    def may_edit(self) -> bool:
        return self.may(Area.DEMOGRAPHICS, Action.WRITE)

    @property
    def may_manage_team(self) -> bool:
        return self.may(Area.CARE_TEAM, Action.MANAGE)


def client_get_for_user(
    user: User, client_id: int, *, area: Area = Area.DEMOGRAPHICS, action: Action = Action.READ
) -> ClientAccess:
    """The client and the user's relations to it; 404 for outsiders, 403 for a forbidden action."""
    relations = require_client_access(user, client_id, area, action)
    client = Client.objects.select_related("site", "organization").filter(pk=client_id).first()
    if client is None:
        raise Http404
    audit.note_shown([client.pk])
    return ClientAccess(client=client, relations=relations, user=user)


def contacts_of(access: ClientAccess) -> QuerySet[Contact]:
    return access.client.contacts.all()


def consents_of(access: ClientAccess) -> QuerySet[Consent]:
    return access.client.consents.select_related("recorded_by", "revoked_by", "guardian", "client")


def gathered_info_of(access: ClientAccess) -> QuerySet[GatheredInfo]:
    return access.client.gathered_info.select_related("author").prefetch_related("documents")


def contact_get(access: ClientAccess, contact_id: int) -> Contact:
    return get_object_or_404(Contact, pk=contact_id, client=access.client)


def consent_get(access: ClientAccess, consent_id: int) -> Consent:
    return get_object_or_404(Consent.objects.select_related("client"), pk=consent_id, client=access.client)


def document_get_for_user(user: User, document_id: int) -> GatheredDocument:
    """A gathered-information document, if its client's chart is open to ``user``."""
    document = GatheredDocument.objects.select_related("entry").filter(pk=document_id).first()
    if document is None:
        raise Http404
    client_get_for_user(user, document.entry.client_id)
    return document


# The order a care team is read in: who leads first.
TEAM_ORDER = ["primary", "co_therapist", "supervisor", "intern", "viewer"]


def care_team_of(client_id: int) -> QuerySet[CareTeamMembership]:
    rank = Case(*[When(role=role, then=Value(i)) for i, role in enumerate(TEAM_ORDER)], output_field=IntegerField())
    return (
        CareTeamMembership.objects.filter(client_id=client_id).select_related("user").order_by(rank, "user__last_name")
    )


def care_team_client_for_user(user: User, client_id: int, *, action: Action = Action.READ) -> ClientAccess:
    """The client for the care-team page: its team may look, the primary and admins manage.

    An admin reaches every client of the organization here, and only here: the
    care-team page shows the client's name and site, never the chart.
    """
    relations = relations_of(user, client_id)
    client = Client.objects.select_related("site").filter(pk=client_id, organization_id=user.organization_id).first()  # type: ignore[misc]
    if client is None or not allows(relations, Area.CARE_TEAM, Action.READ):
        raise Http404
    if not allows(relations, Area.CARE_TEAM, action):
        raise PermissionDenied
    audit.note_shown([client.pk])
    return ClientAccess(client=client, relations=relations)


def clients_for_care_team_admin(admin: User, *, q: str = "") -> QuerySet[Client]:
    """Every client of the admin's organization, by name, for care-team management."""
    require_role(admin, Role.ADMIN)
    clients = Client.objects.filter(organization_id=admin.organization_id).select_related("site")  # type: ignore[misc]
    for word in q.split():
        clients = clients.filter(
            Q(legal_first_name__icontains=word) | Q(legal_last_name__icontains=word) | Q(preferred_name__icontains=word)
        )
    return clients.annotate(team_size=Count("care_team")).order_by("legal_last_name", "legal_first_name", "id")


def active_client_counts_by_site(user: User) -> dict[int, int]:
    """How many active clients each site of the program administrator's organization has.

    An aggregate only: no client is named, so no read is recorded.
    """
    require_role(user, Role.PROGRAM_ADMIN)
    rows = (
        Client.objects.filter(organization_id=user.organization_id, status=ClientStatus.ACTIVE)  # type: ignore[misc]
        .order_by()
        .values("site_id")
        .annotate(count=Count("id"))
    )
    return {row["site_id"]: row["count"] for row in rows}


def diagnosis_get(access: ClientAccess, diagnosis_id: int) -> Diagnosis:
    return get_object_or_404(Diagnosis, pk=diagnosis_id, client=access.client)


# --- restricted clients and emergency access -----------------------------------------------

BREAK_GLASS_SEARCH_MIN = 2


def emergency_access_active(user: User, client_id: int) -> EmergencyAccess | None:
    """The user's latest emergency access to the client that is still running, or None."""
    return running_emergency_accesses(user).filter(client_id=client_id).order_by("-expires_at").first()


def break_glass_search(user: User, *, q: str = "") -> QuerySet[Client]:
    """Clients of the user's organization by name, for a user designated to break the glass.

    Names only (the page shows nothing else), and only once at least two
    letters are typed: the search is for finding one client, not for browsing.
    """
    require_break_glass(user)
    q = q.strip()
    if len(q) < BREAK_GLASS_SEARCH_MIN:
        return Client.objects.none()
    clients = Client.objects.filter(organization_id=user.organization_id).only(  # type: ignore[misc]
        "id", "legal_first_name", "legal_last_name", "preferred_name"
    )
    for word in q.split():
        clients = clients.filter(
            Q(legal_first_name__icontains=word) | Q(legal_last_name__icontains=word) | Q(preferred_name__icontains=word)
        )
    return clients.order_by("legal_last_name", "legal_first_name", "id")


def break_glass_client_for_user(user: User, client_id: int) -> Client:
    """A client of the user's organization, for a designated user's emergency-access request; 404 otherwise.

    An undesignated user gets 404 too, so the page tells them nothing about the id.
    """
    client = Client.objects.filter(pk=client_id, organization_id=user.organization_id).first()  # type: ignore[misc]
    if client is None or not may_break_glass(user):
        raise Http404
    audit.note_shown([client.pk])
    return client


def emergency_accesses_unreviewed_for_admin(admin: User) -> QuerySet[EmergencyAccess]:
    """Break-the-glass accesses in the admin's organization that no admin has reviewed yet, oldest first."""
    require_role(admin, Role.ADMIN)
    return (
        EmergencyAccess.objects.filter(client__organization_id=admin.organization_id, reviewed_at__isnull=True)  # type: ignore[misc]
        .select_related("user", "client")
        .order_by("started_at", "id")
    )


def emergency_access_get_for_admin(admin: User, access_id: int) -> EmergencyAccess:
    require_role(admin, Role.ADMIN)
    access = (
        EmergencyAccess.objects.select_related("user", "client", "reviewed_by")  # type: ignore[misc]
        .filter(pk=access_id, client__organization_id=admin.organization_id)
        .first()
    )
    if access is None:
        raise Http404
    audit.note_shown([access.client_id])
    return access


def restriction_candidates(client_id: int) -> QuerySet[User]:
    """Who may be named on a restricted client: its care team and the supervisors of its members."""
    members = CareTeamMembership.objects.filter(client_id=client_id).values("user_id")
    supervisors = SupervisionLink.objects.filter(supervisee_id__in=members, ended_on__isnull=True).values(
        "supervisor_id"
    )
    return User.objects.filter(Q(pk__in=members) | Q(pk__in=supervisors), is_active=True).order_by(
        "last_name", "first_name", "id"
    )


# --- amendments and disclosures -------------------------------------------------------------------


def amendments_of(access: ClientAccess) -> QuerySet[AmendmentRequest]:
    return AmendmentRequest.objects.filter(client=access.client).select_related(
        "gathered_info",
        "recorded_by",
        "decided_by",
        "disagreement_recorded_by",
        "addendum__author",
    )


def amendment_get(access: ClientAccess, amendment_id: int) -> AmendmentRequest:
    return get_object_or_404(amendments_of(access).select_related("client"), pk=amendment_id)


def gathered_info_with_amendment_notices(access: ClientAccess) -> QuerySet[GatheredInfo]:
    """Gathered information, each entry with ``amendment_notices``: its decided amendment requests.

    The chart shows these beside the entry (an addendum, or a denial and the
    client's disagreement); the entry itself never changes.
    """
    decided = (
        AmendmentRequest.objects.exclude(decision="")
        .select_related("decided_by", "addendum__author")
        .order_by("decided_on", "id")
    )
    return gathered_info_of(access).prefetch_related(
        Prefetch("amendment_requests", queryset=decided, to_attr="amendment_notices")
    )


def release_consents_of(access: ClientAccess) -> QuerySet[Consent]:
    """The client's releases of information, newest first, for a disclosure to rely on."""
    return access.client.consents.filter(kind=ConsentKind.RELEASE).order_by("-signed_on", "-id")


def disclosures_of(access: ClientAccess) -> QuerySet[Disclosure]:
    return Disclosure.objects.filter(client=access.client).select_related("consent", "disclosed_by", "corrects")


def disclosure_get(access: ClientAccess, disclosure_id: int) -> Disclosure:
    return get_object_or_404(disclosures_of(access).select_related("client"), pk=disclosure_id)


@dataclass(frozen=True)
class AccountingEntry:
    disclosure: Disclosure
    corrected_by: tuple[int, ...]  # ids of later rows that correct this one


@dataclass(frozen=True)
class Accounting:
    """The accounting of disclosures a client may ask for (HIPAA 164.528): the last six years."""

    client: Client
    since: dt.date
    until: dt.date
    entries: list[AccountingEntry]


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def accounting_of(access: ClientAccess, *, on: dt.date | None = None) -> Accounting:
    """Every disclosure of the six years before ``on`` (default today), corrections beside what they correct."""
    until = on or timezone.localdate()
    since = _years_before(until, ACCOUNTING_YEARS)
    rows = list(disclosures_of(access).filter(disclosed_on__gte=since, disclosed_on__lte=until))
    corrected_by: dict[int, list[int]] = {}
    for row in rows:
        if row.corrects_id:
            corrected_by.setdefault(row.corrects_id, []).append(row.pk)
    entries = [AccountingEntry(row, tuple(sorted(corrected_by.get(row.pk, ())))) for row in rows]
    return Accounting(client=access.client, since=since, until=until, entries=entries)
