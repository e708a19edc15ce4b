"""Writes to organization-level records. Each is one transaction with its audit event."""

from __future__ import annotations

import datetime as dt
import hashlib
import math

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone

from artchart.core import audit, mail, mfa, panel_registry
from artchart.core.access import require_role
from artchart.core.audit_actions import CoreAction
from artchart.core.changes import UNSET, apply_changes, save_changes
from artchart.core.known_devices import SignInSource
from artchart.core.messages import UserMessage
from artchart.core.models import (
    ApiToken,
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
from artchart.core.permissions import client_ids_found_for_audit, relations_provider
from artchart.core.secrets import new_secret, secret_hash

NOT_SAME_ORGANIZATION = UserMessage("not_same_organization", "This person belongs to another organization.")
NO_SELF_LOCKOUT = UserMessage(
    "no_self_lockout",
    "You cannot take away your own admin role or deactivate your own account; ask another admin to do it.",
)
SITE_NAME_TAKEN = UserMessage("site_name_taken", "Your organization already has a site of that name.")
ON_CALL_NOT_CLINICIAN = UserMessage(
    "on_call_not_clinician", "The on-call clinician must be an active therapist or supervisor of your organization."
)
SUPERVISOR_ROLE_NEEDED = UserMessage(
    "supervisor_role_needed", "A supervisor must have the role supervisor or therapist."
)
SUPERVISEE_ROLE_NEEDED = UserMessage("supervisee_role_needed", "A supervisee must have the role intern or therapist.")
SUPERVISION_SELF = UserMessage("supervision_self", "Nobody can supervise themselves: choose two different people.")
SUPERVISION_INACTIVE = UserMessage("supervision_inactive", "This account is deactivated; reactivate it first.")
SUPERVISION_ALREADY_OPEN = UserMessage(
    "supervision_already_open", "This supervisor already supervises this person; end that link before starting another."
)
SUPERVISION_ALREADY_ENDED = UserMessage("supervision_already_ended", "This supervision link has already ended.")

# --- users ----------------------------------------------------------------------


@transaction.atomic
def user_create(
    *,
    by: User,
    password: str,
    username: str = UNSET,
    first_name: str = UNSET,
    last_name: str = UNSET,
    email: str = UNSET,
    role: str = UNSET,
    credentials: str = UNSET,
    npi: str = UNSET,
    licence: str = UNSET,
) -> User:
    require_role(by, Role.ADMIN)
    user = User(organization_id=by.organization_id)
    apply_changes(
        user,
        {
            "username": username,
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
            "role": role,
            "credentials": credentials,
            "npi": npi,
            "licence": licence,
        },
    )
    user.full_clean(exclude=["password"])
    _validate_password(password, user)
    user.set_password(password)
    user.save()
    audit.record(actor=by, action=CoreAction.USER_CREATE, obj=user, detail={"role": user.role})
    return user


@transaction.atomic
def user_update(
    *,
    by: User,
    user: User,
    username: str = UNSET,
    first_name: str = UNSET,
    last_name: str = UNSET,
    email: str = UNSET,
    role: str = UNSET,
    credentials: str = UNSET,
    npi: str = UNSET,
    licence: str = UNSET,
    is_active: bool = UNSET,
    may_break_glass: bool = UNSET,
) -> User:
    """Change the given fields of an account; nothing is saved or audited when none changed.

    ``may_break_glass`` is kept by the clients app, which writes and audits it in this transaction.
    """
    require_role(by, Role.ADMIN)
    if user.organization_id != by.organization_id:
        raise ValidationError(NOT_SAME_ORGANIZATION)
    user = User.objects.select_for_update().get(pk=user.pk)
    changed = apply_changes(
        user,
        {
            "username": username,
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
            "role": role,
            "credentials": credentials,
            "npi": npi,
            "licence": licence,
            "is_active": is_active,
        },
    )
    if may_break_glass is not UNSET:
        relations_provider().break_glass_designation_set(by=by, user=user, designated=bool(may_break_glass))
    if not changed:
        return user
    _check_no_self_lockout(by, user)
    user.full_clean(exclude=["password"])
    saved = list(changed)
    if {"role", "is_active"} & set(changed):
        # A role change or deactivation ends every session and API token at once.
        user.security_epoch += 1
        saved.append("security_epoch")
    save_changes(user, saved)
    audit.record(
        actor=by,
        action=CoreAction.USER_UPDATE,
        obj=user,
        detail={"fields": changed, "role": user.role},
        flagged="role" in changed,
    )
    return user


def _check_no_self_lockout(by: User, user: User) -> None:
    """An admin cannot take away their own admin role or deactivate themselves."""
    if user.pk == by.pk and (user.role != Role.ADMIN or not user.is_active):
        raise ValidationError(NO_SELF_LOCKOUT)


@transaction.atomic
def user_set_password(*, by: User, user: User, password: str, via: str = "") -> User:
    if by.pk != user.pk:
        require_role(by, Role.ADMIN)
        if user.organization_id != by.organization_id:
            raise ValidationError(NOT_SAME_ORGANIZATION)
    _validate_password(password, user)
    user.set_password(password)
    user.security_epoch += 1  # ends API tokens; the new hash already ends sessions
    user.save(update_fields=["password", "security_epoch"])
    audit.record(actor=by, action=CoreAction.USER_PASSWORD_SET, obj=user, detail={"via": via} if via else {})
    _notify(user, NOTICE_PASSWORD_CHANGED)
    return user


def _validate_password(password: str, user: User) -> None:
    """Django's password validators, with their messages on the ``password`` field."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc


# --- sites ---------------------------------------------------------------------


@transaction.atomic
def site_create(
    *, by: User, name: str, population_type: str, address: str = "", on_call_clinician: User | None = None
) -> Site:
    require_role(by, Role.ADMIN)
    # An admin outside every organization leaves it empty, and full_clean refuses the site;
    # django-stubs refuses the None before that.
    site = Site(
        organization_id=by.organization_id,  # type: ignore[misc]
        name=name,
        population_type=population_type,
        address=address,
        on_call_clinician=on_call_clinician,
    )
    _check_site_name_free(site)
    _check_on_call(site)
    site.full_clean()
    site.save()
    audit.record(actor=by, action=CoreAction.SITE_CREATE, obj=site)
    return site


@transaction.atomic
def site_update(
    *,
    by: User,
    site: Site,
    name: str = UNSET,
    population_type: str = UNSET,
    address: str = UNSET,
    is_active: bool = UNSET,
    on_call_clinician: User | int | None = UNSET,
) -> Site:
    """Change the given fields of a site; nothing is saved or audited when none changed."""
    require_role(by, Role.ADMIN)
    if site.organization_id != by.organization_id:
        raise ValidationError(NOT_SAME_ORGANIZATION)
    site = Site.objects.select_for_update().get(pk=site.pk)
    changed = apply_changes(
        site,
        {
            "name": name,
            "population_type": population_type,
            "address": address,
            "is_active": is_active,
            "on_call_clinician": on_call_clinician,
        },
    )
    if not changed:
        return site
    _check_site_name_free(site)
    _check_on_call(site)
    site.full_clean()
    save_changes(site, changed)
    audit.record(actor=by, action=CoreAction.SITE_UPDATE, obj=site, detail={"fields": changed})
    return site


def _check_on_call(site: Site) -> None:
    clinician = site.on_call_clinician
    if clinician is not None and (
        clinician.organization_id != site.organization_id
        or not clinician.is_active
        or clinician.role not in (Role.THERAPIST, Role.SUPERVISOR)
    ):
        raise ValidationError({"on_call_clinician": ON_CALL_NOT_CLINICIAN})


def _check_site_name_free(site: Site) -> None:
    # The unique constraint would say the same in words no one reads twice.
    if Site.objects.filter(organization_id=site.organization_id, name__iexact=site.name).exclude(pk=site.pk).exists():
        raise ValidationError({"name": SITE_NAME_TAKEN})


# --- supervision -------------------------------------------------------------------


@transaction.atomic
def supervision_link_create(*, by: User, supervisor: User, supervisee: User) -> SupervisionLink:
    require_role(by, Role.ADMIN)
    _check_supervision_pair(by=by, supervisor=supervisor, supervisee=supervisee)
    link = SupervisionLink(supervisor=supervisor, supervisee=supervisee)
    link.full_clean()
    link.save()
    audit.record(
        actor=by,
        action=CoreAction.SUPERVISION_START,
        obj=link,
        detail={"supervisor": supervisor.pk, "supervisee": supervisee.pk},
    )
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
    audit.record(actor=by, action=CoreAction.SUPERVISION_END, obj=link)
    return link


# --- API tokens ----------------------------------------------------------------------


@transaction.atomic
def token_issue(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token; the raw value is returned once and never stored."""
    raw = new_secret("ac_")
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=raw[3:11],
        key_hash=secret_hash(raw),
        security_epoch=user.security_epoch,
        expires_at=timezone.now() + dt.timedelta(days=settings.API_TOKEN_DAYS),
    )
    audit.record(actor=user, action=CoreAction.TOKEN_ISSUE, obj=token)
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
        audit.record(actor=by, action=CoreAction.TOKEN_REVOKE, obj=token)
    return token


