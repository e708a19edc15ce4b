"""Reads of client records, always scoped to the acting user.

Every function takes the user first and returns only what that user may see;
fetching one client records the read for the request's audit event.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from artchart.clients.models import Client, Consent, Contact, Diagnosis, GatheredDocument, GatheredInfo
from artchart.core import audit
from artchart.core.access import require_client_access
from artchart.core.permissions import Action, Area, Relation, allows, client_ids_with_chart_access


def clients_visible_to(user) -> QuerySet[Client]:
    """Clients whose chart ``user`` may open: their care teams and their supervisees'."""
    return Client.objects.filter(pk__in=client_ids_with_chart_access(user)).select_related("site")


def client_search(user, *, q: str = "", status: str = "", site_id: int | None = None) -> QuerySet[Client]:
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


def shown(clients):
    """Mark clients as shown in this response (for its read event) and return them."""
    audit.note_shown(client.pk for client in clients)
    return clients


@dataclass(frozen=True)
class ClientAccess:
    client: Client
    relations: frozenset[Relation]

    def may(self, area: Area, action: Action) -> bool:
        return allows(self.relations, area, action)

    @property
    def may_edit(self) -> bool:
        return self.may(Area.DEMOGRAPHICS, Action.WRITE)

    @property
    def may_manage_team(self) -> bool:
        return self.may(Area.CARE_TEAM, Action.MANAGE)


def client_get_for_user(
    user, client_id: int, *, area: Area = Area.DEMOGRAPHICS, action: Action = Action.READ
) -> ClientAccess:
    """The client and the user's relations to it; 404 for outsiders, 403 for a forbidden action."""
    relations = require_client_access(user, client_id, area, action)
    client = Client.objects.select_related("site", "organization").filter(pk=client_id).first()
    if client is None:
        from django.http import Http404

        raise Http404
    audit.note_shown([client.pk])
    return ClientAccess(client=client, relations=relations)


def contacts_of(access: ClientAccess) -> QuerySet[Contact]:
    return access.client.contacts.all()


def consents_of(access: ClientAccess) -> QuerySet[Consent]:
    return access.client.consents.select_related("recorded_by", "revoked_by", "guardian", "client")


def gathered_info_of(access: ClientAccess) -> QuerySet[GatheredInfo]:
    return access.client.gathered_info.select_related("author").prefetch_related("documents")


def contact_get(access: ClientAccess, contact_id: int) -> Contact:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Contact, pk=contact_id, client=access.client)


def consent_get(access: ClientAccess, consent_id: int) -> Consent:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Consent.objects.select_related("client"), pk=consent_id, client=access.client)


def document_get_for_user(user, document_id: int) -> GatheredDocument:
    """A gathered-information document, if its client's chart is open to ``user``."""
    from django.http import Http404

    document = GatheredDocument.objects.select_related("entry").filter(pk=document_id).first()
    if document is None:
        raise Http404
    client_get_for_user(user, document.entry.client_id)
    return document


def care_team_client_for_user(user, client_id: int, *, action: Action = Action.READ) -> ClientAccess:
    """The client for the care-team page: its team may look, the primary and admins manage.

    An admin reaches every client of the organization here, and only here: the
    care-team page shows the client's name and site, never the chart.
    """
    from django.http import Http404

    from artchart.core.permissions import relations_of

    relations = relations_of(user, client_id)
    client = Client.objects.select_related("site").filter(pk=client_id, organization_id=user.organization_id).first()
    if client is None or not allows(relations, Area.CARE_TEAM, Action.READ):
        raise Http404
    if not allows(relations, Area.CARE_TEAM, action):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    audit.note_shown([client.pk])
    return ClientAccess(client=client, relations=relations)


def clients_for_care_team_admin(admin, *, q: str = "") -> QuerySet[Client]:
    """Every client of the admin's organization, by name, for care-team management."""
    from django.db.models import Count

    from artchart.core.access import require_role
    from artchart.core.models import Role

    require_role(admin, Role.ADMIN)
    clients = Client.objects.filter(organization_id=admin.organization_id).select_related("site")
    for word in q.split():
        clients = clients.filter(
            Q(legal_first_name__icontains=word) | Q(legal_last_name__icontains=word) | Q(preferred_name__icontains=word)
        )
    return clients.annotate(team_size=Count("care_team")).order_by("legal_last_name", "legal_first_name", "id")


def active_client_counts_by_site(user) -> dict[int, int]:
    """How many active clients each site of the program administrator's organization has.

    An aggregate only: no client is named, so no read is recorded.
    """
    from django.db.models import Count

    from artchart.clients.models import ClientStatus
    from artchart.core.access import require_role
    from artchart.core.models import Role

    require_role(user, Role.PROGRAM_ADMIN)
    rows = (
        Client.objects.filter(organization_id=user.organization_id, status=ClientStatus.ACTIVE)
        .order_by()
        .values("site_id")
        .annotate(count=Count("id"))
    )
    return {row["site_id"]: row["count"] for row in rows}


def diagnosis_get(access: ClientAccess, diagnosis_id: int) -> Diagnosis:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Diagnosis, pk=diagnosis_id, client=access.client)
