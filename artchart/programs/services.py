"""Writes to the directive and program library.

Who manages the library: therapists, supervisors, program administrators and
admins of the organization. Interns use it but do not change it (their
directives are chosen under supervision); treatment-team members only read it.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from artchart.core import audit
from artchart.core.changes import UNSET, apply_changes, save_changes
from artchart.core.messages import UserMessage
from artchart.core.models import Role, Site, User
from artchart.programs.audit_actions import ProgramAction
from artchart.programs.models import Directive, Program

LIBRARY_MANAGERS = (Role.THERAPIST, Role.SUPERVISOR, Role.PROGRAM_ADMIN, Role.ADMIN)
NOT_A_LIBRARY_MANAGER = UserMessage(
    "not_a_library_manager", "Only therapists, supervisors, program administrators and admins change the library."
)
NOT_IN_AN_ORGANIZATION = UserMessage("not_in_an_organization", "Only a member of an organization adds to its library.")


def may_manage_library(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in LIBRARY_MANAGERS)


def _require_manager(user: User) -> None:
    if not may_manage_library(user):
        raise PermissionDenied(NOT_A_LIBRARY_MANAGER)


def _organization_id(user: User) -> int:
    # An account outside every organization (a platform superuser) has no library to add to.
    if user.organization_id is None:
        raise ValidationError({"organization": NOT_IN_AN_ORGANIZATION})
    return user.organization_id


@transaction.atomic
def directive_create(
    *,
    by: User,
    name: str = UNSET,
    description: str = UNSET,
    materials: str = UNSET,
    site: Site | int | None = UNSET,
) -> Directive:
    _require_manager(by)
    directive = Directive(organization_id=_organization_id(by))
    apply_changes(directive, {"name": name, "description": description, "materials": materials, "site": site})
    directive.full_clean()
    directive.save()
    audit.record(actor=by, action=ProgramAction.DIRECTIVE_CREATE, obj=directive)
    return directive


@transaction.atomic
def directive_update(
    *,
    by: User,
    directive: Directive,
    name: str = UNSET,
    description: str = UNSET,
    materials: str = UNSET,
    site: Site | int | None = UNSET,
) -> Directive:
    """Change the given fields; nothing is saved or audited when none changed."""
    _require_manager(by)
    directive = Directive.objects.select_for_update().get(pk=directive.pk)
    changed = apply_changes(directive, {"name": name, "description": description, "materials": materials, "site": site})
    if not changed:
        return directive
    directive.full_clean()
    save_changes(directive, changed)
    audit.record(actor=by, action=ProgramAction.DIRECTIVE_UPDATE, obj=directive, detail={"fields": changed})
    return directive


@transaction.atomic
def program_create(
    *, by: User, name: str = UNSET, description: str = UNSET, site: Site | int | None = UNSET
) -> Program:
    _require_manager(by)
    program = Program(organization_id=_organization_id(by))
    apply_changes(program, {"name": name, "description": description, "site": site})
    program.full_clean()
    program.save()
    audit.record(actor=by, action=ProgramAction.PROGRAM_CREATE, obj=program)
    return program


@transaction.atomic
def program_update(
    *,
    by: User,
    program: Program,
    name: str = UNSET,
    description: str = UNSET,
    site: Site | int | None = UNSET,
) -> Program:
    """Change the given fields; nothing is saved or audited when none changed."""
    _require_manager(by)
    program = Program.objects.select_for_update().get(pk=program.pk)
    changed = apply_changes(program, {"name": name, "description": description, "site": site})
    if not changed:
        return program
    program.full_clean()
    save_changes(program, changed)
    audit.record(actor=by, action=ProgramAction.PROGRAM_UPDATE, obj=program, detail={"fields": changed})
    return program
