"""How a user stands to a client, read from the tables this app keeps.

The access table is data in ``core.permissions``; what it is applied to lives
here: the care team and supervision links — which count for a restricted
client only if the user is one of its named users — and emergency access
(break the glass). ``ClientsConfig.ready()`` registers this module as core's
:class:`~artchart.core.permissions.ChartRelations`, so every door asks through
``core.permissions`` and core imports nothing of this app.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q, QuerySet
from django.utils import timezone

from artchart.clients.models import (
    CareTeamMembership,
    Client,
    ClientRestriction,
    EmergencyAccess,
    EmergencyAccessDesignation,
)
from artchart.clients.selectors import clients_visible_to, shown
from artchart.clients.services import break_glass_designation_set
from artchart.core.models import Role
from artchart.core.permissions import ACCESS, Action, Area, Relation, ViewerRelations

__all__ = [
    "break_glass_designation_set",
    "client_id_rows",
    "client_ids_allowing",
    "client_ids_with_chart_access",
    "is_designated_to_break_glass",
    "may_break_glass",
    "reads_to_flag",
    "relations_of",
    "running_emergency_accesses",
    "viewer_relations",
]


def relations_of(user, client_id: int) -> frozenset[Relation]:
    """Every relation ``user`` has to the client.

    From the care team and supervision links — which count for a restricted
    client only if the user is one of its named users — and from an emergency
    access (break the glass) still running.
    """
    if not (user and user.is_authenticated and user.is_active):
        return frozenset()
    relations: set[Relation] = set(_role_relations(user))
    if _team_counts_for(user, client_id):
        team = CareTeamMembership.objects.filter(client_id=client_id)
        for role in team.filter(user=user).values_list("role", flat=True):
            relations.add(Relation(role))
        if team.filter(_supervised_by(user, prefix="user__")).exists():
            relations.add(Relation.SUPERVISOR)
    if running_emergency_accesses(user).filter(client_id=client_id).exists():
        relations.add(Relation.EMERGENCY)
    return frozenset(relations)


def _role_relations(user) -> frozenset[Relation]:
    """What the organization role gives towards every client."""
    if user.role == Role.ADMIN:
        return frozenset({Relation.ADMIN})
    if user.role == Role.PROGRAM_ADMIN:
        return frozenset({Relation.PROGRAM_ADMIN})
    return frozenset()


def viewer_relations(user) -> ViewerRelations:
    """``relations_of`` for every client at once, in three queries: what a request asks over and over.

    The same rules: care-team roles and the supervision of a team member count for a
    restricted client only if the user is named on it; a running emergency access counts.
    """
    if not (user and user.is_authenticated and user.is_active):
        return ViewerRelations(frozenset(), {})
    by_client: defaultdict[int, set[Relation]] = defaultdict(set)
    restricted_not_named = ClientRestriction.objects.exclude(named_users=user).values("client_id")
    counted = CareTeamMembership.objects.exclude(client_id__in=restricted_not_named)
    for client_id, role in counted.filter(user=user).values_list("client_id", "role"):
        by_client[client_id].add(Relation(role))
    for client_id in counted.filter(_supervised_by(user, prefix="user__")).values_list("client_id", flat=True):
        by_client[client_id].add(Relation.SUPERVISOR)
    for client_id in running_emergency_accesses(user).values_list("client_id", flat=True):
        by_client[client_id].add(Relation.EMERGENCY)
    return ViewerRelations(
        _role_relations(user), {client_id: frozenset(relations) for client_id, relations in by_client.items()}
    )


def client_id_rows(client_ids: list[int]) -> QuerySet:
    """The rows ``client_ids_allowing`` answers with, for ids already known."""
    return Client.objects.filter(pk__in=client_ids).values("pk") if client_ids else Client.objects.none().values("pk")


def _team_counts_for(user, client_id: int) -> bool:
    """False if the client is restricted and ``user`` is not one of its named users."""
    return not ClientRestriction.objects.filter(client_id=client_id).exclude(named_users=user).exists()


def running_emergency_accesses(user) -> QuerySet:
    """The user's emergency accesses still running (and only while the user is still designated)."""
    return EmergencyAccess.objects.filter(
        user=user, expires_at__gt=timezone.now(), user__break_glass_designation__isnull=False
    )