def token_authenticate(raw: str) -> User | None:
    """The user a live token belongs to, or None. Marks the token used."""
    token = ApiToken.objects.select_related("user").filter(key_hash=secret_hash(raw)).first()
    if token is None or not token.is_live:
        return None
    now = timezone.now()
    # Record use at most once a minute: a write per API call would serialise
    # them. Each API request's reads are audited with the user anyway; this
    # event says which token, and from where, the calls came.
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        with transaction.atomic():
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            audit.record(actor=token.user, action=CoreAction.TOKEN_USE, obj=token)
    return token.user


# --- sign-in ----------------------------------------------------------------------------


@transaction.atomic
def sign_in_recorded(*, user: User | None, username: str, succeeded: bool, source: SignInSource) -> None:
    """Audit a sign-in attempt. The username typed is kept only as a hash on failure.

    A success clears the failure count of the username from that source; a failure counts
    toward the lockout (``sign_in_failure_counted``), for a real username or an unknown one alike.
    """
    if succeeded:
        audit.record(actor=user, action=CoreAction.AUTH_LOGIN, obj=user)
        sign_in_throttle_clear(username=username, source=source)
    else:
        audit.record(
            actor=None,
            action=CoreAction.AUTH_LOGIN_FAILED,
            flagged=False,
            detail={"username_sha256": _username_sha(username)},
        )
        sign_in_failure_counted(username=username, source=source)


