"""Who may do what with a client's records: the access table, as data (docs/architecture.md).

Access follows the user's place in the client's care team, never the role
alone. ``ACCESS[area][relation]`` is the set of actions that relation allows.
Views and the API ask :func:`allows`; the URL access test is generated from
this table, so changing a cell here changes what every page must answer.

How a user stands to a client is read from tables that the clients app keeps
(the care team, restricted clients, emergency access). Core names what it needs
as :class:`ChartRelations`; the clients app registers its implementation when it
is ready, and every door asks through the functions below.

Within an :func:`access_scope` (``AccessScopeMiddleware`` opens one for every
GET and HEAD request) a user's relations to all their clients are read once, in
a few queries, and every later question in that scope — ``relations_of``,
``client_ids_allowing``, ``client_ids_with_chart_access`` — is answered from
them: the dashboard's panels ask a dozen times, and each answer is the same
rows. Outside a scope (services, commands, writes) every call reads afresh.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet


class Relation(StrEnum):
    """How a user stands to one client."""

    PRIMARY = "primary"  # primary therapist
    CO_THERAPIST = "co_therapist"
    INTERN = "intern"  # intern on the team
    SUPERVISOR = "supervisor"  # supervisor of a team member, or the client's supervising clinician
    VIEWER = "viewer"  # treatment-team member
    PROGRAM_ADMIN = "program_admin"
    ADMIN = "admin"
    EMERGENCY = "emergency"  # broke the glass: read for a set time, every read flagged


class Area(StrEnum):
    DEMOGRAPHICS = "demographics"  # demographics, precautions, consents, contacts, gathered information
    CLINICAL = "clinical"  # plan, measures, summaries, reports
    NOTES = "notes"  # progress notes, artwork, ratings
    PROCESS_NOTES = "process_notes"
    INCIDENTS = "incidents"  # mandated reports and incidents in session
    CARE_TEAM = "care_team"
    AUDIT = "audit"


class Action(StrEnum):
    READ = "read"
    WRITE = "write"
    SIGN = "sign"
    SUBMIT = "submit"
    COSIGN = "cosign"
    RETURN = "return"
    MANAGE = "manage"
    AGGREGATE = "aggregate"


R, W, S = Action.READ, Action.WRITE, Action.SIGN

ACCESS: dict[Area, dict[Relation, frozenset[Action]]] = {
    Area.DEMOGRAPHICS: {
        Relation.PRIMARY: frozenset({R, W}),
        Relation.CO_THERAPIST: frozenset({R, W}),
        Relation.INTERN: frozenset({R, W}),
        Relation.SUPERVISOR: frozenset({R}),
        Relation.VIEWER: frozenset({R}),
        Relation.EMERGENCY: frozenset({R}),
    },
    Area.CLINICAL: {
        Relation.PRIMARY: frozenset({R, W, S}),
        Relation.CO_THERAPIST: frozenset({R, W, S}),
        Relation.INTERN: frozenset({R, W, Action.SUBMIT}),
        Relation.SUPERVISOR: frozenset({R, Action.COSIGN, Action.RETURN}),
        Relation.VIEWER: frozenset({R}),
        Relation.EMERGENCY: frozenset({R}),
        Relation.PROGRAM_ADMIN: frozenset({Action.AGGREGATE}),
    },
    Area.NOTES: {
        Relation.PRIMARY: frozenset({R, W, S}),
        Relation.CO_THERAPIST: frozenset({R, W, S}),
        Relation.INTERN: frozenset({R, W, Action.SUBMIT}),
        Relation.SUPERVISOR: frozenset({R, Action.COSIGN, Action.RETURN}),
        Relation.EMERGENCY: frozenset({R}),
    },
    # Process notes are further limited to their author (and an intern
    # author's supervisor) by the app that keeps them; this row says who may
    # write one at all.
    Area.PROCESS_NOTES: {
        Relation.PRIMARY: frozenset({R, W}),
        Relation.CO_THERAPIST: frozenset({R, W}),
        Relation.INTERN: frozenset({R, W}),
        Relation.SUPERVISOR: frozenset({R}),
    },
    # Mandated reports (abuse, duty to warn) and incidents in session: the care
    # team's clinicians and admins, never a viewer or a program admin. Someone
    # who broke the glass reads them: a past self-harm or aggression incident or
    # a duty-to-warn report is what an emergency needs known first (every such
    # read is flagged in the audit).
    Area.INCIDENTS: {
        Relation.PRIMARY: frozenset({R, W}),
        Relation.CO_THERAPIST: frozenset({R, W}),
        Relation.INTERN: frozenset({R, W}),
        Relation.SUPERVISOR: frozenset({R}),
        Relation.ADMIN: frozenset({R}),
        Relation.EMERGENCY: frozenset({R}),
    },
    Area.CARE_TEAM: {
        Relation.PRIMARY: frozenset({R, Action.MANAGE}),
        Relation.CO_THERAPIST: frozenset({R}),
        Relation.INTERN: frozenset({R}),
        Relation.SUPERVISOR: frozenset({R}),
        Relation.VIEWER: frozenset({R}),
        # Who else is treating the client is what someone in an emergency needs first.
        Relation.EMERGENCY: frozenset({R}),
        Relation.ADMIN: frozenset({R, Action.MANAGE}),
    },
    Area.AUDIT: {
        Relation.PRIMARY: frozenset({R}),
        Relation.ADMIN: frozenset({R}),
    },
}

# Which fields of the demographics a viewer may not see on a restricted client.
VIEWER_HIDDEN_FIELDS_RESTRICTED = ("address", "phone", "email")

# The relations that treat the client; anyone else who may read a restricted
# client's chart (a named viewer, someone who broke the glass) does not see
# where the client lives or how to reach them.
TREATING_RELATIONS = frozenset({Relation.PRIMARY, Relation.CO_THERAPIST, Relation.INTERN, Relation.SUPERVISOR})


def allows(relations: set[Relation] | frozenset[Relation], area: Area, action: Action) -> bool:
    """True if any of the user's relations to a client allows ``action`` on ``area``."""
    row = ACCESS[area]
    return any(action in row.get(relation, ()) for relation in relations)


