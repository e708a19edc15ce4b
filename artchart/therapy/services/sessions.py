"""Writes to sessions, recurring series and rooms. Each is one transaction with one audit event (ids only).

Who may schedule: a session of a client needs NOTES WRITE on that client (the
people who will write its note); a group session needs the user to be one of
the group's facilitators. The session's therapist must be able to document it
too: on the client's care team (NOTES WRITE), or a facilitator of the group.
Conflicts (double bookings) are not refused here: the form and the API show
them first (``selectors.sessions.conflicts_for``) and the user decides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from artchart.clients.models import Client
from artchart.core import audit
from artchart.core.access import Conflict, require_client_access, require_role
from artchart.core.audit_actions import CoreAction
from artchart.core.changes import UNSET, apply_changes, save_changes
from artchart.core.messages import UserMessage
from artchart.core.models import Role, Site, User
from artchart.core.permissions import Action, Area, allows, relations_of
from artchart.core.secrets import new_secret, secret_hash
from artchart.programs.models import Directive
from artchart.therapy import billing_rules
from artchart.therapy.audit_actions import TherapyAction
from artchart.therapy.models import (
    CalendarFeed,
    Frequency,
    Group,
    Modality,
    Note,
    NoteKind,
    Room,
    Series,
    ServiceLine,
    Session,
    SessionKind,
    SessionStatus,
)

END_BEFORE_START = UserMessage("end_before_start", "A session cannot end before it starts.")
DURATION_RANGE = UserMessage("duration_range", "A session lasts between 5 and 600 minutes (10 hours).")
NEEDS_CLIENT = UserMessage("needs_client", "An individual or family session is for one client: choose the client.")
NEEDS_GROUP = UserMessage("needs_group", "A group session is for a group: choose the group.")
CLIENT_OR_GROUP = UserMessage("client_or_group", "A session is for a client or for a group, not both.")
UNKNOWN_KIND = UserMessage("unknown_kind", "Choose individual, family or group.")
OTHER_ORGANIZATION = UserMessage("session_other_organization", "That {what} belongs to another organization.")
ROOM_AT_OTHER_SITE = UserMessage(
    "room_at_other_site", "The room {room} is at {room_site}, not at {site}: choose a room at the session's site."
)
ROOM_INACTIVE = UserMessage("room_inactive", "The room {room} is no longer in use.")
SITE_INACTIVE = UserMessage("site_inactive", "The site {site} is no longer in use.")
THERAPIST_CANNOT_HOLD = UserMessage(
    "therapist_cannot_hold", "{name} cannot hold sessions (an active therapist, supervisor or intern can)."
)
THERAPIST_NOT_ON_TEAM = UserMessage(
    "therapist_not_on_team",
    "{name} is not on this client's care team as a clinician, so could not document the session.",
)
THERAPIST_NOT_FACILITATOR = UserMessage(
    "therapist_not_facilitator", "{name} does not facilitate this group: add them as a facilitator first."
)
NOT_A_FACILITATOR = UserMessage("session_not_a_facilitator", "Only the group's facilitators may schedule its sessions.")
CANCEL_NEEDS_REASON = UserMessage("cancel_needs_reason", "Say why the session is cancelled.")
ONLY_SCHEDULED = UserMessage("only_scheduled", "This session is {status}; only a scheduled session can be {done}.")
NOT_YET_STARTED = UserMessage(
    "not_yet_started", "This session has not started yet; it can be marked {done} once it has begun."
)
CANNOT_CHANGE = UserMessage("cannot_change", "This session is {status}; schedule a new one instead of changing it.")
NOT_IN_A_SERIES = UserMessage("not_in_a_series", "This session is not part of a recurring series.")
SERIES_ENDED = UserMessage("series_ended", "This series has ended.")
COUNT_AND_UNTIL = UserMessage("count_and_until", "End a series after a number of sessions or on a date, not both.")
UNTIL_BEFORE_FIRST = UserMessage("until_before_first", "The series cannot end before its first session.")
COUNT_RANGE = UserMessage("count_range", "A series has between 1 and 520 sessions.")
ROOM_NAME_TAKEN = UserMessage("room_name_taken", "{site} already has a room called {name}.")
ROOM_NAME_NEEDED = UserMessage("room_name_needed", "Give the room a name.")
NO_FEED = UserMessage("no_feed", "Make your feed's address first.")
SERIES_ENDED_REASON = UserMessage("series_ended_reason", "The recurring series was ended.")

CLINICIAN_ROLES = (Role.THERAPIST, Role.SUPERVISOR, Role.INTERN)
STEP_DAYS: dict[str, int] = {Frequency.WEEKLY: 7, Frequency.FORTNIGHTLY: 14}


# --- access ------------------------------------------------------------------------------------------


def is_facilitator(user: User, group: Group) -> bool:
    return group.facilitators.filter(pk=user.pk).exists()


def require_group_scheduling(by: User, group: Group) -> None:
    """A group's sessions are scheduled by its facilitators; other organizations get 404."""
    if not (by.is_authenticated and by.is_active) or group.organization_id != by.organization_id:
        raise Http404
    if not is_facilitator(by, group):
        raise PermissionDenied(NOT_A_FACILITATOR)


