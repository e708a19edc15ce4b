"""API for the directive and program library."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from ninja import Router, Schema, Status
from pydantic import Field

from artchart.core.api import Id, paginated
from artchart.core.selectors import active_sites_for
from artchart.programs import selectors, services
from artchart.programs.models import SITE_UNKNOWN

router = Router(tags=["programs"])


class DirectiveIn(Schema):
    name: str = Field(max_length=200)
    description: str = Field("", max_length=2000)
    materials: str = Field("", max_length=1000)
    site: Id | None = None


class DirectiveOut(Schema):
    id: int
    name: str
    description: str
    materials: str
    site: int | None

    @staticmethod
    def resolve_site(entry) -> int | None:
        return entry.site_id


class ProgramIn(Schema):
    name: str = Field(max_length=200)
    description: str = Field("", max_length=2000)
    site: Id | None = None


class ProgramOut(Schema):
    id: int
    name: str
    description: str
    site: int | None

    @staticmethod
    def resolve_site(entry) -> int | None:
        return entry.site_id


def _fields(request, payload) -> dict:
    fields = payload.dict()
    if fields["site"] is not None and not active_sites_for(request.user).filter(pk=fields["site"]).exists():
        raise ValidationError({"site": SITE_UNKNOWN})
    return fields


@router.get("directives", response=list[DirectiveOut], url_name="directives_list")
@paginated
def directives_list(request):
    return list(selectors.directives_for(request.user))


@router.post("directives", response={201: DirectiveOut}, url_name="directives_create")
def directives_create(request, payload: DirectiveIn):
    return Status(201, services.directive_create(by=request.user, **_fields(request, payload)))


@router.get("", response=list[ProgramOut], url_name="programs_list")
@paginated
def programs_list(request):
    return list(selectors.programs_for(request.user))


@router.post("", response={201: ProgramOut}, url_name="programs_create")
def programs_create(request, payload: ProgramIn):
    return Status(201, services.program_create(by=request.user, **_fields(request, payload)))
