"""API for sessions, recurring series and rooms.

A new or moved session that double-books its therapist, room or a client is
answered 409 with the conflicts listed, and nothing is written, unless the
request says ``"allow_conflicts": true``; the answer then lists them beside the session.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from ninja import Query, Router, Schema, Status
from pydantic import Field

from artchart.clients.selectors import client_get_for_user
from artchart.core import audit
from artchart.core.api import (
    ERROR_CODES,
    MAX_MINUTES,
    ApiError,
    Day,
    Id,
    Listing,
    Minutes,
    Moment,
    error_body,
    paginated,
)
from artchart.core.messages import UserMessage
from artchart.core.permissions import Action, Area
from artchart.programs.models import Directive
from artchart.therapy import billing_rules
from artchart.therapy.models import Frequency, Modality, Session, SessionKind
from artchart.therapy.selectors import sessions as selectors
from artchart.therapy.services import billing
from artchart.therapy.services import sessions as services

router = Router(tags=["sessions"])

NOT_IN_ORGANIZATION = UserMessage("not_in_organization", "No such {what} in your organization.")
DURATION_OR_END = UserMessage("duration_or_end", "Give the session's duration_minutes or its ends_at.")
ENDS_AT_OUT_OF_RANGE = UserMessage("ends_at_out_of_range", "A session ends within a day of its start.")
# Ten years of weekly sessions; a longer series is left open-ended.
MAX_SERIES_COUNT = 520


CLASHES = UserMessage(
    "booking_clashes_api", "This booking clashes with others; send allow_conflicts: true to book it anyway."
)


class ConflictOut(ApiError):
    conflicts: list[str]


class ServiceLineOut(Schema):
    id: int
    code: str
    units: int
    modifiers: list[str]

    @staticmethod
    def resolve_modifiers(line) -> list[str]:
        return line.modifier_list


class ServiceLineIn(Schema):
    code: str = Field(max_length=10, description="A CPT code ArtChart records, such as 90834 or 90785")
    units: int = Field(1, ge=1, le=billing_rules.MAX_UNITS)
    modifiers: list[str] = Field([], max_length=billing_rules.MAX_MODIFIERS, description="95, GT or 93")


class SessionOut(Schema):
    id: int
    kind: str
    client: int | None
    group: int | None
    series: int | None
    therapist: int
    site: int
    room: int | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    duration_minutes: int
    modality: str
    status: str
    cancel_reason: str
    place_of_service: str
    service_lines: list[ServiceLineOut]
    directive: int | None
    conflicts: list[str] = []

    @staticmethod
    def resolve_service_lines(s: Session):
        return list(s.service_lines.all())

    @staticmethod
    def resolve_client(s: Session):
        return s.client_id

    @staticmethod
    def resolve_group(s: Session):
        return s.group_id

    @staticmethod
    def resolve_series(s: Session):
        return s.series_id

    @staticmethod
    def resolve_therapist(s: Session):
        return s.therapist_id

    @staticmethod
    def resolve_site(s: Session):
        return s.site_id

    @staticmethod
    def resolve_room(s: Session):
        return s.room_id

    @staticmethod
    def resolve_directive(s: Session):
        return s.directive_id

    @staticmethod
    def resolve_conflicts(s: Session):
        return getattr(s, "conflicts", [])


class SessionIn(Schema):
    kind: SessionKind = SessionKind.INDIVIDUAL
    client: Id | None = None
    group: Id | None = None
    therapist: Id | None = Field(None, description="Defaults to you")
    site: Id
    room: Id | None = None
    starts_at: Moment
    duration_minutes: Minutes | None = Field(None, description="Or give ends_at")
    ends_at: Moment | None = None
    modality: Modality = Modality.IN_PERSON
    cpt_code: str = Field("", max_length=10, description="The first service line's code, if any")
    place_of_service: str = Field("", max_length=10)
    modifier: str = Field("", max_length=10, description="The first service line's telehealth modifier")
    directive: Id | None = None
    allow_conflicts: bool = False


class SessionPatch(Schema):
    therapist: Id | None = None
    site: Id | None = None
    room: Id | None = None
    starts_at: Moment | None = None
    duration_minutes: Minutes | None = None
    ends_at: Moment | None = None
    modality: Modality | None = None
    place_of_service: str | None = Field(None, max_length=10)
    directive: Id | None = None
    allow_conflicts: bool = False


class CancelIn(Schema):
    reason: str = Field(max_length=300)


class SeriesIn(SessionIn):
    frequency: Frequency = Frequency.WEEKLY
    count: int | None = Field(None, ge=1, le=MAX_SERIES_COUNT, description="End after this many sessions")
    until: Day | None = Field(None, description="Or end on this date; neither means open-ended")


class SeriesOut(Schema):
    id: int
    kind: str
    frequency: str
    first_starts_at: dt.datetime
    count: int | None
    until: dt.date | None
    ended_at: dt.datetime | None
    generated_through: dt.date | None
    sessions: list[SessionOut]

    @staticmethod
    def resolve_sessions(series) -> list:
        return list(series.sessions.order_by("starts_at", "pk"))


class SeriesChangeIn(Schema):
    starts_at: Moment | None = Field(None, description="This occurrence's new start; later ones move alike")
    duration_minutes: Minutes | None = None
    therapist: Id | None = None
    room: Id | None = None


class RoomOut(Schema):
    id: int
    site: int
    name: str
    is_active: bool

    @staticmethod
    def resolve_site(room) -> int:
        return room.site_id


class SessionFilters(Schema):
    date_from: Day | None = Field(None, alias="from")
    date_to: Day | None = Field(None, alias="to")
    therapist: Id | None = None
    client: Id | None = None
    site: Id | None = None
    room: Id | None = None
    status: str = ""


def _pick(queryset, pk, what: str):
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ValidationError({what: NOT_IN_ORGANIZATION.format(what=what)})
    return found


def _duration(starts_at, duration_minutes, ends_at) -> int | None:
    if ends_at is not None and starts_at is not None:
        minutes = int((ends_at - starts_at).total_seconds() // 60)
        if minutes > MAX_MINUTES:  # an end before the start is the model's to refuse
            raise ValidationError({"ends_at": ENDS_AT_OUT_OF_RANGE})
        return minutes
    return duration_minutes


def _references(request, data: dict) -> dict:
    """The body's ids as the user's organization's objects (400 for one outside it)."""
    user = request.user
    refs = {}
    for name, queryset in (
        ("therapist", selectors.therapists_for(user)),
        ("site", selectors.sites_for(user)),
        ("room", selectors.rooms_for(user, active_only=False)),
        ("directive", Directive.objects.filter(organization_id=user.organization_id)),
    ):
        if data.get(name) is not None:
            refs[name] = _pick(queryset, data[name], name)
    return refs


