"""Every page that lists things costs the same number of queries however many things it lists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from artchart.core.services import token_issue
from artchart.tests.factories import (
    CareTeamFactory,
    ClientFactory,
    SiteFactory,
    SupervisionLinkFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _add_users(ctx, n):
    for _ in range(n):
        UserFactory(organization=ctx["org"])


def _add_sites(ctx, n):
    for _ in range(n):
        SiteFactory(organization=ctx["org"])


def _add_links(ctx, n):
    for _ in range(n):
        SupervisionLinkFactory(supervisor__organization=ctx["org"], supervisee__organization=ctx["org"])


def _add_team_clients(ctx, n):
    for _ in range(n):
        client = ClientFactory(site=ctx["site"])
        CareTeamFactory(client=client, user=ctx["therapist"])
        CareTeamFactory(client=client, user=UserFactory(organization=ctx["org"]), role="viewer")


def _add_team_members(ctx, n):
    for _ in range(n):
        CareTeamFactory(client=ctx["client_record"], user=UserFactory(organization=ctx["org"]), role="viewer")


def _add_tokens(ctx, n):
    for _ in range(n):
        token_issue(user=ctx["admin"])


def _plan_of(ctx):
    from artchart.plans.models import PlanStatus, Problem, TreatmentPlan

    plan = TreatmentPlan.objects.filter(client=ctx["client_record"]).first()
    if plan is None:
        plan = TreatmentPlan.objects.create(
            client=ctx["client_record"], version=1, author=ctx["therapist"], status=PlanStatus.SIGNED
        )
        Problem.objects.create(plan=plan, statement="Withdraws when frustrated")
    return plan


def _add_goals(ctx, n):
    from artchart.plans.models import Goal, Objective, Problem

    plan = _plan_of(ctx)
    for number in range(n):
        problem = Problem.objects.create(plan=plan, statement=f"Problem {number}")
        goal = Goal.objects.create(problem=problem, statement=f"Goal {number}", level_0="Expected")
        Objective.objects.create(goal=goal, statement=f"Objective {number}")


def _add_sessions_and_notes(ctx, n):
    """Clients on the therapist's team, each with a session today, a completed one with a draft note,
    and another completed one with no note at all."""

    from django.utils import timezone

    from artchart.tests.factories import NoteFactory, SessionFactory

    today = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(9)))
    for number in range(n):
        client = ClientFactory(site=ctx["site"])
        CareTeamFactory(client=client, user=ctx["therapist"])
        SessionFactory(client=client, therapist=ctx["therapist"], starts_at=today, status="scheduled")
        NoteFactory(session=SessionFactory(client=client, therapist=ctx["therapist"]))
        SessionFactory(client=client, therapist=ctx["therapist"])
        _add_artwork(ctx, client, number)


def _add_artwork(ctx, client, number, session=None):
    from artchart.artworks.models import Artwork

    Artwork.objects.create(
        client=client,
        session=session,
        created_by=ctx["therapist"],
        title=f"Piece {number}",
        made_on=dt.date(2026, 3, 2),
    )


def _session_of(ctx):
    from artchart.tests.factories import NoteFactory, SessionFactory
    from artchart.therapy.models import Session

    session = Session.objects.filter(client=ctx["client_record"], notes__isnull=False).first()
    if session is None:
        session = SessionFactory(client=ctx["client_record"], therapist=ctx["therapist"])
        NoteFactory(session=session)
    return session


def _add_to_the_session(ctx, n):
    """More pieces made in the session, and more sessions (with notes) of its client and of others."""
    session = _session_of(ctx)
    for number in range(n):
        _add_artwork(ctx, ctx["client_record"], number, session=session)
    _add_sessions_and_notes(ctx, n)


CASES = {
    "users": ("admin", lambda ctx: reverse("core:users"), _add_users),
    "sites": ("admin", lambda ctx: reverse("core:sites"), _add_sites),
    "supervision": ("admin", lambda ctx: reverse("core:supervision"), _add_links),
    "care team overview": ("admin", lambda ctx: reverse("clients:care_teams"), _add_team_clients),
    "care team": (
        "therapist",
        lambda ctx: reverse("clients:care_team", args=[ctx["client_record"].pk]),
        _add_team_members,
    ),
    "account and tokens": ("admin", lambda ctx: reverse("core:tokens"), _add_tokens),
    "dashboard": ("therapist", lambda ctx: reverse("dashboard"), _add_team_clients),
    "dashboard with sessions, notes and pieces": (
        "therapist",
        lambda ctx: reverse("dashboard"),
        _add_sessions_and_notes,
    ),
    "session page": (
        "therapist",
        lambda ctx: reverse("therapy:session_detail", args=[_session_of(ctx).pk]),
        _add_to_the_session,
    ),
    "chart with its active plan": (
        "therapist",
        lambda ctx: reverse("clients:chart", args=[ctx["client_record"].pk]),
        _add_goals,
    ),
    "treatment plan": (
        "therapist",
        lambda ctx: reverse("plans:detail", args=[ctx["client_record"].pk, _plan_of(ctx).pk]),
        _add_goals,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_list_page_query_count_does_not_grow_with_its_rows(client, case, org, site, admin, therapist, client_record):
    viewer, url_of, add = CASES[case]
    ctx = {"org": org, "site": site, "admin": admin, "therapist": therapist, "client_record": client_record}
    client.force_login(ctx[viewer])
    url = url_of(ctx)

    def queries_after_adding(n):
        add(ctx, n)
        client.get(url)  # the session and the audit counter row settle first
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    few = queries_after_adding(2)
    many = queries_after_adding(12)
    assert many == few, f"{case}: {few} queries with few rows, {many} with many"
