"""Writes to organization-level records. Each is one transaction with its audit event."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from artchart.core import audit
from artchart.core.access import require_client_access, require_role
from artchart.core.models import (
    ApiToken,
    CareTeamMembership,
    CareTeamRole,
    Organization,
    Role,
    Site,
    SupervisionLink,
    User,
)
from artchart.core.permissions import Action, Area

LAST_PRIMARY = "A care team needs a primary therapist: name another before removing this one."
ALREADY_ON_TEAM = "This person is already on the care team."
NOT_SAME_ORGANIZATION = "This person belongs to another organization."
CLINICAL_ROLE_NEEDED = "An admin or program administrator cannot take a clinical place on a care team."
NO_SELF_LOCKOUT = ("You cannot take away your own admin role or deactivate your own account; "
                   "ask another admin to do it.")
SITE_NAME_TAKEN = "Your organization already has a site of that name."
SUPERVISOR_ROLE_NEEDED = "A supervisor must have the role supervisor or therapist."
SUPERVISEE_ROLE_NEEDED = "A supervisee must have the role intern or therapist."
SUPERVISION_SELF = "Nobody can supervise themselves: choose two different people."
SUPERVISION_INACTIVE = "This account is deactivated; reactivate it first."
SUPERVISION_ALREADY_OPEN = "This supervisor already supervises this person; end that link before starting another."
SUPERVISION_ALREADY_ENDED = "This supervision link has already ended."

USER_FIELDS = ("username", "first_name", "last_name", "email", "role", "credentials", "is_active")


# --- users ----------------------------------------------------------------------


@transaction.atomic
def user_create(*, by: User, password: str, **fields) -> User:
    require_role(by, Role.ADMIN)
    user = User(organization_id=by.organization_id, **{k: v for k, v in fields.items() if k in USER_FIELDS})
    user.full_clean(exclude=["password"])
    _validate_password(password, user)
    user.set_password(password)
    user.save()
    audit.record(actor=by, action="user.create", obj=user, detail={"role": user.role})
    return user


@transaction.atomic
def user_update(*, by: User, user: User, **fields) -> User:
    require_role(by, Role.ADMIN)
    if user.organization_id != by.organization_id:
        raise ValidationError(NOT_SAME_ORGANIZATION)
    changed = [name for name in USER_FIELDS if name in fields and getattr(user, name) != fields[name]]
    for name in changed:
        setattr(user, name, fields[name])
    if not changed:
        return user
    if user.pk == by.pk and (user.role != Role.ADMIN or not user.is_active):
        raise ValidationError(NO_SELF_LOCKOUT)
    user.full_clean(exclude=["password"])
    if {"role", "is_active"} & set(changed):
        # A role change or deactivation ends every session and API token at once.
        user.security_epoch += 1
    user.save()
    audit.record(actor=by, action="user.update", obj=user, detail={"fields": changed, "role": user.role},
                 flagged="role" in changed)
    return user


@transaction.atomic
def user_set_password(*, by: User, user: User, password: str) -> User:
    if by.pk != user.pk:
        require_role(by, Role.ADMIN)
        if user.organization_id != by.organization_id:
            raise ValidationError(NOT_SAME_ORGANIZATION)
    _validate_password(password, user)
    user.set_password(password)
    user.security_epoch += 1  # ends API tokens; the new hash already ends sessions
    user.save(update_fields=["password", "security_epoch"])
    audit.record(actor=by, action="user.password_set", obj=user)
    return user


def _validate_password(password: str, user: User) -> None:
    """Django's password validators, with their messages on the ``password`` field."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc


# --- sites ---------------------------------------------------------------------


@transaction.atomic
def site_create(*, by: User, name: str, population_type: str, address: str = "") -> Site:
    require_role(by, Role.ADMIN)
    site = Site(organization_id=by.organization_id, name=name, population_type=population_type, address=address)
    _check_site_name_free(site)
    site.full_clean()
    site.save()
    audit.record(actor=by, action="site.create", obj=site)
    return site


@transaction.atomic
def site_update(*, by: User, site: Site, **fields) -> Site:
    require_role(by, Role.ADMIN)
    if site.organization_id != by.organization_id:
        raise ValidationError(NOT_SAME_ORGANIZATION)
    changed = [k for k in ("name", "population_type", "address", "is_active") if k in fields and getattr(site, k) != fields[k]]
    if not changed:
        return site
    for name in changed:
        setattr(site, name, fields[name])
    _check_site_name_free(site)
    site.full_clean()
    site.save()
    audit.record(actor=by, action="site.update", obj=site, detail={"fields": changed})
    return site


def _check_site_name_free(site: Site) -> None:
    # The unique constraint would say the same in words no one reads twice.
    if Site.objects.filter(organization_id=site.organization_id, name__iexact=site.name).exclude(pk=site.pk).exists():
        raise ValidationError({"name": SITE_NAME_TAKEN})


# --- care teams ------------------------------------------------------------------


@transaction.atomic
def care_team_add(*, by: User, client_id: int, user: User, role: str) -> CareTeamMembership:
    require_client_access(by, client_id, Area.CARE_TEAM, Action.MANAGE)
    if user.organization_id != by.organization_id:
        raise ValidationError({"user": NOT_SAME_ORGANIZATION})
    if user.role in (Role.ADMIN, Role.PROGRAM_ADMIN):
        raise ValidationError({"user": CLINICAL_ROLE_NEEDED})
    if CareTeamMembership.objects.filter(client_id=client_id, user=user).exists():
        raise ValidationError({"user": ALREADY_ON_TEAM})
    membership = CareTeamMembership(client_id=client_id, user=user, role=role)
    membership.full_clean()
    membership.save()
    audit.record(actor=by, action="care_team.add", obj=membership, client_ids=[client_id],
                 detail={"user": user.pk, "role": role}, flagged=True)
    return membership