def require_session_write(by: User, session: Session | Series) -> None:
    if session.client_id:
        require_client_access(by, session.client_id, Area.NOTES, Action.WRITE)
    else:
        require_group_scheduling(by, cast(Group, session.group))  # no client: a group's


# --- validation --------------------------------------------------------------------------------------
#
# Each rule across the session's fields and the rows it names is one ``_check_*`` function below,
# taking the item and the errors found so far (field -> messages); ``_validate`` runs them in order,
# then the model's own checks, and raises once with everything found.

Errors = dict[str, list[str]]


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _check_ends_after_start(item: Session | Series, errors: Errors) -> None:
    if item.duration_minutes is None or item.duration_minutes <= 0:
        _add(errors, "duration_minutes", END_BEFORE_START)


def _check_duration_in_range(item: Session | Series, errors: Errors) -> None:
    duration = item.duration_minutes
    if duration is not None and duration > 0 and not 5 <= duration <= 600:
        _add(errors, "duration_minutes", DURATION_RANGE)


def _check_kind_names_client_or_group(item: Session | Series, errors: Errors) -> None:
    """A known kind; a group session names a group, any other a client, and none names both."""
    if item.kind not in SessionKind.values:
        _add(errors, "kind", UNKNOWN_KIND)
    elif item.client_id and item.group_id:
        _add(errors, "__all__", CLIENT_OR_GROUP)
    elif item.kind == SessionKind.GROUP and not item.group_id:
        _add(errors, "group", NEEDS_GROUP)
    elif item.kind != SessionKind.GROUP and not item.client_id:
        _add(errors, "client", NEEDS_CLIENT)


def _check_site_usable(item: Session | Series, errors: Errors) -> None:
    """The organization's own site; a new session is not booked at a site no longer in use."""
    site = item.site
    if site.organization_id != item.organization_id:
        _add(errors, "site", OTHER_ORGANIZATION.format(what="site"))
    elif not site.is_active and item._state.adding:
        _add(errors, "site", SITE_INACTIVE.format(site=site.name))


def _check_room_usable(item: Session | Series, errors: Errors) -> None:
    """A room, if any, at the session's site and still in use."""
    if not item.room_id:
        return
    room, site = cast(Room, item.room), item.site  # room_id checked above
    if room.site_id != site.pk:
        _add(errors, "room", ROOM_AT_OTHER_SITE.format(room=room.name, room_site=room.site.name, site=site.name))
    elif not room.is_active:
        _add(errors, "room", ROOM_INACTIVE.format(room=room.name))


def _check_same_organization(item: Session | Series, errors: Errors) -> None:
    """The client, group and directive named belong to the session's organization."""
    org = item.organization_id
    if item.client_id and cast(Client, item.client).organization_id != org:
        _add(errors, "client", OTHER_ORGANIZATION.format(what="client"))
    if item.group_id and cast(Group, item.group).organization_id != org:
        _add(errors, "group", OTHER_ORGANIZATION.format(what="group"))
    # Only a session names a directive (a series has none); its id is checked before it is read.
    if isinstance(item, Session) and item.directive_id and cast(Directive, item.directive).organization_id != org:
        _add(errors, "directive", OTHER_ORGANIZATION.format(what="directive"))