def may_break_glass(user) -> bool:
    """True if an admin has designated ``user`` for emergency access."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return is_designated_to_break_glass(user)


def is_designated_to_break_glass(user) -> bool:
    """The designation alone, whether or not the account is active (what the user form shows)."""
    return EmergencyAccessDesignation.objects.filter(user=user).exists()


def reads_to_flag(user, client_ids) -> bool:
    """True if a read of these clients must be flagged: a restricted client, or one under emergency access."""
    ids = list(client_ids)
    if not ids:
        return False
    if ClientRestriction.objects.filter(client_id__in=ids).exists():
        return True
    return bool(user and user.is_authenticated) and running_emergency_accesses(user).filter(client_id__in=ids).exists()


def clients_named_for(user, client_ids: set[int]) -> dict:
    """Those of ``client_ids`` that ``user`` may still see, by id; the others stay unnamed.

    Naming a client is showing them, so they go into this request's read event.
    """
    clients = clients_visible_to(user).in_bulk(client_ids) if client_ids else {}
    shown(clients.values())
    return clients


def clients_named_for_audit(user, client_ids: set[int]) -> dict:
    """Those of ``client_ids`` an admin reviewing the audit log sees by name, by id (each noted as shown).

    Answering "who opened my chart?" needs the client's name, and an admin is on
    no care team, so the audit page names every client of the admin's own
    organization, except a restricted client the admin is not named on (that
    one stays a number: the restriction exists to keep the name from eyes
    outside its list). The names shown go into the request's read event, so
    reviewing the log is itself on the record. Anyone but an admin gets
    :func:`clients_named_for`.
    """
    if not (user and user.is_authenticated and user.is_active and user.role == Role.ADMIN):
        return clients_named_for(user, client_ids)
    if not client_ids:
        return {}
    restricted_not_named = ClientRestriction.objects.exclude(named_users=user).values("client_id")
    clients = (
        Client.objects.filter(site__organization_id=user.organization_id)
        .exclude(pk__in=restricted_not_named)
        .in_bulk(client_ids)
    )
    shown(clients.values())
    return clients


AUDIT_NAME_MATCHES = 50  # a filter as wide as "a" is no use; the admin narrows it


def client_ids_found_for_audit(user, text: str) -> list[int]:
    """The clients an admin means by ``text`` in the audit log's filter.

    A number is the client the log shows by number; words match the names the
    log would show (:func:`clients_named_for_audit`), each word against a
    first, preferred or last name.
    """
    text = text.strip()
    if text.isdigit():
        return [int(text)]
    if not (user and user.is_authenticated and user.is_active and user.role == Role.ADMIN) or not text:
        return []
    restricted_not_named = ClientRestriction.objects.exclude(named_users=user).values("client_id")
    clients = Client.objects.filter(site__organization_id=user.organization_id).exclude(pk__in=restricted_not_named)
    for word in text.split():
        clients = clients.filter(
            Q(legal_first_name__icontains=word) | Q(preferred_name__icontains=word) | Q(legal_last_name__icontains=word)
        )
    return list(clients.values_list("pk", flat=True)[:AUDIT_NAME_MATCHES])


def _supervised_by(user, prefix: str = "") -> Q:
    return Q(**{f"{prefix}supervisor_links__supervisor": user, f"{prefix}supervisor_links__ended_on__isnull": True})


def client_ids_with_chart_access(user) -> QuerySet:
    """A subquery of client ids whose chart ``user`` may open.

    Care team or supervisor of a member (for a restricted client, only if named),
    or an emergency access still running. One query however many clients.
    """
    if not (user and user.is_authenticated and user.is_active):
        return CareTeamMembership.objects.none().values("client_id")
    restricted_not_named = ClientRestriction.objects.exclude(named_users=user).values("client_id")
    team = (
        CareTeamMembership.objects.filter(Q(user=user) | _supervised_by(user, prefix="user__"))
        .exclude(client_id__in=restricted_not_named)
        .values("client_id")
    )
    emergency = running_emergency_accesses(user).values("client_id")
    return Client.objects.filter(Q(pk__in=team) | Q(pk__in=emergency)).values("pk")


def client_ids_allowing(user, area: Area, action: Action) -> QuerySet:
    """A subquery of the client ids on whose chart ``user`` may do ``action`` on ``area``.

    The care-team relations of the access table in one query (a restricted
    client counts only for its named users); ``client_ids_with_chart_access``
    is the same for reading the chart at all.
    """
    if not (user and user.is_authenticated and user.is_active):
        return Client.objects.none().values("pk")
    allowed = {relation for relation, actions in ACCESS[area].items() if action in actions}
    team_roles = [
        relation.value
        for relation in allowed
        if relation in (Relation.PRIMARY, Relation.CO_THERAPIST, Relation.INTERN, Relation.SUPERVISOR, Relation.VIEWER)
    ]
    who = Q(user=user, role__in=team_roles)
    if Relation.SUPERVISOR in allowed:
        who |= _supervised_by(user, prefix="user__")
    restricted_not_named = ClientRestriction.objects.exclude(named_users=user).values("client_id")
    team = CareTeamMembership.objects.filter(who).exclude(client_id__in=restricted_not_named).values("client_id")
    ids = Q(pk__in=team)
    if Relation.EMERGENCY in allowed:
        ids |= Q(pk__in=running_emergency_accesses(user).values("client_id"))
    return Client.objects.filter(ids).values("pk")
