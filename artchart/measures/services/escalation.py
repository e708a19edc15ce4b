"""Escalation of risk alerts left unacknowledged longer than ``RISK_ESCALATE_MINUTES``: each
goes, once, to the client's supervising clinicians (on the care team, or supervising the
primary therapist) and the site's on-call clinician — a dashboard card and an e-mail that
carries no client data. Run by ``artchart escalate_alerts`` (the ``escalate_alerts`` task)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from artchart.clients.models import CareTeamMembership, Client
from artchart.core import audit, mail
from artchart.core.models import CareTeamRole, SupervisionLink, User
from artchart.measures.audit_actions import MeasureAction
from artchart.measures.models import AlertEscalation, EscalationReason, RiskAlert

logger = logging.getLogger(__name__)

MAIL_SUBJECT = "ArtChart: a risk alert needs attention"
MAIL_BODY = (
    "Hello {name},\n\n"
    "A risk alert in ArtChart has not been acknowledged in time and needs attention.\n"
    "Sign in to ArtChart to see it on your dashboard.\n\n"
    "This message carries no client information by design.\n"
)


def escalation_recipients(client_id: int) -> list[tuple[User, str]]:
    """Who is told, each once: supervising clinicians first, then the site's on-call clinician."""
    team = CareTeamMembership.objects.filter(client_id=client_id).select_related("user")
    primaries = [m.user_id for m in team if m.role == CareTeamRole.PRIMARY]
    found: dict[int, tuple[User, str]] = {}
    supervisors = [m.user for m in team if m.role == CareTeamRole.SUPERVISOR]
    supervisors += [
        link.supervisor
        for link in SupervisionLink.objects.filter(supervisee_id__in=primaries, ended_on__isnull=True).select_related(
            "supervisor"
        )
    ]
    for user in supervisors:
        found.setdefault(user.pk, (user, EscalationReason.SUPERVISOR))
    on_call = Client.objects.filter(pk=client_id).values_list("site__on_call_clinician", flat=True).first()
    if on_call:
        found.setdefault(on_call, (User.objects.get(pk=on_call), EscalationReason.ON_CALL))
    return [(user, reason) for user, reason in found.values() if user.is_active]


def _mail(recipients: list[User]) -> None:
    if not settings.MEASURES_NOTIFY_BY_EMAIL:
        return
    for user in recipients:
        if user.email:
            # Sent after commit, and never raised: the dashboard shows the escalation anyway.
            mail.send_after_commit(
                subject=MAIL_SUBJECT,
                body=MAIL_BODY.format(name=user.first_name or user.username),
                to=[user.email],
                what="The risk-alert escalation notice",
            )


def _escalate_one(*, by: User | None, alert_id: int, now: dt.datetime) -> bool:
    with transaction.atomic():
        alert = RiskAlert.objects.select_for_update().get(pk=alert_id)
        if alert.acknowledged_at is not None or alert.escalated_at is not None:
            return False  # acknowledged meanwhile, or another run got there first
        recipients = escalation_recipients(alert.client_id)
        AlertEscalation.objects.bulk_create(
            [
                AlertEscalation(alert=alert, recipient=user, reason=reason, notified_at=now)
                for user, reason in recipients
            ]
        )
        alert.escalated_at = now
        alert.save(update_fields=["escalated_at"])
        audit.record(
            actor=by,
            action=MeasureAction.MEASURE_RISK_ESCALATED,
            obj=alert,
            client_ids=[alert.client_id],
            flagged=True,
            detail={"recipients": [user.pk for user, _ in recipients], "minutes": settings.RISK_ESCALATE_MINUTES},
        )
        if not recipients:
            logger.warning("Risk alert %s is past its time and has no supervising or on-call clinician", alert.pk)
        _mail([user for user, _ in recipients])
    return True


def alerts_escalate(*, by: User | None = None, now: dt.datetime | None = None) -> int:
    """Escalate every open alert older than the limit and not escalated yet; returns how many.
    Each alert in its own transaction under its row lock, so two runs never escalate one twice."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(minutes=settings.RISK_ESCALATE_MINUTES)
    due = list(
        RiskAlert.objects.filter(acknowledged_at__isnull=True, escalated_at__isnull=True, raised_at__lte=cutoff)
        .order_by("raised_at", "pk")
        .values_list("pk", flat=True)
    )
    return sum(_escalate_one(by=by, alert_id=pk, now=now) for pk in due)


def escalations_seen(*, by: User, escalations: list[AlertEscalation]) -> None:
    """Record the first time a recipient's dashboard showed each escalation (who saw it, and when)."""
    unseen = [e for e in escalations if e.seen_at is None and e.recipient_id == by.pk]
    if not unseen:
        return
    now = timezone.now()
    with transaction.atomic():
        marked = AlertEscalation.objects.filter(pk__in=[e.pk for e in unseen], seen_at__isnull=True).update(seen_at=now)
        if marked:
            audit.record(
                actor=by,
                action=MeasureAction.MEASURE_RISK_ESCALATION_SEEN,
                object_type="measures.alertescalation",
                object_id=",".join(str(e.pk) for e in unseen),
                flagged=True,
                client_ids=[e.alert.client_id for e in unseen],
                detail={"alerts": [e.alert_id for e in unseen]},
            )
    for escalation in unseen:
        escalation.seen_at = now
