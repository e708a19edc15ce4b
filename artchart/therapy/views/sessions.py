"""Pages for sessions: a client's sessions, booking (once or recurring), one session and its status,
changing or ending a series, the schedule (day and week, by therapist, site or room), rooms, and
the iCalendar feed."""

from __future__ import annotations

import csv
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from artchart.clients.selectors import client_get_for_user
from artchart.core.access import require_role
from artchart.core.audit import csv_cell
from artchart.core.forms_util import add_service_errors
from artchart.core.messages import UserMessage
from artchart.core.models import Role
from artchart.core.paging import page_of
from artchart.core.panel_registry import risk_panels, session_panels
from artchart.core.permissions import Action, Area
from artchart.programs.selectors import directives_for
from artchart.therapy import ical
from artchart.therapy.forms.sessions import (
    COMMON_CPT,
    COMMON_POS,
    BookingForm,
    FeedNamesForm,
    LedgerForm,
    RoomForm,
    SeriesChangeForm,
    ServiceLineForm,
    SessionForm,
)
from artchart.therapy.models import FeedNames, SessionKind, SessionStatus
from artchart.therapy.selectors import sessions as selectors
from artchart.therapy.selectors.notes import notes_of_session
from artchart.therapy.services import billing
from artchart.therapy.services import sessions as services

CLASHES = UserMessage(
    "booking_clashes",
    "This booking clashes with others (listed below). Change it, or tick “Book it anyway” and save again.",
)
CANCELLED = UserMessage("session_now_cancelled", "The session is cancelled.")
LINE_ADDED = UserMessage("service_line_added", "{code} is on the session.")
LINE_REMOVED = UserMessage("service_line_removed", "{code} is off the session.")
FEED_NEW = UserMessage(
    "calendar_feed_renewed", "Your calendar feed has a new secret address; the old one (if any) no longer works."
)


def _to_session(session):
    return redirect("therapy:session_detail", session.pk)


def _form_choices(user, site=None):
    return {
        "therapists": selectors.therapists_for(user),
        "sites": selectors.sites_for(user).filter(is_active=True),
        "rooms": selectors.rooms_for(user),
        "directives": directives_for(user),
    }


def _conflicts(form, *, client=None, group=None, exclude_session_id=None) -> list[str]:
    fields = form.cleaned_data
    if "starts_at" not in fields or not fields.get("site"):
        return []
    client_ids = [client.pk] if client else []
    if group is not None:
        client_ids = list(group.memberships.filter(left_on__isnull=True).values_list("client_id", flat=True))
    return selectors.conflicts_for(
        organization=fields["site"].organization_id,
        therapist=fields.get("therapist"),
        room=fields.get("room"),
        client_ids=client_ids,
        starts_at=fields["starts_at"],
        duration_minutes=fields["duration_minutes"],
        exclude_session_id=exclude_session_id,
    )


def _book(request, form, *, client=None, group=None):
    """Save a valid booking form once its clashes (if any) are confirmed; None while they are not."""
    conflicts = _conflicts(form, client=client, group=group)
    if conflicts and not form.cleaned_data.get("save_anyway"):
        form.add_error(None, CLASHES)
        return None, conflicts
    kind = SessionKind.GROUP if group is not None else form.cleaned_data["kind"]
    fields = form.session_fields()
    try:
        if form.cleaned_data.get("repeat"):
            fields.pop("directive")
            series = services.series_create(
                by=request.user,
                kind=kind,
                client=client,
                group=group,
                first_starts_at=fields.pop("starts_at"),
                frequency=form.cleaned_data["repeat"],
                **form.series_ends(),
                **fields,
            )
            session = series.sessions.order_by("starts_at").first()
        else:
            session = services.session_create(by=request.user, kind=kind, client=client, group=group, **fields)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None, conflicts
    return session, conflicts


def _form_page(request, form, *, title, back, conflicts=(), session=None, client=None, group=None):
    return render(
        request,
        "therapy/sessions/form.html",
        {
            "nav": "clients" if client else "schedule",
            "form": form,
            "title": title,
            "back": back,
            "conflicts": conflicts,
            "session": session,
            "client": client,
            "group": group,
            "common_cpt": COMMON_CPT,
            "common_pos": COMMON_POS,
        },
    )


