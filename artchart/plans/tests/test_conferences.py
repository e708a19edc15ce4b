"""Team conferences: who met (colleagues and outside professionals), what was decided, the plan versions it led to."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from artchart.core.models import AuditEvent
from artchart.core.services import token_issue
from artchart.plans import services
from artchart.plans.models import (
    ATTENDEE_NEEDS_ROLE,
    ATTENDEE_USER_OR_NAME,
    CONFERENCE_IN_FUTURE,
    ConferenceAttendee,
    TeamConference,
)
from artchart.tests.factories import CareTeamFactory, UserFactory

pytestmark = pytest.mark.django_db

RUIZ = {"name": "Dr. Ana Ruiz", "discipline": "psychiatrist"}


def _api(user) -> Browser:
    return Browser(headers={"Authorization": f"Bearer {token_issue(user=user)[1]}"})


def _json(browser: Browser, method: str, url: str, body=None):
    data = json.dumps(body) if body is not None else None
    return getattr(browser, method)(url, data, content_type="application/json")


def _conference(by, client, **extra) -> TeamConference:
    fields = {
        "held_on": timezone.localdate() - dt.timedelta(days=3),
        "discussion": "Withdrawn in group since March",
        "decisions": "Add a goal about group work",
        **extra,
    }
    return services.conference_record(by=by, client=client, **fields)


def _written() -> tuple[int, int, int]:
    return (
        TeamConference.objects.count(),
        ConferenceAttendee.objects.count(),
        AuditEvent.objects.filter(action__startswith="conference.").count(),
    )


def test_therapist_records_a_conference_with_a_colleague_and_an_outside_psychiatrist(
    client, therapist, intern, client_record
):
    plan = services.plan_create(by=therapist, client=client_record)
    client.force_login(therapist)
    assert "Record a conference" in client.get(reverse("plans:list", args=[client_record.pk])).content.decode()
    response = client.post(
        reverse("plans:conference_create", args=[client_record.pk]),
        {
            "held_on": "2026-01-15",
            "discussion": "Maya withdraws in the Tuesday group.",
            "decisions": "Add a goal about group work.",
            "colleagues": [intern.pk],
            "outside_professionals": "Dr. Ana Ruiz, psychiatrist\nRuiz, Tom, MSW, case manager\n",
            "plan_versions": [plan.pk],
        },
    )
    conference = TeamConference.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/conferences/{conference.pk}/")
    people = [(a.user_id, a.name, a.discipline) for a in conference.attendees.all()]
    assert people == [
        (intern.pk, "", ""),
        (None, "Dr. Ana Ruiz", "psychiatrist"),
        (None, "Ruiz, Tom, MSW", "case manager"),
    ]
    assert list(conference.plan_versions.all()) == [plan] and conference.recorded_by == therapist

    page = client.get(reverse("plans:conference_detail", args=[client_record.pk, conference.pk])).content.decode()
    assert "Dr. Ana Ruiz" in page and "psychiatrist" in page and "Led to version 1" in page
    plan_page = client.get(reverse("plans:detail", args=[client_record.pk, plan.pk])).content.decode()
    assert "Discussed at the team conference of 15 January 2026" in plan_page
    listing = client.get(reverse("plans:conference_list", args=[client_record.pk])).content.decode()
    assert "15 Jan 2026" in listing and "led to v1" in listing
    event = AuditEvent.objects.get(action="conference.record")
    assert event.detail == {"conference": conference.pk, "attendees": 3, "plan_versions": [plan.pk]}
    assert event.client_ids and "Ruiz" not in json.dumps(event.detail)


def test_an_attendee_with_neither_a_user_nor_a_name_is_refused_and_nothing_is_written(therapist, client_record):
    with pytest.raises(ValidationError) as refused:
        _conference(therapist, client_record, attendees=[RUIZ, {"discipline": "nurse"}])
    assert ATTENDEE_USER_OR_NAME in refused.value.messages
    assert _written() == (0, 0, 0)


def test_an_attendee_with_both_a_user_and_a_name_is_refused_and_nothing_is_written(therapist, intern, client_record):
    with pytest.raises(ValidationError) as refused:
        _conference(therapist, client_record, attendees=[{"user": intern, **RUIZ}])
    assert ATTENDEE_USER_OR_NAME in refused.value.messages
    response = _json(
        _api(therapist),
        "post",
        reverse("api:conferences_create", args=[client_record.pk]),
        {"held_on": "2026-01-15", "attendees": [{"user": intern.pk, **RUIZ}]},
    )
    assert response.status_code == 400 and ATTENDEE_USER_OR_NAME in json.dumps(response.json()["errors"])
    assert _written() == (0, 0, 0)


def test_an_outside_professional_needs_a_role(client, therapist, client_record):
    with pytest.raises(ValidationError) as refused:
        _conference(therapist, client_record, attendees=[{"name": "Dr. Ana Ruiz"}])
    assert refused.value.message_dict == {"discipline": [ATTENDEE_NEEDS_ROLE]}
    client.force_login(therapist)
    response = client.post(
        reverse("plans:conference_create", args=[client_record.pk]),
        {"held_on": "2026-01-15", "outside_professionals": "Dr. Ana Ruiz"},
    )
    assert response.status_code == 200 and escape(ATTENDEE_NEEDS_ROLE) in response.content.decode()
    assert _written() == (0, 0, 0)


def test_a_colleague_from_another_organization_is_refused(therapist, client_record):
    stranger = UserFactory()  # a user of another organization
    with pytest.raises(ValidationError) as refused:
        _conference(therapist, client_record, attendees=[{"user": stranger.pk}])
    assert refused.value.message_dict == {"user": [services.ATTENDEE_UNKNOWN]}
    assert _written() == (0, 0, 0)


def test_a_conference_cannot_be_dated_in_the_future(therapist, client_record):
    with pytest.raises(ValidationError) as refused:
        _conference(therapist, client_record, held_on=timezone.localdate() + dt.timedelta(days=1))
    assert refused.value.message_dict == {"held_on": [CONFERENCE_IN_FUTURE]}
    assert _written() == (0, 0, 0)


def test_linking_another_clients_plan_version_is_refused_and_nothing_is_written(therapist, client_record):
    other_client = CareTeamFactory(user=therapist, client__site=client_record.site).client
    theirs = services.plan_create(by=therapist, client=other_client)
    before = _written()
    with pytest.raises(ValidationError) as refused:
        _conference(therapist, client_record, attendees=[RUIZ], plan_versions=[theirs])
    assert refused.value.message_dict == {"plan_versions": [services.PLAN_OF_ANOTHER_CLIENT]}
    api = _api(therapist)
    response = _json(
        api,
        "post",
        reverse("api:conferences_create", args=[client_record.pk]),
        {"held_on": "2026-01-15", "attendees": [RUIZ], "plan_versions": [theirs.pk]},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"plan_versions": [services.PLAN_OF_ANOTHER_CLIENT]}
    assert _written() == before

    conference = _conference(therapist, client_record)
    before = _written()
    response = _json(
        api, "post", reverse("api:conference_plans_link", args=[client_record.pk, conference.pk]), {"plan": theirs.pk}
    )
    assert response.status_code == 400 and not conference.plan_versions.exists()
    assert _written() == before


def test_outsider_gets_404_for_the_conferences(client, therapist, therapist2, client_record):
    conference = _conference(therapist, client_record, attendees=[RUIZ])
    client.force_login(therapist2)
    assert client.get(reverse("plans:conference_list", args=[client_record.pk])).status_code == 404
    assert client.get(reverse("plans:conference_detail", args=[client_record.pk, conference.pk])).status_code == 404
    api = _api(therapist2)
    assert api.get(reverse("api:conference_detail", args=[client_record.pk, conference.pk])).status_code == 404
    assert (
        _json(
            api, "patch", reverse("api:conference_update", args=[client_record.pk, conference.pk]), {"decisions": "x"}
        ).status_code
        == 404
    )
    with pytest.raises(Http404):
        services.conference_update(by=therapist2, conference=conference, decisions="x")
    # Nor is a conference reached through another client's id.
    mine = CareTeamFactory(user=therapist2, client__site=client_record.site).client
    assert client.get(reverse("plans:conference_detail", args=[mine.pk, conference.pk])).status_code == 404
    conference.refresh_from_db()
    assert conference.decisions == "Add a goal about group work"


def test_viewer_reads_the_conferences_but_cannot_record_or_correct_them(client, therapist, teamviewer, client_record):
    conference = _conference(therapist, client_record, attendees=[RUIZ])
    client.force_login(teamviewer)
    page = client.get(reverse("plans:conference_detail", args=[client_record.pk, conference.pk]))
    assert page.status_code == 200 and "Dr. Ana Ruiz" in page.content.decode()
    assert "Correct" not in page.content.decode() and "Add the attendee" not in page.content.decode()
    listing = client.get(reverse("plans:conference_list", args=[client_record.pk])).content.decode()
    assert "Record a conference" not in listing
    assert (
        client.post(reverse("plans:conference_create", args=[client_record.pk]), {"held_on": "2026-01-15"}).status_code
        == 403
    )
    assert (
        client.post(
            reverse("plans:conference_edit", args=[client_record.pk, conference.pk]), {"held_on": "2026-01-15"}
        ).status_code
        == 403
    )
    api = _api(teamviewer)
    assert api.get(reverse("api:conferences_list", args=[client_record.pk])).status_code == 200
    assert (
        _json(
            api, "post", reverse("api:conferences_create", args=[client_record.pk]), {"held_on": "2026-01-15"}
        ).status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        services.conference_attendee_add(by=teamviewer, conference=conference, name="Sam Ode", discipline="teacher")
    assert TeamConference.objects.count() == 1 and conference.attendees.count() == 1


def test_the_recorder_corrects_a_conference_and_each_change_is_audited(therapist, intern, client_record):
    conference = _conference(therapist, client_record, attendees=[RUIZ])
    api = _api(intern)  # an intern on the team may write the clinical record too
    url = reverse("api:conference_update", args=[client_record.pk, conference.pk])
    response = _json(api, "patch", url, {"held_on": "2026-01-14", "decisions": "Add a goal; review in 6 weeks"})
    assert response.status_code == 200
    body = response.json()
    assert body["held_on"] == "2026-01-14" and body["changed_by"] == intern.pk and body["recorded_by"] == therapist.pk
    assert body["attendees"][0]["display_name"] == "Dr. Ana Ruiz"
    event = AuditEvent.objects.get(action="conference.update")
    assert event.actor == intern and sorted(event.detail["fields"]) == ["decisions", "held_on"]
    assert "review" not in json.dumps(event.detail)

    response = _json(
        api,
        "post",
        reverse("api:conference_attendees_create", args=[client_record.pk, conference.pk]),
        {"user": therapist.pk},
    )
    assert response.status_code == 201 and response.json()["user"] == therapist.pk
    again = _json(
        api,
        "post",
        reverse("api:conference_attendees_create", args=[client_record.pk, conference.pk]),
        {"user": therapist.pk},
    )
    assert again.status_code == 400 and conference.attendees.count() == 2
    ruiz = conference.attendees.get(name="Dr. Ana Ruiz")
    assert (
        api.delete(
            reverse("api:conference_attendee_delete", args=[client_record.pk, conference.pk, ruiz.pk])
        ).status_code
        == 204
    )
    assert list(
        AuditEvent.objects.filter(action__startswith="conference.").order_by("seq").values_list("action", flat=True)
    ) == ["conference.record", "conference.update", "conference.attendee_add", "conference.attendee_remove"]


def test_a_plan_version_is_linked_and_unlinked_on_the_conference_page(client, therapist, client_record):
    plan = services.plan_create(by=therapist, client=client_record)
    conference = _conference(therapist, client_record)
    client.force_login(therapist)
    client.post(reverse("plans:conference_plan_link", args=[client_record.pk, conference.pk]), {"plan": plan.pk})
    assert list(conference.plan_versions.all()) == [plan]
    client.post(reverse("plans:conference_attendee_add", args=[client_record.pk, conference.pk]), RUIZ)
    assert conference.attendees.get().name == "Dr. Ana Ruiz"
    client.post(reverse("plans:conference_plan_unlink", args=[client_record.pk, conference.pk, plan.pk]))
    assert not conference.plan_versions.exists()
    actions = set(AuditEvent.objects.filter(action__startswith="conference.").values_list("action", flat=True))
    assert {"conference.plan_link", "conference.plan_unlink", "conference.attendee_add"} <= actions


def _add_conferences(by, client_record, n: int) -> None:
    colleague = UserFactory(organization=client_record.organization)
    for _ in range(n):
        plan = services.plan_create(by=by, client=client_record)
        _conference(by, client_record, attendees=[RUIZ, {"user": colleague.pk}, {"user": by.pk}], plan_versions=[plan])


def test_the_conference_list_costs_the_same_queries_however_many_conferences(client, therapist, client_record):
    client.force_login(therapist)
    api = _api(therapist)
    page_url = reverse("plans:conference_list", args=[client_record.pk])
    api_url = reverse("api:conferences_list", args=[client_record.pk])

    assert api.get(api_url).status_code == 200  # the token's first use is recorded once

    def counts():
        with CaptureQueriesContext(connection) as page:
            assert client.get(page_url).status_code == 200
        with CaptureQueriesContext(connection) as listed:
            assert api.get(api_url).status_code == 200
        return len(page), len(listed)

    _add_conferences(therapist, client_record, 1)
    few = counts()
    _add_conferences(therapist, client_record, 5)
    assert counts() == few
    assert len(api.get(api_url).json()["results"]) == 6
