"""The therapy app's cards on the dashboard (today's sessions, notes to sign, the
co-sign queue, returned notes, sessions with no signed note) and on a client's
chart (the course of treatment, group attendance, restricted records)."""

from __future__ import annotations

from django.db.models import Count, Q

from artchart.clients.selectors import shown
from artchart.core.models import Role
from artchart.core.panel_registry import Panel
from artchart.core.permissions import Action, Area
from artchart.therapy.models import PRESENT_STATUSES
from artchart.therapy.selectors import notes as note_selectors
from artchart.therapy.selectors.confidential import confidential_counts, process_notes_count
from artchart.therapy.selectors.groups import attendance_of
from artchart.therapy.selectors.sessions import sessions_today_for
from artchart.therapy.selectors.timeline import timeline_of

DASHBOARD_ROWS = 10
ATTENDANCE_ROWS = 12


def chart_panels(access) -> list[Panel]:
    panels = []
    if access.may(Area.NOTES, Action.READ):
        panels.append(
            Panel(
                "therapy/_chart_timeline.html",
                {
                    "client": access.client,
                    "timeline": timeline_of(access),
                    "may_write_notes": access.may(Area.NOTES, Action.WRITE),
                },
                order=30,
            )
        )
        marks = attendance_of(access)
        totals = marks.aggregate(marked=Count("pk"), attended=Count("pk", filter=Q(status__in=PRESENT_STATUSES)))
        if totals["marked"]:
            panels.append(
                Panel(
                    "therapy/groups/_chart_attendance.html",
                    {
                        "shown": True,
                        "client": access.client,
                        "marks": list(marks[:ATTENDANCE_ROWS]),
                        **totals,
                    },
                    order=35,
                )
            )
    # Reports and incidents are counted only for those who may read them; the process-notes
    # link shows only the notes this user may read (their own, their intern's), never anyone else's.
    counts = confidential_counts(access)
    process_notes = process_notes_count(access.user, access) if access.user is not None else None
    if counts is not None or process_notes is not None:
        panels.append(
            Panel(
                "therapy/confidential/_chart_card.html",
                {
                    "shown": True,
                    "client": access.client,
                    "counts": counts,
                    "process_notes": process_notes,
                    "may_write_process_notes": access.may(Area.PROCESS_NOTES, Action.WRITE),
                },
                order=40,
            )
        )
    return panels


def dashboard_panels(user) -> list[Panel]:
    if user.role in (Role.ADMIN, Role.PROGRAM_ADMIN):
        return [Panel("therapy/_dashboard_settings.html", order=60)]
    if user.role == Role.TEAM_MEMBER:
        return []
    today = list(sessions_today_for(user))
    cosign = list(note_selectors.cosign_queue(user)[:DASHBOARD_ROWS])
    returned = list(note_selectors.returned_to(user)[:DASHBOARD_ROWS])
    # A returned note is a draft too; it is listed once, under "returned".
    drafts = list(
        note_selectors.notes_awaiting_signature(user).exclude(pk__in=[n.pk for n in returned])[:DASHBOARD_ROWS]
    )
    unsigned = list(note_selectors.sessions_without_signed_note(user)[:DASHBOARD_ROWS])
    shown(note.client for note in cosign + returned + drafts)
    shown(session.client for session in today + unsigned if session.client_id)
    panels = [Panel("therapy/_dashboard_today.html", {"sessions": today}, order=5)]
    if returned:
        panels.append(Panel("therapy/notes/_dashboard_returned.html", {"notes": returned}, order=10))
    if cosign:
        panels.append(Panel("therapy/notes/_dashboard_cosign.html", {"notes": cosign}, order=12))
    if drafts:
        panels.append(
            Panel(
                "therapy/notes/_dashboard_drafts.html", {"notes": drafts, "submits": user.role == Role.INTERN}, order=14
            )
        )
    if unsigned:
        panels.append(Panel("therapy/notes/_dashboard_unsigned.html", {"sessions": unsigned}, order=16))
    return panels
