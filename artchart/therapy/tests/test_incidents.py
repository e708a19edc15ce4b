"""Mandated reports and incidents: a restricted record for the care team's clinicians and admins."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from artchart.core.models import AuditEvent
from artchart.core.services import token_issue
from artchart.tests.factories import (
    CareTeamFactory,
    ClientFactory,
    OrganizationFactory,
    SessionFactory,
    SiteFactory,
    UserFactory,
)
from artchart.therapy.models import Incident, MandatedReport
from artchart.therapy.services import confidential as services

pytestmark = pytest.mark.django_db

WHAT = "Bruises on both arms; said her uncle grabbed her."
HAPPENED = "Cut her finger on a lino-cutting tool."


def _report(by, client, **extra):
    fields = {
        "kind": "child_abuse",
        "reported_on": timezone.localdate(),
        "agency": "County CPS",
        "reference_number": "CPS-7",
        "what_was_reported": WHAT,
        "reported_by": by,
        **extra,
    }
    return services.mandated_report_record(by=by, client=client, **fields)


def _incident(by, client, **extra):
    fields = {"kind": "injury", "occurred_at": timezone.now() - dt.timedelta(hours=2), "description": HAPPENED, **extra}
    return services.incident_record(by=by, client=client, **fields)


def _api(user):
    return Client(headers={"Authorization": f"Bearer {token_issue(user=user)[1]}"})


def _nothing_written():
    return (
        not MandatedReport.objects.exists()
        and not Incident.objects.exists()
        and not AuditEvent.objects.filter(action__startswith=("mandated_report", "incident")).exists()
    )


def test_therapist_records_a_report_and_an_incident_through_the_pages(client, therapist, client_record):
    client.force_login(therapist)
    response = client.post(
        reverse("therapy:mandated_report_create", args=[client_record.pk]),
        {
            "kind": "child_abuse",
            "reported_on": timezone.localdate().isoformat(),
            "agency": "County CPS",
            "reference_number": "CPS-7",
            "reported_by": therapist.pk,
            "what_was_reported": WHAT,
        },
    )
    report = MandatedReport.objects.get()
    assert response.status_code == 302 and report.recorded_by == therapist
    response = client.post(
        reverse("therapy:incident_create", args=[client_record.pk]),
        {
            "kind": "injury",
            "occurred_at": (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "description": HAPPENED,
            "action_taken": "First aid; parent told.",
        },
    )
    incident = Incident.objects.get()
    assert response.status_code == 302 and incident.action_taken == "First aid; parent told."
    page = client.get(reverse("therapy:incident_list", args=[client_record.pk])).content.decode()
    assert "County CPS" in page and "Injury" in page
    assert (
        WHAT
        in client.get(reverse("therapy:mandated_report_detail", args=[client_record.pk, report.pk])).content.decode()
    )
    assert (
        HAPPENED
        in client.get(reverse("therapy:incident_detail", args=[client_record.pk, incident.pk])).content.decode()
    )
    events = AuditEvent.objects.filter(action__in=("mandated_report.record", "incident.record"))
    assert events.count() == 2 and all(e.flagged for e in events)


def test_intern_records_and_supervisor_only_reads(intern, supervisor, client_record):
    report = _report(intern, client_record)
    with pytest.raises(PermissionDenied):
        _incident(supervisor, client_record)
    with pytest.raises(PermissionDenied):
        services.mandated_report_correct(by=supervisor, report=report, agency="State hotline")
    assert (
        _api(supervisor).get(f"/api/v1/clients/{client_record.pk}/mandated-reports").json()["results"][0]["id"]
        == report.pk
    )


def test_a_viewer_gets_403_and_never_sees_them(client, therapist, teamviewer, client_record):
    report, incident = _report(therapist, client_record), _incident(therapist, client_record)
    client.force_login(teamviewer)
    for url in (
        reverse("therapy:incident_list", args=[client_record.pk]),
        reverse("therapy:mandated_report_detail", args=[client_record.pk, report.pk]),
        reverse("therapy:incident_detail", args=[client_record.pk, incident.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403 and WHAT not in response.content.decode()
    chart = client.get(reverse("clients:chart", args=[client_record.pk])).content.decode()
    assert WHAT not in chart and "County CPS" not in chart
    assert _api(teamviewer).get(f"/api/v1/clients/{client_record.pk}/incidents").status_code == 403


@pytest.mark.parametrize("person", ["therapist2", "programadmin"])
def test_outsiders_and_program_admins_get_404(request, client, person, therapist, client_record):
    report = _report(therapist, client_record)
    client.force_login(request.getfixturevalue(person))
    assert client.get(reverse("therapy:incident_list", args=[client_record.pk])).status_code == 404
    assert client.get(reverse("therapy:mandated_report_detail", args=[client_record.pk, report.pk])).status_code == 404
    assert (
        _api(request.getfixturevalue(person))
        .get(f"/api/v1/clients/{client_record.pk}/mandated-reports/{report.pk}")
        .status_code
        == 404
    )


def test_admin_sees_them_on_the_admin_page_and_the_client_page(client, therapist, admin, client_record):
    report, incident = _report(therapist, client_record), _incident(therapist, client_record)
    client.force_login(admin)
    page = client.get(reverse("therapy:incident_admin")).content.decode()
    assert "Maya Lopez" in page and "County CPS" in page and "Injury" in page
    read = AuditEvent.objects.filter(action="client.read").latest("seq")
    assert read.client_id_list == [client_record.pk]
    client_page = client.get(reverse("therapy:incident_list", args=[client_record.pk]))
    assert client_page.status_code == 200 and "County CPS" in client_page.content.decode()
    assert client.get(reverse("therapy:incident_detail", args=[client_record.pk, incident.pk])).status_code == 200
    # Reading is not writing: an admin does not record or correct them.
    assert client.get(reverse("therapy:incident_create", args=[client_record.pk])).status_code == 404
    assert client.get(reverse("therapy:mandated_report_edit", args=[client_record.pk, report.pk])).status_code == 404


def test_the_admin_page_is_for_admins_only(client, therapist):
    client.force_login(therapist)
    assert client.get(reverse("therapy:incident_admin")).status_code == 403


def test_the_admin_page_filters_by_kind_and_date_and_lists_newest_first(client, therapist, admin, client_record):
    today = timezone.localdate()
    _report(therapist, client_record, reported_on=today - dt.timedelta(days=30), agency="Old agency")
    _report(therapist, client_record, kind="duty_to_warn", reported_on=today - dt.timedelta(days=2), agency="Police")
    _incident(therapist, client_record, kind="aggression", occurred_at=timezone.now() - dt.timedelta(days=10))
    client.force_login(admin)
    url = reverse("therapy:incident_admin")

    def table(**query) -> str:  # the rows, without the filter's own options
        return client.get(url, query).content.decode().partition("<tbody>")[2]

    page = table()
    assert page.index("Police") < page.index("Aggression") < page.index("Old agency")
    only_warn = table(kind="report:duty_to_warn")
    assert "Police" in only_warn and "Old agency" not in only_warn and "Aggression" not in only_warn
    incidents = table(kind="incident")
    assert "Aggression" in incidents and "Police" not in incidents
    recent = table(since=(today - dt.timedelta(days=15)).isoformat())
    assert "Police" in recent and "Aggression" in recent and "Old agency" not in recent


def test_the_admin_page_shows_only_the_admins_organization(client, admin, therapist, client_record):
    _report(therapist, client_record)
    elsewhere = OrganizationFactory(name="Elsewhere")
    their_therapist = UserFactory(organization=elsewhere, role="therapist")
    their_client = ClientFactory(site=SiteFactory(organization=elsewhere), legal_last_name="Faraway")
    CareTeamFactory(client=their_client, user=their_therapist, role="primary")
    _report(their_therapist, their_client, agency="Far agency")
    client.force_login(admin)
    page = client.get(reverse("therapy:incident_admin")).content.decode()
    assert "County CPS" in page and "Far agency" not in page
    assert client.get(reverse("therapy:incident_list", args=[their_client.pk])).status_code == 404


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"reported_on": timezone.localdate() + dt.timedelta(days=2)}, "reported_on", services.REPORTED_IN_FUTURE),
        ({"agency": "  "}, "agency", services.AGENCY_REQUIRED),
        ({"what_was_reported": ""}, "what_was_reported", services.WHAT_REPORTED_REQUIRED),
        ({"reported_by": None}, "reported_by", services.REPORTER_UNKNOWN),
    ],
)
def test_bad_reports_are_refused_with_nothing_written(therapist, client_record, fields, field, message):
    with pytest.raises(ValidationError) as refused:
        _report(therapist, client_record, **fields)
    assert refused.value.message_dict[field] == [message]
    assert _nothing_written()


def test_a_reporter_from_another_organization_is_refused(therapist, client_record):
    stranger = UserFactory(organization=OrganizationFactory(name="Elsewhere"), role="therapist")
    with pytest.raises(ValidationError) as refused:
        _report(therapist, client_record, reported_by=stranger)
    assert refused.value.message_dict == {"reported_by": [services.REPORTER_UNKNOWN]}
    assert _nothing_written()


def test_bad_incidents_are_refused_with_nothing_written(therapist, client_record, site):
    with pytest.raises(ValidationError) as refused:
        _incident(therapist, client_record, occurred_at=timezone.now() + dt.timedelta(hours=3))
    assert refused.value.message_dict == {"occurred_at": [services.OCCURRED_IN_FUTURE]}
    other_session = SessionFactory(client=ClientFactory(site=site), therapist=therapist)
    with pytest.raises(ValidationError) as refused:
        _incident(therapist, client_record, session=other_session)
    assert refused.value.message_dict == {"session": [services.SESSION_OF_ANOTHER_CLIENT]}
    assert _nothing_written()


def test_the_form_shows_the_services_message_and_writes_nothing(client, therapist, client_record):
    client.force_login(therapist)
    response = client.post(
        reverse("therapy:mandated_report_create", args=[client_record.pk]),
        {
            "kind": "child_abuse",
            "reported_on": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
            "agency": "",
            "reported_by": therapist.pk,
            "what_was_reported": WHAT,
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Nothing was saved" in page
    assert "cannot be dated in the future" in page and services.AGENCY_REQUIRED in page
    assert _nothing_written()


def test_a_correction_changes_the_record_and_is_audited_with_field_names(client, therapist, client_record):
    report = _report(therapist, client_record)
    client.force_login(therapist)
    response = client.post(
        reverse("therapy:mandated_report_edit", args=[client_record.pk, report.pk]),
        {
            "kind": "child_abuse",
            "reported_on": report.reported_on.isoformat(),
            "agency": "County CPS",
            "reference_number": "CPS-8",
            "reported_by": therapist.pk,
            "what_was_reported": WHAT,
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.reference_number == "CPS-8"
    event = AuditEvent.objects.get(action="mandated_report.correct")
    assert event.detail == {"fields": ["reference_number"]} and event.flagged


def test_a_refused_correction_changes_nothing(therapist, client_record):
    incident = _incident(therapist, client_record)
    when = incident.occurred_at
    with pytest.raises(ValidationError):
        services.incident_correct(by=therapist, incident=incident, occurred_at=timezone.now() + dt.timedelta(days=1))
    assert Incident.objects.get().occurred_at == when
    assert not AuditEvent.objects.filter(action="incident.correct").exists()


def test_audit_events_carry_no_text(client, therapist, client_record):
    client.force_login(therapist)
    report, incident = _report(therapist, client_record), _incident(therapist, client_record)
    services.incident_correct(by=therapist, incident=incident, description="Cut deeper than first thought.")
    client.get(reverse("therapy:mandated_report_detail", args=[client_record.pk, report.pk]))
    for event in AuditEvent.objects.all():
        dumped = json.dumps(event.detail)
        assert "Bruises" not in dumped and "lino" not in dumped and "deeper" not in dumped and "CPS" not in dumped


def test_the_api_lists_creates_and_corrects(therapist, client_record):
    browser = _api(therapist)
    base = f"/api/v1/clients/{client_record.pk}"
    created = browser.post(
        f"{base}/mandated-reports",
        json.dumps(
            {
                "kind": "duty_to_warn",
                "reported_on": timezone.localdate().isoformat(),
                "agency": "City police",
                "what_was_reported": "Threat against a named neighbour.",
                "reported_by": therapist.pk,
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["recorded_by"] == therapist.pk
    incident = browser.post(
        f"{base}/incidents",
        json.dumps(
            {
                "kind": "elopement",
                "occurred_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
                "description": "Left the studio mid-session.",
            }
        ),
        content_type="application/json",
    )
    assert incident.status_code == 201
    corrected = browser.patch(
        f"{base}/incidents/{incident.json()['id']}",
        json.dumps({"action_taken": "Found in the garden."}),
        content_type="application/json",
    )
    assert corrected.status_code == 200 and corrected.json()["action_taken"] == "Found in the garden."
    assert [r["agency"] for r in browser.get(f"{base}/mandated-reports").json()["results"]] == ["City police"]
    refused = browser.post(
        f"{base}/incidents",
        json.dumps(
            {"kind": "injury", "occurred_at": (timezone.now() + dt.timedelta(days=1)).isoformat(), "description": "x"}
        ),
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["errors"] == {"occurred_at": [services.OCCURRED_IN_FUTURE]}
    assert Incident.objects.count() == 1


def test_chart_counts_are_for_those_who_may_read_them(therapist, teamviewer, admin, client_record):
    from artchart.clients.selectors import ClientAccess, client_get_for_user
    from artchart.core.access import require_client_access
    from artchart.core.permissions import Action, Area
    from artchart.therapy.selectors.confidential import confidential_counts

    _report(therapist, client_record)
    _incident(therapist, client_record)
    _incident(therapist, client_record, kind="self_harm")
    assert confidential_counts(client_get_for_user(therapist, client_record.pk)) == {"reports": 1, "incidents": 2}
    assert confidential_counts(client_get_for_user(teamviewer, client_record.pk)) is None
    relations = require_client_access(admin, client_record.pk, Area.INCIDENTS, Action.READ)
    assert confidential_counts(ClientAccess(client=client_record, relations=relations, user=admin))["reports"] == 1
    with pytest.raises(Http404):
        client_get_for_user(admin, client_record.pk)  # the chart itself stays closed to an admin


@pytest.mark.parametrize("url_name", ["therapy:incident_list", "therapy:incident_admin"])
def test_list_query_counts_do_not_grow(client, therapist, admin, client_record, url_name):
    client.force_login(admin)
    url = reverse(url_name, args=[client_record.pk] if url_name == "therapy:incident_list" else [])

    def queries_with(count: int) -> int:
        for _ in range(count):
            session = SessionFactory(client=client_record, therapist=therapist)
            _report(therapist, client_record, session=session)
            _incident(therapist, client_record, session=session)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    assert queries_with(2) == queries_with(10)