@transaction.atomic
def sign_out_recorded(*, user: User) -> None:
    audit.record(actor=user, action=CoreAction.AUTH_LOGOUT, obj=user)


# --- the first day -------------------------------------------------------------------------

ALREADY_SET_UP = UserMessage(
    "practice_already_set_up",
    "This practice is already set up: it has an organization or people. Nothing was changed. "
    "Sign in as an admin to add sites and people.",
)
NAME_NEEDED = UserMessage("admin_name_needed", "The first admin's first and last name are both needed.")


@transaction.atomic
def practice_setup(
    *,
    organization_name: str,
    site_name: str,
    population_type: str,
    username: str,
    password: str,
    first_name: str,
    last_name: str,
    email: str = "",
    site_address: str = "",
    via: str = "command",
) -> User:
    """A new practice's first records: the organization, its first site and its first admin.

    Refused while any organization or person exists, so it can only ever start a practice;
    every field and the password (Django's validators) are checked before anything is
    written. The admin enrols a second factor at the first sign-in (``mfa.required_for``).
    """
    _check_nothing_set_up()
    organization = Organization(name=organization_name.strip())
    site = Site(name=site_name.strip(), population_type=population_type, address=site_address.strip())
    admin = User(
        username=username.strip(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
        role=Role.ADMIN,
    )
    errors: dict[str, list[str]] = {}
    for row, exclude, prefix in (
        (organization, [], "organization_"),
        (site, ["organization"], "site_"),
        (admin, ["password", "organization"], ""),
    ):
        try:
            row.full_clean(exclude=exclude, validate_unique=row is admin, validate_constraints=False)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(_setup_field(prefix, field), []).extend(messages)
    for field, value in (("first_name", admin.first_name), ("last_name", admin.last_name)):
        if not value:
            errors.setdefault(field, []).append(NAME_NEEDED)
    try:
        _validate_password(password, admin)
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.message_dict["password"])
    if errors:
        raise ValidationError(errors)
    organization.save()
    site.organization = organization
    site.save()
    admin.organization = organization
    admin.set_password(password)
    admin.save()
    detail = {"via": via}
    audit.record(actor=admin, action=CoreAction.ORGANIZATION_CREATE, obj=organization, detail=detail)
    audit.record(actor=admin, action=CoreAction.SITE_CREATE, obj=site, detail=detail)
    audit.record(actor=admin, action=CoreAction.USER_CREATE, obj=admin, detail={"role": admin.role, **detail})
    # What later apps start a practice with (the materials catalogue), in this transaction.
    panel_registry.practice_started(admin)
    return admin


