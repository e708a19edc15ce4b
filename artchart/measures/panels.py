"""The measures app's cards: escalated and open risk alerts and measures due on the
dashboard, "Safety plan" and "Measures" cards on the chart, the measures recorded in
a session and those due for its client, and the client's open alerts and precautions wherever a note or session is
documented."""

from __future__ import annotations

from django.urls import reverse

from artchart.clients.selectors import shown
from artchart.core.models import Role
from artchart.core.panel_registry import FirstDayStep, Panel
from artchart.core.permissions import (
    Action,
    Area,
    allows,
    client_ids_allowing,
    client_ids_with_chart_access,
    relations_of,
)
from artchart.measures import instruments, selectors
from artchart.measures.models import Administration, RiskAlert
from artchart.measures.services.alerts import may_acknowledge
from artchart.measures.services.escalation import escalations_seen
from artchart.measures.views.client import course_words

DASHBOARD_ROWS = 20
CLINICIANS = (Role.THERAPIST, Role.SUPERVISOR, Role.INTERN)


def first_day_steps(user) -> list[FirstDayStep]:
    if user.role != Role.ADMIN:
        return []
    return [
        FirstDayStep(
            "Set the crisis resources",
            selectors.crisis_resources_set_for(user),
            reverse("measures:crisis_resources"),
            "What a client answering a questionnaire sees at once when an answer shows risk: your local numbers.",
            order=40,
        )
    ]


def dashboard_panels(user) -> list[Panel]:
    if user.role not in CLINICIANS:
        return []
    panels = _escalation_panels(user)
    alerts = list(selectors.open_alerts_for(user)[:DASHBOARD_ROWS])
    if alerts:
        shown(alert.client for alert in alerts)
        # Before everything else, today's sessions (order 5) included: a safety concern comes first.
        panels.append(Panel("measures/_panel_alerts.html", {"alerts": selectors.named_alerts(alerts)}, order=4))
    due = selectors.due_measures_for(user)
    if due:
        panels.append(
            Panel(
                "measures/_panel_due.html", {"due": due[:DASHBOARD_ROWS], "more": len(due) > DASHBOARD_ROWS}, order=15
            )
        )
    return panels


def _escalation_panels(user) -> list[Panel]:
    """Alerts passed to this user as supervising or on-call clinician. The client is named only to
    someone who may open the chart; the on-call clinician otherwise sees the site and whom to call."""
    escalations = list(selectors.escalations_for(user)[:DASHBOARD_ROWS])
    if not escalations:
        return []
    readable = set(
        client_ids_with_chart_access(user)
        .filter(pk__in=[e.alert.client_id for e in escalations])
        .values_list("pk", flat=True)
    )
    shown(e.alert.client for e in escalations if e.alert.client_id in readable)
    escalations_seen(by=user, escalations=escalations)
    primaries = selectors.primary_therapists_of([e.alert.client_id for e in escalations])
    rows = [
        {
            "escalation": e,
            "alert": e.alert,
            "readable": e.alert.client_id in readable,
            "primary": primaries.get(e.alert.client_id),
        }
        for e in escalations
    ]
    # Before the open alerts (order 4): these have waited longest.
    return [Panel("measures/_panel_escalations.html", {"rows": rows}, order=3)]


def chart_panels(access) -> list[Panel]:
    if not access.may(Area.CLINICAL, Action.READ):
        return []
    plan = selectors.safety_plan_current(access)
    safety = Panel(
        "measures/_panel_safety_plan.html",
        {
            "client": access.client,
            "plan": plan,
            "last_review": plan.reviews.first() if plan else None,
            "may_write": may_acknowledge(access.relations),
        },
        order=24,
    )
    latest = []
    for trajectory in selectors.trajectories_of(access):
        summary, _ = course_words(trajectory.course)
        latest.append(
            {
                "instrument": trajectory.instrument,
                "last": trajectory.points[-1],
                "course": summary,
                "classification": getattr(trajectory.course, "classification", ""),
            }
        )
    return [
        Panel(
            "measures/_panel_chart.html",
            {
                "client": access.client,
                "latest": latest,
                "alerts": selectors.named_alerts(selectors.alerts_of(access).filter(acknowledged_at__isnull=True)),
                "may_write": access.may(Area.CLINICAL, Action.WRITE),
                "may_acknowledge": may_acknowledge(access.relations),
            },
            order=25,
        ),
        safety,
    ]


def session_panels(user, session) -> list[Panel]:
    if user.role not in CLINICIANS:
        return []
    administrations = list(
        Administration.objects.filter(
            session=session, client_id__in=client_ids_allowing(user, Area.CLINICAL, Action.READ)
        )
        .select_related("client")
        .order_by("client__legal_last_name", "administered_on", "pk")
    )
    record_for = None
    if session.client_id and allows(relations_of(user, session.client_id), Area.CLINICAL, Action.WRITE):
        record_for = session.client_id
    if not administrations and record_for is None:
        return []
    shown(a.client for a in administrations)
    # What the client's schedules say is due, each a button that opens that instrument for this session.
    due = selectors.due_measures_for(user, client_ids=[record_for]) if record_for is not None else []

    available = instruments.available()
    rows = [
        {"administration": a, "name": getattr(available.get(a.instrument), "short_name", a.instrument)}
        for a in administrations
    ]
    return [
        Panel(
            "measures/_panel_session.html",
            {
                "rows": rows,
                "due": due,
                "session": session,
                "record_for": record_for,
                "group": bool(session.group_id),
            },
            order=40,
        )
    ]


def risk_panels(user, client) -> list[Panel]:
    concerns = selectors.risk_concerns(user, client)
    if not concerns:
        return []
    # First on the page: whoever documents reads the open alerts before writing "no risk".
    return [
        Panel(
            "measures/_panel_risk.html",
            {"concerns": concerns, "may_acknowledge": may_acknowledge(concerns.relations)},
            order=1,
        )
    ]


def open_risk_alert(client_id: int) -> bool:
    return RiskAlert.objects.filter(client_id=client_id, acknowledged_at__isnull=True).exists()