def _check_therapist_can_document(item: Session | Series, errors: Errors) -> None:
    """An active clinician of the organization who may write the session's note: on the client's
    care team, or a facilitator of the group (not asked when the client or group was refused)."""
    therapist = item.therapist
    if therapist.organization_id != item.organization_id:
        _add(errors, "therapist", OTHER_ORGANIZATION.format(what="therapist"))
    elif not therapist.is_active or therapist.role not in CLINICIAN_ROLES:
        _add(errors, "therapist", THERAPIST_CANNOT_HOLD.format(name=therapist.display_name))
    elif item.client_id and not errors.get("client"):
        if not allows(relations_of(therapist, item.client_id), Area.NOTES, Action.WRITE):
            _add(errors, "therapist", THERAPIST_NOT_ON_TEAM.format(name=therapist.display_name))
    elif item.group_id and not errors.get("group") and not is_facilitator(therapist, cast(Group, item.group)):
        _add(errors, "therapist", THERAPIST_NOT_FACILITATOR.format(name=therapist.display_name))


def billing_facts(session: Session | Series) -> billing_rules.SessionFacts:
    """What the service-code rules need to know of a session (or of each session a series makes)."""
    return billing_rules.SessionFacts(
        kind=session.kind,
        minutes=session.duration_minutes or 0,
        telehealth=session.modality == Modality.TELEHEALTH,
        place_of_service=session.place_of_service,
        is_intake=isinstance(session, Session) and is_intake(session),
    )


def is_intake(session: Session) -> bool:
    """The client's intake: an individual or family session an intake note names, or the client's
    first (no earlier session of theirs was held)."""
    if not session.client_id or session.kind == SessionKind.GROUP:
        return False
    if session.pk and Note.objects.filter(session_id=session.pk, kind=NoteKind.INTAKE).exists():
        return True
    earlier = Session.objects.filter(
        client_id=session.client_id, status=SessionStatus.COMPLETED, starts_at__lt=session.starts_at
    )
    return not earlier.exclude(pk=session.pk).exists()


def line_of(row: ServiceLine) -> billing_rules.Line:
    return billing_rules.Line(row.code, row.units, tuple(row.modifier_list))


def pending_line(code: str, modifier: str) -> list[billing_rules.Line]:
    """The one line a booking (or a series) names with its code and modifier, if it names either."""
    modifiers = billing_rules.parse_modifiers(modifier)
    return [billing_rules.Line(code, 1, modifiers)] if code or modifiers else []


def billing_refusal(found: list[str]) -> list[UserMessage]:
    return [UserMessage("service_line_refused", text) for text in found]


def _check_billing(item: Session | Series, errors: Errors, pending: list[billing_rules.Line]) -> None:
    """The place of service is one ArtChart records, and the session's service lines (those it has and
    the one being booked) keep the code rules against its kind, minutes and modality."""
    for text in billing_rules.place_of_service_problems(item.place_of_service):
        _add(errors, "place_of_service", UserMessage("place_of_service_unknown", text))
    lines = list(pending)
    if isinstance(item, Session) and item.pk:
        lines += [line_of(row) for row in item.service_lines.all()]
    if not lines:
        return
    facts = billing_facts(item)
    found = [text for text in billing_rules.problems(facts, lines) if text not in errors.get("place_of_service", [])]
    for message in billing_refusal(found):
        _add(errors, "cpt_code" if pending else "__all__", message)


def _validate(item: Session | Series, pending: list[billing_rules.Line] | None = None) -> None:
    """Everything a session (or series) must be before anything is written; raises one ValidationError."""
    errors: Errors = {}
    _check_ends_after_start(item, errors)
    _check_duration_in_range(item, errors)
    _check_kind_names_client_or_group(item, errors)
    _check_site_usable(item, errors)
    _check_room_usable(item, errors)
    _check_same_organization(item, errors)
    _check_therapist_can_document(item, errors)  # after the client and group checks, whose errors it reads
    _check_billing(item, errors, pending or [])
    if errors:
        raise ValidationError(errors)
    item.full_clean()


def _strip(value: str) -> str:
    return (value or "").strip().upper()


def _record(by: User, action: TherapyAction, obj: Session | Series, client_ids: Iterable[int], **detail: Any) -> None:
    audit.record(actor=by, action=action, obj=obj, client_ids=[i for i in client_ids if i], detail=detail)


def _client_ids(item: Session | Series) -> list[int]:
    return [item.client_id] if item.client_id else []


# --- sessions ----------------------------------------------------------------------------------------