@transaction.atomic
def care_team_remove(*, by: User, membership: CareTeamMembership) -> None:
    require_client_access(by, membership.client_id, Area.CARE_TEAM, Action.MANAGE)
    if membership.role == CareTeamRole.PRIMARY and not CareTeamMembership.objects.filter(
        client_id=membership.client_id, role=CareTeamRole.PRIMARY
    ).exclude(pk=membership.pk).exists():
        raise ValidationError(LAST_PRIMARY)
    detail = {"user": membership.user_id, "role": membership.role}
    audit.record(actor=by, action="care_team.remove", obj=membership, client_ids=[membership.client_id],
                 detail=detail, flagged=True)
    membership.delete()


# --- supervision -------------------------------------------------------------------


@transaction.atomic
def supervision_link_create(*, by: User, supervisor: User, supervisee: User) -> SupervisionLink:
    require_role(by, Role.ADMIN)
    _check_supervision_pair(by=by, supervisor=supervisor, supervisee=supervisee)
    link = SupervisionLink(supervisor=supervisor, supervisee=supervisee)
    link.full_clean()
    link.save()
    audit.record(actor=by, action="supervision.start", obj=link, detail={"supervisor": supervisor.pk, "supervisee": supervisee.pk})
    return link


def _check_supervision_pair(*, by: User, supervisor: User, supervisee: User) -> None:
    if supervisor.pk == supervisee.pk:
        raise ValidationError({"supervisee": SUPERVISION_SELF})
    errors: dict[str, str] = {}
    for field, person, roles, message in (
        ("supervisor", supervisor, (Role.SUPERVISOR, Role.THERAPIST), SUPERVISOR_ROLE_NEEDED),
        ("supervisee", supervisee, (Role.INTERN, Role.THERAPIST), SUPERVISEE_ROLE_NEEDED),
    ):
        if person.organization_id != by.organization_id:
            errors[field] = NOT_SAME_ORGANIZATION
        elif not person.is_active:
            errors[field] = SUPERVISION_INACTIVE
        elif person.role not in roles:
            errors[field] = message
    if errors:
        raise ValidationError(errors)
    if SupervisionLink.objects.filter(supervisor=supervisor, supervisee=supervisee, ended_on__isnull=True).exists():
        raise ValidationError(SUPERVISION_ALREADY_OPEN)


@transaction.atomic
def supervision_link_end(*, by: User, link: SupervisionLink, on: dt.date | None = None) -> SupervisionLink:
    require_role(by, Role.ADMIN)
    if link.supervisor.organization_id != by.organization_id:
        raise ValidationError(NOT_SAME_ORGANIZATION)
    if link.ended_on is not None:
        raise ValidationError(SUPERVISION_ALREADY_ENDED)
    link.ended_on = on or timezone.localdate()
    link.save(update_fields=["ended_on"])
    audit.record(actor=by, action="supervision.end", obj=link)
    return link


# --- API tokens ----------------------------------------------------------------------


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_issue(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token; the raw value is returned once and never stored."""
    raw = "ac_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=raw[3:11],
        key_hash=_token_hash(raw),
        security_epoch=user.security_epoch,
        expires_at=timezone.now() + dt.timedelta(days=settings.API_TOKEN_DAYS),
    )
    audit.record(actor=user, action="token.issue", obj=token)
    return token, raw


@transaction.atomic
def token_revoke(*, by: User, token: ApiToken) -> ApiToken:
    if by.pk != token.user_id:
        require_role(by, Role.ADMIN)
        if token.user.organization_id != by.organization_id:
            raise ValidationError(NOT_SAME_ORGANIZATION)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=by, action="token.revoke", obj=token)
    return token


def token_authenticate(raw: str) -> User | None:
    """The user a live token belongs to, or None. Marks the token used."""
    token = ApiToken.objects.select_related("user").filter(key_hash=_token_hash(raw)).first()
    if token is None or not token.is_live:
        return None
    now = timezone.now()
    # Record use at most once a minute: a write per API call would serialise them.
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- sign-in ----------------------------------------------------------------------------


@transaction.atomic
def sign_in_recorded(*, user: User | None, username: str, succeeded: bool) -> None:
    """Audit a sign-in attempt. The username typed is kept only as a hash on failure."""
    if succeeded:
        audit.record(actor=user, action="auth.login", obj=user)
    else:
        audit.record(actor=None, action="auth.login_failed", flagged=False,
                     detail={"username_sha256": hashlib.sha256(username.lower().encode()).hexdigest()[:16]})


@transaction.atomic
def sign_out_recorded(*, user: User) -> None:
    audit.record(actor=user, action="auth.logout", obj=user)


@transaction.atomic
def organization_create(*, name: str, is_demo: bool = False) -> Organization:
    organization = Organization.objects.create(name=name, is_demo=is_demo)
    audit.record(actor=None, action="organization.create", obj=organization)
    return organization


@transaction.atomic
def audit_export_recorded(*, by: User, filters: dict) -> None:
    """Exporting the audit report is itself an audited (and flagged) act."""
    require_role(by, Role.ADMIN)
    kept = {k: (str(v) if v is not None else None) for k, v in filters.items() if v not in (None, "", False)}
    audit.record(actor=by, action="audit.export", detail={"filters": kept}, flagged=True)
