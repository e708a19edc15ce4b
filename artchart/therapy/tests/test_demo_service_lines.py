"""The demo practice records service lines a biller would recognise, every one keeping the rules."""

from __future__ import annotations

import pytest

from artchart.therapy import billing_rules
from artchart.therapy.models import ServiceLine, Session
from artchart.therapy.services.sessions import billing_facts, line_of


@pytest.fixture(autouse=True)
def _each_test_in_a_savepoint(demo_practice, db):
    pass


def test_the_demo_bills_an_add_on_a_group_a_school_and_telehealth():
    lines = ServiceLine.objects.select_related("session")
    assert lines.filter(code="90785").exists()
    assert lines.filter(code="90853", session__kind="group").exists()
    assert lines.filter(session__place_of_service="03").exists()
    assert lines.filter(session__modality="telehealth", modifiers__contains="95").exists()
    assert lines.filter(code="90791").exists()


def test_every_demo_session_keeps_the_rules():
    sessions = Session.objects.filter(service_lines__isnull=False).distinct().prefetch_related("service_lines")
    broken = {
        session.pk: found
        for session in sessions
        if (found := billing_rules.problems(billing_facts(session), [line_of(r) for r in session.service_lines.all()]))
    }
    assert broken == {}