@transaction.atomic
def session_create(
    *,
    by: User,
    kind: str,
    client: Client | None = None,
    group: Group | None = None,
    therapist: User,
    site: Site,
    room: Room | None = None,
    starts_at: dt.datetime,
    duration_minutes: int,
    modality: str,
    cpt_code: str = "",
    place_of_service: str = "",
    modifier: str = "",
    directive: Directive | None = None,
    series: Series | None = None,
) -> Session:
    """Schedule one session (individual or family: ``client``; group: ``group``). A ``cpt_code`` (with a
    telehealth ``modifier``) becomes the session's first service line, under the same rules as any other."""
    session = Session(
        organization_id=site.organization_id,
        kind=kind,
        client=client,
        group=group,
        series=series,
        therapist=therapist,
        site=site,
        room=room,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        modality=modality or Modality.IN_PERSON,
        place_of_service=_strip(place_of_service),
        directive=directive,
        created_by=by,
        status=SessionStatus.SCHEDULED,
    )
    first_line = pending_line(_strip(cpt_code), modifier)
    if client is None and group is None:
        _validate(session, first_line)  # says which is missing before access is asked about nothing
    require_session_write(by, session)
    _validate(session, first_line)
    session.save()
    for line in first_line:
        ServiceLine.objects.create(
            session=session, code=line.code, units=1, modifiers=" ".join(line.modifiers), created_by=by
        )
    _record(by, TherapyAction.SESSION_CREATE, session, _client_ids(session), kind=session.kind, group=session.group_id)
    return session


@transaction.atomic
def session_update(
    *,
    by: User,
    session: Session,
    therapist: User | int = UNSET,
    site: Site | int = UNSET,
    room: Room | int | None = UNSET,
    starts_at: dt.datetime = UNSET,
    duration_minutes: int = UNSET,
    modality: str = UNSET,
    place_of_service: str = UNSET,
    directive: Directive | int | None = UNSET,
) -> Session:
    """Change when, where, who or the place of service of a scheduled (or completed) session; a change
    its service lines would contradict (90837 left on a session shortened to 30 minutes) is refused.

    Nothing is saved or audited when nothing changed.
    """
    require_session_write(by, session)
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.status in (SessionStatus.CANCELLED, SessionStatus.NO_SHOW):
        raise Conflict(CANNOT_CHANGE.format(status=session.get_status_display().lower()))
    changed = apply_changes(
        session,
        {
            "therapist": therapist,
            "site": site,
            "room": room,
            "starts_at": starts_at,
            "duration_minutes": duration_minutes,
            "modality": modality,
            "place_of_service": place_of_service if place_of_service is UNSET else _strip(place_of_service),
            "directive": directive,
        },
    )
    if not changed:
        return session
    _validate(session)
    save_changes(session, changed)
    _record(by, TherapyAction.SESSION_UPDATE, session, _client_ids(session), fields=changed)
    return session


def _require_scheduled(session: Session, done: str) -> None:
    if session.status != SessionStatus.SCHEDULED:
        raise Conflict(ONLY_SCHEDULED.format(status=session.get_status_display().lower(), done=done))


def _set_status(by: User, session: Session, status: str, action: TherapyAction, **extra: Any) -> Session:
    session.status = status
    for name, value in extra.items():
        setattr(session, name, value)
    session.updated_at = timezone.now()
    session.full_clean()
    session.save(update_fields=["status", "updated_at", *extra])
    _record(by, action, session, _client_ids(session))
    return session


@transaction.atomic
def session_complete(*, by: User, session: Session) -> Session:
    require_session_write(by, session)
    _require_scheduled(session, "completed")
    if session.starts_at > timezone.now():
        raise ValidationError(NOT_YET_STARTED.format(done="completed"))
    return _set_status(by, session, SessionStatus.COMPLETED, TherapyAction.SESSION_COMPLETE)


@transaction.atomic
def session_no_show(*, by: User, session: Session) -> Session:
    require_session_write(by, session)
    _require_scheduled(session, "marked a no-show")
    if session.starts_at > timezone.now():
        raise ValidationError(NOT_YET_STARTED.format(done="a no-show"))
    return _set_status(by, session, SessionStatus.NO_SHOW, TherapyAction.SESSION_NO_SHOW)


@transaction.atomic
def session_cancel(*, by: User, session: Session, reason: str) -> Session:
    require_session_write(by, session)
    _require_scheduled(session, "cancelled")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": CANCEL_NEEDS_REASON})
    return _set_status(by, session, SessionStatus.CANCELLED, TherapyAction.SESSION_CANCEL, cancel_reason=reason[:300])