def _new_session_fields(request, payload: SessionIn) -> dict:
    data = payload.dict()
    fields = _references(request, data)
    if data["client"] is not None:
        access = client_get_for_user(request.user, data["client"], area=Area.NOTES, action=Action.WRITE)
        fields["client"] = access.client
    if data["group"] is not None:
        fields["group"] = selectors.group_get_for_scheduling(request.user, data["group"])
    fields.setdefault("therapist", request.user)
    duration = _duration(data["starts_at"], data["duration_minutes"], data["ends_at"])
    if duration is None:
        raise ValidationError({"duration_minutes": DURATION_OR_END})
    fields.update(
        kind=data["kind"],
        starts_at=data["starts_at"],
        duration_minutes=duration,
        modality=data["modality"],
        cpt_code=data["cpt_code"],
        place_of_service=data["place_of_service"],
        modifier=data["modifier"],
    )
    return fields


def _conflicts(fields: dict, exclude_session_id=None) -> list[str]:
    client_ids = [fields["client"].pk] if fields.get("client") else []
    if fields.get("group"):
        client_ids = list(fields["group"].memberships.filter(left_on__isnull=True).values_list("client_id", flat=True))
    return selectors.conflicts_for(
        organization=fields["site"].organization_id,
        therapist=fields.get("therapist"),
        room=fields.get("room"),
        client_ids=client_ids,
        starts_at=fields["starts_at"],
        duration_minutes=fields["duration_minutes"],
        exclude_session_id=exclude_session_id,
    )


def _refused(conflicts: list[str]):
    # A clash was published with the 409 status's "conflict" before the message had its own code.
    return Status(409, {**error_body(409, CLASHES, code=ERROR_CODES[409]), "conflicts": conflicts})


def _session(request, session_id: int, action: Action = Action.READ) -> Session:
    return selectors.session_get_for_user(request.user, session_id, action=action).session


@router.get("/sessions", response=list[SessionOut], url_name="sessions_list")
@paginated
def sessions_list(request, filters: Query[SessionFilters]):
    """Sessions you may open, oldest first; filter by dates (from, to), therapist, client, site, room, status."""
    f = filters.dict()
    sessions = selectors.session_search(
        request.user,
        date_from=f["date_from"],
        date_to=f["date_to"],
        therapist_id=f["therapist"],
        client_id=f["client"],
        site_id=f["site"],
        room_id=f["room"],
        status=f["status"],
    )
    return Listing(sessions, _shown)


def _shown(sessions: list[Session]) -> list[Session]:
    audit.note_shown({s.client_id for s in sessions if s.client_id})
    return sessions


@router.post("/sessions", response={201: SessionOut, 409: ConflictOut}, url_name="sessions_create")
def sessions_create(request, payload: SessionIn):
    fields = _new_session_fields(request, payload)
    conflicts = _conflicts(fields)
    if conflicts and not payload.allow_conflicts:
        return _refused(conflicts)
    session = services.session_create(by=request.user, **fields)
    session.conflicts = conflicts
    return Status(201, session)


@router.get("/sessions/{session_id}", response=SessionOut, url_name="session_detail")
def session_detail(request, session_id: Id):
    return _session(request, session_id)