def chart_relations() -> frozenset[Relation]:
    """Relations that may open the chart at all (read its demographics)."""
    return frozenset(rel for rel, actions in ACCESS[Area.DEMOGRAPHICS].items() if Action.READ in actions)


@dataclass(frozen=True)
class ViewerRelations:
    """One user's relations to every client they stand in some relation to, read at once.

    ``by_client`` holds the care-team roles, the supervision of a team member
    (both only where a restriction names the user, if there is one) and running
    emergency access; ``everywhere`` the relations the organization role gives
    to every client (admin, program admin).
    """

    everywhere: frozenset[Relation]
    by_client: Mapping[int, frozenset[Relation]]

    def of(self, client_id: int) -> frozenset[Relation]:
        return self.everywhere | self.by_client.get(client_id, frozenset())

    def ids_with_chart_access(self) -> list[int]:
        return sorted(self.by_client)

    def ids_allowing(self, area: Area, action: Action) -> list[int]:
        allowed = {relation for relation, actions in ACCESS[area].items() if action in actions}
        return sorted(client_id for client_id, relations in self.by_client.items() if relations & allowed)


class ChartRelations(Protocol):
    """What core asks of the app that keeps care teams, restricted clients and emergency access."""

    def relations_of(self, user, client_id: int) -> frozenset[Relation]: ...

    def viewer_relations(self, user) -> ViewerRelations: ...

    def client_id_rows(self, client_ids: list[int]) -> QuerySet: ...

    def client_ids_with_chart_access(self, user) -> QuerySet: ...

    def client_ids_allowing(self, user, area: Area, action: Action) -> QuerySet: ...

    def running_emergency_accesses(self, user) -> QuerySet: ...

    def may_break_glass(self, user) -> bool: ...

    def is_designated_to_break_glass(self, user) -> bool: ...

    def break_glass_designation_set(self, *, by, user, designated: bool) -> None: ...

    def reads_to_flag(self, user, client_ids) -> bool: ...

    def clients_named_for(self, user, client_ids: set[int]) -> dict: ...

    def clients_named_for_audit(self, user, client_ids: set[int]) -> dict: ...

    def client_ids_found_for_audit(self, user, text: str) -> list[int]: ...


NO_CHART_RELATIONS = "No installed app registered the chart relations (artchart.clients does, when it is ready)."

_registered: list[ChartRelations] = []


