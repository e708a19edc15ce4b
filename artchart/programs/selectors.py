"""Reads of the library: everyone in the organization may see it (it holds no client data)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from artchart.core.models import User
from artchart.programs.models import Directive, Program


# An account outside every organization has organization_id None, which Django reads as IS NULL
# (no entry matches); django-stubs refuses None for a non-null key, hence the ignores.
def directives_for(user: User) -> QuerySet[Directive]:
    return Directive.objects.filter(organization_id=user.organization_id).select_related("site")  # type: ignore[misc]


def programs_for(user: User) -> QuerySet[Program]:
    return Program.objects.filter(organization_id=user.organization_id).select_related("site")  # type: ignore[misc]


def directive_get(user: User, directive_id: int) -> Directive:
    return get_object_or_404(directives_for(user), pk=directive_id)


def program_get(user: User, program_id: int) -> Program:
    return get_object_or_404(programs_for(user), pk=program_id)
