"""Every URL and API operation, and the status each person must get.

The expectations are computed from the access table in
``artchart.core.permissions`` (for pages about one client) or from the roles a
page is for (organization pages). A URL that is not in ``RULES`` fails
``test_every_url_has_a_rule``, so a new page cannot ship without deciding who
may reach it.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from artchart.core.models import Role
from artchart.core.permissions import Action, Area
from artchart.tests.access_rules import (
    CLIN,
    CLINICAL_CREATORS,
    DEMO_READ,
    DEMO_WRITE,
    LIBRARY,
    NONE,
    OK,
    PEOPLE,
    AdminsOnly,
    AlreadySetUp,
    Anyone,
    BreakGlass,
    Case,
    Chart,
    Designated,
    NotConfigured,
    Nothing,
    Owner,
    Roles,
    SignInStep,
    Team,
    a,
    area_rule_modules,
    c,
    p,
)

RULES: dict[str, Case] = {
    # --- sign-in and the dashboard
    "login": Case(Anyone(), public=True),
    "first_run": Case(AlreadySetUp(), public=True),
    "logout": Case(Anyone(), method="post", public=True),
    "keepalive": Case(Anyone()),
    "dashboard": Case(Anyone()),
    # --- clients
    "clients:list": Case(Anyone()),
    "clients:create": Case(Roles(CLINICAL_CREATORS)),
    "clients:care_teams": Case(Roles((Role.ADMIN,))),
    "clients:chart": Case(Chart(Area.DEMOGRAPHICS, Action.READ), kwargs=c),
    "clients:edit": Case(Chart(Area.DEMOGRAPHICS, Action.WRITE), kwargs=c),
    "clients:diagnosis_add": Case(Chart(Area.DEMOGRAPHICS, Action.WRITE), kwargs=c),
    "clients:diagnosis_remove": Case(
        Chart(Area.DEMOGRAPHICS, Action.WRITE),
        method="post",
        kwargs=lambda o: {**c(o), "diagnosis_id": o["diagnosis"].pk},
    ),
    "clients:contact_add": Case(Chart(Area.DEMOGRAPHICS, Action.WRITE), kwargs=c),
    "clients:contact_edit": Case(
        Chart(Area.DEMOGRAPHICS, Action.WRITE), kwargs=lambda o: {**c(o), "contact_id": o["contact"].pk}
    ),
    "clients:contact_remove": Case(
        Chart(Area.DEMOGRAPHICS, Action.WRITE), method="post", kwargs=lambda o: {**c(o), "contact_id": o["contact"].pk}
    ),
    "clients:consent_add": Case(Chart(Area.DEMOGRAPHICS, Action.WRITE), kwargs=c),
    "clients:consent_detail": Case(
        Chart(Area.DEMOGRAPHICS, Action.READ), kwargs=lambda o: {**c(o), "consent_id": o["consent"].pk}
    ),
    "clients:consent_revoke": Case(
        Chart(Area.DEMOGRAPHICS, Action.WRITE), method="post", kwargs=lambda o: {**c(o), "consent_id": o["consent"].pk}
    ),
    "clients:gathered_add": Case(Chart(Area.DEMOGRAPHICS, Action.WRITE), kwargs=c),
    # amendments (HIPAA 164.526) and the accounting of disclosures (164.528)
    "clients:amendment_add": Case(Chart(Area.DEMOGRAPHICS, Action.WRITE), kwargs=c),
    "clients:amendment_detail": Case(
        Chart(Area.DEMOGRAPHICS, Action.READ), kwargs=lambda o: {**c(o), "amendment_id": o["amendment"].pk}
    ),
    "clients:amendment_decide": Case(
        Chart(Area.DEMOGRAPHICS, Action.WRITE),
        method="post",
        kwargs=lambda o: {**c(o), "amendment_id": o["amendment"].pk},
    ),
    "clients:amendment_disagreement": Case(
        Chart(Area.DEMOGRAPHICS, Action.WRITE),
        method="post",
        kwargs=lambda o: {**c(o), "amendment_id": o["denied_amendment"].pk},
    ),
    "clients:accounting": Case(Chart(Area.DEMOGRAPHICS, Action.READ), kwargs=c),
    "clients:accounting_csv": Case(Chart(Area.DEMOGRAPHICS, Action.READ), kwargs=c),
    "clients:disclosure_add": Case(Chart(Area.DEMOGRAPHICS, Action.WRITE), kwargs=c),
    "clients:disclosure_detail": Case(
        Chart(Area.DEMOGRAPHICS, Action.READ), kwargs=lambda o: {**c(o), "disclosure_id": o["disclosure"].pk}
    ),
    "clients:disclosure_correct": Case(
        Chart(Area.DEMOGRAPHICS, Action.WRITE), kwargs=lambda o: {**c(o), "disclosure_id": o["disclosure"].pk}
    ),
    "clients:document": Case(Chart(Area.DEMOGRAPHICS, Action.READ), kwargs=lambda o: {"document_id": o["document"].pk}),
    "clients:care_team": Case(Team(Action.READ), kwargs=c),
    "clients:care_team_remove": Case(
        Team(Action.MANAGE), method="post", kwargs=lambda o: {**c(o), "membership_id": o["viewer_membership"].pk}
    ),
    "clients:restriction": Case(Team(Action.MANAGE), kwargs=c),
    "clients:emergency_search": Case(Designated()),
    "clients:emergency_request": Case(BreakGlass(), kwargs=c),
    "clients:emergency_review": Case(Roles((Role.ADMIN,)), kwargs=lambda o: {"access_id": o["emergency"].pk}),
    # --- administration and the account page
    "core:users": Case(Roles((Role.ADMIN,))),
    "core:user_create": Case(Roles((Role.ADMIN,))),
    "core:user_edit": Case(Roles((Role.ADMIN,)), kwargs=lambda o: {"user_id": o["therapist"].pk}),
    "core:user_password": Case(Roles((Role.ADMIN,)), kwargs=lambda o: {"user_id": o["therapist"].pk}),
    "core:user_mfa_reset": Case(Roles((Role.ADMIN,)), method="post", kwargs=lambda o: {"user_id": o["therapist"].pk}),
    "core:sites": Case(Roles((Role.ADMIN,))),
    "core:site_create": Case(Roles((Role.ADMIN,))),
    "core:site_edit": Case(Roles((Role.ADMIN,)), kwargs=lambda o: {"site_id": o["client"].site_id}),
    "core:supervision": Case(Roles((Role.ADMIN,))),
    "core:supervision_end": Case(Roles((Role.ADMIN,)), method="post", kwargs=lambda o: {"link_id": o["link"].pk}),
    "core:lockouts": Case(AdminsOnly()),
    "core:lockout_clear": Case(AdminsOnly(), method="post", kwargs=lambda o: {"throttle_id": o["lockout"].pk}),
    "core:audit": Case(Roles((Role.ADMIN,))),
    "core:audit_export": Case(Roles((Role.ADMIN,))),
    "core:tokens": Case(Anyone()),
    "core:password_change": Case(Anyone()),
    "core:token_revoke": Case(Owner(), method="post", kwargs=lambda o: {"token_id": o["token"].pk}),
    # --- second factor and password reset
    "login_verify": Case(SignInStep(), public=True),
    "mfa_enrol": Case(SignInStep(), public=True),
    "core:mfa": Case(Anyone()),
    "core:mfa_recovery_codes": Case(Anyone(), method="post"),
    "core:mfa_remove": Case(Anyone(), method="post"),
    "password_reset": Case(Anyone(), public=True),
    "password_reset_done": Case(Anyone(), public=True),
    "password_reset_confirm": Case(Anyone(), public=True, kwargs=lambda o: {"uidb64": "MQ", "token": "set-password"}),
    "password_reset_complete": Case(Anyone(), public=True),
    # --- single sign-on: off in the tests (artchart/sso/tests drive it against a real provider)
    "sso:login": Case(NotConfigured(), public=True),
    "sso:callback": Case(NotConfigured(), public=True),
    "sso:sign_in_settings": Case(Roles((Role.ADMIN,))),
}

RULES.update(
    {
        "api:openapi-json": a(Anyone(), kwargs=NONE, public=True),
        "api:api-root": a(Nothing(), kwargs=NONE),
        "api:auth_token": a(
            Anyone(),
            "post",
            kwargs=NONE,
            public=True,
            data=lambda o: {"username": "therapist", "password": "correct-horse-battery"},
        ),
        "api:tokens_list": a(Anyone(), kwargs=NONE),
        "api:token_revoke": a(Owner(), "post", kwargs=lambda o: {"token_id": o["token"].pk}),
        "api:lockouts_list": a(AdminsOnly(), kwargs=NONE),
        "api:lockout_clear": a(AdminsOnly(), "delete", kwargs=lambda o: {"throttle_id": o["lockout"].pk}),
        "api:clients_list": a(Anyone(), kwargs=NONE),
        "api:clients_create": a(
            Roles(CLINICAL_CREATORS),
            "post",
            kwargs=NONE,
            data=lambda o: {
                "legal_first_name": "Ana",
                "legal_last_name": "Reyes",
                "date_of_birth": "2001-02-03",
                "site": o["client"].site_id,
            },
        ),
        "api:client_detail": a(DEMO_READ),
        "api:client_update": a(DEMO_WRITE, "patch", data=lambda o: {"pronouns": "she/her"}),
        "api:diagnoses_create": a(
            DEMO_WRITE, "post", data=lambda o: {"icd10_code": "F41.1", "label": "Generalized anxiety"}
        ),
        "api:diagnosis_delete": a(DEMO_WRITE, "delete", kwargs=lambda o: {**c(o), "diagnosis_id": o["diagnosis"].pk}),
        "api:contacts_list": a(DEMO_READ),
        "api:contacts_create": a(DEMO_WRITE, "post", data=lambda o: {"name": "Rosa Lopez", "relationship": "Aunt"}),
        "api:contact_update": a(
            DEMO_WRITE,
            "patch",
            kwargs=lambda o: {**c(o), "contact_id": o["contact"].pk},
            data=lambda o: {"notes": "Prefers texts"},
        ),
        "api:contact_delete": a(DEMO_WRITE, "delete", kwargs=lambda o: {**c(o), "contact_id": o["contact"].pk}),
        "api:consents_list": a(DEMO_READ),
        "api:consents_create": a(
            DEMO_WRITE,
            "post",
            data=lambda o: {
                "kind": "record",
                "decision": "granted",
                "signed_on": "2026-01-02",
                "signer": "client",
                "signer_name": "Maya Lopez",
                "signature_kind": "typed",
                "signature_typed": "Maya Lopez",
            },
        ),
        "api:consent_revoke": a(
            DEMO_WRITE, "post", kwargs=lambda o: {**c(o), "consent_id": o["consent"].pk}, data=lambda o: {}
        ),
        "api:gathered_list": a(DEMO_READ),
        "api:gathered_create": a(
            DEMO_WRITE,
            "post",
            multipart=True,
            data=lambda o: {"source": "observation", "occurred_on": "2026-01-01", "title": "Studio observation"},
        ),
        "api:document_download": a(DEMO_READ, kwargs=lambda o: {"document_id": o["document"].pk}),
        "api:amendments_list": a(DEMO_READ),
        "api:amendments_create": a(
            DEMO_WRITE,
            "post",
            data=lambda o: {
                "part": "demographics",
                "item": "Address",
                "requested_change": "My address is 4 Elm Street.",
                "received_on": "2026-01-10",
                "received_via": "in_writing",
            },
        ),
        "api:amendment_decide": a(
            DEMO_WRITE,
            "post",
            kwargs=lambda o: {**c(o), "amendment_id": o["amendment"].pk},
            data=lambda o: {"decision": "denied", "denial_reason": "The entry is accurate."},
        ),
        "api:amendment_disagreement": a(
            DEMO_WRITE,
            "post",
            kwargs=lambda o: {**c(o), "amendment_id": o["denied_amendment"].pk},
            data=lambda o: {"statement": "I never said that."},
        ),
        "api:disclosures_list": a(DEMO_READ),
        "api:disclosures_create": a(
            DEMO_WRITE,
            "post",
            data=lambda o: {
                "kind": "report",
                "recipient": "County public health",
                "purpose": "Required report",
                "description": "Attendance dates",
                "legal_basis": "required_by_law",
            },
        ),
        "api:disclosure_correct": a(
            DEMO_WRITE,
            "post",
            kwargs=lambda o: {**c(o), "disclosure_id": o["disclosure"].pk},
            data=lambda o: {"correction_reason": "Wrong recipient", "recipient": "Dr. B"},
        ),
        "api:accounting": a(DEMO_READ),
    }
)


def conf(**extra):
    """kwargs of one team conference of ``client`` (and any ids ``extra`` adds)."""
    return lambda o: {**c(o), "conference_id": o["conference"].pk, **{k: f(o) for k, f in extra.items()}}


# --- programs and the directive library (organization pages) and treatment plans (one client's)
RULES.update(
    {
        "programs:programs": Case(Anyone()),
        "programs:program_edit": Case(LIBRARY, kwargs=lambda o: {"program_id": o["program"].pk}),
        "programs:directives": Case(Anyone()),
        "programs:directive_edit": Case(LIBRARY, kwargs=lambda o: {"directive_id": o["directive"].pk}),
        "api:programs_list": a(Anyone(), kwargs=NONE),
        "api:programs_create": a(LIBRARY, "post", kwargs=NONE, data=lambda o: {"name": "Memory-care open studio"}),
        "api:directives_list": a(Anyone(), kwargs=NONE),
        "api:directives_create": a(
            LIBRARY, "post", kwargs=NONE, data=lambda o: {"name": "Road drawing", "materials": "Paper, markers"}
        ),
        "plans:list": Case(CLIN[Action.READ], kwargs=c),
        "plans:create": Case(CLIN[Action.WRITE], method="post", kwargs=c),
        "plans:detail": Case(CLIN[Action.READ], kwargs=p("draft_plan")),
        "plans:edit": Case(CLIN[Action.WRITE], kwargs=p("draft_plan")),
        "plans:problem_add": Case(CLIN[Action.WRITE], kwargs=p("draft_plan")),
        "plans:goal_add": Case(CLIN[Action.WRITE], kwargs=p("draft_plan", problem_id=lambda o: o["problem"].pk)),
        "plans:objective_add": Case(CLIN[Action.WRITE], kwargs=p("draft_plan", goal_id=lambda o: o["goal"].pk)),
        "plans:intervention_add": Case(CLIN[Action.WRITE], kwargs=p("draft_plan")),
        "plans:item_edit": Case(
            CLIN[Action.WRITE], kwargs=p("draft_plan", kind=lambda o: "goal", item_id=lambda o: o["goal"].pk)
        ),
        "plans:item_remove": Case(
            CLIN[Action.WRITE],
            method="post",
            kwargs=p("draft_plan", kind=lambda o: "goal", item_id=lambda o: o["goal"].pk),
        ),
        "plans:sign": Case(CLIN[Action.SIGN], method="post", kwargs=p("draft_plan")),
        "plans:submit": Case(CLIN[Action.SUBMIT], method="post", kwargs=p("intern_draft")),
        "plans:cosign": Case(CLIN[Action.COSIGN], method="post", kwargs=p("submitted_plan")),
        "plans:return": Case(
            CLIN[Action.RETURN],
            method="post",
            kwargs=p("submitted_plan"),
            data=lambda o: {"comment": "Make the objectives measurable."},
        ),
        "api:plans_list": a(CLIN[Action.READ]),
        "api:plans_create": a(CLIN[Action.WRITE], "post"),
        "api:plan_detail": a(CLIN[Action.READ], kwargs=p("draft_plan")),
        "api:plan_sign": a(CLIN[Action.SIGN], "post", kwargs=p("draft_plan")),
        "api:plan_submit": a(CLIN[Action.SUBMIT], "post", kwargs=p("intern_draft")),
        "api:plan_cosign": a(CLIN[Action.COSIGN], "post", kwargs=p("submitted_plan")),
        "api:plan_return": a(
            CLIN[Action.RETURN],
            "post",
            kwargs=p("submitted_plan"),
            data=lambda o: {"comment": "Make the objectives measurable."},
        ),
        "api:problems_create": a(
            CLIN[Action.WRITE], "post", kwargs=p("draft_plan"), data=lambda o: {"statement": "Withdraws in groups"}
        ),
        "api:goals_create": a(
            CLIN[Action.WRITE],
            "post",
            kwargs=p("draft_plan"),
            data=lambda o: {"problem": o["problem"].pk, "statement": "Joins one group piece"},
        ),
        "api:objectives_create": a(
            CLIN[Action.WRITE],
            "post",
            kwargs=p("draft_plan", goal_id=lambda o: o["goal"].pk),
            data=lambda o: {"statement": "Adds to the mural in 2 of 4 sessions"},
        ),
        "api:plan_update": a(
            CLIN[Action.WRITE], "patch", kwargs=p("draft_plan"), data=lambda o: {"review_date": "2026-12-01"}
        ),
        "api:problem_update": a(
            CLIN[Action.WRITE],
            "patch",
            kwargs=p("draft_plan", problem_id=lambda o: o["problem"].pk),
            data=lambda o: {"statement": "Withdraws in groups"},
        ),
        "api:problem_delete": a(
            CLIN[Action.WRITE], "delete", kwargs=p("draft_plan", problem_id=lambda o: o["problem"].pk)
        ),
        "api:goal_update": a(
            CLIN[Action.WRITE],
            "patch",
            kwargs=p("draft_plan", goal_id=lambda o: o["goal"].pk),
            data=lambda o: {"weight": 2},
        ),
        "api:goal_delete": a(CLIN[Action.WRITE], "delete", kwargs=p("draft_plan", goal_id=lambda o: o["goal"].pk)),
        "api:objective_update": a(
            CLIN[Action.WRITE],
            "patch",
            kwargs=p("draft_plan", objective_id=lambda o: o["objective"].pk),
            data=lambda o: {"status": "in_progress"},
        ),
        "api:objective_delete": a(
            CLIN[Action.WRITE], "delete", kwargs=p("draft_plan", objective_id=lambda o: o["objective"].pk)
        ),
        "api:interventions_create": a(
            CLIN[Action.WRITE],
            "post",
            kwargs=p("draft_plan"),
            data=lambda o: {"technique": "Scribble chase", "media": "Oil pastels"},
        ),
        "api:intervention_update": a(
            CLIN[Action.WRITE],
            "patch",
            kwargs=p("draft_plan", intervention_id=lambda o: o["intervention"].pk),
            data=lambda o: {"frequency": "Weekly"},
        ),
        "api:intervention_delete": a(
            CLIN[Action.WRITE], "delete", kwargs=p("draft_plan", intervention_id=lambda o: o["intervention"].pk)
        ),
        # team conferences: read by everyone on the care team, written by whoever may write the clinical record
        "plans:conference_list": Case(CLIN[Action.READ], kwargs=c),
        "plans:conference_create": Case(CLIN[Action.WRITE], kwargs=c),
        "plans:conference_detail": Case(CLIN[Action.READ], kwargs=conf()),
        "plans:conference_edit": Case(CLIN[Action.WRITE], kwargs=conf()),
        "plans:conference_attendee_add": Case(
            CLIN[Action.WRITE],
            method="post",
            kwargs=conf(),
            data=lambda o: {"name": "Dr. Ana Ruiz", "discipline": "psychiatrist"},
        ),
        "plans:conference_attendee_remove": Case(
            CLIN[Action.WRITE], method="post", kwargs=conf(attendee_id=lambda o: o["attendee"].pk)
        ),
        "plans:conference_plan_link": Case(
            CLIN[Action.WRITE], method="post", kwargs=conf(), data=lambda o: {"plan": o["draft_plan"].pk}
        ),
        "plans:conference_plan_unlink": Case(
            CLIN[Action.WRITE], method="post", kwargs=conf(plan_id=lambda o: o["submitted_plan"].pk)
        ),
        "api:conferences_list": a(CLIN[Action.READ]),
        "api:conferences_create": a(
            CLIN[Action.WRITE],
            "post",
            data=lambda o: {
                "held_on": "2026-01-15",
                "decisions": "Add a group goal",
                "attendees": [{"user": o["therapist"].pk}, {"name": "Dr. Ana Ruiz", "discipline": "psychiatrist"}],
                "plan_versions": [o["draft_plan"].pk],
            },
        ),
        "api:conference_detail": a(CLIN[Action.READ], kwargs=conf()),
        "api:conference_update": a(CLIN[Action.WRITE], "patch", kwargs=conf(), data=lambda o: {"decisions": "Weekly"}),
        "api:conference_attendees_create": a(
            CLIN[Action.WRITE],
            "post",
            kwargs=conf(),
            data=lambda o: {"name": "Sam Ode", "discipline": "school counsellor"},
        ),
        "api:conference_attendee_delete": a(
            CLIN[Action.WRITE], "delete", kwargs=conf(attendee_id=lambda o: o["attendee"].pk)
        ),
        "api:conference_plans_link": a(
            CLIN[Action.WRITE], "post", kwargs=conf(), data=lambda o: {"plan": o["draft_plan"].pk}
        ),
        "api:conference_plan_unlink": a(
            CLIN[Action.WRITE], "delete", kwargs=conf(plan_id=lambda o: o["submitted_plan"].pk)
        ),
    }
)

# Apps whose cases live beside their tests: each module has RULES and objs(base) -> dict.
AREA_RULE_MODULES = area_rule_modules()
for _module in AREA_RULE_MODULES:
    RULES.update(_module.RULES)

# Django's own admin requires is_staff, which no ArtChart role grants; it is for
# the operator's superuser only and is tested by Django.
EXCLUDED_NAMESPACES = ("admin",)


def all_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                namespace = pattern.namespace
                if namespace in EXCLUDED_NAMESPACES:
                    continue
                walk(pattern.url_patterns, f"{prefix}{namespace}:" if namespace else prefix)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(prefix + pattern.name)

    walk(get_resolver().url_patterns)
    return names


def test_every_url_has_a_rule():
    missing = sorted(all_url_names() - set(RULES))
    assert not missing, f"URLs with no access rule in RULES: {missing}"
    stale = sorted(set(RULES) - all_url_names())
    assert not stale, f"RULES names URLs that no longer exist: {stale}"


@pytest.fixture
def objs(db, module_objs, module_copy):
    """The records every case reads, as this test's own (each test runs in its own savepoint)."""
    return module_copy(*module_objs)


