"""Reads of the library: everyone in the organization may see it (it holds no client data)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from artchart.programs.models import Directive, Program


def directives_for(user) -> QuerySet[Directive]:
    return Directive.objects.filter(organization_id=user.organization_id).select_related("site")


def programs_for(user) -> QuerySet[Program]:
    return Program.objects.filter(organization_id=user.organization_id).select_related("site")


def directive_get(user, directive_id: int) -> Directive:
    return get_object_or_404(directives_for(user), pk=directive_id)


def program_get(user, program_id: int) -> Program:
    return get_object_or_404(programs_for(user), pk=program_id)
