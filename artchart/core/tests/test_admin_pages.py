"""The admin pages as an admin uses them: users, roles, passwords, sites and supervision."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin as django_admin
from django.test import Client as Browser
from django.urls import reverse

from artchart.core import services
from artchart.core.models import AuditEvent, Site, SupervisionLink, User
from artchart.tests.factories import PASSWORD, OrganizationFactory, SiteFactory, UserFactory, with_second_factor

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "quiet-lantern-harbour-42"


def _login(client, user):
    client.force_login(user)
    return client


def _new_user(**overrides):
    data = {
        "username": "jrivera",
        "first_name": "June",
        "last_name": "Rivera",
        "email": "june@example.org",
        "role": "therapist",
        "credentials": "ATR-BC",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


def _edit(user, **overrides):
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "credentials": user.credentials,
        "is_active": "on" if user.is_active else "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


# --- who may come in -------------------------------------------------------------------


def test_therapist_gets_403_on_users_page(client, therapist):
    _login(client, therapist)
    assert client.get(reverse("core:users")).status_code == 403


def test_program_administrator_gets_403_on_sites_and_audit(client, programadmin):
    _login(client, programadmin)
    assert client.get(reverse("core:sites")).status_code == 403
    assert client.get(reverse("core:audit")).status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("core:users"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_admin_cannot_open_a_user_of_another_organization(client, admin):
    stranger = UserFactory(organization=OrganizationFactory())
    _login(client, admin)
    assert client.get(reverse("core:user_edit", args=[stranger.pk])).status_code == 404
    assert client.get(reverse("core:user_password", args=[stranger.pk])).status_code == 404


# --- users ---------------------------------------------------------------------------------


def test_admin_creates_a_therapist(client, admin):
    _login(client, admin)
    response = client.post(reverse("core:user_create"), _new_user())
    assert response.status_code == 302
    created = User.objects.get(username="jrivera")
    assert created.role == "therapist"
    assert created.organization_id == admin.organization_id
    assert created.credentials == "ATR-BC"
    assert created.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="user.create", object_id=str(created.pk), actor=admin).exists()


def test_new_therapist_can_sign_in_with_the_initial_password(client, admin):
    _login(client, admin).post(reverse("core:user_create"), _new_user())
    fresh = Browser()
    response = fresh.post(reverse("login"), {"username": "jrivera", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_weak_initial_password_gets_a_field_message_and_writes_nothing(client, admin):
    _login(client, admin)
    events = AuditEvent.objects.count()
    response = client.post(reverse("core:user_create"), _new_user(password1="short", password2="short"))
    assert response.status_code == 200
    form = response.context["form"]
    assert "password2" in form.errors
    assert "too short" in " ".join(form.errors["password2"])
    assert not User.objects.filter(username="jrivera").exists()
    assert AuditEvent.objects.count() == events


def test_username_taken_in_another_case_is_refused(client, admin, therapist):
    _login(client, admin)
    response = client.post(reverse("core:user_create"), _new_user(username="THERAPIST"))
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert User.objects.filter(username__iexact="therapist").count() == 1


def test_missing_names_get_field_messages(client, admin):
    _login(client, admin)
    response = client.post(reverse("core:user_create"), _new_user(first_name="", last_name=""))
    form = response.context["form"]
    assert set(form.errors) >= {"first_name", "last_name"}
    assert 'aria-invalid="true"' in response.content.decode()


def test_user_list_filters_by_name_role_and_active(client, admin, people):
    services.user_update(by=admin, user=people["outsider"], is_active=False)
    _login(client, admin)
    by_name = client.get(reverse("core:users"), {"q": "tess rivera"}).context["page"].object_list
    assert [u.username for u in by_name] == ["therapist"]
    by_role = client.get(reverse("core:users"), {"role": "intern"}).context["page"].object_list
    assert [u.username for u in by_role] == ["intern"]
    inactive = client.get(reverse("core:users"), {"active": "no"}).context["page"].object_list
    assert [u.username for u in inactive] == ["outsider"]


def test_user_list_is_paginated_by_25(client, admin):
    UserFactory.create_batch(30, organization=admin.organization)
    _login(client, admin)
    page = client.get(reverse("core:users")).context["page"]
    assert len(page.object_list) == 25
    assert page.paginator.count == 31
    second = client.get(reverse("core:users"), {"page": 2}).context["page"]
    assert len(second.object_list) == 6


def test_admin_edits_names_and_credentials(client, admin, therapist):
    _login(client, admin)
    epoch = therapist.security_epoch
    response = client.post(reverse("core:user_edit", args=[therapist.pk]), _edit(therapist, credentials="LCAT"))
    assert response.status_code == 302
    therapist.refresh_from_db()
    assert therapist.credentials == "LCAT"
    assert therapist.security_epoch == epoch  # names and credentials leave sessions alone
    event = AuditEvent.objects.get(action="user.update", object_id=str(therapist.pk))
    assert event.detail["fields"] == ["credentials"]


def test_role_change_ends_sessions(admin, therapist):
    theirs = Browser()
    theirs.post(reverse("login"), {"username": "therapist", "password": PASSWORD})
    assert theirs.get(reverse("dashboard")).status_code == 200

    ours = _login(Browser(), admin)
    response = ours.post(reverse("core:user_edit", args=[therapist.pk]), _edit(therapist, role="supervisor"))
    assert response.status_code == 302

    after = theirs.get(reverse("dashboard"))
    assert after.status_code == 302
    assert after["Location"].startswith(reverse("login"))
    assert AuditEvent.objects.get(action="user.update", object_id=str(therapist.pk)).flagged


def test_deactivation_ends_sessions_and_refuses_sign_in(admin, therapist):
    theirs = Browser()
    theirs.post(reverse("login"), {"username": "therapist", "password": PASSWORD})
    _login(Browser(), admin).post(reverse("core:user_edit", args=[therapist.pk]), _edit(therapist, is_active=""))
    therapist.refresh_from_db()
    assert not therapist.is_active
    assert theirs.get(reverse("dashboard")).status_code == 302
    again = Browser().post(reverse("login"), {"username": "therapist", "password": PASSWORD})
    assert again.status_code == 200


def test_admin_cannot_demote_themselves(client, admin):
    _login(client, admin)
    response = client.post(reverse("core:user_edit", args=[admin.pk]), _edit(admin, role="therapist"))
    assert response.status_code == 200
    assert services.NO_SELF_LOCKOUT in response.content.decode()
    admin.refresh_from_db()
    assert admin.role == "admin"


def test_bad_email_on_edit_writes_nothing(client, admin, therapist):
    _login(client, admin)
    events = AuditEvent.objects.count()
    response = client.post(reverse("core:user_edit", args=[therapist.pk]), _edit(therapist, email="not-an-email"))
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    therapist.refresh_from_db()
    assert therapist.email == ""
    assert AuditEvent.objects.count() == events


def test_admin_resets_a_password_and_the_old_one_stops_working(admin, therapist):
    theirs = Browser()
    theirs.post(reverse("login"), {"username": "therapist", "password": PASSWORD})
    ours = _login(Browser(), admin)
    response = ours.post(
        reverse("core:user_password", args=[therapist.pk]),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    therapist.refresh_from_db()
    assert therapist.check_password(NEW_PASSWORD)
    assert theirs.get(reverse("dashboard")).status_code == 302
    assert AuditEvent.objects.filter(action="user.password_set", object_id=str(therapist.pk), actor=admin).exists()


def test_password_reset_refuses_a_password_like_the_username(client, admin, therapist):
    _login(client, admin)
    response = client.post(
        reverse("core:user_password", args=[therapist.pk]),
        {"new_password1": "therapist123", "new_password2": "therapist123"},
    )
    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors
    therapist.refresh_from_db()
    assert therapist.check_password(PASSWORD)


def test_user_pages_reject_other_methods(client, admin):
    _login(client, admin)
    assert client.post(reverse("core:users")).status_code == 405
    assert client.get(reverse("core:supervision_end", args=[1])).status_code == 405


# --- sites ----------------------------------------------------------------------------------


def test_admin_adds_a_site(client, admin):
    _login(client, admin)
    response = client.post(
        reverse("core:site_create"),
        {
            "name": "Maple Ward",
            "population_type": "inpatient_psychiatry",
            "address": "4 Maple Road",
        },
    )
    assert response.status_code == 302
    site = Site.objects.get(name="Maple Ward")
    assert site.organization_id == admin.organization_id and site.is_active
    assert AuditEvent.objects.filter(action="site.create", object_id=str(site.pk)).exists()


def test_bad_site_name_writes_nothing(client, admin):
    _login(client, admin)
    events = AuditEvent.objects.count()
    for name in ("", "x" * 201):
        response = client.post(reverse("core:site_create"), {"name": name, "population_type": "school"})
        assert response.status_code == 200
        assert "name" in response.context["form"].errors
    assert not Site.objects.exists()
    assert AuditEvent.objects.count() == events


def test_site_name_taken_gets_the_services_message(client, admin, site):
    _login(client, admin)
    response = client.post(reverse("core:site_create"), {"name": site.name.upper(), "population_type": "school"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [services.SITE_NAME_TAKEN]
    assert Site.objects.count() == 1


def test_admin_deactivates_a_site(client, admin, site):
    _login(client, admin)
    response = client.post(
        reverse("core:site_edit", args=[site.pk]),
        {
            "name": site.name,
            "population_type": site.population_type,
            "address": "",
        },
    )
    assert response.status_code == 302
    site.refresh_from_db()
    assert not site.is_active
    assert AuditEvent.objects.get(action="site.update").detail == {"fields": ["is_active"]}


def test_site_of_another_organization_is_404(client, admin):
    elsewhere = SiteFactory()
    _login(client, admin)
    assert client.get(reverse("core:site_edit", args=[elsewhere.pk])).status_code == 404


def test_site_list_shows_every_site_of_the_organization(client, admin, site):
    SiteFactory(organization=admin.organization, name="Closed Annex", is_active=False)
    SiteFactory(name="Someone Else's")
    _login(client, admin)
    body = client.get(reverse("core:sites")).content.decode()
    assert "Riverbend Studio" in body and "Closed Annex" in body
    assert "Someone Else" not in body


# --- supervision ------------------------------------------------------------------------------


def test_admin_starts_a_supervision_link(client, admin, therapist, intern):
    _login(client, admin)
    response = client.post(reverse("core:supervision"), {"supervisor": therapist.pk, "supervisee": intern.pk})
    assert response.status_code == 302
    assert SupervisionLink.objects.filter(supervisor=therapist, supervisee=intern, ended_on__isnull=True).exists()
    assert AuditEvent.objects.filter(action="supervision.start").exists()


def test_supervision_form_offers_only_fitting_people(client, admin, people):
    _login(client, admin)
    form = client.get(reverse("core:supervision")).context["form"]
    supervisors = {u.username for u in form.fields["supervisor"].queryset}
    supervisees = {u.username for u in form.fields["supervisee"].queryset}
    assert supervisors == {"therapist", "therapist2", "outsider", "supervisor"}
    assert supervisees == {"therapist", "therapist2", "outsider", "intern"}


def test_supervising_oneself_gets_a_clear_message(client, admin, therapist):
    _login(client, admin)
    response = client.post(reverse("core:supervision"), {"supervisor": therapist.pk, "supervisee": therapist.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["supervisee"] == [services.SUPERVISION_SELF]
    assert not SupervisionLink.objects.exists()


def test_a_second_open_link_for_the_same_pair_is_refused(client, admin, supervisor, intern):
    _login(client, admin)
    response = client.post(reverse("core:supervision"), {"supervisor": supervisor.pk, "supervisee": intern.pk})
    assert response.status_code == 200
    assert services.SUPERVISION_ALREADY_OPEN in response.content.decode()
    assert SupervisionLink.objects.count() == 1


def test_admin_ends_a_link_and_the_supervisor_loses_the_client(client, admin, supervisor, intern, client_record):
    link = SupervisionLink.objects.get(supervisor=supervisor)
    _login(client, admin)
    response = client.post(reverse("core:supervision_end", args=[link.pk]))
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.ended_on is not None
    supervisor_client = _login(Browser(), supervisor)
    assert supervisor_client.get(reverse("clients:chart", args=[client_record.pk])).status_code == 404
    page = client.get(reverse("core:supervision"))
    assert page.context["ended_links"] == [link]
    assert page.context["open_links"] == []


def test_ending_an_ended_link_says_so(client, admin, supervisor):
    link = SupervisionLink.objects.get(supervisor=supervisor)
    services.supervision_link_end(by=admin, link=link)
    _login(client, admin)
    response = client.post(reverse("core:supervision_end", args=[link.pk]), follow=True)
    assert services.SUPERVISION_ALREADY_ENDED in response.content.decode()
    assert AuditEvent.objects.filter(action="supervision.end").count() == 1


# --- the program administrator's dashboard ------------------------------------------------------


def test_program_administrator_sees_active_clients_per_site(client, programadmin, client_record, site):
    from artchart.tests.factories import ClientFactory

    other = SiteFactory(organization=site.organization, name="Harbour School", population_type="school")
    ClientFactory.create_batch(2, site=other)
    ClientFactory(site=other, status="discharged")
    SiteFactory(organization=site.organization, name="Old Annex", is_active=False)
    _login(client, programadmin)
    response = client.get(reverse("dashboard"))
    assert response.context["site_counts"] == [(other, 2), (site, 1)]
    body = response.content.decode()
    assert "Old Annex" not in body
    assert "Maya" not in body and "Lopez" not in body  # aggregates only, never a name
    assert not AuditEvent.objects.filter(action="client.read").exists()


# --- Django's own admin -----------------------------------------------------------------------------


def test_django_admin_keeps_the_audit_log_read_only(rf):
    from artchart.core.models import AuditEvent as Model

    model_admin = django_admin.site._registry[Model]
    request = rf.get("/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_a_change_in_django_admin_is_audited_and_flagged(client, org):
    operator = with_second_factor(UserFactory(organization=org, is_staff=True, is_superuser=True))
    site = SiteFactory(organization=org, name="Birch House")
    client.force_login(operator)
    response = client.post(
        reverse("admin:core_site_change", args=[site.pk]),
        {
            "organization": org.pk,
            "name": "Birch House East",
            "population_type": site.population_type,
            "address": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="django_admin.change")
    assert event.flagged and event.actor == operator and event.detail == {"fields": ["Name"]}


# --- markup the strict CSP allows ----------------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


@pytest.mark.parametrize(
    "url_name, person_name",
    [
        ("core:users", "admin"),
        ("core:user_create", "admin"),
        ("core:user_edit", "admin"),
        ("core:user_password", "admin"),
        ("core:sites", "admin"),
        ("core:site_create", "admin"),
        ("core:site_edit", "admin"),
        ("core:supervision", "admin"),
        ("core:audit", "admin"),
        ("core:tokens", "admin"),
        ("core:tokens", "therapist"),
        ("core:password_change", "therapist"),
        ("dashboard", "programadmin"),
        ("dashboard", "admin"),
    ],
)
def test_pages_have_no_inline_style_or_script(client, people, site, url_name, person_name):
    kwargs = {
        "core:user_edit": {"user_id": people["therapist"].pk},
        "core:user_password": {"user_id": people["therapist"].pk},
        "core:site_edit": {"site_id": site.pk},
    }.get(url_name, {})
    services.token_issue(user=people["therapist"], name="laptop")
    _login(client, people[person_name])
    response = client.get(reverse(url_name, kwargs=kwargs))
    assert response.status_code == 200
    body = response.content.decode()
    assert "style=" not in body
    assert not INLINE_SCRIPT.search(body)
    assert body.count("<h1") == 1
    labelled = set(re.findall(r'<label[^>]*for="([^"]+)"', body))
    inputs = set(re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', body))
    assert inputs <= labelled, f"inputs without a label: {inputs - labelled}"
