"""The demo practice's hours log: the intern, working toward ATR-P, has logged the last six weeks.

Called once from ``artchart.demo.practice.build_demo`` after the sessions exist. Each week goes
through ``week_log`` as the intern would enter it on the log page: direct client contact on
four weekdays, an hour of individual supervision on Wednesday with the supervisor (ATR-BC),
and group supervision every other Friday. The supervisor has confirmed every entry but the
last one, which waits for them; this week's documented sessions are left for the intern to
log from the "From documented sessions" page.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from artchart.core.models import User
from artchart.supervision import rules, services
from artchart.supervision.selectors import week_start

WEEKS = 6
SETTINGS = ("Northside Elementary School", "Riverbend outpatient studio")


def build_supervision_demo(*, rng: random.Random, people: dict[str, User]) -> None:
    intern, supervisor = people["intern"], people["supervisor"]
    credential = rules.credential_from_text(supervisor.credentials) or rules.SupervisorCredential.ATR_BC
    this_week = week_start(timezone.localdate())
    entries = []
    for back in range(WEEKS, 0, -1):
        monday = this_week - dt.timedelta(weeks=back)
        days = [
            services.DayHours(
                date=monday + dt.timedelta(days=offset),
                direct_hours=Decimal(rng.choice((3, 3.5, 4, 4.5, 5))).quantize(Decimal("0.25")),
                individual_hours=Decimal(1) if offset == 2 else Decimal(0),
                group_hours=Decimal("1.5") if offset == 4 and back % 2 == 0 else Decimal(0),
            )
            for offset in range(5)
            if offset != 3 or back % 2 == 0  # a day of coursework in the other weeks
        ]
        entries += services.week_log(
            by=intern,
            supervisee=intern,
            days=days,
            supervisor=supervisor,
            supervisor_credential=credential,
            setting=SETTINGS[back % 2],
        )
    *to_confirm, _waiting = sorted(entries, key=lambda entry: entry.date)
    for entry in to_confirm:
        services.hours_confirm(by=supervisor, entry=entry)