@pytest.fixture(scope="module")
def module_objs(module_practice):
    """Built once for the module: there are thousands of cases and each reads the same records."""
    from artchart.clients.models import CareTeamMembership, Diagnosis, EmergencyAccessDesignation, GatheredDocument
    from artchart.clients.services import emergency_access_start
    from artchart.core.models import SupervisionLink
    from artchart.core.services import token_issue
    from artchart.tests.factories import ConsentFactory, ContactFactory, GatheredInfoFactory

    people, media = module_practice
    client_record = people["client"]

    entry = GatheredInfoFactory(client=client_record, author=people["therapist"])
    amendment_objs = _amendment_and_disclosure_objs(client_record, entry, people["therapist"])
    for name in ("therapist2", "outsider"):
        EmergencyAccessDesignation.objects.create(user=people[name], designated_by=people["admin"])
    emergency = emergency_access_start(
        by=people["outsider"],
        client=client_record,
        category="safety",
        reason="Client in crisis at the front desk; care team unreachable",
    )
    base = {
        **amendment_objs,
        **_plan_and_library_objs(client_record, people),
        "emergency": emergency,
        **people,
        "client": client_record,
        "diagnosis": Diagnosis.objects.create(client=client_record, icd10_code="F43.10", label="PTSD"),
        "contact": ContactFactory(client=client_record),
        "consent": ConsentFactory(client=client_record, recorded_by=people["therapist"]),
        "document": GatheredDocument.objects.create(
            entry=entry,
            file="documents/aa/x.pdf",
            original_name="x.pdf",
            content_type="application/pdf",
            size=1,
            sha256="a" * 64,
        ),
        "viewer_membership": CareTeamMembership.objects.get(client=client_record, role="viewer"),
        "link": SupervisionLink.objects.get(supervisee=people["intern"]),
        "token": token_issue(user=people["therapist"], name="laptop")[0],
        "lockout": _lockout_of(people["therapist"]),
    }
    for module in AREA_RULE_MODULES:
        base.update(module.objs(base))
    return base, media