@router.patch("/sessions/{session_id}", response={200: SessionOut, 409: ConflictOut}, url_name="session_update")
def session_update(request, session_id: Id, payload: SessionPatch):
    session = _session(request, session_id, Action.WRITE)
    data = payload.dict(exclude_unset=True)
    allow = data.pop("allow_conflicts", False)
    fields = _references(request, data)
    if "room" in data and data["room"] is None:
        fields["room"] = None
    for name in ("starts_at", "duration_minutes", "modality", "place_of_service"):
        if data.get(name) is not None:
            fields[name] = data[name]
    if data.get("ends_at") is not None:
        fields["duration_minutes"] = _duration(fields.get("starts_at", session.starts_at), None, data["ends_at"])
    moved = {"starts_at", "duration_minutes", "therapist", "room"} & set(fields)
    conflicts = []
    if moved:
        merged = {
            "site": fields.get("site", session.site),
            "therapist": fields.get("therapist", session.therapist),
            "room": fields.get("room", session.room),
            "starts_at": fields.get("starts_at", session.starts_at),
            "duration_minutes": fields.get("duration_minutes", session.duration_minutes),
            "client": session.client,
            "group": session.group,
        }
        conflicts = _conflicts(merged, exclude_session_id=session.pk)
        if conflicts and not allow:
            return _refused(conflicts)
    session = services.session_update(by=request.user, session=session, **fields)
    session.conflicts = conflicts
    return session


@router.post("/sessions/{session_id}/complete", response=SessionOut, url_name="session_complete")
def session_complete(request, session_id: Id):
    return services.session_complete(by=request.user, session=_session(request, session_id, Action.WRITE))


@router.post("/sessions/{session_id}/cancel", response=SessionOut, url_name="session_cancel")
def session_cancel(request, session_id: Id, payload: CancelIn):
    return services.session_cancel(
        by=request.user, session=_session(request, session_id, Action.WRITE), reason=payload.reason
    )


@router.post("/sessions/{session_id}/no-show", response=SessionOut, url_name="session_no_show")
def session_no_show(request, session_id: Id):
    return services.session_no_show(by=request.user, session=_session(request, session_id, Action.WRITE))


@router.get("/sessions/{session_id}/service-lines", response=list[ServiceLineOut], url_name="service_lines_list")
@paginated
def service_lines_list(request, session_id: Id):
    """The session's service lines (CPT code, units, modifiers), in the order they were added."""
    return _session(request, session_id).service_lines.order_by("pk")


@router.post("/sessions/{session_id}/service-lines", response={201: ServiceLineOut}, url_name="service_line_create")
def service_line_create(request, session_id: Id, payload: ServiceLineIn):
    """Add a service line; one that contradicts the session (90837 on a 30-minute session, 90853 on an
    individual one) is refused with 400 and every reason, and nothing is written."""
    session = _session(request, session_id, Action.WRITE)
    line = billing.service_line_add(
        by=request.user, session=session, code=payload.code, units=payload.units, modifiers=" ".join(payload.modifiers)
    )
    return Status(201, line)


@router.delete("/sessions/{session_id}/service-lines/{line_id}", response={204: None}, url_name="service_line_delete")
def service_line_delete(request, session_id: Id, line_id: Id):
    access = selectors.session_get_for_user(request.user, session_id, action=Action.WRITE)
    billing.service_line_remove(by=request.user, line=selectors.service_line_get(access, line_id))
    return Status(204, None)


@router.post("/series", response={201: SeriesOut, 409: ConflictOut}, url_name="series_create")
def series_create(request, payload: SeriesIn):
    """A weekly or fortnightly series, ending after ``count`` sessions, on ``until``, or open-ended.
    Conflicts are checked for its first session."""
    fields = _new_session_fields(request, payload)
    conflicts = _conflicts(fields)
    if conflicts and not payload.allow_conflicts:
        return _refused(conflicts)
    fields.pop("directive", None)
    fields["first_starts_at"] = fields.pop("starts_at")
    series = services.series_create(
        by=request.user, frequency=payload.frequency, count=payload.count, until=payload.until, **fields
    )
    return Status(201, series)


@router.post("/sessions/{session_id}/series/change-from", response=list[SessionOut], url_name="series_change_from")
def series_change_from(request, session_id: Id, payload: SeriesChangeIn):
    """Change this occurrence and every later scheduled one of its series."""
    session = _session(request, session_id, Action.WRITE)
    data = payload.dict(exclude_unset=True)
    changes = _references(request, data)
    for name in ("starts_at", "duration_minutes"):
        if data.get(name) is not None:
            changes[name] = data[name]
    return services.series_change_from(by=request.user, session=session, **changes)


@router.post("/sessions/{session_id}/series/end-from", response=SeriesOut, url_name="series_end_from")
def series_end_from(request, session_id: Id):
    """End the series here: this occurrence and every later scheduled one are cancelled."""
    session = _session(request, session_id, Action.WRITE)
    return services.series_end_from(by=request.user, session=session)


@router.get("/rooms", response=list[RoomOut], url_name="rooms_list")
@paginated
def rooms_list(request, site: Id | None = None, include_inactive: bool = False):
    return list(selectors.rooms_for(request.user, site_id=site, active_only=not include_inactive))
