"""Who may do what with a client's records: the access table, as data (docs/architecture.md).

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
    EMERGENCY = "emergency"        # broke the glass: read for a set time, every read flagged


class Area(StrEnum):
    DEMOGRAPHICS = "demographics"  # demographics, precautions, consents, contacts, gathered information
    CLINICAL = "clinical"          # plan, measures, summaries, reports
    NOTES = "notes"                # progress notes, artwork, ratings
    PROCESS_NOTES = "process_notes"
    INCIDENTS = "incidents"        # mandated reports and incidents in session
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


def relations_of(user, client_id: int) -> frozenset[Relation]:
    """Every relation ``user`` has to the client.

    From the care team and supervision links — which count for a restricted
    client only if the user is one of its named users — and from an emergency
    access (break the glass) still running.
    """
    from artchart.core.models import CareTeamMembership, Role

    if not (user and user.is_authenticated and user.is_active):
        return frozenset()
    relations: set[Relation] = set()
    if user.role == Role.ADMIN:
        relations.add(Relation.ADMIN)
    if user.role == Role.PROGRAM_ADMIN:
        relations.add(Relation.PROGRAM_ADMIN)
    if _team_counts_for(user, client_id):
        team = CareTeamMembership.objects.filter(client_id=client_id)
        for role in team.filter(user=user).values_list("role", flat=True):
            relations.add(Relation(role))
        if team.filter(_supervised_by(user, prefix="user__")).exists():
            relations.add(Relation.SUPERVISOR)
    if running_emergency_accesses(user).filter(client_id=client_id).exists():
        relations.add(Relation.EMERGENCY)
    return frozenset(relations)


# Restricted clients and emergency access are kept by the clients app (their
# rows name a client); the rule about them is here, the one place every door asks.


def _team_counts_for(user, client_id: int) -> bool:
    """False if the client is restricted and ``user`` is not one of its named users."""
    from artchart.clients.models import ClientRestriction

    return not ClientRestriction.objects.filter(client_id=client_id).exclude(named_users=user).exists()


def running_emergency_accesses(user) -> QuerySet:
    """The user's emergency accesses still running (and only while the user is still designated)."""
    from django.utils import timezone

    from artchart.clients.models import EmergencyAccess

    return EmergencyAccess.objects.filter(user=user, expires_at__gt=timezone.now(),
                                          user__break_glass_designation__isnull=False)


def may_break_glass(user) -> bool:
    """True if an admin has designated ``user`` for emergency access."""
    from artchart.clients.models import EmergencyAccessDesignation

    if not (user and user.is_authenticated and user.is_active):
        return False
    return EmergencyAccessDesignation.objects.filter(user=user).exists()


def reads_to_flag(user, client_ids) -> bool:
    """True if a read of these clients must be flagged: a restricted client, or one under emergency access."""
    from artchart.clients.models import ClientRestriction

    ids = list(client_ids)
    if not ids:
        return False
    if ClientRestriction.objects.filter(client_id__in=ids).exists():
        return True
    return bool(user and user.is_authenticated) and running_emergency_accesses(user).filter(client_id__in=ids).exists()


def _supervised_by(user, prefix: str = "") -> Q:
    return Q(**{f"{prefix}supervisor_links__supervisor": user, f"{prefix}supervisor_links__ended_on__isnull": True})


def client_ids_with_chart_access(user) -> QuerySet:
    """A subquery of client ids whose chart ``user`` may open.

    Care team or supervisor of a member (for a restricted client, only if named),
    or an emergency access still running. One query however many clients.
    """
    from artchart.clients.models import Client, ClientRestriction
    from artchart.core.models import CareTeamMembership

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
    from artchart.clients.models import Client, ClientRestriction
    from artchart.core.models import CareTeamMembership

    if not (user and user.is_authenticated and user.is_active):
        return Client.objects.none().values("pk")
    allowed = {relation for relation, actions in ACCESS[area].items() if action in actions}
    team_roles = [relation.value for relation in allowed
                  if relation in (Relation.PRIMARY, Relation.CO_THERAPIST, Relation.INTERN, Relation.SUPERVISOR,
                                  Relation.VIEWER)]
    who = Q(user=user, role__in=team_roles)
    if Relation.SUPERVISOR in allowed:
        who |= _supervised_by(user, prefix="user__")
    restricted_not_named = ClientRestriction.objects.exclude(named_users=user).values("client_id")
    team = CareTeamMembership.objects.filter(who).exclude(client_id__in=restricted_not_named).values("client_id")
    ids = Q(pk__in=team)
    if Relation.EMERGENCY in allowed:
        ids |= Q(pk__in=running_emergency_accesses(user).values("client_id"))
    return Client.objects.filter(ids).values("pk")
