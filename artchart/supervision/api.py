"""API for the hours log: entries (list, log, confirm, return) and progress toward the credential."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from artchart.core.api import Day, Id, paginated
from artchart.core.messages import UserMessage
from artchart.supervision import rules, selectors, services
from artchart.supervision.rules import SupervisorCredential

router = Router(tags=["hours"])

SUPERVISOR_UNKNOWN = UserMessage("hours_supervisor_unknown", "Name one of your supervisors by their user id.")

Hours = Field(Decimal(0), ge=0, le=24, max_digits=4, decimal_places=2)


class LogFilter(Schema):
    supervisee: Id | None = Field(None, description="Whose log: yours when left out; a supervisee's for a supervisor")


class ProgressFilter(LogFilter):
    degree: rules.Degree = rules.Degree.ART_THERAPY


class EntryIn(Schema):
    date: Day
    direct_hours: Decimal = Hours
    individual_hours: Decimal = Hours
    group_hours: Decimal = Hours
    supervisor: Id
    supervisor_credential: SupervisorCredential
    setting: str = Field("", max_length=120)
    notes: str = Field("", max_length=1000)


class ReturnIn(Schema):
    reason: str = Field(max_length=500)


class EntryOut(Schema):
    id: int
    supervisee: int
    date: Day
    direct_hours: Decimal
    individual_hours: Decimal
    group_hours: Decimal
    supervisor: int
    supervisor_credential: str
    setting: str
    notes: str
    status: str
    return_reason: str
    standards: str
    from_sessions: list[int]

    @staticmethod
    def resolve_supervisee(entry) -> int:
        return entry.supervisee_id

    @staticmethod
    def resolve_supervisor(entry) -> int:
        return entry.supervisor_id


class RequirementOut(Schema):
    key: str
    label: str
    required: Decimal
    done: Decimal
    remaining: Decimal
    met: bool


class CredentialProgressOut(Schema):
    credential: str
    standards: str
    direct: Decimal
    individual: Decimal
    group: Decimal
    board_certified: Decimal
    board_certified_share: Decimal
    met: bool
    requirements: list[RequirementOut]


class ProgressOut(Schema):
    supervisee: int
    degree: str
    as_of: Day
    waiting_hours: Decimal
    credentials: list[CredentialProgressOut]


def _owner(request, supervisee: int | None):
    return selectors.log_owner_get(request.user, supervisee or request.user.pk)


@router.get("", response=list[EntryOut], url_name="hours_list")
@paginated
def hours_list(request, filters: Query[LogFilter]):
    return selectors.entries_of(_owner(request, filters.supervisee))


@router.post("", response={201: EntryOut}, url_name="hours_create")
def hours_create(request, payload: EntryIn):
    fields = payload.dict()
    supervisor = selectors.supervisors_of(request.user, fields["date"]).filter(pk=fields.pop("supervisor")).first()
    if supervisor is None and selectors.may_keep_log(request.user):
        raise ValidationError({"supervisor": SUPERVISOR_UNKNOWN})
    return Status(
        201,
        services.hours_log(by=request.user, supervisee=request.user, supervisor=supervisor, **fields),
    )


@router.post("/{entry_id}/confirm", response=EntryOut, url_name="hours_confirm")
def hours_confirm(request, entry_id: Id):
    return services.hours_confirm(by=request.user, entry=selectors.entry_get(request.user, entry_id))


@router.post("/{entry_id}/return", response=EntryOut, url_name="hours_return")
def hours_return(request, entry_id: Id, payload: ReturnIn):
    entry = selectors.entry_get(request.user, entry_id)
    return services.hours_return(by=request.user, entry=entry, reason=payload.reason)


@router.get("/progress", response=ProgressOut, url_name="hours_progress")
def hours_progress(request, filters: Query[ProgressFilter]):
    owner = _owner(request, filters.supervisee)
    progress = selectors.progress_of(owner, degree=filters.degree, as_of=timezone.localdate())
    return {
        "supervisee": owner.pk,
        "degree": progress["degree"].value,
        "as_of": progress["as_of"],
        "waiting_hours": progress["waiting_hours"],
        "credentials": [
            {
                "credential": p.credential.value,
                "standards": p.standards.code,
                "direct": p.direct,
                "individual": p.individual,
                "group": p.group,
                "board_certified": p.board_certified,
                "board_certified_share": p.board_certified_share,
                "met": p.met,
                "requirements": [
                    {
                        "key": r.key,
                        "label": r.label,
                        "required": r.required,
                        "done": r.done,
                        "remaining": r.remaining,
                        "met": r.met,
                    }
                    for r in p.requirements
                ],
            }
            for p in progress["credentials"]
        ],
    }
