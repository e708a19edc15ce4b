"""Risk alerts: raised by an administration with a risk flag, kept until a clinician
acknowledges them with a safety-plan note. The treating clinicians are told by e-mail
that an alert is waiting — the message carries no client data at all."""

from __future__ import annotations


from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from artchart.core import audit, mail
from artchart.core.access import require_client_access
from artchart.clients.models import CareTeamMembership
from artchart.core.models import CareTeamRole, User
from artchart.core.permissions import Action, Area, allows
from artchart.measures.models import Administration, RiskAlert


ONLY_CLINICIANS = "Only the client's clinicians and their supervisors acknowledge a risk alert."
NOTE_NEEDED = "Write the safety-plan note: what was done and what the plan is."
ALREADY = "This alert was acknowledged on {day} by {name}."
MAIL_SUBJECT = "ArtChart: a risk alert is waiting"
MAIL_BODY = (
    "Hello {name},\n\n"
    "A measure completed in ArtChart raised a risk alert for a client on your caseload.\n"
    "Sign in to ArtChart to see it on your dashboard and acknowledge it with a safety-plan note.\n\n"
    "This message carries no client information by design.\n"
)
NOTIFIED_ROLES = (CareTeamRole.PRIMARY, CareTeamRole.CO_THERAPIST, CareTeamRole.SUPERVISOR)


def _notify(client_id: int) -> None:
    """E-mail the client's treating clinicians once the alert commits (mail failure never undoes it)."""
    recipients = [(m.user.first_name or m.user.username, m.user.email) for m in
                  CareTeamMembership.objects.filter(client_id=client_id, role__in=NOTIFIED_ROLES,
                                                    user__is_active=True).select_related("user")
                  if m.user.email]

    if settings.MEASURES_NOTIFY_BY_EMAIL:
        for name, address in recipients:
            mail.send_after_commit(subject=MAIL_SUBJECT, body=MAIL_BODY.format(name=name), to=[address],
                                   what="The risk-alert notice")


def may_acknowledge(relations) -> bool:
    """The clinicians who write the client's clinical record, and supervisors (who co-sign it)."""
    return allows(relations, Area.CLINICAL, Action.WRITE) or allows(relations, Area.CLINICAL, Action.COSIGN)


def raise_alert(administration: Administration) -> RiskAlert:
    alert = RiskAlert.objects.create(client_id=administration.client_id, administration=administration,
                                     flags=list(administration.flags))
    audit.record(actor=administration.recorded_by, action="measure.risk_alert", obj=alert,
                 client_ids=[administration.client_id], flagged=True,
                 detail={"instrument": administration.instrument, "administration": administration.pk})
    _notify(administration.client_id)
    return alert


def alert_acknowledge(*, by: User, alert: RiskAlert, safety_plan_note: str) -> RiskAlert:
    relations = require_client_access(by, alert.client_id, Area.CLINICAL, Action.READ)
    if not may_acknowledge(relations):
        raise PermissionDenied(ONLY_CLINICIANS)
    note = (safety_plan_note or "").strip()
    if not note:
        raise ValidationError({"safety_plan_note": NOTE_NEEDED})
    if len(note) > 5000:
        raise ValidationError({"safety_plan_note": "At most 5,000 characters."})
    with transaction.atomic():
        locked = RiskAlert.objects.select_for_update().get(pk=alert.pk)
        if locked.acknowledged_at is not None:
            name = locked.acknowledged_by.get_full_name() or locked.acknowledged_by.username
            raise ValidationError({"safety_plan_note": ALREADY.format(
                day=f"{timezone.localtime(locked.acknowledged_at):%b %-d, %Y}", name=name)})
        locked.acknowledged_at = timezone.now()
        locked.acknowledged_by = by
        locked.safety_plan_note = note
        locked.save(update_fields=["acknowledged_at", "acknowledged_by", "safety_plan_note"])
        audit.record(actor=by, action="measure.risk_acknowledged", obj=locked, client_ids=[locked.client_id],
                     flagged=True, detail={"administration": locked.administration_id})
    return locked
