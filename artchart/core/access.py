"""Access checks that views, the API and services share.

Someone with no place in a client's care team gets 404 (``Http404``), so an id
tells an outsider nothing; someone who may see the client but not do this
particular thing gets 403 (``PermissionDenied``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from artchart.core.messages import UserMessage
from artchart.core.models import Role
from artchart.core.permissions import Action, Area, Relation, allows, may_break_glass, relations_of

NOT_FOUND = UserMessage("client_not_found", "No such client, or it is not on a care team of yours.")
NOT_ALLOWED = UserMessage("not_allowed", "Your place on this client's care team does not allow this.")
ADMINS_ONLY = UserMessage("admins_only", "Only an admin may do this.")
NOT_DESIGNATED = UserMessage(
    "not_designated_for_emergency_access",
    "Emergency access is only for people an admin has designated to break the glass.",
)


class Conflict(ValidationError):
    """The record's state refuses this change (a signed plan is final): a form error on the web, 409 in the API."""


def require_client_access(user, client_id: int, area: Area, action: Action) -> frozenset[Relation]:
    relations = relations_of(user, client_id)
    if not allows(relations, Area.DEMOGRAPHICS, Action.READ) and not allows(relations, area, action):
        raise Http404(NOT_FOUND)
    if not allows(relations, area, action):
        raise PermissionDenied(NOT_ALLOWED)
    return relations


def require_role(user, *roles: str) -> None:
    if not (user.is_authenticated and user.is_active and user.role in roles):
        raise PermissionDenied(ADMINS_ONLY if roles == (Role.ADMIN,) else NOT_ALLOWED)


def require_break_glass(user) -> None:
    """Only a user an admin has designated may search for a client to break the glass (403 otherwise)."""
    if not may_break_glass(user):
        raise PermissionDenied(NOT_DESIGNATED)