# --- recurring series ---------------------------------------------------------------------------------


def horizon(today: dt.date) -> dt.date:
    return today + dt.timedelta(weeks=settings.SERIES_HORIZON_WEEKS)


def _shift(start: dt.datetime, days: int) -> dt.datetime:
    """The same wall-clock time ``days`` later (a 16:00 group stays at 16:00 across a DST change)."""
    local = timezone.localtime(start)
    return timezone.make_aware(dt.datetime.combine(local.date() + dt.timedelta(days=days), local.time()))


def _occurrences(series: Series, after: dt.datetime | None, made: int, today: dt.date) -> list[dt.datetime]:
    """Start times still to create: after ``after`` (the series' last session), up to the horizon,
    the series' end date and its count."""
    step = STEP_DAYS[series.frequency]
    last_day = horizon(today)
    if series.until:
        last_day = min(last_day, series.until)
    starts: list[dt.datetime] = []
    next_start = series.first_starts_at if after is None else _shift(after, step)
    while timezone.localtime(next_start).date() <= last_day or (after is None and not starts and made == 0):
        if series.count is not None and made + len(starts) >= series.count:
            break
        if series.until and timezone.localtime(next_start).date() > series.until:
            break
        starts.append(next_start)
        next_start = _shift(next_start, step)
    return starts


def _make_sessions(by: User, series: Series, starts: list[dt.datetime]) -> list[Session]:
    sessions = [
        Session(
            organization_id=series.organization_id,
            kind=series.kind,
            client_id=series.client_id,
            group_id=series.group_id,
            series=series,
            therapist_id=series.therapist_id,
            site_id=series.site_id,
            room_id=series.room_id,
            starts_at=start,
            duration_minutes=series.duration_minutes,
            modality=series.modality,
            place_of_service=series.place_of_service,
            created_by=by,
            status=SessionStatus.SCHEDULED,
        )
        for start in starts
    ]
    made = Session.objects.bulk_create(sessions)
    if series.cpt_code:
        ServiceLine.objects.bulk_create(
            ServiceLine(session=session, code=series.cpt_code, units=1, modifiers=series.modifier, created_by=by)
            for session in made
        )
    return made


@transaction.atomic
def series_create(
    *,
    by: User,
    kind: str,
    client: Client | None = None,
    group: Group | None = None,
    therapist: User,
    site: Site,
    room: Room | None = None,
    first_starts_at: dt.datetime,
    duration_minutes: int,
    modality: str,
    frequency: str = Frequency.WEEKLY,
    count: int | None = None,
    until: dt.date | None = None,
    cpt_code: str = "",
    place_of_service: str = "",
    modifier: str = "",
    today: dt.date | None = None,
) -> Series:
    """A weekly or fortnightly series, ending after ``count`` sessions, on ``until``, or open-ended;
    its sessions are made for the next ``SERIES_HORIZON_WEEKS`` weeks."""
    series = Series(
        organization_id=site.organization_id,
        kind=kind,
        client=client,
        group=group,
        therapist=therapist,
        site=site,
        room=room,
        modality=modality or Modality.IN_PERSON,
        frequency=frequency,
        first_starts_at=first_starts_at,
        duration_minutes=duration_minutes,
        count=count,
        until=until,
        cpt_code=_strip(cpt_code),
        place_of_service=_strip(place_of_service),
        modifier=_strip(modifier),
        created_by=by,
    )
    if client is None and group is None:
        _validate(series)
    require_session_write(by, series)
    errors: dict[str, list[str]] = {}
    if count is not None and until is not None:
        errors["__all__"] = [COUNT_AND_UNTIL]
    elif count is not None and not 1 <= count <= 520:
        errors["count"] = [COUNT_RANGE]
    elif until is not None and until < timezone.localtime(first_starts_at).date():
        errors["until"] = [UNTIL_BEFORE_FIRST]
    if frequency not in STEP_DAYS:
        errors["frequency"] = ["Choose weekly or every two weeks."]
    if errors:
        raise ValidationError(errors)
    _validate(series, pending_line(series.cpt_code, series.modifier))
    series.save()
    today = today or timezone.localdate()
    sessions = _make_sessions(by, series, _occurrences(series, None, 0, today))
    series.generated_through = horizon(today)
    series.save(update_fields=["generated_through"])
    _record(
        by,
        TherapyAction.SERIES_CREATE,
        series,
        _client_ids(series),
        kind=series.kind,
        group=series.group_id,
        sessions=len(sessions),
    )
    return series


