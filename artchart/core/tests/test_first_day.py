"""A new practice's first day: ``artchart setup`` or the first-run page, the admin's second
factor, ``createsuperuser`` accounts as admins, and the checklist on the admin's dashboard."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from artchart.core import mfa, selectors, services
from artchart.core.audit_actions import CoreAction
from artchart.core.models import AuditEvent, Organization, PopulationType, Role, Site, User
from artchart.measures.services.schedules import crisis_resources_set
from artchart.tests.factories import PASSWORD, ClientFactory, SiteFactory, UserFactory, with_second_factor

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "painted-lantern-harbour-7"
OPTIONS = {
    "organization": "Harbour Arts Therapy",
    "site": "Harbour Studio",
    "population_type": PopulationType.OUTPATIENT,
    "username": "mara",
    "first_name": "Mara",
    "last_name": "Okafor",
    "email": "mara@example.org",
}
FORM = {
    "organization_name": "Harbour Arts Therapy",
    "site_name": "Harbour Studio",
    "site_population_type": PopulationType.SCHOOL,
    "site_address": "",
    "username": "mara",
    "first_name": "Mara",
    "last_name": "Okafor",
    "email": "",
    "password": GOOD_PASSWORD,
    "password2": GOOD_PASSWORD,
}


def _setup(*args, stdin: str | None = None, **options) -> str:
    out = StringIO()
    extra = {"stdin": StringIO(stdin)} if stdin is not None else {}
    call_command("setup", *args, stdout=out, **extra, **options)
    return out.getvalue()


def _nothing_written() -> bool:
    return not (Organization.objects.exists() or Site.objects.exists() or User.objects.exists())


# --- artchart setup ------------------------------------------------------------------------------------


def test_setup_without_input_makes_the_organization_site_and_an_admin_who_needs_a_second_factor(monkeypatch):
    monkeypatch.setenv("ARTCHART_SETUP_PASSWORD", GOOD_PASSWORD)
    out = _setup("--no-input", **OPTIONS)
    organization = Organization.objects.get()
    site = Site.objects.get()
    admin = User.objects.get()
    assert (organization.name, site.name, site.organization) == ("Harbour Arts Therapy", "Harbour Studio", organization)
    assert (admin.username, admin.role, admin.organization) == ("mara", Role.ADMIN, organization)
    assert admin.check_password(GOOD_PASSWORD)
    assert mfa.required_for(admin)
    assert "Sign in as mara" in out
    actions = set(AuditEvent.objects.filter(actor=admin).values_list("action", flat=True))
    assert {CoreAction.ORGANIZATION_CREATE, CoreAction.SITE_CREATE, CoreAction.USER_CREATE} <= actions


def test_setup_asks_each_question_and_the_password_twice():
    answers = "\n".join(
        ["Harbour Arts Therapy", "Harbour Studio", "3", "12 Quay Street", "mara", "Mara", "Okafor", "", GOOD_PASSWORD]
        + [GOOD_PASSWORD, ""]
    )
    out = _setup(stdin=answers)
    site = Site.objects.get()
    assert site.population_type == PopulationType.FORENSIC  # the third choice in the list shown
    assert site.address == "12 Quay Street"
    assert User.objects.get().role == Role.ADMIN
    assert "Population served at this site" in out


def test_setup_refuses_once_a_practice_exists_and_changes_nothing(org, monkeypatch):
    monkeypatch.setenv("ARTCHART_SETUP_PASSWORD", GOOD_PASSWORD)
    events = AuditEvent.objects.count()
    with pytest.raises(CommandError) as refused:
        _setup("--no-input", **OPTIONS)
    assert str(refused.value) == services.ALREADY_SET_UP
    assert Organization.objects.count() == 1 and not User.objects.filter(username="mara").exists()
    assert AuditEvent.objects.count() == events


def test_setup_refuses_a_password_the_validators_refuse_and_writes_nothing(monkeypatch):
    monkeypatch.setenv("ARTCHART_SETUP_PASSWORD", "password")
    with pytest.raises(CommandError) as refused:
        _setup("--no-input", **OPTIONS)
    assert "password:" in str(refused.value) and "Nothing was changed" in str(refused.value)
    assert _nothing_written()


def test_setup_refuses_two_different_passwords_and_a_missing_answer(monkeypatch):
    answers = "\n".join(["Org", "Site", "1", "", "mara", "Mara", "Okafor", "", GOOD_PASSWORD, "other-one-9", ""])
    with pytest.raises(CommandError, match="passwords differ"):
        _setup(stdin=answers)
    monkeypatch.setenv("ARTCHART_SETUP_PASSWORD", GOOD_PASSWORD)
    with pytest.raises(CommandError, match="--site"):
        _setup("--no-input", **{**OPTIONS, "site": None})
    with pytest.raises(CommandError, match="population type"):
        _setup("--no-input", **{**OPTIONS, "population_type": "moon_base"})
    assert _nothing_written()


# --- the first-run page ----------------------------------------------------------------------------------


def test_an_empty_install_sends_every_page_to_the_first_run_page(client):
    response = client.get(reverse("clients:list"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("first_run")
    assert b"Set up your practice" in response.content


def test_the_first_run_page_sets_up_the_practice_and_goes_on_to_the_second_factor(client):
    response = client.post(reverse("first_run"), FORM)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_enrol")
    admin = User.objects.get()
    assert (admin.role, admin.organization.name, Site.objects.get().name) == (
        Role.ADMIN,
        "Harbour Arts Therapy",
        "Harbour Studio",
    )
    enrol = client.get(reverse("mfa_enrol"))
    assert enrol.status_code == 200 and enrol.context["signing_in"] and enrol.context["required"]
    assert client.get(reverse("first_run")).status_code == 404
    assert client.post(reverse("first_run"), {**FORM, "username": "second"}).status_code == 404
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"password": "password", "password2": "password"}, "password"),
        ({"password2": "something-else-entirely"}, "password2"),
        ({"site_name": ""}, "site_name"),
        ({"username": "mara okafor!"}, "username"),
    ],
)
def test_the_first_run_page_shows_bad_input_on_its_field_and_writes_nothing(client, change, field):
    response = client.post(reverse("first_run"), {**FORM, **change})
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert _nothing_written()


def test_the_first_run_page_is_not_found_once_anyone_exists(client, org):
    UserFactory(organization=org)
    assert client.get(reverse("first_run")).status_code == 404
    assert client.get(reverse("login")).status_code == 200


# --- createsuperuser ----------------------------------------------------------------------------------------


def test_createsuperuser_makes_an_admin_of_the_organization(org, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", GOOD_PASSWORD)
    call_command(
        "createsuperuser", "--no-input", "--username", "operator", "--email", "op@example.org", stdout=StringIO()
    )
    operator = User.objects.get(username="operator")
    assert (operator.role, operator.organization, operator.is_superuser) == (Role.ADMIN, org, True)
    assert mfa.required_for(operator)
    assert AuditEvent.objects.filter(action=CoreAction.USER_CREATE, object_id=str(operator.pk)).exists()


def test_createsuperuser_on_an_empty_install_points_to_setup(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", GOOD_PASSWORD)
    with pytest.raises(CommandError, match="artchart setup"):
        call_command("createsuperuser", "--no-input", "--username", "operator", "--email", "op@x.org")
    assert _nothing_written()


def test_a_superuser_signing_in_must_enrol_a_second_factor(client, org):
    UserFactory(organization=org, username="operator", is_staff=True, is_superuser=True)
    response = client.post(reverse("login"), {"username": "operator", "password": PASSWORD})
    assert response["Location"] == reverse("mfa_enrol")
    assert "_auth_user_id" not in client.session  # not signed in before the second factor


def test_django_admin_sends_a_superuser_without_a_second_factor_to_enrol(client, org):
    operator = UserFactory(organization=org, is_staff=True, is_superuser=True)
    client.force_login(operator)  # a session from before the account needed a second factor
    for path in ("/django-admin/", reverse("admin:core_site_changelist"), reverse("dashboard")):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == reverse("mfa_enrol"), path
    assert client.get(reverse("mfa_enrol")).status_code == 200
    with_second_factor(operator)
    assert client.get("/django-admin/").status_code == 200


# --- the checklist ------------------------------------------------------------------------------------------


def _steps(client):
    return {step.label: step.done for step in client.get(reverse("dashboard")).context["first_day"]}


def test_the_checklist_ticks_each_step_from_the_records_and_goes_away_when_all_are_done(client):
    admin = services.practice_setup(
        organization_name="Harbour Arts Therapy",
        site_name="Harbour Studio",
        population_type=PopulationType.OUTPATIENT,
        username="mara",
        password=GOOD_PASSWORD,
        first_name="Mara",
        last_name="Okafor",
    )
    with_second_factor(admin)
    client.force_login(admin)
    assert _steps(client) == {
        "Add your sites": False,
        "Add people and their roles": False,
        "Add or import clients": False,
        "Set the crisis resources": False,
    }
    page = client.get(reverse("dashboard")).content.decode()
    for name in ("core:sites", "core:users", "clients:list", "measures:crisis_resources"):
        assert reverse(name) in page
    services.site_update(by=admin, site=Site.objects.get(), address="12 Quay Street")
    services.user_create(
        by=admin, username="tess", first_name="Tess", last_name="Rivera", role=Role.THERAPIST, password=GOOD_PASSWORD
    )
    assert _steps(client) == {
        "Add your sites": True,
        "Add people and their roles": True,
        "Add or import clients": False,
        "Set the crisis resources": False,
    }
    ClientFactory(site=Site.objects.get())
    crisis_resources_set(by=admin, text="Call the Harbour crisis line: 555 0100.")
    assert client.get(reverse("dashboard")).context["first_day"] == []
    assert "Getting started" not in client.get(reverse("dashboard")).content.decode()


def test_a_second_site_ticks_the_sites_step_and_only_admins_see_the_checklist(client, org, admin, therapist):
    SiteFactory(organization=org)
    SiteFactory(organization=org)
    with_second_factor(admin)
    client.force_login(admin)
    assert _steps(client)["Add your sites"] is True
    client.force_login(therapist)
    assert client.get(reverse("dashboard")).context["first_day"] == []


def test_the_checklist_costs_the_same_queries_however_many_sites_and_people(client, org, admin):
    with_second_factor(admin)
    client.force_login(admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("dashboard")).status_code == 200
        return len(captured)

    client.get(reverse("dashboard"))  # the session's first request settles its own rows
    before = queries()
    for _ in range(5):
        SiteFactory(organization=org)
        UserFactory(organization=org)
    assert queries() == before


@pytest.mark.django_db
def test_on_a_server_the_first_run_page_needs_the_key_serve_printed(client, settings):
    settings.PROFILE = "server"
    refused = client.get(reverse("first_run"))
    assert refused.status_code == 403
    assert "artchart serve" in refused.content.decode()
    assert client.post(reverse("first_run"), FORM).status_code == 403
    assert client.post(reverse("first_run"), {**FORM, "key": "not-the-key"}).status_code == 403
    assert not User.objects.exists() and not Organization.objects.exists()

    key = selectors.first_run_key()
    page = client.get(reverse("first_run"), {"key": key})
    assert f'name="key" value="{key}"' in page.content.decode()
    client.post(reverse("first_run"), {**FORM, "key": key})
    assert User.objects.get().username == FORM["username"]


def test_two_setups_at_once_queue_rather_than_both_finding_the_install_empty():
    # A real race needs two connections; what makes them queue is asserted instead. SQLite's
    # transactions begin IMMEDIATE (one writer at a time); PostgreSQL takes an advisory lock
    # before looking whether the install is empty.
    form = {key: value for key, value in FORM.items() if key != "password2"}
    form["population_type"] = form.pop("site_population_type")
    with CaptureQueriesContext(connection) as captured:
        services.practice_setup(**form)
    sql = [query["sql"] for query in captured.captured_queries]
    if connection.vendor == "postgresql":
        first_read = next(i for i, statement in enumerate(sql) if "core_organization" in statement)
        assert any("pg_advisory_xact_lock" in statement for statement in sql[:first_read])
    else:
        assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
