"""Who may do what with a client's records: the access table of ARCHITECTURE.md, as data.

Access follows the user's place in the client's care team, never the role
alone. ``ACCESS[area][relation]`` is the set of actions that relation allows.
Views and the API ask :func:`allows`; the URL access test is generated from
this table, so changing a cell here changes what every page must answer.
"""

from __future__ import annotations

from enum import StrEnum

from django.db.models import Q, QuerySet


class Relation(StrEnum):
    """How a user stands to one client."""

    PRIMARY = "primary"            # primary therapist
    CO_THERAPIST = "co_therapist"
    INTERN = "intern"              # intern on the team
    SUPERVISOR = "supervisor"      # supervisor of a team member, or the client's supervising clinician
    VIEWER = "viewer"              # treatment-team member
    PROGRAM_ADMIN = "program_admin"
    ADMIN = "admin"


class Area(StrEnum):
    DEMOGRAPHICS = "demographics"  # demographics, precautions, consents, contacts, gathered information
    CLINICAL = "clinical"          # plan, measures, summaries, reports
    NOTES = "notes"                # progress notes, artwork, ratings
    PROCESS_NOTES = "process_notes"
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
    },
    Area.CLINICAL: {
        Relation.PRIMARY: frozenset({R, W, S}),
        Relation.CO_THERAPIST: frozenset({R, W, S}),
        Relation.INTERN: frozenset({R, W, Action.SUBMIT}),
        Relation.SUPERVISOR: frozenset({R, Action.COSIGN, Action.RETURN}),
        Relation.VIEWER: frozenset({R}),
        Relation.PROGRAM_ADMIN: frozenset({Action.AGGREGATE}),
    },
    Area.NOTES: {
        Relation.PRIMARY: frozenset({R, W, S}),
        Relation.CO_THERAPIST: frozenset({R, W, S}),
        Relation.INTERN: frozenset({R, W, Action.SUBMIT}),
        Relation.SUPERVISOR: frozenset({R, Action.COSIGN, Action.RETURN}),
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
    Area.CARE_TEAM: {
        Relation.PRIMARY: frozenset({R, Action.MANAGE}),
        Relation.CO_THERAPIST: frozenset({R}),
        Relation.INTERN: frozenset({R}),
        Relation.SUPERVISOR: frozenset({R}),
        Relation.VIEWER: frozenset({R}),
        Relation.ADMIN: frozenset({R, Action.MANAGE}),
    },
    Area.AUDIT: {
        Relation.PRIMARY: frozenset({R}),
        Relation.ADMIN: frozenset({R}),
    },
}

# Which fields of the demographics a viewer may not see on a restricted client.
VIEWER_HIDDEN_FIELDS_RESTRICTED = ("address", "phone", "email")


def allows(relations: set[Relation] | frozenset[Relation], area: Area, action: Action) -> bool:
    """True if any of the user's relations to a client allows ``action`` on ``area``."""
    row = ACCESS[area]
    return any(action in row.get(relation, ()) for relation in relations)


def chart_relations() -> frozenset[Relation]:
    """Relations that may open the chart at all (read its demographics)."""
    return frozenset(rel for rel, actions in ACCESS[Area.DEMOGRAPHICS].items() if Action.READ in actions)


def relations_of(user, client_id: int) -> frozenset[Relation]:
    """Every relation ``user`` has to the client, from the care team and supervision links."""
    from artchart.core.models import CareTeamMembership, Role

    if not (user and user.is_authenticated and user.is_active):
        return frozenset()
    relations: set[Relation] = set()
    if user.role == Role.ADMIN:
        relations.add(Relation.ADMIN)
    if user.role == Role.PROGRAM_ADMIN:
        relations.add(Relation.PROGRAM_ADMIN)
    team = CareTeamMembership.objects.filter(client_id=client_id)
    for role in team.filter(user=user).values_list("role", flat=True):
        relations.add(Relation(role))
    if team.filter(_supervised_by(user, prefix="user__")).exists():
        relations.add(Relation.SUPERVISOR)
    return frozenset(relations)


def _supervised_by(user, prefix: str = "") -> Q:
    return Q(**{f"{prefix}supervisor_links__supervisor": user, f"{prefix}supervisor_links__ended_on__isnull": True})


def client_ids_with_chart_access(user) -> QuerySet:
    """A subquery of client ids whose chart ``user`` may open (care team or supervisor of a member)."""
    from artchart.core.models import CareTeamMembership

    if not (user and user.is_authenticated and user.is_active):
        return CareTeamMembership.objects.none().values("client_id")
    return CareTeamMembership.objects.filter(Q(user=user) | _supervised_by(user, prefix="user__")).values("client_id")
