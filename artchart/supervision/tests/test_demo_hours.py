"""The demo's intern has weeks of hours toward ATR-P: most confirmed by her supervisor, one waiting."""

from __future__ import annotations

import pytest
from django.urls import reverse

from artchart.core.models import User
from artchart.supervision.models import HoursEntry, HoursStatus
from artchart.supervision.selectors import progress_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_practice):
    return demo_practice


def test_the_intern_has_weeks_of_hours_most_confirmed_one_waiting(demo, client):
    intern = User.objects.get(username="intern", organization__is_demo=True)
    supervisor = User.objects.get(username="supervisor", organization__is_demo=True)
    entries = list(HoursEntry.objects.filter(supervisee=intern))
    assert len({entry.date.isocalendar()[1] for entry in entries}) >= 4
    waiting = [entry for entry in entries if entry.status == HoursStatus.ENTERED]
    assert len(waiting) == 1 and waiting[0].date == max(entry.date for entry in entries)
    assert all(entry.supervisor == supervisor and entry.supervisor_credential == "ATR-BC" for entry in entries)
    atr_p = progress_of(intern)["credentials"][0]
    assert atr_p.credential == "ATR-P" and 0 < atr_p.direct < 1000 and atr_p.board_certified == atr_p.supervision
    client.force_login(supervisor)
    page = client.get(reverse("supervision:supervisees"))
    assert page.status_code == 200 and page.content.count(b">Confirm<") == 1
