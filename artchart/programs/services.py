"""Writes to the directive and program library.

Who manages the library: therapists, supervisors, program administrators and
admins of the organization. Interns use it but do not change it (their
directives are chosen under supervision); treatment-team members only read it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from artchart.core import audit
from artchart.core.changes import apply_changes
from artchart.core.models import Role, User
from artchart.programs.audit_actions import ProgramAction
from artchart.programs.models import Directive, Program

LIBRARY_MANAGERS = (Role.THERAPIST, Role.SUPERVISOR, Role.PROGRAM_ADMIN, Role.ADMIN)
NOT_A_LIBRARY_MANAGER = "Only therapists, supervisors, program administrators and admins change the library."
NOT_IN_AN_ORGANIZATION = "Only a member of an organization adds to its library."
DIRECTIVE_FIELDS = ("name", "description", "materials", "site")
PROGRAM_FIELDS = ("name", "description", "site")


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
def directive_create(*, by: User, **fields: Any) -> Directive:
    _require_manager(by)
    directive = Directive(organization_id=_organization_id(by))
    apply_changes(directive, fields, DIRECTIVE_FIELDS)
    directive.full_clean()
    directive.save()
    audit.record(actor=by, action=ProgramAction.DIRECTIVE_CREATE, obj=directive)
    return directive


@transaction.atomic
def directive_update(*, by: User, directive: Directive, **fields: Any) -> Directive:
    _require_manager(by)
    changed = apply_changes(directive, fields, DIRECTIVE_FIELDS)
    if changed:
        directive.full_clean()
        directive.save()
        audit.record(actor=by, action=ProgramAction.DIRECTIVE_UPDATE, obj=directive, detail={"fields": changed})
    return directive


@transaction.atomic
def program_create(*, by: User, **fields: Any) -> Program:
    _require_manager(by)
    program = Program(organization_id=_organization_id(by))
    apply_changes(program, fields, PROGRAM_FIELDS)
    program.full_clean()
    program.save()
    audit.record(actor=by, action=ProgramAction.PROGRAM_CREATE, obj=program)
    return program


@transaction.atomic
def program_update(*, by: User, program: Program, **fields: Any) -> Program:
    _require_manager(by)
    changed = apply_changes(program, fields, PROGRAM_FIELDS)
    if changed:
        program.full_clean()
        program.save()
        audit.record(actor=by, action=ProgramAction.PROGRAM_UPDATE, obj=program, detail={"fields": changed})
    return program
