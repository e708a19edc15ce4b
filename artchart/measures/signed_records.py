"""Signed safety plans (every version), for ``artchart audit verify --records`` (see
``artchart.core.signed_records``)."""

from __future__ import annotations

from artchart.core.signed_records import SignedKind
from artchart.measures.models import SafetyPlan
from artchart.measures.services.safety import safety_plan_canonical

KINDS = [
    SignedKind(
        model=SafetyPlan,
        signed=lambda: SafetyPlan.objects.order_by("pk"),
        canonical=safety_plan_canonical,
        client_id=lambda plan: plan.client_id,
        stored_field="",
    ),
]