@transaction.atomic
def series_extend(*, series: Series, today: dt.date) -> int:
    """Add the series' next sessions up to the horizon; returns how many. Running it twice adds nothing."""
    series = Series.objects.select_for_update(of=("self",)).select_related("created_by").get(pk=series.pk)
    if series.ended_at is not None:
        return 0
    last = series.sessions.order_by("-starts_at").values_list("starts_at", flat=True).first()
    made = series.sessions.count()
    starts = _occurrences(series, last, made, today) if last else []
    if not starts:
        return 0
    sessions = _make_sessions(series.created_by, series, starts)
    series.generated_through = horizon(today)
    series.save(update_fields=["generated_through"])
    audit.record(
        actor=None,
        action=TherapyAction.SERIES_EXTEND,
        obj=series,
        client_ids=_client_ids(series),
        detail={"sessions": len(sessions)},
    )
    return len(sessions)


def open_series() -> list[Series]:
    """Series that may still need sessions made (not ended, not past their end date)."""
    return list(Series.objects.filter(ended_at__isnull=True).exclude(until__lt=timezone.localdate()).order_by("pk"))


def _later_scheduled(session: Session) -> QuerySet[Session]:
    # of=self: PostgreSQL cannot lock the nullable side of the outer joins a caller may add.
    return (
        Session.objects.select_for_update(of=("self",))
        .filter(
            series_id=cast(int, session.series_id),  # checked by _require_series
            status=SessionStatus.SCHEDULED,
            starts_at__gte=session.starts_at,
        )
        .order_by("starts_at")
    )


def _require_series(by: User, session: Session) -> Series:
    if not session.series_id:
        raise ValidationError(NOT_IN_A_SERIES)
    require_session_write(by, session)
    series = Series.objects.select_for_update().get(pk=session.series_id)
    if series.ended_at is not None:
        raise Conflict(SERIES_ENDED)
    _require_scheduled(session, "changed")
    return series


@transaction.atomic
def series_change_from(
    *,
    by: User,
    session: Session,
    starts_at: dt.datetime = UNSET,
    duration_minutes: int = UNSET,
    therapist: User | int = UNSET,
    room: Room | int | None = UNSET,
) -> list[Session]:
    """Change this occurrence and every later scheduled one of its series (time, duration, therapist, room).

    A new start moves each of them by the same number of days to the new time of
    day; past, completed, cancelled and no-show sessions stay as they were.
    """
    series = _require_series(by, session)
    changes = {"duration_minutes": duration_minutes, "therapist": therapist, "room": room}
    sessions = list(_later_scheduled(session).select_related("room__site", "site", "therapist", "client", "group"))
    day_shift, new_time = 0, None
    if starts_at is not UNSET and starts_at is not None:
        old_local, new_local = timezone.localtime(session.starts_at), timezone.localtime(starts_at)
        day_shift, new_time = (new_local.date() - old_local.date()).days, new_local.time().replace(tzinfo=None)
    changed_by_session: list[tuple[Session, list[str]]] = []
    for item in sessions:
        item_changed = apply_changes(item, changes)
        if new_time is not None:
            local = timezone.localtime(item.starts_at)
            start = timezone.make_aware(dt.datetime.combine(local.date() + dt.timedelta(days=day_shift), new_time))
            if start != item.starts_at:
                item.starts_at = start
                item_changed.append("starts_at")
        _validate(item)  # all are checked before any is saved
        changed_by_session.append((item, item_changed))
    changed = sorted({name for _, names in changed_by_session for name in names})
    if not changed:
        return sessions
    for item, item_changed in changed_by_session:
        if item_changed:
            save_changes(item, item_changed)
    # Sessions the extender makes later follow the changed pattern.
    series_changed = apply_changes(series, changes)
    if series_changed:
        series.full_clean()
        save_changes(series, series_changed)
    _record(
        by,
        TherapyAction.SERIES_CHANGE_FROM,
        series,
        _client_ids(series),
        sessions=[s.pk for s in sessions],
        fields=changed,
    )
    return sessions


