"""Reads of organization-level records: users, sites, supervision, tokens, audit."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import operator
from functools import reduce
from typing import TypedDict

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from artchart.core import mfa
from artchart.core.access import require_role
from artchart.core.audit_actions import CoreAction
from artchart.core.known_devices import SignInSource
from artchart.core.models import (
    ApiToken,
    AuditCounter,
    AuditEvent,
    MfaDevice,
    Organization,
    RecoveryCode,
    Role,
    SignInThrottle,
    Site,
    SupervisionLink,
    ThrottleScope,
    User,
)
from artchart.core.permissions import client_ids_found_for_audit

SUPERVISOR_ROLES = (Role.SUPERVISOR, Role.THERAPIST)
SUPERVISEE_ROLES = (Role.INTERN, Role.THERAPIST)

# An account outside every organization has organization_id None, which Django reads as IS NULL
# (nothing matches); django-stubs refuses None in a lookup, hence the ignores on those filters.


def sites_for(user: User) -> QuerySet[Site]:
    return Site.objects.filter(organization_id=user.organization_id)  # type: ignore[misc]


def active_sites_for(user: User) -> QuerySet[Site]:
    return sites_for(user).filter(is_active=True)


def users_for_admin(admin: User, *, q: str = "", role: str = "", active: str = "") -> QuerySet[User]:
    require_role(admin, Role.ADMIN)
    users = User.objects.filter(organization_id=admin.organization_id)  # type: ignore[misc]
    for word in q.split():
        users = users.filter(Q(username__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word))
    if role:
        users = users.filter(role=role)
    if active in {"yes", "no"}:
        users = users.filter(is_active=active == "yes")
    return users


def user_get_for_admin(admin: User, user_id: int) -> User:
    """A user of the admin's organization; 404 for anyone else's."""
    user = users_for_admin(admin).filter(pk=user_id).first()
    if user is None:
        raise Http404
    return user


def site_get_for_admin(admin: User, site_id: int) -> Site:
    require_role(admin, Role.ADMIN)
    site = sites_for(admin).filter(pk=site_id).first()
    if site is None:
        raise Http404
    return site


def colleagues_of(user: User) -> QuerySet[User]:
    """Active users of the same organization, for picking care-team members."""
    return User.objects.filter(organization_id=user.organization_id, is_active=True)  # type: ignore[misc]


def supervision_links_for_admin(admin: User) -> QuerySet[SupervisionLink]:
    require_role(admin, Role.ADMIN)
    links = SupervisionLink.objects.filter(supervisor__organization_id=admin.organization_id)  # type: ignore[misc]
    return links.select_related("supervisor", "supervisee").order_by("ended_on", "supervisor__last_name")


def supervision_link_get_for_admin(admin: User, link_id: int) -> SupervisionLink:
    link = supervision_links_for_admin(admin).filter(pk=link_id).first()
    if link is None:
        raise Http404
    return link


def supervision_candidates(admin: User) -> tuple[QuerySet[User], QuerySet[User]]:
    """Active people who may supervise, and who may be supervised, in the admin's organization."""
    require_role(admin, Role.ADMIN)
    people = colleagues_of(admin)
    return people.filter(role__in=SUPERVISOR_ROLES), people.filter(role__in=SUPERVISEE_ROLES)


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).select_related("user")


def tokens_for_admin(admin: User) -> QuerySet[ApiToken]:
    require_role(admin, Role.ADMIN)
    tokens = ApiToken.objects.filter(user__organization_id=admin.organization_id)  # type: ignore[misc]
    return tokens.select_related("user")


def token_get_for_user(user: User, token_id: int) -> ApiToken:
    """A token its owner, or an admin of the owner's organization, may act on; 404 for anyone else."""
    tokens = ApiToken.objects.select_related("user").filter(pk=token_id)
    if user.role == Role.ADMIN and user.is_active:
        token = tokens.filter(Q(user=user) | Q(user__organization_id=user.organization_id)).first()
    else:
        token = tokens.filter(user=user).first()
    if token is None:
        raise Http404
    return token


def _about_any_of(client_ids: list[int]) -> Q:
    """Events whose client ids hold any of these (none: no event)."""
    if not client_ids:
        return Q(pk__in=[])
    return reduce(operator.or_, (Q(client_ids__contains=f",{cid},") for cid in client_ids))


def audit_events_for_admin(
    admin: User,
    *,
    actor_id: int | None = None,
    client: str = "",
    action: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
    flagged: bool = False,
    order: str = "-seq",
) -> QuerySet[AuditEvent]:
    require_role(admin, Role.ADMIN)
    # Events by the admin's colleagues, and those with no actor (failed sign-ins,
    # system events), which carry no client ids.
    events = AuditEvent.objects.select_related("actor").filter(
        Q(actor__organization_id=admin.organization_id) | Q(actor__isnull=True)
    )
    if actor_id:
        events = events.filter(actor_id=actor_id)
    if client:
        events = events.filter(_about_any_of(client_ids_found_for_audit(admin, client)))
    if action:
        # A group ("note.") takes every action under it; an action takes only itself.
        events = events.filter(action__startswith=action) if action.endswith(".") else events.filter(action=action)
    # Bounds in local time as datetimes, so the index on ``at`` serves them.
    if since:
        events = events.filter(at__gte=_start_of(since))
    if until:
        events = events.filter(at__lt=_start_of(until + dt.timedelta(days=1)))
    if flagged:
        events = events.filter(flagged=True)
    return events.order_by(*AUDIT_ORDERS.get(order, AUDIT_ORDERS["-seq"]))


