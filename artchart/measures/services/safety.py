"""Safety plans (Stanley & Brown's Safety Planning Intervention): writing and signing a new
version, and recording that a plan was gone through with the client. Either may acknowledge
a risk alert in the same transaction. Audit events name the plan and its version, never
what the plan says."""

from __future__ import annotations

import datetime as dt
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from artchart.clients.models import Client
from artchart.core import audit
from artchart.core.access import require_client_access
from artchart.core.messages import UserMessage
from artchart.core.models import User
from artchart.core.permissions import Action, Area
from artchart.core.signed_records import signed_detail
from artchart.measures.audit_actions import MeasureAction
from artchart.measures.models import AlertOutcome, RiskAlert, SafetyPlan, SafetyPlanReview
from artchart.measures.services.alerts import ONLY_CLINICIANS, alert_acknowledge, may_acknowledge

# The plan's lists in the order of its steps; a person or agency to contact is the one entry it cannot lack.
LIST_FIELDS = (
    "warning_signs",
    "coping_strategies",
    "distractions",
    "help_contacts",
    "professionals",
    "means_safety",
    "reasons_for_living",
)
NEEDS_CONTACT = UserMessage(
    "needs_contact",
    "Name at least one person or agency the client can contact for help "
    "(step 4 or step 5); a safety plan without one is not saved.",
)
TOO_MANY = UserMessage("safety_plan_too_many", "At most {most} entries here.")
TOO_LONG = UserMessage("too_long", "Keep each entry under {most} characters.")
NOT_CURRENT = UserMessage("not_current", "Version {version} has been superseded; review the current plan instead.")
MOST_ENTRIES = 20
MOST_CHARACTERS = 300


def _check_lists(lists: dict[str, list[str]]) -> dict[str, list[str]]:
    cleaned, errors = {}, {}
    for name in LIST_FIELDS:
        entries = [entry.strip() for entry in lists.get(name) or [] if entry and entry.strip()]
        if len(entries) > MOST_ENTRIES:
            errors[name] = TOO_MANY.format(most=MOST_ENTRIES)
        elif any(len(entry) > MOST_CHARACTERS for entry in entries):
            errors[name] = TOO_LONG.format(most=MOST_CHARACTERS)
        cleaned[name] = entries
    if not (cleaned["help_contacts"] or cleaned["professionals"]):
        errors.setdefault("help_contacts", NEEDS_CONTACT)
    if errors:
        raise ValidationError(errors)
    return cleaned


def safety_plan_canonical(plan: SafetyPlan) -> str:
    """What a safety plan's signature covers, as stable text: every step, the crisis resources,
    who signed it and when. The plan keeps no hash of its own; its sign event records the keyed one."""
    content = {
        "client": plan.client_id,
        "version": plan.version,
        **{name: list(getattr(plan, name)) for name in LIST_FIELDS},
        "crisis_resources": plan.crisis_resources,
        "signed_by": plan.signed_by_id,
        "signed_at": plan.signed_at.isoformat(timespec="microseconds"),
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _require_writer(by: User, client_id: int) -> None:
    """The clinicians who acknowledge a risk alert are those who write the plan that answers it."""
    if not may_acknowledge(require_client_access(by, client_id, Area.CLINICAL, Action.READ)):
        raise PermissionDenied(ONLY_CLINICIANS)


def _review(*, by: User, plan: SafetyPlan, reviewed_on: dt.date) -> SafetyPlanReview:
    review = SafetyPlanReview(plan=plan, reviewed_on=reviewed_on, reviewed_by=by)
    review.full_clean()
    review.save()
    audit.record(
        actor=by,
        action=MeasureAction.MEASURE_SAFETY_PLAN_REVIEW,
        obj=review,
        client_ids=[plan.client_id],
        detail={"safety_plan": plan.pk, "version": plan.version},
    )
    return review


def safety_plan_sign(
    *,
    by: User,
    client: Client,
    crisis_resources: str,
    reviewed_on: dt.date | None = None,
    alert: RiskAlert | None = None,
    **lists: list[str],
) -> SafetyPlan:
    """Write and sign the next version of the client's plan; it supersedes the one before, which stays as it was.
    With ``reviewed_on``, the plan was gone through with the client that day; with ``alert``, it answers it."""
    _require_writer(by, client.pk)
    unknown = set(lists) - set(LIST_FIELDS)
    if unknown:
        raise TypeError(f"Unknown safety-plan lists: {sorted(unknown)}")
    cleaned = _check_lists(lists)
    with transaction.atomic():
        # The client's row is the lock two clinicians signing at once queue on, so versions never collide.
        Client.objects.select_for_update().only("pk").get(pk=client.pk)
        last = SafetyPlan.objects.filter(client_id=client.pk).aggregate(last=Max("version"))["last"] or 0
        plan = SafetyPlan(
            client=client, version=last + 1, crisis_resources=(crisis_resources or "").strip(), signed_by=by, **cleaned
        )
        plan.full_clean()
        plan.save()
        audit.record(
            actor=by,
            action=MeasureAction.MEASURE_SAFETY_PLAN_SIGN,
            obj=plan,
            client_ids=[client.pk],
            detail=signed_detail(
                audit.content_digest(safety_plan_canonical(plan)), version=plan.version, supersedes=last or None
            ),
        )
        if reviewed_on is not None:
            _review(by=by, plan=plan, reviewed_on=reviewed_on)
        if alert is not None:
            alert_acknowledge(by=by, alert=alert, outcome=AlertOutcome.PLAN_WRITTEN, safety_plan=plan)
    return plan


def safety_plan_review(
    *, by: User, plan: SafetyPlan, reviewed_on: dt.date, alert: RiskAlert | None = None
) -> SafetyPlanReview:
    """Record that the current plan was gone through with the client (and, with ``alert``, that this answers it)."""
    _require_writer(by, plan.client_id)
    with transaction.atomic():
        Client.objects.select_for_update().only("pk").get(pk=plan.client_id)
        current = SafetyPlan.objects.filter(client_id=plan.client_id).aggregate(last=Max("version"))["last"]
        if plan.version != current:
            raise ValidationError({"reviewed_on": NOT_CURRENT.format(version=plan.version)})
        review = _review(by=by, plan=plan, reviewed_on=reviewed_on)
        if alert is not None:
            alert_acknowledge(by=by, alert=alert, outcome=AlertOutcome.PLAN_REVIEWED, safety_plan=plan)
    return review