def _setup_field(prefix: str, field: str) -> str:
    # The organization's and the site's "name" are different fields of one form.
    return f"{prefix}{field}" if field != "__all__" else field


# Any fixed number: the PostgreSQL advisory lock that lets one practice setup run at a time.
SETUP_LOCK = 0x41525443  # "ARTC"


def _check_nothing_set_up() -> None:
    # Two first runs at once would both find the install empty. SQLite's transactions here begin
    # IMMEDIATE, so they queue already; PostgreSQL needs a lock held to the end of the transaction.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SETUP_LOCK])
    if Organization.objects.exists() or User.objects.exists():
        raise ValidationError(ALREADY_SET_UP)


@transaction.atomic
def superuser_adopted(*, user: User) -> User:
    """An operator's account made by ``createsuperuser``: the admin role in the practice's organization.

    Without the role it would sign in as a therapist with nothing to do; with it, it must
    enrol a second factor like every admin (``mfa.required_for``).
    """
    organizations = list(Organization.objects.all()[:2])
    user = User.objects.select_for_update().get(pk=user.pk)
    user.role = Role.ADMIN
    if user.organization_id is None and len(organizations) == 1:
        user.organization = organizations[0]
    user.save(update_fields=["role", "organization"])
    audit.record(actor=None, action=CoreAction.USER_CREATE, obj=user, detail={"role": user.role, "via": "superuser"})
    return user


@transaction.atomic
def organization_create(*, name: str, is_demo: bool = False) -> Organization:
    organization = Organization.objects.create(name=name, is_demo=is_demo)
    audit.record(actor=None, action=CoreAction.ORGANIZATION_CREATE, obj=organization)
    return organization


@transaction.atomic
def audit_export_recorded(*, by: User, filters: dict[str, object]) -> None:
    """Exporting the audit report is itself an audited (and flagged) act."""
    require_role(by, Role.ADMIN)
    kept = {k: (str(v) if v is not None else None) for k, v in filters.items() if v not in (None, "", False)}
    if "client" in kept:
        # A name typed in the filter is client data, which events never hold: keep the clients it meant.
        kept["client"] = ",".join(str(cid) for cid in client_ids_found_for_audit(by, kept["client"] or ""))
    audit.record(actor=by, action=CoreAction.AUDIT_EXPORT, detail={"filters": kept}, flagged=True)


# --- lockout ---------------------------------------------------------------------------------
# Failures are counted per (username, source), whether or not the account exists, so a
# lock and the answer to a locked pair are the same for both; and per address across
# usernames. The settings say how many and how long (LOCKOUT_* in artchart/settings.py).

SIGN_IN_LOCKED = UserMessage(
    "sign_in_locked",
    "Too many failed sign-ins from here. Wait {wait} and try again, or ask your administrator.",
)


def locked_message(until: dt.datetime) -> UserMessage:
    """What a paused sign-in is told: how long to wait, never whether the username exists."""
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    return SIGN_IN_LOCKED.format(wait="a minute" if minutes == 1 else f"{minutes} minutes")


def _username_sha(username: str) -> str:
    return hashlib.sha256(username.lower().encode()).hexdigest()[:16]


def _pause(failures: int, limit: int) -> dt.timedelta | None:
    """From the ``limit``-th failure on, a pause that doubles each time, up to the cap."""
    if failures < limit:
        return None
    minutes = settings.LOCKOUT_FIRST_MINUTES * 2 ** min(failures - limit, 30)
    return dt.timedelta(minutes=min(minutes, settings.LOCKOUT_MAX_MINUTES))


