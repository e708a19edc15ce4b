"""Signed treatment plans (the active version and those it superseded), for
``artchart audit verify --records`` (see ``artchart.core.signed_records``)."""

from __future__ import annotations

from artchart.core.signed_records import SignedKind
from artchart.plans.models import PlanStatus, TreatmentPlan
from artchart.plans.services import content_canonical

KINDS = [
    SignedKind(
        model=TreatmentPlan,
        signed=lambda: TreatmentPlan.objects.filter(status__in=[PlanStatus.SIGNED, PlanStatus.SUPERSEDED]).order_by(
            "pk"
        ),
        canonical=content_canonical,
        client_id=lambda plan: plan.client_id,
    ),
]
