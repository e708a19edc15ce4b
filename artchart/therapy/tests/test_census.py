"""Filling a group from a hospital census export: the parser, the preview, and the all-or-nothing import."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from artchart.core.models import AuditEvent
from artchart.tests.factories import CareTeamFactory, ClientFactory, GroupFactory, GroupMembershipFactory
from artchart.therapy import census
from artchart.therapy.models import GroupMembership
from artchart.therapy.services import groups as services

TODAY = dt.date(2026, 11, 29)
GOOD = (
    "Last Name,First Name,Date of Birth,MRN,Unit\nLopez,Maya,1990-05-17,A100,4B\n\nhaddad,  noor ,2001-02-03,A101,4B\n"
)


def _parse(text: str, **limits):
    return census.parse_census(text.encode(), today=TODAY, **limits)


# --- the parser (no database) -----------------------------------------------------------------


def test_parser_reads_rows_with_any_header_case_and_skips_blank_lines():
    rows = _parse(GOOD)
    assert [(r.row, r.last_name, r.first_name, r.date_of_birth, r.mrn, r.unit) for r in rows] == [
        (2, "Lopez", "Maya", dt.date(1990, 5, 17), "A100", "4B"),
        (4, "haddad", "noor", dt.date(2001, 2, 3), "A101", "4B"),
    ]
    assert rows[1].match_key == ("haddad", "noor", dt.date(2001, 2, 3))


def test_parser_accepts_utf8_with_a_byte_order_mark_and_other_header_spellings():
    data = "\ufeffSURNAME,given_name,DOB\r\nMüller,Zoë,1950-01-01\r\n".encode()
    (row,) = census.parse_census(data, today=TODAY)
    assert (row.last_name, row.first_name) == ("Müller", "Zoë")


def test_parser_refuses_unknown_columns_naming_them():
    with pytest.raises(census.CensusError) as exc:
        _parse("last name,first name,dob,Diagnosis,Insurance\nLopez,Maya,1990-05-17,F32,X\n")
    assert exc.value.messages == [census.UNKNOWN_COLUMNS.format(columns="'Diagnosis', 'Insurance'")]


def test_parser_names_missing_and_repeated_columns():
    with pytest.raises(census.CensusError) as exc:
        _parse("last name,surname\nLopez,Lopez\n")
    assert exc.value.messages == [
        census.REPEATED_COLUMN.format(column="last name"),
        census.MISSING_COLUMNS.format(columns="first name, date of birth"),
    ]


def test_parser_names_every_bad_row_by_its_spreadsheet_number():
    text = (
        "last name,first name,date of birth\n"
        "Lopez,Maya,1990-05-17\n"
        "Haddad,Noor,17/05/1990\n"
        "Okoro,Ben,1990-02-31\n"
        ",Ana,1990-01-01\n"
        "Park,Eli\n"
        "Future,Baby,2030-01-01\n"
    )
    with pytest.raises(census.CensusError) as exc:
        _parse(text)
    assert exc.value.messages == [
        "Row 3: date of birth '17/05/1990' is not a date (use YYYY-MM-DD)",
        "Row 4: date of birth '1990-02-31' is not a date (use YYYY-MM-DD)",
        "Row 5: last name is empty",
        "Row 6: has 2 values where the header has 3",
        "Row 7: date of birth '2030-01-01' is in the future",
    ]


def test_parser_refuses_files_too_large_not_utf8_or_empty():
    with pytest.raises(census.CensusError) as exc:
        _parse(GOOD, max_bytes=20)
    assert exc.value.messages == [census.TOO_LARGE.format(limit=0)]
    with pytest.raises(census.CensusError) as exc:
        census.parse_census("last name,first name,dob\nMüller,Zoë,1950-01-01\n".encode("latin-1"), today=TODAY)
    assert exc.value.messages == [census.NOT_UTF8]
    with pytest.raises(census.CensusError) as exc:
        _parse("\n\n")
    assert exc.value.messages == [census.EMPTY]
    with pytest.raises(census.CensusError) as exc:
        _parse("last name,first name,dob\n")
    assert exc.value.messages == [census.NO_ROWS]
    with pytest.raises(census.CensusError) as exc:
        _parse(GOOD, max_rows=1)
    assert exc.value.messages == [census.TOO_MANY_ROWS.format(limit=1)]


# --- preview and import -------------------------------------------------------------------------


@pytest.fixture
def group(site, therapist):
    return GroupFactory(site=site, name="Open studio", facilitators=[therapist])


@pytest.fixture
def ward(site, therapist, therapist2, client_record):
    """Noor is the therapist's; Omar is therapist2's; Ben is already a member; Ana has a namesake twin."""

    def person(first, last, born, user):
        made = ClientFactory(site=site, legal_first_name=first, legal_last_name=last, date_of_birth=born)
        CareTeamFactory(client=made, user=user, role="primary")
        return made

    return {
        "maya": client_record,
        "noor": person("Noor", "Haddad", dt.date(2001, 2, 3), therapist),
        "omar": person("Omar", "Said", dt.date(1985, 7, 1), therapist2),
        "ben": person("Ben", "Okoro", dt.date(1979, 3, 3), therapist),
        "ana": person("Ana", "Reyes", dt.date(1999, 9, 9), therapist),
        "ana2": person("Ana", "Reyes", dt.date(1999, 9, 9), therapist),
    }


CENSUS = (
    "Last name,First name,DOB,Room\n"
    "Lopez,Maya,1990-05-17,12\n"
    "HADDAD,Noor,2001-02-03,14\n"
    "Said,Omar,1985-07-01,15\n"
    "Okoro,Ben,1979-03-03,16\n"
    "Reyes,Ana,1999-09-09,17\n"
    "Nobody,Known,1970-01-01,18\n"
)


def _upload(client, group, text, joined_on="2026-11-29"):
    return client.post(
        reverse("therapy:group_census", args=[group.pk]),
        {"file": SimpleUploadedFile("census.csv", text.encode(), "text/csv"), "joined_on": joined_on},
    )


@pytest.mark.django_db
def test_preview_matches_by_name_and_birth_date_and_import_adds_the_ticked(client, therapist, group, ward):
    GroupMembershipFactory(group=group, client=ward["ben"], joined_on=dt.date(2026, 1, 5))
    client.force_login(therapist)
    page = _upload(client, group, CENSUS).content.decode()
    assert f'name="client_ids" value="{ward["maya"].pk}" checked' in page
    assert f'name="client_ids" value="{ward["noor"].pk}" checked' in page
    assert "Omar Said" not in page  # therapist2's client: not a match for this user, and not named
    assert page.count("No match") == 2  # Omar and the unknown row
    assert "Already a member" in page and "More than one client matches" in page
    assert not GroupMembership.objects.exclude(client=ward["ben"]).exists()

    response = client.post(
        reverse("therapy:group_census_confirm", args=[group.pk]),
        {"client_ids": [ward["maya"].pk, ward["noor"].pk], "joined_on": "2026-11-29"},
    )
    assert response.status_code == 302
    assert set(GroupMembership.objects.filter(left_on=None).values_list("client_id", flat=True)) == {
        ward["maya"].pk,
        ward["noor"].pk,
        ward["ben"].pk,
    }
    event = AuditEvent.objects.get(action="group.members_import")
    assert event.client_id_list == sorted([ward["maya"].pk, ward["noor"].pk]) and event.detail == {"count": 2}


@pytest.mark.django_db
def test_a_census_with_faults_names_every_row_and_imports_nothing(client, therapist, group, ward):
    client.force_login(therapist)
    text = CENSUS + "Reyes,Ana,31/02/1990,19\nPark,Eli,1990-13-01,20\n"
    page = _upload(client, group, text).content.decode()
    assert "Nothing was imported." in page
    assert escape("Row 8: date of birth '31/02/1990' is not a date (use YYYY-MM-DD)") in page
    assert escape("Row 9: date of birth '1990-13-01' is not a date (use YYYY-MM-DD)") in page
    assert 'name="client_ids"' not in page
    page = _upload(client, group, "Name,DOB,Ward\nx,1990-01-01,4\n").content.decode()
    assert escape(census.UNKNOWN_COLUMNS.format(columns="'Name'")) in page
    assert not GroupMembership.objects.exists()


@pytest.mark.django_db
def test_import_is_all_or_nothing(therapist, group, ward):
    GroupMembershipFactory(group=group, client=ward["ben"], joined_on=dt.date(2026, 1, 5))
    with pytest.raises(ValidationError) as exc:
        services.members_import(
            by=therapist, group=group, client_ids=[ward["noor"].pk, ward["ben"].pk], joined_on=dt.date(2026, 11, 29)
        )
    assert exc.value.messages == [
        services.ALREADY_MEMBER.format(name="Ben Okoro", group="Open studio", day="5 January 2026")
    ]
    assert GroupMembership.objects.count() == 1
    from django.http import Http404

    with pytest.raises(Http404):  # Omar is therapist2's client: a tampered confirm gets 404, nothing added
        services.members_import(
            by=therapist, group=group, client_ids=[ward["noor"].pk, ward["omar"].pk], joined_on=dt.date(2026, 11, 29)
        )
    assert GroupMembership.objects.count() == 1
    with pytest.raises(ValidationError) as exc:
        services.members_import(by=therapist, group=group, client_ids=[], joined_on=dt.date(2026, 11, 29))
    assert exc.value.messages == [services.NO_CLIENTS]


@pytest.mark.django_db
def test_a_failed_confirm_says_nothing_was_imported(client, therapist, group, ward):
    GroupMembershipFactory(group=group, client=ward["ben"], joined_on=dt.date(2026, 1, 5))
    client.force_login(therapist)
    response = client.post(
        reverse("therapy:group_census_confirm", args=[group.pk]),
        {"client_ids": [ward["noor"].pk, ward["ben"].pk], "joined_on": "2026-11-29"},
        follow=True,
    )
    assert "Nothing was imported." in response.content.decode()
    assert GroupMembership.objects.count() == 1
