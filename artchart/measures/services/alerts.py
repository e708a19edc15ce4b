"""Risk alerts: raised by an administration with a risk flag, kept until a clinician
acknowledges them by writing or reviewing a safety plan or recording why not. The
treating clinicians are told by e-mail that an alert is waiting — the message carries
no client data at all. Escalation of alerts left open too long is in ``escalation``."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from artchart import outcomes
from artchart.clients.models import CareTeamMembership
from artchart.core import audit, mail
from artchart.core.access import require_client_access
from artchart.core.messages import UserMessage
from artchart.core.models import CareTeamRole, User
from artchart.core.permissions import Action, Area, Relation, allows
from artchart.measures import instruments
from artchart.measures.audit_actions import MeasureAction
from artchart.measures.models import Administration, AlertOutcome, AlertSeverity, RiskAlert, SafetyPlan

ONLY_CLINICIANS = UserMessage(
    "only_clinicians", "Only the client's clinicians and their supervisors acknowledge a risk alert."
)
OUTCOME_NEEDED = UserMessage("outcome_needed", "Choose what was done: a safety plan written or reviewed, or why not.")
PLAN_NEEDED = UserMessage("plan_needed", "Write or review this client's safety plan to acknowledge the alert that way.")
OTHER_NEEDS_WORDS = UserMessage("other_needs_words", "Say in a few words what was done instead of a safety plan.")
PLAN_OUTCOMES = (AlertOutcome.PLAN_WRITTEN, AlertOutcome.PLAN_REVIEWED)
# The reasons recorded when no plan is written or reviewed (the acknowledgement form's list).
REASONS = [(value, label) for value, label in AlertOutcome.choices if value not in PLAN_OUTCOMES]
ALREADY = UserMessage("already", "This alert was acknowledged on {day} by {name}.")
MAIL_SUBJECT = "ArtChart: a risk alert is waiting"
MAIL_BODY = (
    "Hello {name},\n\n"
    "A measure completed in ArtChart raised a risk alert for a client on your caseload.\n"
    "Sign in to ArtChart to see it on your dashboard and acknowledge it: "
    "write or review a safety plan, or record why not.\n\n"
    "This message carries no client information by design.\n"
)
NOTIFIED_ROLES = (CareTeamRole.PRIMARY, CareTeamRole.CO_THERAPIST, CareTeamRole.SUPERVISOR)


def _notify(client_id: int) -> None:
    """E-mail the client's treating clinicians once the alert commits (mail failure never undoes it)."""
    recipients = [
        (m.user.first_name or m.user.username, m.user.email)
        for m in CareTeamMembership.objects.filter(
            client_id=client_id, role__in=NOTIFIED_ROLES, user__is_active=True
        ).select_related("user")
        if m.user.email
    ]

    if settings.MEASURES_NOTIFY_BY_EMAIL:
        for name, address in recipients:
            mail.send_after_commit(
                subject=MAIL_SUBJECT, body=MAIL_BODY.format(name=name), to=[address], what="The risk-alert notice"
            )


def may_acknowledge(relations: set[Relation] | frozenset[Relation]) -> bool:
    """The clinicians who write the client's clinical record, and supervisors (who co-sign it)."""
    return allows(relations, Area.CLINICAL, Action.WRITE) or allows(relations, Area.CLINICAL, Action.COSIGN)


def alert_severity(administration: Administration) -> str:
    """The alert's urgency from its instrument's risk flags (C-SSRS: intent, a plan or recent behaviour is
    high, ideation alone moderate); high where the instrument file is gone or names no severity."""
    instrument = instruments.available().get(administration.instrument)
    found = outcomes.alert_severity(instrument, administration.flags) if instrument else None
    return found or AlertSeverity.HIGH


def raise_alert(administration: Administration) -> RiskAlert:
    alert = RiskAlert.objects.create(
        client_id=administration.client_id,
        administration=administration,
        flags=list(administration.flags),
        severity=alert_severity(administration),
    )
    audit.record(
        actor=administration.recorded_by,
        action=MeasureAction.MEASURE_RISK_ALERT,
        obj=alert,
        client_ids=[administration.client_id],
        flagged=True,
        detail={
            "instrument": administration.instrument,
            "administration": administration.pk,
            "severity": alert.severity,
        },
    )
    _notify(administration.client_id)
    return alert


def alert_acknowledge(
    *, by: User, alert: RiskAlert, outcome: str, note: str = "", safety_plan: SafetyPlan | None = None
) -> RiskAlert:
    """Close an alert with what was done: a safety plan written or reviewed (``safety_plan`` names
    the version), or a reason there was none, with words of the clinician's own for "Other".
    May run inside the transaction that signs or reviews the plan, so both commit or neither."""
    relations = require_client_access(by, alert.client_id, Area.CLINICAL, Action.READ)
    if not may_acknowledge(relations):
        raise PermissionDenied(ONLY_CLINICIANS)
    note = (note or "").strip()
    if outcome not in AlertOutcome.values:
        raise ValidationError({"outcome": OUTCOME_NEEDED})
    if outcome in PLAN_OUTCOMES and (safety_plan is None or safety_plan.client_id != alert.client_id):
        raise ValidationError({"outcome": PLAN_NEEDED})
    if outcome == AlertOutcome.OTHER and not note:
        raise ValidationError({"note": OTHER_NEEDS_WORDS})
    if len(note) > 1000:
        raise ValidationError({"note": "At most 1,000 characters."})
    with transaction.atomic():
        locked = RiskAlert.objects.select_for_update().get(pk=alert.pk)
        if locked.acknowledged_at is not None:
            by_whom = cast(User, locked.acknowledged_by)  # set together with acknowledged_at
            name = by_whom.get_full_name() or by_whom.username
            raise ValidationError(
                {"outcome": ALREADY.format(day=f"{timezone.localtime(locked.acknowledged_at):%b %-d, %Y}", name=name)}
            )
        locked.acknowledged_at = timezone.now()
        locked.acknowledged_by = by
        locked.outcome = outcome
        locked.outcome_note = note
        locked.safety_plan = safety_plan if outcome in PLAN_OUTCOMES else None
        locked.save(update_fields=["acknowledged_at", "acknowledged_by", "outcome", "outcome_note", "safety_plan"])
        audit.record(
            actor=by,
            action=MeasureAction.MEASURE_RISK_ACKNOWLEDGED,
            obj=locked,
            client_ids=[locked.client_id],
            flagged=True,
            detail={
                "administration": locked.administration_id,
                "outcome": outcome,
                "safety_plan": locked.safety_plan_id,
            },
        )
    return locked
