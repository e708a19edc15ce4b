"""Sessions: booking, changing, completing, cancelling, no-shows; the refusals of bad input; pages and API."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from artchart.core.access import Conflict
from artchart.core.forms import NPI_INVALID, UserEditForm, npi_is_valid
from artchart.core.models import AuditEvent
from artchart.core.services import token_issue
from artchart.tests.factories import GroupFactory, GroupMembershipFactory, RoomFactory, SessionFactory, SiteFactory
from artchart.therapy.models import ServiceLine, Session
from artchart.therapy.services import sessions as services
from artchart.therapy.services.sessions import (
    CANCEL_NEEDS_REASON,
    DURATION_RANGE,
    END_BEFORE_START,
    NEEDS_CLIENT,
    NEEDS_GROUP,
    NOT_A_FACILITATOR,
    NOT_YET_STARTED,
    ROOM_AT_OTHER_SITE,
    THERAPIST_CANNOT_HOLD,
    THERAPIST_NOT_ON_TEAM,
)

pytestmark = pytest.mark.django_db


CODE_UNKNOWN_POS = "1 is not a place of service ArtChart records; choose one from the list."


def at(day: str, time: str = "10:00") -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T{time}"))


@pytest.fixture
def room(site):
    return RoomFactory(site=site, name="Studio A")


def book(by, client, **extra):
    fields = {
        "kind": "individual",
        "client": client,
        "therapist": by,
        "site": client.site,
        "starts_at": at("2030-03-04"),
        "duration_minutes": 50,
        "modality": "in_person",
        **extra,
    }
    return services.session_create(by=by, **fields)


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


# --- booking ------------------------------------------------------------------------------------------


def test_therapist_books_an_individual_session_with_billing_codes(therapist, client_record, room):
    session = book(therapist, client_record, room=room, cpt_code="90834", place_of_service="11")
    assert session.status == "scheduled"
    assert session.organization_id == client_record.organization_id
    assert (session.place_of_service, session.room) == ("11", room)
    assert [(line.code, line.units, line.modifiers) for line in session.service_lines.all()] == [("90834", 1, "")]
    event = AuditEvent.objects.get(action="session.create")
    assert event.client_id_list == [client_record.pk]
    assert "90834" not in json.dumps(event.detail)


def test_intern_books_a_session_for_themself(intern, client_record):
    assert book(intern, client_record).therapist == intern


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"duration_minutes": -30}, "duration_minutes", END_BEFORE_START),
        ({"duration_minutes": 0}, "duration_minutes", END_BEFORE_START),
        ({"duration_minutes": 4}, "duration_minutes", DURATION_RANGE),
        ({"duration_minutes": 601}, "duration_minutes", DURATION_RANGE),
        ({"cpt_code": "9083"}, "cpt_code", "A service code is five digits, such as 90834; “9083” is not."),
        ({"cpt_code": "90834X"}, "cpt_code", "A service code is five digits, such as 90834; “90834X” is not."),
        ({"place_of_service": "1"}, "place_of_service", CODE_UNKNOWN_POS),
        ({"modifier": "95"}, "cpt_code", "Choose a service code for the modifier 95."),
        (
            {"cpt_code": "90834", "modifier": "95"},
            "cpt_code",
            "The telehealth modifier 95 is only for telehealth sessions; this one is in person.",
        ),
        ({"cpt_code": "90837"}, "cpt_code", "90837 needs 53 or more face-to-face minutes; this session has 50."),
        ({"cpt_code": "90853"}, "cpt_code", "90853 is group psychotherapy; this is an individual session."),
        ({"kind": "group"}, "group", NEEDS_GROUP),
    ],
)
def test_bad_input_is_refused_with_its_message_and_nothing_is_written(therapist, client_record, extra, field, message):
    before = _events("session.create")
    with pytest.raises(ValidationError) as caught:
        book(therapist, client_record, **extra)
    assert message in caught.value.message_dict[field]
    assert Session.objects.count() == 0
    assert not ServiceLine.objects.exists()
    assert _events("session.create") == before


def test_an_individual_session_needs_a_client(therapist, site):
    with pytest.raises(ValidationError) as caught:
        services.session_create(
            by=therapist,
            kind="individual",
            therapist=therapist,
            site=site,
            starts_at=at("2030-03-04"),
            duration_minutes=50,
            modality="in_person",
        )
    assert NEEDS_CLIENT in caught.value.message_dict["client"]


def test_telehealth_session_takes_the_95_modifier(therapist, client_record):
    session = book(
        therapist, client_record, modality="telehealth", cpt_code="90834", modifier="95", place_of_service="10"
    )
    assert session.service_lines.get().modifier_list == ["95"]


def test_a_room_must_be_at_the_sessions_site(therapist, client_record, org):
    elsewhere = RoomFactory(site=SiteFactory(organization=org, name="Eastside Clinic"), name="Room 2")
    with pytest.raises(ValidationError) as caught:
        book(therapist, client_record, room=elsewhere)
    assert caught.value.message_dict["room"] == [
        ROOM_AT_OTHER_SITE.format(room="Room 2", room_site="Eastside Clinic", site=client_record.site.name)
    ]


def test_therapist_must_be_on_the_care_team(therapist, therapist2, client_record):
    with pytest.raises(ValidationError) as caught:
        book(therapist, client_record, therapist=therapist2)
    assert caught.value.message_dict["therapist"] == [THERAPIST_NOT_ON_TEAM.format(name=therapist2.display_name)]


def test_only_an_active_clinician_holds_sessions(therapist, client_record, admin):
    with pytest.raises(ValidationError) as caught:
        book(therapist, client_record, therapist=admin)
    assert caught.value.message_dict["therapist"] == [THERAPIST_CANNOT_HOLD.format(name=admin.display_name)]


def test_every_broken_rule_is_reported_at_once(therapist, client_record):
    with pytest.raises(ValidationError) as caught:
        book(therapist, client_record, duration_minutes=4, cpt_code="9083", place_of_service="1", modifier="XX")
    assert caught.value.message_dict == {
        "duration_minutes": [DURATION_RANGE],
        "cpt_code": ["A service code is five digits, such as 90834; “9083” is not."],
        "place_of_service": [CODE_UNKNOWN_POS],
    }


def test_other_therapist_gets_404_booking(therapist2, client_record):
    with pytest.raises(Http404):
        book(therapist2, client_record)
    assert not Session.objects.exists()


@pytest.mark.parametrize("person", ["teamviewer", "supervisor"])
def test_people_who_do_not_write_notes_get_403_booking(request, client_record, person):
    with pytest.raises(PermissionDenied):
        book(request.getfixturevalue(person), client_record, therapist=request.getfixturevalue("therapist"))


def test_group_sessions_are_booked_by_the_groups_facilitators(therapist, therapist2, site):
    group = GroupFactory(site=site, facilitators=[therapist])
    fields = {
        "kind": "group",
        "group": group,
        "therapist": therapist,
        "site": site,
        "starts_at": at("2030-03-05"),
        "duration_minutes": 60,
        "modality": "in_person",
        "cpt_code": "90853",
    }
    assert services.session_create(by=therapist, **fields).group == group
    with pytest.raises(PermissionDenied, match=NOT_A_FACILITATOR):
        services.session_create(by=therapist2, **fields)


# --- status -------------------------------------------------------------------------------------------


@pytest.fixture
def past_session(therapist, client_record):
    return SessionFactory(
        client=client_record,
        therapist=therapist,
        site=client_record.site,
        status="scheduled",
        starts_at=timezone.now() - dt.timedelta(hours=2),
    )


def test_a_begun_session_is_completed(therapist, past_session):
    assert services.session_complete(by=therapist, session=past_session).status == "completed"
    assert _events("session.complete") == 1


def test_a_future_session_cannot_be_completed_or_a_no_show(therapist, client_record):
    session = book(therapist, client_record)
    with pytest.raises(ValidationError, match=NOT_YET_STARTED.format(done="completed")):
        services.session_complete(by=therapist, session=session)
    with pytest.raises(ValidationError):
        services.session_no_show(by=therapist, session=session)
    session.refresh_from_db()
    assert session.status == "scheduled"


def test_cancelling_needs_a_reason(therapist, past_session):
    with pytest.raises(ValidationError) as caught:
        services.session_cancel(by=therapist, session=past_session, reason="  ")
    assert caught.value.message_dict["reason"] == [CANCEL_NEEDS_REASON]
    past_session.refresh_from_db()
    assert past_session.status == "scheduled"
    services.session_cancel(by=therapist, session=past_session, reason="Client in hospital")
    past_session.refresh_from_db()
    assert (past_session.status, past_session.cancel_reason) == ("cancelled", "Client in hospital")


def test_a_cancelled_session_cannot_be_completed_or_changed(therapist, past_session):
    services.session_cancel(by=therapist, session=past_session, reason="Snow day")
    with pytest.raises(Conflict):
        services.session_complete(by=therapist, session=past_session)
    with pytest.raises(Conflict):
        services.session_update(by=therapist, session=past_session, duration_minutes=30)


def test_no_show_is_recorded(therapist, past_session):
    assert services.session_no_show(by=therapist, session=past_session).status == "no_show"


def test_update_changes_the_time_and_audits_the_field_names(therapist, client_record):
    session = book(therapist, client_record)
    services.session_update(by=therapist, session=session, starts_at=at("2030-03-04", "14:00"), place_of_service="03")
    session.refresh_from_db()
    assert session.starts_at == at("2030-03-04", "14:00")
    assert AuditEvent.objects.get(action="session.update").detail["fields"] == ["starts_at", "place_of_service"]


# --- NPI and licence ------------------------------------------------------------------------------------


def test_npi_check_digit_follows_the_luhn_rule_with_prefix_80840():
    assert npi_is_valid("1234567893")
    assert not npi_is_valid("1234567890")
    assert not npi_is_valid("123456789")


def test_admin_user_form_takes_npi_and_licence(therapist):
    data = {
        "first_name": "Tess",
        "last_name": "Rivera",
        "email": "",
        "role": "therapist",
        "credentials": "ATR-BC",
        "npi": "1234567890",
        "licence": "LCAT 001234 NY",
        "is_active": "on",
    }
    form = UserEditForm(data, instance=therapist)
    assert not form.is_valid()
    assert form.errors["npi"] == [NPI_INVALID]
    form = UserEditForm({**data, "npi": "1234567893"}, instance=therapist)
    assert form.is_valid(), form.errors


def test_admin_saves_npi_and_licence(client, admin, therapist):
    client.force_login(admin)
    response = client.post(
        reverse("core:user_edit", args=[therapist.pk]),
        {
            "first_name": "Tess",
            "last_name": "Rivera",
            "email": "",
            "role": "therapist",
            "credentials": "ATR-BC",
            "npi": "1234567893",
            "licence": "LCAT 001234 NY",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    therapist.refresh_from_db()
    assert (therapist.npi, therapist.licence) == ("1234567893", "LCAT 001234 NY")


def test_session_page_shows_the_providers_npi_when_a_cpt_code_is_set(client, therapist, client_record):
    therapist.npi, therapist.licence = "1234567893", "LCAT 001234 NY"
    therapist.save()
    session = book(therapist, client_record, cpt_code="90834", place_of_service="11")
    client.force_login(therapist)
    page = client.get(reverse("therapy:session_detail", args=[session.pk])).content.decode()
    assert "1234567893" in page and "LCAT 001234 NY" in page and "90834" in page


def test_session_page_has_no_billing_section_without_codes(client, therapist, client_record):
    therapist.npi = "1234567893"
    therapist.save()
    session = book(therapist, client_record)
    client.force_login(therapist)
    assert "1234567893" not in client.get(reverse("therapy:session_detail", args=[session.pk])).content.decode()


# --- pages --------------------------------------------------------------------------------------------


def _form(client_record, **extra):
    return {
        "kind": "individual",
        "therapist": client_record.care_team.get(role="primary").user_id,
        "site": client_record.site_id,
        "day": "2030-03-04",
        "start": "10:00",
        "end": "10:50",
        "modality": "in_person",
        "cpt_code": "",
        "place_of_service": "",
        "modifier": "",
        "repeat": "",
        "ends": "never",
        **extra,
    }


def test_booking_page_books_and_goes_to_the_session(client, therapist, client_record):
    client.force_login(therapist)
    response = client.post(reverse("therapy:session_create", args=[client_record.pk]), _form(client_record))
    session = Session.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("therapy:session_detail", args=[session.pk])
    assert session.duration_minutes == 50


def test_booking_page_refuses_an_end_before_the_start(client, therapist, client_record):
    client.force_login(therapist)
    response = client.post(
        reverse("therapy:session_create", args=[client_record.pk]), _form(client_record, start="11:00", end="10:00")
    )
    assert response.status_code == 200
    assert END_BEFORE_START in response.content.decode()
    assert not Session.objects.exists()


def test_booking_page_shows_clashes_and_books_once_confirmed(client, therapist, client_record):
    book(therapist, client_record, starts_at=at("2030-03-04", "10:30"))
    client.force_login(therapist)
    url = reverse("therapy:session_create", args=[client_record.pk])
    page = client.post(url, _form(client_record)).content.decode()
    assert "Clashes with other bookings" in page and "Tess Rivera is already booked" in page
    assert Session.objects.count() == 1
    assert client.post(url, _form(client_record, save_anyway="on")).status_code == 302
    assert Session.objects.count() == 2


def _soon() -> str:
    return (timezone.localdate() + dt.timedelta(days=3)).isoformat()


def test_booking_page_books_a_weekly_series(client, therapist, client_record):
    client.force_login(therapist)
    client.post(
        reverse("therapy:session_create", args=[client_record.pk]),
        _form(client_record, day=_soon(), repeat="weekly", ends="count", count="6"),
    )
    assert Session.objects.filter(series__isnull=False).count() == 6


def test_session_page_buttons_complete_and_cancel(client, therapist, past_session):
    client.force_login(therapist)
    page = client.get(reverse("therapy:session_detail", args=[past_session.pk])).content.decode()
    assert "Mark completed" in page and "Cancel the session" in page
    client.post(reverse("therapy:session_cancel", args=[past_session.pk]), {"reason": ""})
    past_session.refresh_from_db()
    assert past_session.status == "scheduled"
    client.post(reverse("therapy:session_complete", args=[past_session.pk]))
    past_session.refresh_from_db()
    assert past_session.status == "completed"


def test_edit_page_changes_the_session(client, therapist, client_record):
    session = book(therapist, client_record)
    client.force_login(therapist)
    response = client.post(
        reverse("therapy:session_edit", args=[session.pk]),
        {**_form(client_record), "start": "13:00", "end": "14:00", "place_of_service": "53"},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.starts_at, session.duration_minutes, session.place_of_service) == (
        at("2030-03-04", "13:00"),
        60,
        "53",
    )


def test_clients_session_list_shows_their_sessions(client, therapist, client_record):
    book(therapist, client_record, cpt_code="90834")
    client.force_login(therapist)
    page = client.get(reverse("therapy:session_list", args=[client_record.pk])).content.decode()
    assert "Mon 4 Mar 2030, 10:00" in page


def test_other_therapist_gets_404_for_the_session_page(client, therapist, therapist2, client_record):
    session = book(therapist, client_record)
    client.force_login(therapist2)
    assert client.get(reverse("therapy:session_detail", args=[session.pk])).status_code == 404


def test_group_booking_page_books_a_group_session(client, therapist, site):
    group = GroupFactory(site=site, facilitators=[therapist])
    client.force_login(therapist)
    response = client.post(
        reverse("therapy:session_create_for_group", args=[group.pk]),
        {
            "therapist": therapist.pk,
            "site": site.pk,
            "day": _soon(),
            "start": "15:00",
            "end": "16:00",
            "modality": "in_person",
            "repeat": "weekly",
            "ends": "count",
            "count": "4",
        },
    )
    assert response.status_code == 302
    assert Session.objects.filter(group=group, kind="group").count() == 4


# --- API ----------------------------------------------------------------------------------------------


def _api(user):
    from django.test import Client

    return Client(headers={"Authorization": f"Bearer {token_issue(user=user)[1]}"})


def _body(client_record, **extra):
    return {
        "kind": "individual",
        "client": client_record.pk,
        "site": client_record.site_id,
        "starts_at": "2030-03-04T10:00:00-05:00",
        "duration_minutes": 50,
        **extra,
    }


def test_api_creates_a_session(therapist, client_record):
    response = _api(therapist).post(
        reverse("api:sessions_create"), _body(client_record, cpt_code="90834"), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["therapist"] == therapist.pk
    assert [line["code"] for line in response.json()["service_lines"]] == ["90834"]


def test_api_refuses_an_end_before_the_start(therapist, client_record):
    response = _api(therapist).post(
        reverse("api:sessions_create"),
        _body(client_record, duration_minutes=None, ends_at="2030-03-04T09:00:00-05:00"),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["duration_minutes"] == [END_BEFORE_START]
    assert not Session.objects.exists()


def test_api_answers_409_with_the_conflicts_unless_allowed(therapist, client_record):
    book(therapist, client_record, starts_at=at("2030-03-04", "10:20"))
    browser = _api(therapist)
    refused = browser.post(reverse("api:sessions_create"), _body(client_record), content_type="application/json")
    assert refused.status_code == 409 and refused.json()["code"] == "conflict"  # published: kept
    assert any("already has a session" in c for c in refused.json()["conflicts"])
    assert Session.objects.count() == 1
    allowed = browser.post(
        reverse("api:sessions_create"), _body(client_record, allow_conflicts=True), content_type="application/json"
    )
    assert allowed.status_code == 201 and allowed.json()["conflicts"]


def test_api_lists_sessions_with_filters(therapist, therapist2, client_record):
    book(therapist, client_record, starts_at=at("2030-03-04"))
    book(therapist, client_record, starts_at=at("2030-03-11"))
    browser = _api(therapist)
    everything = browser.get(reverse("api:sessions_list")).json()["results"]
    assert len(everything) == 2
    assert len(browser.get(reverse("api:sessions_list"), {"from": "2030-03-05"}).json()["results"]) == 1
    assert (
        len(
            browser.get(reverse("api:sessions_list"), {"to": "2030-03-04", "client": client_record.pk}).json()[
                "results"
            ]
        )
        == 1
    )
    assert _api(therapist2).get(reverse("api:sessions_list")).json()["results"] == []


def test_api_cancel_needs_a_reason_and_update_changes_codes(therapist, client_record):
    session = book(therapist, client_record)
    browser = _api(therapist)
    refused = browser.post(
        reverse("api:session_cancel", args=[session.pk]), {"reason": ""}, content_type="application/json"
    )
    assert refused.status_code == 400 and refused.json()["errors"]["reason"] == [CANCEL_NEEDS_REASON]
    changed = browser.patch(
        reverse("api:session_update", args=[session.pk]),
        {"modality": "telehealth", "place_of_service": "02"},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["place_of_service"] == "02"


def test_api_other_therapist_gets_404(therapist, therapist2, client_record):
    session = book(therapist, client_record)
    assert _api(therapist2).get(reverse("api:session_detail", args=[session.pk])).status_code == 404


def test_api_rooms_list_shows_the_organizations_rooms(therapist, room):
    assert [r["name"] for r in _api(therapist).get(reverse("api:rooms_list")).json()["results"]] == ["Studio A"]


def test_group_member_conflict_is_named(therapist, client_record, site):
    group = GroupFactory(site=site, name="Tuesday studio", facilitators=[therapist])
    GroupMembershipFactory(group=group, client=client_record)
    services.session_create(
        by=therapist,
        kind="group",
        group=group,
        therapist=therapist,
        site=site,
        starts_at=at("2030-03-04", "10:00"),
        duration_minutes=60,
        modality="in_person",
    )
    from artchart.therapy.selectors.sessions import conflicts_for

    found = conflicts_for(
        organization=site.organization,
        therapist=None,
        room=None,
        client_ids=[client_record.pk],
        starts_at=at("2030-03-04", "10:30"),
        duration_minutes=50,
    )
    assert found == ["Maya Lopez is in the group Tuesday studio, which meets Mon 4 Mar 10:00–11:00."]


def test_clients_session_list_query_count_does_not_grow_with_sessions(client, therapist, client_record):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("therapy:session_list", args=[client_record.pk])).status_code == 200
        return len(ctx.captured_queries)

    client.force_login(therapist)
    book(therapist, client_record)
    queries()  # the first request makes the audit counter row and touches the login session
    few = queries()
    for week in range(1, 15):
        book(therapist, client_record, starts_at=at("2030-03-04") + dt.timedelta(weeks=week), cpt_code="90834")
    assert queries() == few


def test_an_update_works_on_the_stored_row_saves_only_what_changed_and_nothing_is_not_audited(therapist, client_record):
    session = book(therapist, client_record)
    stale = Session.objects.get(pk=session.pk)
    services.session_update(by=therapist, session=session, place_of_service=" 11 ")
    updated = services.session_update(by=therapist, session=stale, duration_minutes=35)
    assert (updated.place_of_service, updated.duration_minutes) == ("11", 35)
    services.session_update(by=therapist, session=stale, duration_minutes=35, place_of_service="11")
    events = AuditEvent.objects.filter(action="session.update").order_by("pk")
    assert [event.detail["fields"] for event in events] == [["place_of_service"], ["duration_minutes"]]