@transaction.atomic
def series_end_from(*, by: User, session: Session) -> Series:
    """End the series at this occurrence: it and every later scheduled one are cancelled."""
    series = _require_series(by, session)
    later = list(_later_scheduled(session).values_list("pk", flat=True))
    Session.objects.filter(pk__in=later).update(
        status=SessionStatus.CANCELLED, cancel_reason=SERIES_ENDED_REASON, updated_at=timezone.now()
    )
    series.ended_at = timezone.now()
    series.until = max(
        timezone.localtime(session.starts_at).date() - dt.timedelta(days=1),
        timezone.localtime(series.first_starts_at).date(),
    )
    series.save(update_fields=["ended_at", "until"])
    _record(by, TherapyAction.SERIES_END_FROM, series, _client_ids(series), cancelled=later)
    return series


# --- rooms --------------------------------------------------------------------------------------------


def _require_room_admin(by: User, site: Site) -> None:
    require_role(by, Role.ADMIN, Role.PROGRAM_ADMIN)
    if site.organization_id != by.organization_id:
        raise Http404


def _check_room_name(room: Room) -> None:
    room.name = (room.name or "").strip()
    if not room.name:
        raise ValidationError({"name": ROOM_NAME_NEEDED})
    if Room.objects.filter(site_id=room.site_id, name__iexact=room.name).exclude(pk=room.pk).exists():
        raise ValidationError({"name": ROOM_NAME_TAKEN.format(site=room.site.name, name=room.name)})
    room.full_clean()


@transaction.atomic
def room_create(*, by: User, site: Site, name: str) -> Room:
    _require_room_admin(by, site)
    room = Room(site=site, name=name)
    _check_room_name(room)
    room.save()
    audit.record(actor=by, action=TherapyAction.ROOM_CREATE, obj=room, detail={"site": site.pk})
    return room


@transaction.atomic
def room_update(*, by: User, room: Room, name: str = UNSET, is_active: bool = UNSET) -> Room:
    """Rename a room or take it out of use (its past and booked sessions keep it)."""
    _require_room_admin(by, room.site)
    room = Room.objects.select_for_update().get(pk=room.pk)
    changed = apply_changes(room, {"name": name, "is_active": is_active})
    if not changed:
        return room
    _check_room_name(room)
    save_changes(room, changed)
    audit.record(actor=by, action=TherapyAction.ROOM_UPDATE, obj=room, detail={"site": room.site_id, "fields": changed})
    return room


# --- calendar feed -----------------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_reset(*, by: User) -> tuple[CalendarFeed, str]:
    """A new secret address for the user's feed (the old one stops working); the token is shown once."""
    token = new_secret()
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(
        user=by, defaults={"token_hash": secret_hash(token)}
    )
    if not created:
        feed.token_hash = secret_hash(token)
        feed.created_at = timezone.now()
        feed.last_fetched_at = None
        feed.save(update_fields=["token_hash", "created_at", "last_fetched_at"])
    audit.record(actor=by, action=TherapyAction.CALENDAR_FEED_RESET, obj=feed, detail={"first": created})
    return feed, token


@transaction.atomic
def calendar_feed_update(*, by: User, names: str) -> CalendarFeed:
    """Say how clients are named in the feed: not at all (the default), by initials, or in full."""
    feed = CalendarFeed.objects.select_for_update().filter(user=by).first()
    if feed is None:
        raise ValidationError(NO_FEED)
    if feed.names != names:
        feed.names = names
        feed.full_clean()
        feed.save(update_fields=["names"])
        audit.record(actor=by, action=TherapyAction.CALENDAR_FEED_UPDATE, obj=feed, detail={"names": names})
    return feed


@transaction.atomic
def calendar_feed_remove(*, by: User) -> None:
    feed = CalendarFeed.objects.filter(user=by).first()
    if feed is not None:
        audit.record(actor=by, action=TherapyAction.CALENDAR_FEED_REMOVE, obj=feed)
        feed.delete()


@transaction.atomic
def calendar_feed_fetched(*, feed: CalendarFeed, client_ids: list[int]) -> None:
    """Note the fetch; when the feed named clients, record the read as its owner's (no one is signed in)."""
    CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=timezone.now())
    if client_ids:
        audit.record(
            actor=feed.user,
            action=CoreAction.CLIENT_READ,
            object_type="view",
            object_id="therapy:calendar_feed",
            client_ids=client_ids,
        )