def _counted(
    scope: str, *, username_key: str, source: SignInSource, user: User | None, limit: int
) -> SignInThrottle | None:
    """One more failure on the throttle row; the row if this failure paused it, else None."""
    now = timezone.now()
    row, _ = SignInThrottle.objects.select_for_update().get_or_create(
        key=SignInThrottle.key_for(scope, username_key, source.key),
        defaults={"scope": scope, "username_key": username_key, "source": source.key, "last_failure_at": now},
    )
    if now - row.last_failure_at > dt.timedelta(hours=settings.LOCKOUT_FORGET_HOURS):
        row.failures = 0
    row.failures += 1
    row.last_failure_at, row.user = now, user
    pause = _pause(row.failures, limit)
    if pause is not None:
        row.locked_until = now + pause
    row.save()
    return row if pause is not None else None


def _minutes(row: SignInThrottle) -> int:
    return round((row.locked_until - row.last_failure_at).total_seconds() / 60) if row.locked_until else 0


@transaction.atomic
def sign_in_failure_counted(*, username: str, source: SignInSource) -> bool:
    """Count one failed password or code for ``username`` from ``source``; True if it paused the pair or the address.

    Every pause is audited (flagged); the account holder is told by e-mail of the first one in a run.
    """
    user = User.objects.filter(username__iexact=username.strip()).first()
    paused = _counted(
        ThrottleScope.ACCOUNT,
        username_key=mfa.username_key(username),
        source=source,
        user=user,
        limit=settings.LOCKOUT_FAILURES,
    )
    if paused is not None:
        audit.record(
            actor=None,
            action=CoreAction.AUTH_LOCKED_OUT,
            obj=user,
            flagged=True,
            detail={
                "username_sha256": _username_sha(username),
                "source": "known_device" if source.device else "address",
                "failures": paused.failures,
                "minutes": _minutes(paused),
            },
        )
        if paused.failures == settings.LOCKOUT_FAILURES:
            _notify(user, NOTICE_LOCKED)
    address_paused = None
    if not source.device:
        address_paused = _counted(
            ThrottleScope.ADDRESS,
            username_key="",
            source=source,
            user=None,
            limit=settings.LOCKOUT_ADDRESS_FAILURES,
        )
        if address_paused is not None:
            audit.record(
                actor=None,
                action=CoreAction.AUTH_ADDRESS_LOCKED,
                flagged=True,
                detail={
                    "address": source.address,
                    "failures": address_paused.failures,
                    "minutes": _minutes(address_paused),
                },
            )
    return paused is not None or address_paused is not None


@transaction.atomic
def sign_in_refused_locked(*, username: str, source: SignInSource) -> None:
    """Audit an attempt while the pair or the address is paused (the password is not even checked)."""
    audit.record(
        actor=None,
        action=CoreAction.AUTH_LOGIN_LOCKED,
        detail={"username_sha256": _username_sha(username), "source": "known_device" if source.device else "address"},
    )


def sign_in_throttle_clear(*, username: str, source: SignInSource) -> None:
    """A complete sign-in forgets the earlier failures of the pair (never a pause still running)."""
    SignInThrottle.objects.filter(
        key=SignInThrottle.key_for(ThrottleScope.ACCOUNT, mfa.username_key(username), source.key)
    ).filter(models.Q(locked_until__isnull=True) | models.Q(locked_until__lte=timezone.now())).delete()


@transaction.atomic
def lockout_clear(*, by: User, throttle: SignInThrottle) -> None:
    """An admin lifts a pause and forgets its failures (``lockout_get_for_admin`` found it in their scope)."""
    require_role(by, Role.ADMIN)
    row = SignInThrottle.objects.select_for_update().filter(pk=throttle.pk).first()
    if row is None:
        return  # cleared a moment ago by another admin, or forgotten: nothing is paused
    row.delete()
    detail: dict[str, object] = {"scope": row.scope, "failures": row.failures, "was_locked": row.is_locked}
    if row.scope == ThrottleScope.ADDRESS:
        detail["address"] = row.source_address
    else:
        detail["source"] = "known_device" if row.source.startswith("device:") else "address"
    audit.record(actor=by, action=CoreAction.AUTH_LOCKOUT_CLEARED, obj=row.user, flagged=True, detail=detail)


# --- second factor ------------------------------------------------------------------------------

