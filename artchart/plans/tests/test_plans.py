"""Treatment plans: versions, signing, the intern's submit → co-sign / return, and who may see what."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from artchart.core.models import AuditEvent
from artchart.core.services import token_issue
from artchart.plans import services
from artchart.plans.models import Goal, Objective, PlanStatus, TreatmentPlan
from artchart.tests.factories import CareTeamFactory, SupervisionLinkFactory, UserFactory, with_second_factor

pytestmark = pytest.mark.django_db

API_OPERATIONS = [
    "plans_list",
    "plans_create",
    "plan_detail",
    "plan_sign",
    "plan_submit",
    "plan_cosign",
    "plan_return",
    "problems_create",
    "goals_create",
    "objectives_create",
    "plan_update",
    "problem_update",
    "problem_delete",
    "goal_update",
    "goal_delete",
    "objective_update",
    "objective_delete",
    "interventions_create",
    "intervention_update",
    "intervention_delete",
    "conferences_list",
    "conferences_create",
    "conference_detail",
    "conference_update",
    "conference_attendees_create",
    "conference_attendee_delete",
    "conference_plans_link",
    "conference_plan_unlink",
]


def _draft_with_goals(by, client, goals=("Express anger safely through art", "Tolerate an unfinished piece")):
    plan = services.plan_create(by=by, client=client)
    problem = services.problem_add(by=by, plan=plan, statement="Outbursts when work does not go to plan")
    for statement in goals:
        goal = services.goal_add(
            by=by,
            problem=problem,
            statement=statement,
            level_minus_2="No change",
            level_0="Names the feeling in two of three sessions",
            level_plus_2="Every session",
        )
        services.objective_add(
            by=by, goal=goal, statement="Uses the scribble chase when frustrated", baseline="0 of 4 sessions"
        )
    return plan


def _api(user):
    from django.test import Client

    return Client(headers={"Authorization": f"Bearer {token_issue(user=user)[1]}"})


def test_therapist_signs_a_plan_with_two_goals_and_revises_it_into_version_2(client, therapist, client_record):
    plan = _draft_with_goals(therapist, client_record)
    client.force_login(therapist)
    assert client.post(reverse("plans:sign", args=[client_record.pk, plan.pk])).status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SIGNED and plan.signed_by == therapist and len(plan.content_hash) == 64
    assert plan.content_hash == services.content_hash(plan)

    assert client.post(reverse("plans:create", args=[client_record.pk])).status_code == 302
    second = TreatmentPlan.objects.get(client=client_record, version=2)
    assert second.status == PlanStatus.DRAFT
    assert Goal.objects.filter(problem__plan=second).count() == 2
    assert Objective.objects.filter(goal__problem__plan=second).count() == 2
    services.goal_add(by=therapist, problem=second.problems.get(), statement="Finishes one piece a month")
    client.post(reverse("plans:sign", args=[client_record.pk, second.pk]))

    plan.refresh_from_db()
    second.refresh_from_db()
    assert second.status == PlanStatus.SIGNED
    assert plan.status == PlanStatus.SUPERSEDED and Goal.objects.filter(problem__plan=plan).count() == 2
    chart = client.get(reverse("clients:chart", args=[client_record.pk])).content.decode()
    assert (
        "Active treatment plan" in chart and "Finishes one piece a month" in chart and "Revise into version 3" in chart
    )
    page = client.get(reverse("plans:list", args=[client_record.pk])).content.decode()
    assert "Version 1" in page and "Superseded" in page
    actions = list(AuditEvent.objects.filter(action__startswith="plan.").values_list("action", flat=True))
    assert actions.count("plan.sign") == 2 and actions.count("plan.create") == 2
    assert all(
        set(e.detail) <= {"plan", "version", "revises", "superseded", "fields", "content_hmac"}
        for e in AuditEvent.objects.filter(action__startswith="plan.")
    )


def test_editing_a_signed_plan_is_refused_with_409(therapist, client_record):
    plan = _draft_with_goals(therapist, client_record)
    browser = _api(therapist)
    response = browser.post(reverse("api:plan_sign", kwargs={"client_id": client_record.pk, "plan_id": plan.pk}))
    assert response.status_code == 200 and response.json()["status"] == "signed"
    goals_before = Goal.objects.count()
    adds_before = AuditEvent.objects.filter(action="plan.goal_add").count()
    response = browser.post(
        reverse("api:goals_create", kwargs={"client_id": client_record.pk, "plan_id": plan.pk}),
        json.dumps({"problem": plan.problems.get().pk, "statement": "Sneaked in"}),
        content_type="application/json",
    )
    assert response.status_code == 409
    assert "revise it into a new version" in response.json()["message"]
    assert (
        Goal.objects.count() == goals_before
        and AuditEvent.objects.filter(action="plan.goal_add").count() == adds_before
    )
    # The web form says the same and changes nothing.
    from django.test import Client

    web = Client()
    web.force_login(therapist)
    goal = Goal.objects.filter(problem__plan=plan).first()
    response = web.post(
        reverse("plans:item_edit", args=[client_record.pk, plan.pk, "goal", goal.pk]),
        {"statement": "Changed", "weight": 1},
    )
    assert response.status_code == 200 and "revise it into a new version" in response.content.decode()
    goal.refresh_from_db()
    assert goal.statement != "Changed"


def test_intern_plan_waits_for_cosign(client, intern, supervisor, client_record):
    plan = _draft_with_goals(intern, client_record)
    with pytest.raises(PermissionDenied):
        services.plan_sign(by=intern, plan=plan)
    client.force_login(intern)
    page = client.get(reverse("plans:detail", args=[client_record.pk, plan.pk])).content.decode()
    assert 'class="inline" data-confirm="Submit version 1 for co-signature?' in page  # asks, as Sign does
    client.post(reverse("plans:submit", args=[client_record.pk, plan.pk]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED and not plan.content_hash
    client.force_login(supervisor)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Plans waiting for your co-signature" in dashboard and "plan version 1" in dashboard
    page = client.get(reverse("plans:detail", args=[client_record.pk, plan.pk])).content.decode()
    assert "Co-sign" in page and "Return" in page
    assert 'class="inline" data-confirm="Co-sign version 1?' in page
    client.post(reverse("plans:cosign", args=[client_record.pk, plan.pk]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SIGNED and plan.cosigned_by == supervisor and plan.signed_by == intern
    assert plan.content_hash == services.content_hash(plan)


def test_supervisor_returns_with_comment_and_intern_fixes_and_it_is_cosigned(intern, supervisor, client_record):
    plan = _draft_with_goals(intern, client_record, goals=("Feel better",))
    services.plan_submit(by=intern, plan=plan)
    browser = _api(supervisor)
    url = reverse("api:plan_return", kwargs={"client_id": client_record.pk, "plan_id": plan.pk})
    assert browser.post(url, json.dumps({"comment": "  "}), content_type="application/json").status_code == 400
    response = browser.post(url, json.dumps({"comment": "Make the goal measurable."}), content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "draft"
    plan.refresh_from_db()
    assert plan.return_comment == "Make the goal measurable." and plan.returned_by == supervisor
    return_event = AuditEvent.objects.get(action="plan.return")
    assert "measurable" not in json.dumps(return_event.detail)

    goal = Goal.objects.get(problem__plan=plan)
    services.plan_item_update(by=intern, item=goal, statement="Names a feeling in 3 of 4 sessions")
    services.plan_submit(by=intern, plan=plan)
    response = browser.post(reverse("api:plan_cosign", kwargs={"client_id": client_record.pk, "plan_id": plan.pk}))
    assert response.status_code == 200 and response.json()["status"] == "signed"
    assert response.json()["cosigned_by"] == supervisor.pk


def test_only_the_responsible_supervisor_may_cosign(client, org, therapist, intern, supervisor, client_record):
    other = UserFactory(organization=org, role="supervisor")
    SupervisionLinkFactory(supervisor=other, supervisee=therapist)  # supervises someone else on the team
    plan = _draft_with_goals(intern, client_record)
    services.plan_submit(by=intern, plan=plan)
    with pytest.raises(PermissionDenied, match="supervisor of the intern"):
        services.plan_cosign(by=other, plan=plan)
    response = _api(other).post(reverse("api:plan_cosign", kwargs={"client_id": client_record.pk, "plan_id": plan.pk}))
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    services.plan_cosign(by=supervisor, plan=plan)
    assert plan.status == PlanStatus.SIGNED


def test_other_therapist_gets_404_for_the_plan(client, therapist, therapist2, client_record):
    plan = _draft_with_goals(therapist, client_record)
    client.force_login(therapist2)
    assert client.get(reverse("plans:detail", args=[client_record.pk, plan.pk])).status_code == 404
    assert client.post(reverse("plans:sign", args=[client_record.pk, plan.pk])).status_code == 404
    api = _api(therapist2)
    assert (
        api.get(reverse("api:plan_detail", kwargs={"client_id": client_record.pk, "plan_id": plan.pk})).status_code
        == 404
    )
    # Nor may a plan be reached through another client's id.
    mine = CareTeamFactory(user=therapist2, client__site=client_record.site).client
    assert client.get(reverse("plans:detail", args=[mine.pk, plan.pk])).status_code == 404


def test_viewer_reads_the_plan_but_cannot_edit(client, therapist, teamviewer, client_record):
    plan = _draft_with_goals(therapist, client_record)
    client.force_login(teamviewer)
    page = client.get(reverse("plans:detail", args=[client_record.pk, plan.pk]))
    assert page.status_code == 200 and "Express anger safely" in page.content.decode()
    assert "Add a problem" not in page.content.decode() and "Sign" not in page.content.decode().split("<h1")[1][:400]
    assert (
        client.post(reverse("plans:problem_add", args=[client_record.pk, plan.pk]), {"statement": "x"}).status_code
        == 403
    )
    assert client.post(reverse("plans:sign", args=[client_record.pk, plan.pk])).status_code == 403
    assert (
        _api(teamviewer)
        .post(
            reverse("api:problems_create", kwargs={"client_id": client_record.pk, "plan_id": plan.pk}),
            json.dumps({"statement": "x"}),
            content_type="application/json",
        )
        .status_code
        == 403
    )


def test_review_due_shows_on_the_dashboard(client, therapist, client_record):
    import datetime as dt

    from django.utils import timezone

    plan = _draft_with_goals(therapist, client_record)
    services.plan_update(by=therapist, plan=plan, review_date=timezone.localdate() + dt.timedelta(days=10))
    services.plan_sign(by=therapist, plan=plan)
    client.force_login(therapist)
    assert "Plan reviews due" in client.get(reverse("dashboard")).content.decode()


def test_a_plan_needs_a_goal_before_signing(therapist, client_record):
    from django.core.exceptions import ValidationError

    plan = services.plan_create(by=therapist, client=client_record)
    with pytest.raises(ValidationError, match="at least one goal"):
        services.plan_sign(by=therapist, plan=plan)


def _send(browser, method: str, url: str, body=None):
    return getattr(browser, method)(
        url, json.dumps(body) if body is not None else None, content_type="application/json"
    )


def test_a_draft_is_changed_and_pruned_through_the_api(therapist, intern, client_record):
    plan = _draft_with_goals(therapist, client_record)
    api = _api(therapist)
    ids = {"client_id": client_record.pk, "plan_id": plan.pk}
    problem = plan.problems.get()
    goal, second_goal = Goal.objects.filter(problem=problem)
    objective = Objective.objects.filter(goal=goal).get()

    response = _send(api, "patch", reverse("api:plan_update", kwargs=ids), {"review_date": "2026-12-01"})
    assert response.status_code == 200 and response.json()["review_date"] == "2026-12-01"
    response = _send(
        api,
        "patch",
        reverse("api:problem_update", kwargs={**ids, "problem_id": problem.pk}),
        {"statement": "Outbursts in the art room"},
    )
    assert response.status_code == 200 and response.json()["statement"] == "Outbursts in the art room"
    response = _send(
        api,
        "patch",
        reverse("api:goal_update", kwargs={**ids, "goal_id": goal.pk}),
        {"weight": 3, "level_plus_1": "Most sessions"},
    )
    assert response.status_code == 200 and response.json()["weight"] == 3
    assert response.json()["statement"] == "Express anger safely through art"  # left out: unchanged
    response = _send(
        api,
        "patch",
        reverse("api:objective_update", kwargs={**ids, "objective_id": objective.pk}),
        {"status": "in_progress", "target_date": "2026-06-30"},
    )
    assert response.status_code == 200 and response.json()["status"] == "in_progress"

    response = _send(
        api,
        "post",
        reverse("api:interventions_create", kwargs=ids),
        {"technique": "Scribble chase", "media": "Oil pastels", "frequency": "Weekly", "delivered_by": intern.pk},
    )
    assert response.status_code == 201 and response.json()["delivered_by"] == intern.pk
    intervention_id = response.json()["id"]
    response = _send(
        api,
        "patch",
        reverse("api:intervention_update", kwargs={**ids, "intervention_id": intervention_id}),
        {"frequency": "Twice a week"},
    )
    assert response.status_code == 200 and response.json()["frequency"] == "Twice a week"

    assert api.delete(reverse("api:objective_delete", kwargs={**ids, "objective_id": objective.pk})).status_code == 204
    assert api.delete(reverse("api:goal_delete", kwargs={**ids, "goal_id": second_goal.pk})).status_code == 204
    assert (
        api.delete(reverse("api:intervention_delete", kwargs={**ids, "intervention_id": intervention_id})).status_code
        == 204
    )
    body = api.get(reverse("api:plan_detail", kwargs=ids)).json()
    assert [g["statement"] for g in body["problems"][0]["goals"]] == ["Express anger safely through art"]
    assert body["problems"][0]["goals"][0]["objectives"] == [] and body["interventions"] == []
    assert api.delete(reverse("api:problem_delete", kwargs={**ids, "problem_id": problem.pk})).status_code == 204
    assert not plan.problems.exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "plan.update",
        "plan.problem_update",
        "plan.goal_update",
        "plan.objective_update",
        "plan.intervention_add",
        "plan.plannedintervention_update",
        "plan.objective_remove",
        "plan.goal_remove",
        "plan.plannedintervention_remove",
        "plan.problem_remove",
    } <= actions


def test_changing_or_deleting_a_signed_plans_content_is_409_and_changes_nothing(therapist, client_record):
    plan = _draft_with_goals(therapist, client_record)
    services.intervention_add(by=therapist, plan=plan, technique="Bridge drawing")
    services.plan_sign(by=therapist, plan=plan)
    api = _api(therapist)
    ids = {"client_id": client_record.pk, "plan_id": plan.pk}
    goal = Goal.objects.filter(problem__plan=plan).first()
    objective = Objective.objects.filter(goal=goal).get()
    intervention = plan.interventions.get()
    events_before = AuditEvent.objects.filter(action__startswith="plan.").count()
    attempts = [
        ("patch", reverse("api:plan_update", kwargs=ids), {"review_date": "2027-01-01"}),
        ("patch", reverse("api:problem_update", kwargs={**ids, "problem_id": goal.problem_id}), {"statement": "x"}),
        ("delete", reverse("api:problem_delete", kwargs={**ids, "problem_id": goal.problem_id}), None),
        ("patch", reverse("api:goal_update", kwargs={**ids, "goal_id": goal.pk}), {"statement": "Sneaked in"}),
        ("delete", reverse("api:goal_delete", kwargs={**ids, "goal_id": goal.pk}), None),
        ("patch", reverse("api:objective_update", kwargs={**ids, "objective_id": objective.pk}), {"status": "met"}),
        ("delete", reverse("api:objective_delete", kwargs={**ids, "objective_id": objective.pk}), None),
        ("post", reverse("api:interventions_create", kwargs=ids), {"technique": "Mandala"}),
        (
            "patch",
            reverse("api:intervention_update", kwargs={**ids, "intervention_id": intervention.pk}),
            {"media": "Clay"},
        ),
        ("delete", reverse("api:intervention_delete", kwargs={**ids, "intervention_id": intervention.pk}), None),
    ]
    for method, url, body in attempts:
        response = _send(api, method, url, body)
        assert response.status_code == 409, (method, url, response.status_code)
        assert "revise it into a new version" in response.json()["message"]
        assert response.json()["code"] == services.SIGNED_IS_FINAL.code == "plan_signed_is_final"
    plan.refresh_from_db()
    assert plan.content_hash == services.content_hash(plan) and plan.review_date is None
    assert AuditEvent.objects.filter(action__startswith="plan.").count() == events_before


def test_an_intervention_is_delivered_by_someone_on_the_care_team(therapist, therapist2, client_record):
    from artchart.plans.models import DELIVERER_NOT_ON_TEAM

    plan = _draft_with_goals(therapist, client_record)
    response = _send(
        _api(therapist),
        "post",
        reverse("api:interventions_create", kwargs={"client_id": client_record.pk, "plan_id": plan.pk}),
        {"technique": "Scribble chase", "delivered_by": therapist2.pk},
    )
    assert response.status_code == 400 and response.json()["errors"] == {"delivered_by": [DELIVERER_NOT_ON_TEAM]}
    response = _send(
        _api(therapist),
        "post",
        reverse("api:interventions_create", kwargs={"client_id": client_record.pk, "plan_id": plan.pk}),
        {"media": "Clay"},
    )
    assert response.status_code == 400 and not plan.interventions.exists()


def test_an_item_of_another_plan_is_404(therapist, client_record):
    plan = _draft_with_goals(therapist, client_record)
    services.plan_sign(by=therapist, plan=plan)
    draft = services.plan_create(by=therapist, client=client_record)
    old_goal = Goal.objects.filter(problem__plan=plan).first()
    response = _send(
        _api(therapist),
        "patch",
        reverse("api:goal_update", kwargs={"client_id": client_record.pk, "plan_id": draft.pk, "goal_id": old_goal.pk}),
        {"statement": "x"},
    )
    assert response.status_code == 404


def test_django_admin_shows_a_signed_plan_read_only_and_changes_a_draft_review_date_audited(
    client, org, therapist, client_record
):
    operator = with_second_factor(UserFactory(organization=org, is_staff=True, is_superuser=True))
    plan = _draft_with_goals(therapist, client_record)
    services.plan_sign(by=therapist, plan=plan)
    draft = services.plan_create(by=therapist, client=client_record)
    client.force_login(operator)
    assert client.get(reverse("admin:plans_treatmentplan_changelist")).status_code == 200
    page = client.get(reverse("admin:plans_treatmentplan_change", args=[plan.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert (
        client.post(
            reverse("admin:plans_treatmentplan_change", args=[plan.pk]), {"review_date": "2027-01-01"}
        ).status_code
        == 403
    )
    response = client.post(reverse("admin:plans_treatmentplan_change", args=[draft.pk]), {"review_date": "2027-01-01"})
    assert response.status_code == 302
    draft.refresh_from_db()
    plan.refresh_from_db()
    assert str(draft.review_date) == "2027-01-01" and plan.review_date is None
    assert AuditEvent.objects.get(action="django_admin.change").flagged
    assert client.get(reverse("admin:plans_teamconference_changelist")).status_code == 200
    assert client.get(reverse("admin:programs_directive_changelist")).status_code == 200


def test_an_item_update_changes_only_what_was_given_and_nothing_saves_nothing(therapist, client_record):
    plan = _draft_with_goals(therapist, client_record, goals=("Finish one piece",))
    goal = Goal.objects.get(problem__plan=plan)
    updated = services.plan_item_update(by=therapist, item=goal, weight=3)
    assert (updated.weight, updated.statement) == (3, "Finish one piece")
    event = AuditEvent.objects.filter(action="plan.goal_update").get()
    assert event.detail["fields"] == ["weight"]
    services.plan_item_update(by=therapist, item=goal, weight=3)
    assert AuditEvent.objects.filter(action="plan.goal_update").count() == 1


def test_an_item_update_refuses_a_field_of_another_kind_by_name(therapist, client_record):
    plan = _draft_with_goals(therapist, client_record, goals=("Finish one piece",))
    goal = Goal.objects.get(problem__plan=plan)
    with pytest.raises(TypeError, match="baseline"):
        services.plan_item_update(by=therapist, item=goal, baseline="None yet")