def _lockout_of(user):
    """``user`` paused from one address after five wrong passwords."""
    from artchart.core.known_devices import SignInSource
    from artchart.core.models import SignInThrottle
    from artchart.core.services import sign_in_failure_counted

    for _ in range(5):
        sign_in_failure_counted(username=user.username, source=SignInSource(address="203.0.113.9"))
    return SignInThrottle.objects.get(user=user)


def _plan_and_library_objs(client_record, people) -> dict:
    """Plans in each state the actions need (made directly: the services allow one open plan at a time)."""
    from django.utils import timezone

    from artchart.plans.models import (
        ConferenceAttendee,
        Goal,
        Objective,
        PlannedIntervention,
        Problem,
        TeamConference,
        TreatmentPlan,
    )
    from artchart.programs.models import Directive, Program

    def plan(version, author, **extra):
        made = TreatmentPlan.objects.create(client=client_record, version=version, author=people[author], **extra)
        problem = Problem.objects.create(plan=made, statement="Withdraws when frustrated")
        return made, problem, Goal.objects.create(problem=problem, statement="Names a feeling in session")

    draft, problem, goal = plan(1, "therapist")
    org = client_record.organization_id
    submitted = plan(3, "intern", status="submitted", submitted_at=timezone.now())[0]
    conference = TeamConference.objects.create(
        client=client_record, held_on=timezone.localdate(), recorded_by=people["therapist"]
    )
    conference.plan_versions.add(submitted)
    return {
        "draft_plan": draft,
        "problem": problem,
        "goal": goal,
        "objective": Objective.objects.create(goal=goal, statement="Names a feeling in 2 of 4 sessions"),
        "intervention": PlannedIntervention.objects.create(plan=draft, technique="Scribble chase"),
        "conference": conference,
        "attendee": ConferenceAttendee.objects.create(
            conference=conference, name="Dr. Ana Ruiz", discipline="psychiatrist"
        ),
        "intern_draft": plan(2, "intern")[0],
        "submitted_plan": submitted,
        "directive": Directive.objects.create(organization_id=org, name="Bridge drawing", materials="Paper, pencils"),
        "program": Program.objects.create(organization_id=org, name="After-school studio"),
    }