# How the audit report may be sorted; the number breaks ties, so pages are stable.
AUDIT_ORDERS = {
    "-seq": ("-seq",),
    "seq": ("seq",),
    "actor": ("actor__last_name", "actor__first_name", "-seq"),
    "action": ("action", "-seq"),
}


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_head_for_admin(admin: User) -> int:
    """The number of the last event in the chain (the counter row the writer locks)."""
    require_role(admin, Role.ADMIN)
    return AuditCounter.objects.filter(id=1).values_list("last_seq", flat=True).first() or 0


def recent_activity_of(user: User, limit: int = 10) -> list[AuditEvent]:
    """The user's own latest changes, from the audit log (reads and sign-ins left out)."""
    return list(
        AuditEvent.objects.filter(actor=user).exclude(
            action__in=[
                CoreAction.CLIENT_READ,
                CoreAction.AUTH_LOGIN,
                CoreAction.AUTH_LOGOUT,
                CoreAction.AUTH_SESSION_EXPIRED,
            ]
        )[:limit]
    )


# --- sign-in ----------------------------------------------------------------------------


def sign_in_locked_until(username: str, source: SignInSource) -> dt.datetime | None:
    """When the pause on this username from ``source`` (or on the source's address) ends, or None.

    The same for unknown usernames; a known device is never paused by its address.
    """
    keys = [SignInThrottle.key_for(ThrottleScope.ACCOUNT, mfa.username_key(username), source.key)]
    if not source.device:
        keys.append(SignInThrottle.key_for(ThrottleScope.ADDRESS, "", source.key))
    rows = SignInThrottle.objects.filter(key__in=keys, locked_until__gt=timezone.now())
    return max((row.locked_until for row in rows if row.locked_until), default=None)


def lockouts_for_admin(admin: User) -> QuerySet[SignInThrottle]:
    """The pauses running now that an admin may see and clear: of their organization's accounts, and of
    addresses (which belong to no organization). Anyone else: not found.

    A username that names no account is not listed: it locks nobody out, and its pause ends by itself.
    """
    if not (admin.is_authenticated and admin.is_active and admin.role == Role.ADMIN):
        raise Http404
    return _lockouts_of(admin).filter(locked_until__gt=timezone.now()).order_by("-locked_until", "pk")


def _lockouts_of(admin: User) -> QuerySet[SignInThrottle]:
    return SignInThrottle.objects.filter(
        Q(scope=ThrottleScope.ADDRESS) | Q(user__isnull=False, user__organization_id=admin.organization_id)
    ).select_related("user")


def lockout_get_for_admin(admin: User, throttle_id: int) -> SignInThrottle:
    if not (admin.is_authenticated and admin.is_active and admin.role == Role.ADMIN):
        raise Http404
    throttle = _lockouts_of(admin).filter(pk=throttle_id).first()
    if throttle is None:
        raise Http404
    return throttle


class MfaStatus(TypedDict):
    device: MfaDevice | None
    codes_left: int
    required: bool


def mfa_status_of(user: User) -> MfaStatus:
    """The user's own second-factor state: enrolled, when, recovery codes left."""
    device = MfaDevice.objects.filter(user=user).first()
    left = RecoveryCode.objects.filter(user=user, used_at__isnull=True, replaced_at__isnull=True).count()
    return {"device": device, "codes_left": left if device else 0, "required": mfa.required_for(user)}


def has_mfa_device(user: User) -> bool:
    return MfaDevice.objects.filter(user=user).exists()


def practice_needs_setup() -> bool:
    """Whether this install is still empty: no organization and nobody, so the first-run page is open."""
    return not Organization.objects.exists() and not User.objects.exists()


def first_run_key() -> str:
    """The key the first-run page asks for on the server profile, printed by ``artchart serve``.

    Derived from SECRET_KEY, so only whoever can read the server's settings or its
    console can set up a practice a network can reach: without it, the first
    visitor of an empty install would make themselves its admin.
    """
    return hmac.new(settings.SECRET_KEY.encode(), b"artchart-first-run", hashlib.sha256).hexdigest()[:32]


def first_run_allowed(key: str) -> bool:
    """Whether this request may use the first-run page: always on the loopback-only local profile."""
    if settings.PROFILE == "local":
        return True
    return hmac.compare_digest(key.encode(), first_run_key().encode())


def sites_set_up(user: User) -> bool:
    """A second site, or the first one edited since the practice began (the checklist's first step)."""
    site_ids = [str(pk) for pk in sites_for(user).values_list("pk", flat=True)]
    if len(site_ids) > 1:
        return True
    return AuditEvent.objects.filter(
        action=CoreAction.SITE_UPDATE, object_type="core.site", object_id__in=site_ids
    ).exists()


def people_added(user: User) -> bool:
    """Anyone in the organization besides its first admin."""
    return User.objects.filter(organization_id=user.organization_id).count() > 1  # type: ignore[misc]