MFA_CODE_WRONG = UserMessage(
    "mfa_code_wrong",
    "That code is not right. Type the six digits your authenticator app shows now "
    "(check that the phone sets its clock automatically), or one of your recovery codes.",
)
MFA_CODE_REUSED = UserMessage(
    "mfa_code_reused", "That code has already been used. Wait for your app to show the next code, then type that one."
)
MFA_RECOVERY_USED = UserMessage(
    "mfa_recovery_used", "That recovery code has already been used; each one works once. Use another."
)
MFA_RECOVERY_REPLACED = UserMessage(
    "mfa_recovery_replaced",
    "That recovery code belongs to an older set that was replaced when new codes were made. Use one of the new codes.",
)
MFA_NOT_ENROLLED = UserMessage("mfa_not_enrolled", "Two-step sign-in is not set up for this account.")
MFA_REQUIRED_KEEP = UserMessage(
    "mfa_required_keep",
    "Your role needs two-step sign-in, so it cannot be turned off. "
    "To move to a new phone, set up the authenticator again.",
)


def _epoch_bump(user: User) -> None:
    """End every other session and API token of the user (see User.get_session_auth_hash)."""
    user.security_epoch += 1
    user.save(update_fields=["security_epoch"])


def _recovery_codes_replace(user: User) -> list[str]:
    now = timezone.now()
    RecoveryCode.objects.filter(user=user, replaced_at__isnull=True).update(replaced_at=now)
    codes = mfa.new_recovery_codes()
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, code_hash=mfa.recovery_code_hashes(code)[0], created_at=now) for code in codes]
    )
    return codes


def mfa_enrol(*, user: User, secret: bytes, code: str) -> list[str]:
    """Confirm an authenticator with its first code; returns the new recovery codes (shown once).

    Replaces any earlier device and codes, and ends the user's other sessions and
    API tokens. A wrong code is audited (committed) and then refused.
    """
    with transaction.atomic():
        step = mfa.totp_step(secret, code)
        if step is not None:
            replaced = MfaDevice.objects.filter(user=user).delete()[0] > 0
            MfaDevice.objects.create(user=user, secret_encrypted=mfa.encrypt_secret(secret), last_step=step)
            codes = _recovery_codes_replace(user)
            _epoch_bump(user)
            audit.record(
                actor=user, action=CoreAction.AUTH_MFA_ENROL, obj=user, flagged=True, detail={"replaced": replaced}
            )
            _notify(user, NOTICE_MFA_ENROLLED)
            return codes
        audit.record(
            actor=user,
            action=CoreAction.AUTH_MFA_FAILED,
            obj=user,
            flagged=True,
            detail={"stage": "enrol", "reason": "wrong"},
        )
    raise ValidationError({"code": MFA_CODE_WRONG})


def mfa_verify(*, user: User, code: str, source: SignInSource, stage: str = "sign_in") -> str:
    """Check a second-factor code (TOTP or recovery) for ``user``; return "totp" or "recovery".

    A refusal (wrong, reused, used or replaced code) is audited, flagged and counted
    toward the lockout of the username from ``source``, all committed before the refusal is raised.
    """
    now = timezone.now()
    with transaction.atomic():
        device = MfaDevice.objects.select_for_update().filter(user=user).first()
        if device is None:
            reason, message = "no_device", MFA_NOT_ENROLLED
        elif mfa.is_totp_shaped(code):
            step = mfa.totp_step(mfa.decrypt_secret(device.secret_encrypted), code)
            if step is None:
                reason, message = "wrong", MFA_CODE_WRONG
            elif step <= device.last_step:
                reason, message = "reused", MFA_CODE_REUSED
            else:
                device.last_step, device.last_used_at = step, now
                device.save(update_fields=["last_step", "last_used_at"])
                audit.record(
                    actor=user, action=CoreAction.AUTH_MFA_VERIFIED, obj=user, detail={"method": "totp", "stage": stage}
                )
                return "totp"
        else:
            row = (
                RecoveryCode.objects.select_for_update()
                .filter(user=user, code_hash__in=mfa.recovery_code_hashes(code))
                .first()
            )
            if row is None:
                reason, message = "wrong", MFA_CODE_WRONG
            elif row.replaced_at is not None:
                reason, message = "recovery_replaced", MFA_RECOVERY_REPLACED
            elif row.used_at is not None:
                reason, message = "recovery_used", MFA_RECOVERY_USED
            else:
                row.used_at = now
                row.save(update_fields=["used_at"])
                left = RecoveryCode.objects.filter(user=user, used_at__isnull=True, replaced_at__isnull=True).count()
                audit.record(
                    actor=user,
                    action=CoreAction.AUTH_MFA_RECOVERY_USED,
                    obj=user,
                    flagged=True,
                    detail={"left": left, "stage": stage},
                )
                _notify(user, NOTICE_RECOVERY_USED)
                return "recovery"
        audit.record(
            actor=None,
            action=CoreAction.AUTH_MFA_FAILED,
            obj=user,
            flagged=True,
            detail={"stage": stage, "reason": reason},
        )
        sign_in_failure_counted(username=user.username, source=source)
    raise ValidationError({"code": message})