def _amendment_and_disclosure_objs(client_record, entry, therapist) -> dict:
    import datetime as dt

    from artchart.clients.models import AmendmentRequest, Disclosure

    def request(**extra):
        return AmendmentRequest.objects.create(
            client=client_record,
            part="gathered_info",
            gathered_info=entry,
            requested_change="Remove the last line.",
            received_on=dt.date(2026, 2, 2),
            received_via="in_writing",
            recorded_by=therapist,
            **extra,
        )

    return {
        "amendment": request(),
        "denied_amendment": request(
            decision="denied",
            decided_on=dt.date(2026, 2, 20),
            decided_by=therapist,
            denial_reason="The observation is accurate.",
        ),
        "disclosure": Disclosure.objects.create(
            client=client_record,
            kind="report",
            disclosed_on=dt.date(2026, 3, 1),
            recipient="Dr. Alicia Moreno",
            purpose="Court order",
            description="Attendance",
            legal_basis="judicial",
            disclosed_by=therapist,
        ),
    }


def _status_ok(response, case: Case) -> bool:
    if response.status_code == 302:
        # Public pages (sign-in, sign-out) may send anyone to the sign-in page.
        return case.public or "/login/" not in response["Location"]
    return response.status_code in (200, 204, 400)


@pytest.mark.parametrize("person_name", PEOPLE)
@pytest.mark.parametrize("url_name", sorted(RULES))
def test_each_person_gets_what_the_access_table_says(client, objs, url_name, person_name, settings, tmp_path):
    case = RULES[url_name]
    if url_name in ("clients:document", "api:document_download"):
        (settings.MEDIA_ROOT / "documents" / "aa").mkdir(parents=True, exist_ok=True)
        (settings.MEDIA_ROOT / "documents" / "aa" / "x.pdf").write_bytes(b"%PDF-1.4")
    url = reverse(url_name, kwargs=case.kwargs(objs))
    if case.api:
        return _check_api(client, case, url, objs, person_name)
    send = getattr(client, case.method)
    if person_name == "anonymous":
        response = send(url)
        if isinstance(case.rule, (NotConfigured, AlreadySetUp)):
            assert response.status_code == 404, (url, response.status_code)
        elif case.public:
            assert _status_ok(response, case), (url, response.status_code)
        else:
            assert response.status_code == 302 and "/login/" in response["Location"], (url, response.status_code)
        return
    person = objs[person_name]
    client.force_login(person)
    expected = case.rule.expect(person, objs["client"].pk)
    response = send(url, **({"data": case.data(objs)} if case.data else {}))
    if expected == OK:
        assert _status_ok(response, case), f"{person_name} {case.method.upper()} {url}: {response.status_code}"
    else:
        assert response.status_code == expected, (
            f"{person_name} {case.method.upper()} {url}: {response.status_code}, expected {expected}"
        )


def _check_api(client, case: Case, url: str, objs: dict, person_name: str):
    import json

    from artchart.core.services import token_issue

    headers = {}
    if person_name != "anonymous":
        headers["Authorization"] = f"Bearer {token_issue(user=objs[person_name])[1]}"
    payload = case.data(objs) if case.data else None
    send = getattr(client, case.method)
    if case.multipart:
        response = send(url, payload, headers=headers)
    elif payload is not None:
        response = send(url, json.dumps(payload), content_type="application/json", headers=headers)
    else:
        response = send(url, headers=headers)
    if person_name == "anonymous" and not case.public:
        assert response.status_code == (404 if isinstance(case.rule, Nothing) else 401), (url, response.status_code)
        return
    expected = OK if person_name == "anonymous" else case.rule.expect(objs[person_name], objs["client"].pk)
    if expected == OK:
        assert response.status_code in (200, 201, 204), (
            f"{person_name} {case.method.upper()} {url}: {response.status_code} {response.content[:300]}"
        )
    else:
        assert response.status_code == expected, (
            f"{person_name} {case.method.upper()} {url}: {response.status_code}, expected {expected}"
        )