def _initial(request, site, therapist=None) -> dict:
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    if not 8 <= start.hour < 18:  # outside the working day, offer 9:00 on the next morning
        start = (start + dt.timedelta(days=1 if start.hour >= 18 else 0)).replace(hour=9)
    return {
        "therapist": therapist or request.user,
        "site": site,
        "day": start.date(),
        "start": start.time(),
        "end": (start + dt.timedelta(minutes=50)).time(),
    }


@require_GET
@login_required
def session_list(request, client_id: int):
    access = client_get_for_user(request.user, client_id, area=Area.NOTES, action=Action.READ)
    page = page_of(request, selectors.sessions_of_client(access))
    return render(
        request,
        "therapy/sessions/list.html",
        {"nav": "clients", "client": access.client, "page": page, "may_book": access.may(Area.NOTES, Action.WRITE)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def session_create(request, client_id: int):
    access = client_get_for_user(request.user, client_id, area=Area.NOTES, action=Action.WRITE)
    client = access.client
    form = SessionForm(request.POST or None, initial=_initial(request, client.site), **_form_choices(request.user))
    conflicts = []
    if request.method == "POST" and form.is_valid():
        session, conflicts = _book(request, form, client=client)
        if session is not None:
            messages.success(request, f"Booked for {timezone.localtime(session.starts_at):%a %-d %b, %H:%M}.")
            return _to_session(session)
    return _form_page(
        request,
        form,
        title=f"Book a session with {client.display_name}",
        conflicts=conflicts,
        back=(reverse("therapy:session_list", args=[client.pk]), "Sessions"),
        client=client,
    )


@require_http_methods(["GET", "POST"])
@login_required
def session_create_for_group(request, group_id: int):
    group = selectors.group_get_for_scheduling(request.user, group_id)
    form = SessionForm(
        request.POST or None, initial=_initial(request, group.site), group=group, **_form_choices(request.user)
    )
    conflicts = []
    if request.method == "POST" and form.is_valid():
        session, conflicts = _book(request, form, group=group)
        if session is not None:
            messages.success(request, f"Booked for {timezone.localtime(session.starts_at):%a %-d %b, %H:%M}.")
            return _to_session(session)
    return _form_page(
        request,
        form,
        title=f"Book a session of {group.name}",
        conflicts=conflicts,
        back=(reverse("therapy:schedule") + f"?site={group.site_id}", "Schedule"),
        group=group,
    )


def _slot_initial(request) -> dict:
    """The booking form's first values: a tapped slot's day and hour, and whose schedule it was on."""
    user = request.user
    room = selectors.rooms_for(user).filter(pk=_int(request.GET.get("room")) or 0).first()
    site = room.site if room else selectors.sites_for(user).filter(pk=_int(request.GET.get("site")) or 0).first()
    therapist = selectors.therapists_for(user).filter(pk=_int(request.GET.get("therapist")) or 0).first()
    initial = _initial(request, site, therapist)
    try:
        initial["day"] = dt.date.fromisoformat(request.GET.get("date", ""))
        initial["start"] = dt.time.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        pass  # an unreadable slot: the next working hour, as for any booking
    initial.update(room=room, duration=50)
    if _int(request.GET.get("client")):
        initial["client"] = client_get_for_user(
            user, _int(request.GET.get("client")), area=Area.NOTES, action=Action.WRITE
        ).client
    return initial


@require_http_methods(["GET", "POST"])
@login_required
def session_book(request):
    """Book a client's session from the schedule (its Book button, or a tap on a free hour of the week)."""
    user = request.user
    form = BookingForm(
        request.POST or None,
        initial=_slot_initial(request) if request.method == "GET" else {},
        clients=selectors.clients_to_book(user),
        **_form_choices(user),
    )
    conflicts = []
    if request.method == "POST" and form.is_valid():
        # The choices held only clients the user may book; the service checks again.
        client = client_get_for_user(user, form.cleaned_data["client"].pk, area=Area.NOTES, action=Action.WRITE).client
        session, conflicts = _book(request, form, client=client)
        if session is not None:
            messages.success(request, f"Booked for {timezone.localtime(session.starts_at):%a %-d %b, %H:%M}.")
            return _to_session(session)
    return _form_page(
        request, form, title="Book a session", conflicts=conflicts, back=(reverse("therapy:schedule"), "Schedule")
    )


@require_GET
@login_required
def session_detail(request, session_id: int):
    return _detail_page(request, selectors.session_get_for_user(request.user, session_id))


def _detail_page(request, access, line_form=None):
    session = access.session
    return render(
        request,
        "therapy/sessions/detail.html",
        {
            "nav": "clients" if session.client_id else "groups",
            "session": session,
            "may_write": access.may_write,
            "notes": notes_of_session(request.user, session),
            "scheduled": session.status == SessionStatus.SCHEDULED,
            "started": session.starts_at <= timezone.now(),
            "series_open": session.series_id and session.series.ended_at is None,
            "service_lines": selectors.service_lines_of(access),
            "place_of_service": selectors.place_of_service_label(session.place_of_service),
            "lines_open": session.status not in (SessionStatus.CANCELLED, SessionStatus.NO_SHOW),
            "line_form": line_form or ServiceLineForm(),
            "session_panels": session_panels(request.user, session),
            "risk_panels": [panel for client in _clients_of(session) for panel in risk_panels(request.user, client)],
        },
    )


@require_POST
@login_required
def session_line_add(request, session_id: int):
    access = selectors.session_get_for_user(request.user, session_id, action=Action.WRITE)
    form = ServiceLineForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            billing.service_line_add(
                by=request.user,
                session=access.session,
                code=data["code"],
                units=data["units"],
                modifiers=" ".join(data["modifiers"]),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, LINE_ADDED.format(code=data["code"]))
            return _to_session(access.session)
    return _detail_page(request, access, line_form=form)


@require_POST
@login_required
def session_line_remove(request, session_id: int, line_id: int):
    access = selectors.session_get_for_user(request.user, session_id, action=Action.WRITE)
    line = selectors.service_line_get(access, line_id)
    try:
        billing.service_line_remove(by=request.user, line=line)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, LINE_REMOVED.format(code=line.code))
    return _to_session(line.session)


def _clients_of(session) -> list:
    """The session's client, or a group session's members on its attendance list."""
    if session.client_id:
        return [session.client]
    return [mark.client for mark in session.attendance.select_related("client")]


@require_http_methods(["GET", "POST"])
@login_required
def session_edit(request, session_id: int):
    session = selectors.session_get_for_user(request.user, session_id, action=Action.WRITE).session
    local = timezone.localtime(session.starts_at)
    initial = {
        "therapist": session.therapist,
        "site": session.site,
        "room": session.room,
        "day": local.date(),
        "start": local.time(),
        "end": timezone.localtime(session.ends_at).time(),
        "modality": session.modality,
        "place_of_service": session.place_of_service,
        "directive": session.directive,
    }
    form = SessionForm(request.POST or None, initial=initial, editing=True, **_form_choices(request.user))
    conflicts = []
    if request.method == "POST" and form.is_valid():
        conflicts = _conflicts(form, client=session.client, group=session.group, exclude_session_id=session.pk)
        if conflicts and not form.cleaned_data.get("save_anyway"):
            form.add_error(None, CLASHES)
        else:
            try:
                services.session_update(by=request.user, session=session, **form.session_fields())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return _to_session(session)
    return _form_page(
        request,
        form,
        title="Change the session",
        conflicts=conflicts,
        session=session,
        back=(reverse("therapy:session_detail", args=[session.pk]), "The session"),
    )


def _status_change(request, session_id: int, service, done: str, **extra):
    session = selectors.session_get_for_user(request.user, session_id, action=Action.WRITE).session
    try:
        service(by=request.user, session=session, **extra)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return _to_session(session)


@require_POST
@login_required
def session_complete(request, session_id: int):
    return _status_change(request, session_id, services.session_complete, "The session is marked completed.")


@require_POST
@login_required
def session_no_show(request, session_id: int):
    return _status_change(request, session_id, services.session_no_show, "The session is marked a no-show.")


@require_POST
@login_required
def session_cancel(request, session_id: int):
    return _status_change(
        request, session_id, services.session_cancel, CANCELLED, reason=request.POST.get("reason", "")[:300]
    )


@require_http_methods(["GET", "POST"])
@login_required
def session_series_change(request, session_id: int):
    session = selectors.session_get_for_user(request.user, session_id, action=Action.WRITE).session
    local = timezone.localtime(session.starts_at)
    initial = {
        "day": local.date(),
        "start": local.time(),
        "end": timezone.localtime(session.ends_at).time(),
        "therapist": session.therapist,
        "room": session.room,
    }
    form = SeriesChangeForm(
        request.POST or None,
        initial=initial,
        therapists=selectors.therapists_for(request.user),
        rooms=selectors.rooms_for(request.user, site_id=session.site_id),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = services.series_change_from(
                by=request.user,
                session=session,
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                therapist=data["therapist"],
                room=data["room"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Changed {len(changed)} scheduled sessions of the series, from this one on.")
            return _to_session(session)
    return render(request, "therapy/sessions/series_change.html", {"nav": "schedule", "form": form, "session": session})


@require_POST
@login_required
def session_series_end(request, session_id: int):
    return _status_change(
        request,
        session_id,
        services.series_end_from,
        "The series ends here: this session and the later ones are cancelled.",
    )


# --- the schedule -----------------------------------------------------------------------------------


def _parse_day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return timezone.localdate()


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() and len(str(value)) < 19 else None


def _whose(request) -> tuple[str, int | None]:
    """Whose schedule: ``?for=therapist-12`` (the page's select) or ``?therapist=12`` / ``?site=`` / ``?room=``;
    by default your own (a clinician's) or your first site's."""
    kind, _, pk = request.GET.get("for", "").partition("-")
    if kind in ("therapist", "site", "room") and _int(pk):
        return kind, _int(pk)
    for kind in ("therapist", "room", "site"):
        if _int(request.GET.get(kind)):
            return kind, _int(request.GET.get(kind))
    if request.user.role in services.CLINICIAN_ROLES:
        return "therapist", request.user.pk
    return "site", selectors.sites_for(request.user).values_list("pk", flat=True).first()


@require_GET
@login_required
def schedule(request):
    """Day or week calendar of one therapist, site or room."""
    user = request.user
    view = "day" if request.GET.get("view") == "day" else "week"
    day = _parse_day(request.GET.get("date", ""))
    which, pk = _whose(request)
    first = day if view == "day" else day - dt.timedelta(days=day.weekday())
    span = 1 if view == "day" else 7
    days = selectors.schedule_for(user, first_day=first, days=span, **{f"{which}_id": pk})
    options = {
        "therapist": list(selectors.therapists_for(user)),
        "site": list(selectors.sites_for(user)),
        "room": list(selectors.rooms_for(user)),
    }
    chosen = next((o for o in options[which] if o.pk == pk), None)
    may_book = selectors.clients_to_book(user).exists()
    subject = (
        None
        if chosen is None
        else chosen.display_name
        if which == "therapist"
        else f"{chosen.name} ({chosen.site.name})"
        if which == "room"
        else chosen.name
    )
    return render(
        request,
        "therapy/schedule/schedule.html",
        {
            "nav": "schedule",
            "view": view,
            "day": day,
            "days": days,
            "subject": subject,
            "today": timezone.localdate(),
            "therapists": options["therapist"],
            "sites": options["site"],
            "rooms": options["room"],
            "which": which,
            "selected": {which: pk},
            "previous": first - dt.timedelta(days=span),
            "next": first + dt.timedelta(days=span),
            "base": f"view={view}&{which}={pk or ''}",
            "grid": selectors.week_grid(days) if view == "week" else None,
            "may_book": may_book,
            "book_for": f"{which}={pk}" if chosen is not None else "",
        },
    )


# --- rooms ----------------------------------------------------------------------------------------


ROOM_ROLES = (Role.ADMIN, Role.PROGRAM_ADMIN)


@require_GET
@login_required
def rooms(request):
    require_role(request.user, *ROOM_ROLES)
    return render(
        request,
        "therapy/schedule/rooms.html",
        {"nav": "sites", "rooms": selectors.rooms_for(request.user, active_only=False)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def room_create(request):
    require_role(request.user, *ROOM_ROLES)
    form = RoomForm(request.POST or None, sites=selectors.sites_for(request.user).filter(is_active=True))
    if request.method == "POST" and form.is_valid():
        try:
            room = services.room_create(by=request.user, site=form.cleaned_data["site"], name=form.cleaned_data["name"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Added the room {room.name} at {room.site.name}.")
            return redirect("therapy:rooms")
    return render(request, "therapy/schedule/room_form.html", {"nav": "sites", "form": form, "title": "Add a room"})


@require_http_methods(["GET", "POST"])
@login_required
def room_edit(request, room_id: int):
    room = selectors.room_get_for_admin(request.user, room_id)
    form = RoomForm(request.POST or None, initial={"name": room.name, "is_active": room.is_active}, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            room = services.room_update(by=request.user, room=room, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Saved the room {room.name}.")
            return redirect("therapy:rooms")
    return render(
        request,
        "therapy/schedule/room_form.html",
        {"nav": "sites", "form": form, "title": f"{room.name} at {room.site.name}", "room": room},
    )


# --- the calendar feed ------------------------------------------------------------------------------


def _feed_page(request, token: str = ""):
    feed = selectors.feed_of(request.user)
    url = request.build_absolute_uri(reverse("therapy:calendar_feed", args=[token])) if token else ""
    return render(
        request,
        "therapy/schedule/feed.html",
        {
            "nav": "account",
            "feed": feed,
            "feed_url": url,
            "names_form": FeedNamesForm(initial={"names": feed.names if feed else FeedNames.NOTHING}),
        },
    )


@require_GET
@login_required
def schedule_feed(request):
    return _feed_page(request)


@require_POST
@login_required
def schedule_feed_reset(request):
    """A new secret address, shown once on this page (only its hash is kept)."""
    _feed, token = services.calendar_feed_reset(by=request.user)
    messages.success(request, FEED_NEW)
    response = _feed_page(request, token)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def schedule_feed_names(request):
    form = FeedNamesForm(request.POST)
    if form.is_valid():
        try:
            services.calendar_feed_update(by=request.user, names=form.cleaned_data["names"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Saved how your feed names clients.")
    return redirect("therapy:schedule_feed")


@require_POST
@login_required
def schedule_feed_remove(request):
    services.calendar_feed_remove(by=request.user)
    messages.success(request, "Your calendar feed is turned off; its address no longer works.")
    return redirect("therapy:schedule_feed")


@require_GET
def calendar_feed(request, token: str):
    """The feed itself, fetched by a calendar program: the secret address is the only key."""
    feed = selectors.feed_for_token(token)
    events, named = selectors.feed_events(feed)
    services.calendar_feed_fetched(feed=feed, client_ids=named)
    response = HttpResponse(
        ical.calendar(events, name="ArtChart sessions"), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="artchart.ics"'
    return response


LEDGER_HEADER = [
    "date",
    "session_id",
    "client_id",
    "provider",
    "npi",
    "licence",
    "code",
    "units",
    "modifiers",
    "place_of_service",
]


@require_GET
@login_required
def ledger(request):
    """The service ledger for the practice's biller: a period, then a CSV of the service lines the user may
    see. A period that ends before it starts is refused on the page and nothing is exported or recorded."""
    today = timezone.localdate()
    asked = "date_from" in request.GET
    form = LedgerForm(request.GET if asked else None, initial={"date_from": today.replace(day=1), "date_to": today})
    if asked and form.is_valid():
        start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        rows = selectors.ledger_rows(request.user, start, end)
        billing.ledger_export_record(
            by=request.user, date_from=start, date_to=end, client_ids=[r.client_id for r in rows], rows=len(rows)
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="service-ledger-{start:%Y%m%d}-{end:%Y%m%d}.csv"'
        writer = csv.writer(response)
        writer.writerow(LEDGER_HEADER)
        for row in rows:
            writer.writerow(
                [
                    csv_cell(value)
                    for value in (
                        row.day.isoformat(),
                        row.session_id,
                        row.client_id,
                        row.provider,
                        row.npi,
                        row.licence,
                        row.code,
                        row.units,
                        row.modifiers,
                        row.place_of_service,
                    )
                ]
            )
        return response
    return render(
        request,
        "therapy/schedule/ledger.html",
        {"nav": "schedule", "form": form},
        status=400 if asked else 200,
    )
