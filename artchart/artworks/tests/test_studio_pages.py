"""The studio pages about a body of work: two pieces compared, the retrospective and its
booklet, trends as SVG charts; who may see them, and query counts that stay flat."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from artchart.artworks.views.studio import NOT_DIAGNOSIS, TOO_FEW
from artchart.core.models import AuditEvent
from artchart.tests.factories import ArtworkFactory, CareTeamFactory, ClientFactory, artwork_with_photo

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def make(therapist, client, n, start=0, **fields):
    return [
        artwork_with_photo(
            by=therapist,
            client=client,
            seed=start + i,
            title=f"Piece {start + i + 1}",
            statement=f"My words about piece {start + i + 1}",
            observations=f"CLINICAL OBSERVATION {start + i + 1}",
            made_on=dt.date(2026, 1, 5) + dt.timedelta(days=7 * (start + i)),
            **fields,
        )
        for i in range(n)
    ]


def page(client, name, record, **query):
    return client.get(reverse(f"artworks:{name}", args=[record.pk]), query)


def count_queries(client, name, record, **query) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert page(client, name, record, **query).status_code == 200
    return len(queries)


# --- compare --------------------------------------------------------------------------------------


def test_compare_without_a_choice_offers_two_choosers(client, therapist, client_record):
    make(therapist, client_record, 2)
    client.force_login(therapist)
    response = page(client, "compare", client_record)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="a"' in html and 'name="b"' in html and "Piece 2" in html
    assert "Formal elements" not in html


def test_compare_shows_two_pieces_side_by_side_with_differences(client, therapist, client_record):
    first, second = make(therapist, client_record, 2)
    client.force_login(therapist)
    response = page(client, "compare", client_record, a=first.pk, b=second.pk)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Piece 1") < html.index("Piece 2")
    assert "My words about piece 1" in html and "My words about piece 2" in html
    assert "5 January 2026" in html and "12 January 2026" in html
    assert "Page covered" in html and "Colours" in html and "Difference" in html
    assert 'class="studio-swatches"' in html
    rows = {row["measure"].key: row for row in response.context["rows"]}
    assert rows["coverage"]["first"].endswith("%")
    assert rows["color_count"]["difference"] in ("no change",) or rows["color_count"]["difference"][0] in "+-"


def test_compare_leaves_page_measures_out_for_3d_work(client, therapist, client_record):
    (flat,) = make(therapist, client_record, 1)
    (sculpture,) = make(therapist, client_record, 1, start=1, dimension="3d", media="clay")
    client.force_login(therapist)
    rows = {
        r["measure"].key: r for r in page(client, "compare", client_record, a=flat.pk, b=sculpture.pk).context["rows"]
    }
    assert rows["coverage"]["second"] == "—" and rows["coverage"]["difference"] == "—"
    assert rows["color_count"]["second"] != "—"


def test_compare_with_another_clients_piece_is_404(client, therapist, client_record, site):
    (mine,) = make(therapist, client_record, 1)
    other_client = ClientFactory(site=site)
    CareTeamFactory(client=other_client, user=therapist, role="primary")
    (theirs,) = make(therapist, other_client, 1)
    client.force_login(therapist)
    assert page(client, "compare", client_record, a=mine.pk, b=theirs.pk).status_code == 404
    assert page(client, "compare", client_record, a=theirs.pk).status_code == 404


def test_compare_with_only_one_piece_chosen_asks_for_two(client, therapist, client_record):
    first, _ = make(therapist, client_record, 2)
    client.force_login(therapist)
    response = page(client, "compare", client_record, a=first.pk)
    assert response.status_code == 200
    assert "Choose two pieces to compare." in response.content.decode()
    assert response.context["sides"] == []
    assert page(client, "compare", client_record, a="x", b="y").status_code == 200


def test_compare_with_one_piece_says_two_are_needed(client, therapist, client_record):
    make(therapist, client_record, 1)
    client.force_login(therapist)
    assert "Comparing needs two pieces" in page(client, "compare", client_record).content.decode()


def test_compare_query_count_is_flat(client, therapist, client_record):
    pieces = make(therapist, client_record, 2)
    client.force_login(therapist)
    few = count_queries(client, "compare", client_record, a=pieces[0].pk, b=pieces[1].pk)
    make(therapist, client_record, 4, start=2)
    assert count_queries(client, "compare", client_record, a=pieces[0].pk, b=pieces[1].pk) == few


# --- retrospective ------------------------------------------------------------------------------------


def test_retrospective_lays_out_every_piece_in_order_with_a_cover(client, therapist, client_record):
    make(therapist, client_record, 3)
    ArtworkFactory(client=client_record, created_by=therapist, title="No photo piece", made_on=dt.date(2026, 3, 1))
    client.force_login(therapist)
    response = page(client, "retrospective", client_record)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Piece 1") < html.index("Piece 2") < html.index("Piece 3")
    assert '<h2 class="retro-name">Maya</h2>' in html
    assert "January 2026" in html and "3 pieces" in html
    assert "My words about piece 2" in html
    assert "1 piece without a photo is left out" in html and "No photo piece" not in html
    assert "studio.js" in html and "retrospective-print.css" in html and 'media="print"' in html


def test_retrospective_is_the_clients_book_with_nothing_clinical(client, therapist, client_record):
    make(therapist, client_record, 2, assessment=None)
    client.force_login(therapist)
    html = page(client, "retrospective", client_record).content.decode()
    booklet = html[html.index('id="retro"') :]
    assert "CLINICAL OBSERVATION" not in html
    for word in ("FEATS", "Coverage", "Page covered", "rating", "Lopez"):
        assert word not in booklet


def test_retrospective_span_over_a_year_end(client, therapist, client_record):
    artwork_with_photo(by=therapist, client=client_record, made_on=dt.date(2025, 11, 3), title="Autumn")
    artwork_with_photo(by=therapist, client=client_record, seed=2, made_on=dt.date(2026, 2, 9), title="Winter")
    client.force_login(therapist)
    assert "November 2025 – February 2026" in page(client, "retrospective", client_record).content.decode()


def test_retrospective_with_no_artwork_says_so(client, therapist, client_record):
    client.force_login(therapist)
    html = page(client, "retrospective", client_record).content.decode()
    assert "No artwork in Maya Lopez" in html or "No artwork in" in html
    assert 'id="retro"' not in html


def test_retrospective_query_count_is_flat(client, therapist, client_record):
    make(therapist, client_record, 2)
    client.force_login(therapist)
    few = count_queries(client, "retrospective", client_record)
    make(therapist, client_record, 5, start=2)
    assert count_queries(client, "retrospective", client_record) == few


# --- trends ----------------------------------------------------------------------------------------


def test_trends_draw_three_charts_and_a_palette_strip(client, therapist, client_record):
    make(therapist, client_record, 3)
    client.force_login(therapist)
    response = page(client, "trends", client_record)
    html = response.content.decode()
    assert response.status_code == 200
    assert NOT_DIAGNOSIS in html
    svgs = [ET.fromstring(section["chart"]) for section in response.context["sections"]]
    assert [s.get("aria-label") for s in svgs] == [
        "Page covered over treatment",
        "Filled areas over treatment",
        "Colours over treatment",
    ]
    assert all(len(s.findall(f".//{SVG}circle")) == 3 for s in svgs)
    strip = ET.fromstring(str(response.context["palette"]))
    assert len(strip.findall(f".//{SVG}g[@class='strip-row']")) == 3
    assert html.count("<svg") >= 4
    assert "How much of the page carries marks." in html


def test_trends_group_the_palette_by_session(client, therapist, client_record):
    from artchart.tests.factories import SessionFactory

    session = SessionFactory(client=client_record, therapist=therapist)
    made = session.starts_at.date()
    for seed in (1, 2):
        artwork_with_photo(by=therapist, client=client_record, seed=seed, session=session, made_on=made)
    artwork_with_photo(by=therapist, client=client_record, seed=3, made_on=made)
    client.force_login(therapist)
    strip = ET.fromstring(str(page(client, "trends", client_record).context["palette"]))
    assert len(strip.findall(f".//{SVG}g[@class='strip-row']")) == 2


def test_trends_count_3d_work_for_colour_only(client, therapist, client_record):
    make(therapist, client_record, 2)
    make(therapist, client_record, 1, start=2, dimension="3d", media="clay")
    client.force_login(therapist)
    response = page(client, "trends", client_record)
    circles = [len(ET.fromstring(s["chart"]).findall(f".//{SVG}circle")) for s in response.context["sections"]]
    assert circles == [2, 2, 3]
    assert "1 of the pieces is 3-D" in response.content.decode()


@pytest.mark.parametrize("pieces", [0, 1])
def test_trends_with_fewer_than_two_analysed_pieces_say_so(client, therapist, client_record, pieces):
    make(therapist, client_record, pieces)
    ArtworkFactory(client=client_record, created_by=therapist)  # no photo, so no analysis
    client.force_login(therapist)
    response = page(client, "trends", client_record)
    html = response.content.decode()
    assert TOO_FEW.format(count=pieces) in html
    assert "<svg" not in html.split('id="main"')[1]


def test_trends_query_count_is_flat(client, therapist, client_record):
    make(therapist, client_record, 2)
    client.force_login(therapist)
    few = count_queries(client, "trends", client_record)
    make(therapist, client_record, 5, start=2)
    assert count_queries(client, "trends", client_record) == few


def test_reading_a_studio_page_is_audited_as_a_client_read(client, therapist, client_record):
    make(therapist, client_record, 2)
    client.force_login(therapist)
    page(client, "trends", client_record)
    read = AuditEvent.objects.filter(action="client.read").latest("seq")
    assert (read.actor, read.client_id_list) == (therapist, [client_record.pk])


@pytest.mark.parametrize("name", ["compare", "retrospective", "trends"])
def test_outsiders_get_404_and_a_viewer_403(client, therapist2, teamviewer, client_record, name):
    client.force_login(therapist2)
    assert page(client, name, client_record).status_code == 404
    client.force_login(teamviewer)
    assert page(client, name, client_record).status_code == 403


@pytest.mark.parametrize("name", ["compare", "retrospective"])
def test_a_supervisor_sees_the_photos_only_under_the_supervision_consent(
    client, therapist, supervisor, client_record, name
):
    from artchart.artworks.selectors import NO_SUPERVISION_CONSENT
    from artchart.tests.factories import ConsentFactory

    first, second = make(therapist, client_record, 2)
    client.force_login(supervisor)  # supervises the intern on Maya's team: sees her only as a supervisor
    html = page(client, name, client_record, a=first.pk, b=second.pk).content.decode()
    assert NO_SUPERVISION_CONSENT in html and "/artworks/images/" not in html
    ConsentFactory(client=client_record, kind="supervision", recorded_by=therapist)
    html = page(client, name, client_record, a=first.pk, b=second.pk).content.decode()
    assert NO_SUPERVISION_CONSENT not in html and "/artworks/images/" in html


def test_compare_from_an_artwork_page_preselects_it(client, therapist, client_record):
    first, second = make(therapist, client_record, 2)
    client.force_login(therapist)
    response = page(client, "compare", client_record, first=second.pk)
    assert response.status_code == 200
    assert response.context["form"]["a"].value() == str(second.pk)
    assert "Choose two pieces" not in response.content.decode() and response.context["sides"] == []