def register_chart_relations(provider: ChartRelations) -> None:
    """Called once by the clients app's ``ready()``; a second call replaces the first."""
    _registered[:] = [provider]


def relations_provider() -> ChartRelations:
    if not _registered:
        raise ImproperlyConfigured(NO_CHART_RELATIONS)
    return _registered[0]


# --- once per request ---------------------------------------------------------------------

# Up to this many ids a scoped answer is a literal list (cheap to build into a query); beyond
# it, the provider's subquery, built once per scope.
LITERAL_IDS_AT_MOST = 2_000


@dataclass
class _Scope:
    viewers: dict[int, ViewerRelations] = field(default_factory=dict)
    subqueries: dict[tuple, QuerySet] = field(default_factory=dict)


_scope: ContextVar[_Scope | None] = ContextVar("artchart_access_scope", default=None)


@contextmanager
def access_scope() -> Iterator[None]:
    """Read each user's relations once within this block: for a request that changes no access."""
    token = _scope.set(_Scope())
    try:
        yield
    finally:
        _scope.reset(token)


def _scoped_viewer(user) -> tuple[_Scope, ViewerRelations] | None:
    scope = _scope.get()
    if scope is None or not (user and user.is_authenticated and user.is_active):
        return None
    viewer = scope.viewers.get(user.pk)
    if viewer is None:
        viewer = scope.viewers[user.pk] = relations_provider().viewer_relations(user)
    return scope, viewer


def _scoped_ids(user, key: tuple, ids_of, subquery_of) -> QuerySet | None:
    scoped = _scoped_viewer(user)
    if scoped is None:
        return None
    scope, viewer = scoped
    key = (user.pk, *key)
    if key not in scope.subqueries:
        ids = ids_of(viewer)
        provider = relations_provider()
        scope.subqueries[key] = provider.client_id_rows(ids) if len(ids) <= LITERAL_IDS_AT_MOST else subquery_of()
    return scope.subqueries[key]


# --- the questions every door asks ------------------------------------------------------------


def relations_of(user, client_id: int) -> frozenset[Relation]:
    """Every relation ``user`` has to the client: care team, supervision, emergency access."""
    scoped = _scoped_viewer(user)
    if scoped is not None:
        return scoped[1].of(client_id)
    return relations_provider().relations_of(user, client_id)


def running_emergency_accesses(user) -> QuerySet:
    """The user's emergency accesses still running (and only while the user is still designated)."""
    return relations_provider().running_emergency_accesses(user)


def may_break_glass(user) -> bool:
    """True if an admin has designated ``user`` for emergency access."""
    return relations_provider().may_break_glass(user)


def reads_to_flag(user, client_ids) -> bool:
    """True if a read of these clients must be flagged: a restricted client, or one under emergency access."""
    return relations_provider().reads_to_flag(user, client_ids)


def clients_named_for(user, client_ids: set[int]) -> dict:
    """Those of ``client_ids`` that ``user`` may see, by id (each noted as shown); the others stay unnamed."""
    return relations_provider().clients_named_for(user, client_ids)


def clients_named_for_audit(user, client_ids: set[int]) -> dict:
    """Those of ``client_ids`` an admin reviewing the audit log sees by name (each noted as shown)."""
    return relations_provider().clients_named_for_audit(user, client_ids)


def client_ids_found_for_audit(user, text: str) -> list[int]:
    """The clients an admin means by ``text`` in the audit filter: a number as itself, or the names that match."""
    return relations_provider().client_ids_found_for_audit(user, text)


def client_ids_with_chart_access(user) -> QuerySet:
    """A subquery of client ids whose chart ``user`` may open."""
    scoped = _scoped_ids(
        user,
        ("chart",),
        lambda viewer: viewer.ids_with_chart_access(),
        lambda: relations_provider().client_ids_with_chart_access(user),
    )
    return scoped if scoped is not None else relations_provider().client_ids_with_chart_access(user)


def client_ids_allowing(user, area: Area, action: Action) -> QuerySet:
    """A subquery of the client ids on whose chart ``user`` may do ``action`` on ``area``."""
    scoped = _scoped_ids(
        user,
        (area, action),
        lambda viewer: viewer.ids_allowing(area, action),
        lambda: relations_provider().client_ids_allowing(user, area, action),
    )
    return scoped if scoped is not None else relations_provider().client_ids_allowing(user, area, action)