@transaction.atomic
def mfa_recovery_codes_regenerate(*, user: User) -> list[str]:
    """A new set of recovery codes (shown once); the old set stops working."""
    if not MfaDevice.objects.filter(user=user).exists():
        raise ValidationError(MFA_NOT_ENROLLED)
    codes = _recovery_codes_replace(user)
    _epoch_bump(user)
    audit.record(actor=user, action=CoreAction.AUTH_MFA_RECOVERY_REGENERATED, obj=user, flagged=True)
    _notify(user, NOTICE_RECOVERY_REGENERATED)
    return codes


@transaction.atomic
def mfa_remove(*, by: User, user: User) -> None:
    """Remove a user's authenticator and recovery codes.

    Users whose role requires a second factor cannot remove their own; an admin
    can (a lost phone), and the user enrols again at the next sign-in.
    """
    if by.pk != user.pk:
        require_role(by, Role.ADMIN)
        if user.organization_id != by.organization_id:
            raise ValidationError(NOT_SAME_ORGANIZATION)
    elif mfa.required_for(user):
        raise ValidationError(MFA_REQUIRED_KEEP)
    if not MfaDevice.objects.filter(user=user).exists():
        raise ValidationError(MFA_NOT_ENROLLED)
    MfaDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    _epoch_bump(user)
    audit.record(
        actor=by, action=CoreAction.AUTH_MFA_REMOVE, obj=user, flagged=True, detail={"by_admin": by.pk != user.pk}
    )
    _notify(user, NOTICE_MFA_REMOVED)


@transaction.atomic
def password_reset_requested(*, accounts: int) -> None:
    """Audit a reset request; the address typed is not kept, only how many accounts it matched."""
    audit.record(actor=None, action=CoreAction.AUTH_PASSWORD_RESET_REQUESTED, detail={"accounts": accounts})


# --- security notices by e-mail -------------------------------------------------------------------
# Only the account's own name, what happened and when: never client data.

NOTICE_PASSWORD_CHANGED = ("Your ArtChart password was changed", "the password of your ArtChart account was changed")
NOTICE_MFA_ENROLLED = (
    "Two-step sign-in was set up on your ArtChart account",
    "an authenticator app was set up for two-step sign-in to your ArtChart account",
)
NOTICE_MFA_REMOVED = (
    "Two-step sign-in was removed from your ArtChart account",
    "two-step sign-in was removed from your ArtChart account",
)
NOTICE_RECOVERY_REGENERATED = (
    "New ArtChart recovery codes were made",
    "a new set of recovery codes was made for your ArtChart account; the old ones no longer work",
)
NOTICE_RECOVERY_USED = (
    "A recovery code was used to sign in to ArtChart",
    "one of your recovery codes was used to sign in to your ArtChart account",
)
NOTICE_LOCKED = (
    "Your ArtChart account was locked",
    "your ArtChart account was locked for a while after repeated failed sign-ins",
)
NOTICE_BODY = """Hello {name},

On {when}, {what} (username: {username}).

If this was you, there is nothing more to do. If it was not, tell your ArtChart administrator at once.

This message was sent automatically by ArtChart. It never contains client information.
"""


def _notify(user: User | None, notice: tuple[str, str]) -> None:
    """E-mail a security notice to the user once the change commits (if they have an address)."""
    if user is None or not user.email:
        return
    subject, what = notice
    body = NOTICE_BODY.format(
        name=user.first_name or user.username,
        username=user.username,
        what=what,
        when=f"{timezone.localtime():%d %B %Y at %H:%M %Z}",
    )
    mail.send_after_commit(subject=subject, body=body, to=[user.email], what=f"The security notice {subject!r}")
