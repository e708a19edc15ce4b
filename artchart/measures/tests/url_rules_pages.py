"""URL access cases for a client's measures pages (gathered by artchart/tests/test_url_access.py).

Measures are part of the clinical record (the CLINICAL row of the access table): whoever reads
it sees the measures, whoever writes it records, sends links, schedules and rates goals. On top
of the table, a risk alert is acknowledged only by the clinicians who write or co-sign the
record (``services.alerts.may_acknowledge``): a treatment-team viewer or an emergency reader
gets 403 there.
"""

from __future__ import annotations

from dataclasses import dataclass

from artchart.core.permissions import Action, relations_of
from artchart.tests.access_rules import CLIN, OK, Case, c


@dataclass(frozen=True)
class Acknowledger:
    def expect(self, person, client_id: int):
        from artchart.measures.services.alerts import may_acknowledge

        expected = CLIN[Action.READ].expect(person, client_id)
        if expected != OK:
            return expected
        return OK if may_acknowledge(relations_of(person, client_id)) else 403


def with_id(name: str, key: str):
    return lambda o: {**c(o), key: o[name].pk}


RULES: dict[str, Case] = {
    "measures:client_measures": Case(CLIN[Action.READ], kwargs=c),
    "measures:administer": Case(CLIN[Action.WRITE], kwargs=c),
    "measures:handoff_start": Case(CLIN[Action.WRITE], method="post", kwargs=c, data=lambda o: {"instrument": "phq9"}),
    "measures:administration_detail": Case(
        CLIN[Action.READ], kwargs=with_id("measure_administration", "administration_id")
    ),
    "measures:alert_acknowledge": Case(Acknowledger(), kwargs=with_id("measure_alert", "alert_id")),
    "measures:link_create": Case(CLIN[Action.WRITE], kwargs=c),
    "measures:link_resend": Case(CLIN[Action.WRITE], method="post", kwargs=with_id("measure_link", "link_id")),
    "measures:schedule_set": Case(CLIN[Action.WRITE], kwargs=c),
    "measures:schedule_stop": Case(
        CLIN[Action.WRITE], method="post", kwargs=with_id("measure_schedule", "schedule_id")
    ),
    "measures:gas_rate": Case(CLIN[Action.WRITE], kwargs=with_id("goal", "goal_id")),
    # Safety plans are read with the clinical record and written by those who acknowledge alerts.
    "measures:safety_plan": Case(CLIN[Action.READ], kwargs=c),
    "measures:safety_plan_new": Case(Acknowledger(), kwargs=c),
    "measures:safety_plan_review": Case(
        Acknowledger(),
        method="post",
        kwargs=with_id("safety_plan", "plan_id"),
        data=lambda o: {"reviewed_on": "2020-01-01"},
    ),
    "measures:safety_plan_print": Case(CLIN[Action.READ], kwargs=with_id("safety_plan", "plan_id")),
}

# Every API operation of this area as (operationId, method, path); the schema test checks the list is whole.
API_OPERATIONS: list[tuple[str, str, str]] = []


def objs(base: dict) -> dict:
    """A PHQ-9 of ``client`` with item 9 above 0 (so an open alert), a link sent and a schedule."""
    from django.utils import timezone

    from artchart.measures.services.administrations import administration_record
    from artchart.measures.services.links import link_create
    from artchart.measures.services.safety import safety_plan_sign
    from artchart.measures.services.schedules import schedule_set

    client, therapist = base["client"], base["therapist"]
    administration = administration_record(
        by=therapist,
        client=client,
        instrument="phq9",
        answers=[2, 2, 1, 1, 1, 1, 1, 0, 1],
        administered_on=timezone.localdate(),
    )
    return {
        "measure_administration": administration,
        "measure_alert": administration.alert,
        "measure_link": link_create(by=therapist, client=client, instrument="gad7", recipient="Maya")[0],
        "measure_schedule": schedule_set(by=therapist, client=client, instrument="phq9", rule="sessions"),
        "safety_plan": safety_plan_sign(
            by=therapist, client=client, crisis_resources="Call 988.", help_contacts=["Aunt Rosa"]
        ),
    }
