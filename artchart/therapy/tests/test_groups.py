"""Groups: starting and changing them, members joining and leaving, who may see whose name, and the API."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from artchart.core.models import AuditEvent
from artchart.core.services import token_issue
from artchart.tests.factories import (
    CareTeamFactory,
    ClientFactory,
    GroupFactory,
    GroupMembershipFactory,
    OrganizationFactory,
    SessionFactory,
    SiteFactory,
    UserFactory,
)
from artchart.therapy.models import Group, GroupMembership
from artchart.therapy.selectors import groups as selectors
from artchart.therapy.services import groups as services

pytestmark = pytest.mark.django_db

JAN_5, MAR_1 = dt.date(2026, 1, 5), dt.date(2026, 3, 1)


@pytest.fixture
def group(site, therapist):
    return GroupFactory(site=site, name="Open studio", facilitators=[therapist])


def _my_client(therapist, site, first="Noor", last="Haddad"):
    client = ClientFactory(site=site, legal_first_name=first, legal_last_name=last)
    CareTeamFactory(client=client, user=therapist, role="primary")
    return client


def _api(user):
    from django.test import Client

    return Client(headers={"Authorization": f"Bearer {token_issue(user=user)[1]}"})


def _post_json(browser, url, body):
    return browser.post(url, json.dumps(body), content_type="application/json")


# --- starting and changing a group ------------------------------------------------------------


def test_therapist_starts_a_group_with_an_intern_cofacilitating(therapist, intern, site):
    group = services.group_create(
        by=therapist,
        name="Teen collage",
        site=site,
        facilitators=[therapist, intern],
        description="Thursdays after school",
    )
    assert set(group.facilitators.all()) == {therapist, intern} and group.organization_id == therapist.organization_id
    event = AuditEvent.objects.get(action="group.create")
    assert event.object_id == str(group.pk) and event.detail == {
        "site": site.pk,
        "facilitators": sorted([therapist.pk, intern.pk]),
    }


@pytest.mark.parametrize("who", ["intern", "teamviewer", "admin", "programadmin"])
def test_only_therapists_and_supervisors_start_groups(request, who, site, therapist):
    with pytest.raises(PermissionDenied):
        services.group_create(by=request.getfixturevalue(who), name="X", site=site, facilitators=[therapist])
    assert not Group.objects.exists()


def test_a_facilitator_must_treat_clients_in_the_organization(therapist, teamviewer, site):
    stranger = UserFactory(organization=OrganizationFactory(), role="therapist", first_name="Ola", last_name="Far")
    with pytest.raises(ValidationError) as exc:
        services.group_create(by=therapist, name="Open studio", site=site, facilitators=[teamviewer, stranger])
    assert exc.value.message_dict["facilitators"] == [
        services.NOT_A_FACILITATOR.format(name=teamviewer.display_name),
        services.NOT_A_FACILITATOR.format(name=stranger.display_name),
    ]
    with pytest.raises(ValidationError) as exc:
        services.group_create(by=therapist, name="Open studio", site=site, facilitators=[])
    assert exc.value.message_dict["facilitators"] == [services.NEEDS_FACILITATOR]
    assert not Group.objects.exists() and not AuditEvent.objects.filter(action="group.create").exists()


def test_a_group_sits_at_a_site_of_the_organization(therapist):
    elsewhere = SiteFactory(organization=OrganizationFactory())
    with pytest.raises(ValidationError) as exc:
        services.group_create(by=therapist, name="Open studio", site=elsewhere, facilitators=[therapist])
    assert exc.value.message_dict["site"] == [services.SITE_UNKNOWN]


def test_a_facilitating_intern_manages_the_group_but_another_intern_does_not(group, intern, org):
    other_intern = UserFactory(organization=org, role="intern")
    group.facilitators.add(intern)
    services.group_update(by=intern, group=group, description="Bring an apron")
    with pytest.raises(Http404):  # a group not theirs: not found
        services.group_update(by=other_intern, group=group, description="Sneaked in")
    group.refresh_from_db()
    assert group.description == "Bring an apron"
    assert AuditEvent.objects.get(action="group.update").detail == {"fields": ["description"]}


def test_changing_facilitators_is_audited_and_unchanged_saves_write_nothing(group, therapist, therapist2):
    services.group_update(by=therapist, group=group, name=group.name)
    assert not AuditEvent.objects.filter(action="group.update").exists()
    services.group_update(by=therapist, group=group, facilitators=[therapist, therapist2])
    assert set(group.facilitators.all()) == {therapist, therapist2}
    assert AuditEvent.objects.get(action="group.update").detail == {"fields": ["facilitators"]}


def test_facilitators_not_given_are_kept_and_an_empty_list_is_refused(group, therapist):
    services.group_update(by=therapist, group=group, description="Bring an apron")
    assert list(group.facilitators.all()) == [therapist]
    with pytest.raises(ValidationError) as exc:
        services.group_update(by=therapist, group=group, facilitators=[], description="Sneaked in")
    assert exc.value.message_dict["facilitators"] == [services.NEEDS_FACILITATOR]
    group.refresh_from_db()
    assert list(group.facilitators.all()) == [therapist] and group.description == "Bring an apron"


# --- members ---------------------------------------------------------------------------------


def test_a_client_joins_leaves_and_rejoins_later(group, therapist, client_record):
    first = services.member_add(by=therapist, group=group, client=client_record, joined_on=JAN_5)
    with pytest.raises(ValidationError) as exc:
        services.member_add(by=therapist, group=group, client=client_record, joined_on=MAR_1)
    assert exc.value.message_dict["client"] == [
        services.ALREADY_MEMBER.format(name="Maya Lopez", group="Open studio", day="5 January 2026")
    ]
    services.member_leave(by=therapist, membership=first, left_on=dt.date(2026, 2, 10))
    with pytest.raises(ValidationError) as exc:
        services.member_add(by=therapist, group=group, client=client_record, joined_on=dt.date(2026, 2, 1))
    assert exc.value.message_dict["client"] == [
        services.REJOIN_AFTER_LEAVING.format(name="Maya Lopez", group="Open studio", day="10 February 2026")
    ]
    services.member_add(by=therapist, group=group, client=client_record, joined_on=MAR_1)
    assert list(
        GroupMembership.objects.filter(client=client_record).order_by("joined_on").values_list("joined_on", "left_on")
    ) == [(JAN_5, dt.date(2026, 2, 10)), (MAR_1, None)]
    events = AuditEvent.objects.filter(action__startswith="group.member").order_by("seq")
    assert [e.action for e in events] == ["group.member_add", "group.member_leave", "group.member_add"]
    assert all(e.client_id_list == [client_record.pk] and e.detail == {"group": group.pk} for e in events)


def test_leaving_before_joining_or_twice_is_refused(group, therapist, client_record):
    membership = services.member_add(by=therapist, group=group, client=client_record, joined_on=MAR_1)
    with pytest.raises(ValidationError) as exc:
        services.member_leave(by=therapist, membership=membership, left_on=dt.date(2026, 2, 28))
    assert exc.value.message_dict["left_on"] == [
        services.LEFT_BEFORE_JOINED.format(name="Maya Lopez", group="Open studio", day="1 March 2026")
    ]
    services.member_leave(by=therapist, membership=membership, left_on=MAR_1)
    with pytest.raises(ValidationError) as exc:
        services.member_leave(by=therapist, membership=membership, left_on=dt.date(2026, 4, 1))
    assert exc.value.message_dict["left_on"] == [
        services.ALREADY_LEFT.format(name="Maya Lopez", group="Open studio", day="1 March 2026")
    ]
    membership.refresh_from_db()
    assert membership.left_on == MAR_1


def test_leaving_before_attendance_already_recorded_is_refused(group, therapist, client_record):
    from artchart.tests.factories import AttendanceFactory

    membership = GroupMembershipFactory(group=group, client=client_record, joined_on=JAN_5)
    session = SessionFactory(kind="group", client=None, group=group, therapist=therapist)
    AttendanceFactory(session=session, client=client_record)
    with pytest.raises(ValidationError) as exc:
        services.member_leave(by=therapist, membership=membership, left_on=dt.date(2026, 2, 1))
    assert exc.value.message_dict["left_on"] == [
        services.ATTENDED_AFTER_LEAVING.format(name="Maya Lopez", day=f"{session.starts_at:%-d %B %Y}")
    ]


def test_a_client_of_another_site_of_the_organization_may_join(group, therapist, org):
    ward = SiteFactory(organization=org, name="Ward 4B")
    patient = _my_client(therapist, ward)
    services.member_add(by=therapist, group=group, client=patient, joined_on=MAR_1)
    assert group.memberships.get().client == patient


def test_members_are_added_only_by_clinicians_who_write_their_notes(
    group, therapist, therapist2, intern, supervisor, client_record, site
):
    with pytest.raises(Http404):  # therapist2 neither facilitates the group nor is on a member's team
        services.member_add(by=therapist2, group=group, client=client_record, joined_on=MAR_1)
    with pytest.raises(Http404):  # the supervisor sees no member of the group yet
        services.member_add(by=supervisor, group=group, client=client_record, joined_on=MAR_1)
    # The intern's client joins: the supervisor sees the group through the intern now...
    GroupMembershipFactory(group=group, client=_my_client(intern, site, "Omar", "Said"), joined_on=JAN_5)
    with pytest.raises(PermissionDenied):  # ...and reads Maya's chart, but does not write her notes
        services.member_add(by=supervisor, group=group, client=client_record, joined_on=MAR_1)
    assert not GroupMembership.objects.filter(client=client_record).exists()


def test_a_closed_group_takes_no_members(group, therapist, client_record):
    services.group_update(by=therapist, group=group, is_active=False)
    with pytest.raises(ValidationError) as exc:
        services.member_add(by=therapist, group=Group.objects.get(pk=group.pk), client=client_record, joined_on=MAR_1)
    assert exc.value.messages == [services.GROUP_CLOSED.format(group="Open studio")]


# --- pages -------------------------------------------------------------------------------------


def test_group_page_names_only_members_whose_chart_the_user_may_open(
    client, group, therapist, therapist2, client_record, site
):
    GroupMembershipFactory(group=group, client=client_record, joined_on=JAN_5)
    theirs = _my_client(therapist2, site, "Omar", "Said")
    GroupMembershipFactory(group=group, client=theirs, joined_on=JAN_5)
    gone = _my_client(therapist2, site, "Lena", "Berg")
    GroupMembershipFactory(group=group, client=gone, joined_on=JAN_5, left_on=dt.date(2026, 2, 1))
    client.force_login(therapist)
    page = client.get(reverse("therapy:group_detail", args=[group.pk])).content.decode()
    assert "Maya Lopez" in page and "Omar Said" not in page and "Lena Berg" not in page
    assert page.count("1 other member") == 2  # one current, one past
    read = AuditEvent.objects.filter(action="read").order_by("-seq").first()
    if read is not None:
        assert theirs.pk not in read.client_id_list
    client.force_login(therapist2)
    page = client.get(reverse("therapy:group_detail", args=[group.pk])).content.decode()
    assert "Omar Said" in page and "Lena Berg" in page and "Maya Lopez" not in page


def test_a_group_not_theirs_is_not_found_exactly_like_a_missing_one_in_pages_and_api(
    client, group, therapist2, teamviewer, client_record
):
    missing = group.pk + 1000
    stranger = UserFactory(organization=OrganizationFactory(), role="therapist")
    for person in (therapist2, teamviewer, stranger):  # another therapist, a viewer, another organization
        client.force_login(person)
        api = _api(person)
        for group_id in (group.pk, missing):
            assert client.get(reverse("therapy:group_detail", args=[group_id])).status_code == 404
            assert client.get(reverse("therapy:group_edit", args=[group_id])).status_code == 404
            renamed = client.post(reverse("therapy:group_edit", args=[group_id]), {"name": "Mine now", "site": 1})
            assert renamed.status_code == 404
            assert api.get(reverse("api:group_detail", kwargs={"group_id": group_id})).status_code == 404
            patched = api.patch(
                reverse("api:group_update", kwargs={"group_id": group_id}),
                json.dumps({"name": "Mine now"}),
                content_type="application/json",
            )
            assert patched.status_code == 404
            assert patched.json() == api.get(reverse("api:group_detail", kwargs={"group_id": missing})).json()
    assert Group.objects.get(pk=group.pk).name == "Open studio"
    # A viewer on a member's care team sees the group, and may not change it.
    GroupMembershipFactory(group=group, client=client_record, joined_on=JAN_5)
    client.force_login(teamviewer)
    assert client.get(reverse("therapy:group_detail", args=[group.pk])).status_code == 200
    assert client.get(reverse("therapy:group_edit", args=[group.pk])).status_code == 403


def test_list_shows_groups_i_facilitate_or_at_my_clients_sites(
    client, group, therapist, therapist2, org, client_record
):
    hilltop = SiteFactory(organization=org, name="Hilltop")
    far = GroupFactory(site=hilltop, name="Hilltop clay", facilitators=[therapist2])
    GroupMembershipFactory(group=far, client=client_record, joined_on=JAN_5)  # Maya goes there too
    GroupFactory(site=hilltop, name="Hilltop drums", facilitators=[therapist2])  # none of therapist's clients
    client.force_login(therapist)
    page = client.get(reverse("therapy:group_list")).content.decode()
    assert "Open studio" in page and "Hilltop clay" not in page
    page = client.get(reverse("therapy:group_list") + "?all=1").content.decode()
    assert "Hilltop clay" in page and "Hilltop drums" not in page
    listed = _api(therapist).get(reverse("api:groups_list") + "?all=true").json()["results"]
    assert {g["name"] for g in listed} == {"Open studio", "Hilltop clay"}


def test_therapist_starts_a_group_on_the_web_and_adds_a_member(client, therapist, intern, site, client_record):
    client.force_login(therapist)
    response = client.post(
        reverse("therapy:group_create"),
        {"name": "Open studio", "site": site.pk, "facilitators": [therapist.pk, intern.pk], "is_active": "on"},
    )
    group = Group.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("therapy:group_detail", args=[group.pk])
    form = client.get(reverse("therapy:group_member_add", args=[group.pk])).content.decode()
    assert "Maya Lopez" in form
    response = client.post(
        reverse("therapy:group_member_add", args=[group.pk]), {"client": client_record.pk, "joined_on": "2026-03-01"}
    )
    assert response.status_code == 302
    page = client.get(reverse("therapy:group_detail", args=[group.pk])).content.decode()
    assert "Maya Lopez" in page and "since 1 Mar 2026" in page
    assert reverse("therapy:session_create_for_group", args=[group.pk]) in page
    response = client.post(
        reverse("therapy:group_member_add", args=[group.pk]), {"client": client_record.pk, "joined_on": "2026-03-02"}
    )
    assert response.status_code == 200 and "Nothing was saved" in response.content.decode()
    assert GroupMembership.objects.count() == 1


def test_the_leave_form_records_the_day_and_refuses_an_earlier_one(client, group, therapist, client_record):
    membership = GroupMembershipFactory(group=group, client=client_record, joined_on=MAR_1)
    client.force_login(therapist)
    url = reverse("therapy:group_member_leave", args=[group.pk, membership.pk])
    response = client.post(url, {"left_on": "2026-02-01"})
    assert (
        services.LEFT_BEFORE_JOINED.format(name="Maya Lopez", group="Open studio", day="1 March 2026")
        in response.content.decode()
    )
    assert client.post(url, {"left_on": "2026-04-01"}).status_code == 302
    membership.refresh_from_db()
    assert membership.left_on == dt.date(2026, 4, 1)


def test_group_page_query_count_does_not_grow_with_members_or_sessions(client, group, therapist, site):
    def add(n):
        for _ in range(n):
            GroupMembershipFactory(group=group, client=_my_client(therapist, site), joined_on=JAN_5)
            GroupMembershipFactory(group=group, client=ClientFactory(site=site), joined_on=JAN_5)
            SessionFactory(kind="group", client=None, group=group, therapist=therapist)

    client.force_login(therapist)
    url = reverse("therapy:group_detail", args=[group.pk])
    add(1)
    client.get(url)  # the first request of a sign-in writes what later ones only read
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add(6)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_group_list_query_count_does_not_grow_with_groups(client, therapist, site):
    client.force_login(therapist)
    GroupFactory(site=site, facilitators=[therapist])
    client.get(reverse("therapy:group_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("therapy:group_list"))
    for _ in range(5):
        GroupMembershipFactory(group=GroupFactory(site=site, facilitators=[therapist]))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("therapy:group_list"))
    assert len(many) == len(few)


# --- API ---------------------------------------------------------------------------------------


def test_api_creates_a_group_adds_and_ends_a_membership(therapist, site, client_record):
    browser = _api(therapist)
    response = _post_json(
        browser, reverse("api:groups_create"), {"name": "Open studio", "site": site.pk, "facilitators": [therapist.pk]}
    )
    assert response.status_code == 201
    group_id = response.json()["id"]
    assert response.json()["facilitators"] == [therapist.pk]
    response = _post_json(
        browser,
        reverse("api:group_members_add", kwargs={"group_id": group_id}),
        {"client": client_record.pk, "joined_on": "2026-03-01"},
    )
    assert response.status_code == 201 and response.json()["client_name"] == "Maya Lopez"
    membership_id = response.json()["id"]
    response = _post_json(
        browser,
        reverse("api:group_members_add", kwargs={"group_id": group_id}),
        {"client": client_record.pk, "joined_on": "2026-03-05"},
    )
    assert response.status_code == 400
    assert response.json()["errors"]["client"] == [
        services.ALREADY_MEMBER.format(name="Maya Lopez", group="Open studio", day="1 March 2026")
    ]
    response = _post_json(
        browser,
        reverse("api:group_member_leave", kwargs={"group_id": group_id, "membership_id": membership_id}),
        {"left_on": "2026-02-01"},
    )
    assert response.status_code == 400
    response = browser.patch(
        reverse("api:group_update", kwargs={"group_id": group_id}),
        json.dumps({"description": "Clay", "facilitators": [999999]}),
        content_type="application/json",
    )
    assert response.status_code == 400 and Group.objects.get().description == ""
    members = browser.get(reverse("api:group_roster", kwargs={"group_id": group_id})).json()
    assert [m["client_name"] for m in members["members"]] == ["Maya Lopez"] and members["other_members"] == 0


def test_api_counts_members_it_does_not_name(group, therapist2, client_record, site):
    GroupMembershipFactory(group=group, client=client_record, joined_on=JAN_5)
    GroupMembershipFactory(group=group, client=_my_client(therapist2, site, "Omar", "Said"), joined_on=JAN_5)
    members = _api(therapist2).get(reverse("api:group_roster", kwargs={"group_id": group.pk})).json()
    assert [m["client_name"] for m in members["members"]] == ["Omar Said"] and members["other_members"] == 1


def test_selector_lists_are_scoped_to_the_organization(group, therapist):
    GroupFactory(site=SiteFactory(), name="Elsewhere")
    assert [g.name for g in selectors.groups_for(therapist, everything=True)] == ["Open studio"]
