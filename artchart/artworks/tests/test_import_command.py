"""``artchart import FOLDER --client ID --by USERNAME``."""

from __future__ import annotations

import datetime as dt
import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from artchart.artworks.models import Artwork, AssessmentType, Photo
from artchart.core.models import AuditEvent
from artchart.tests.factories import SessionFactory, _at, jpeg_bytes, record_consent

pytestmark = pytest.mark.django_db


def _run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def folder(tmp_path):
    """Three pictures and a text file; the first picture last changed on March 3."""
    folder = tmp_path / "studio"
    folder.mkdir()
    (folder / "a_family_tree.jpg").write_bytes(jpeg_bytes(seed=1))
    (folder / "IMG_2041.jpg").write_bytes(jpeg_bytes(seed=2, colour=(30, 90, 190)))
    (folder / "c-safe-place.jpg").write_bytes(jpeg_bytes(seed=3, colour=(40, 150, 60)))
    (folder / "notes.txt").write_text("Session 4: clay and markers.")
    march = dt.datetime(2026, 3, 3, 15, 0).timestamp()
    os.utime(folder / "a_family_tree.jpg", (march, march))
    return folder


@pytest.fixture
def consented(client_record, therapist):
    record_consent(client_record, therapist)
    return client_record


def test_imports_each_picture_as_one_artwork_and_skips_the_text_file(folder, consented, therapist):
    before = AuditEvent.objects.count()
    out, err = _run(folder, "--client", consented.pk, "--by", "therapist", "--media", "pencil", "--assessment", "ppat")

    assert "3 imported, 0 already there, 0 refused, 1 skipped" in out
    assert "skipped: notes.txt (not a picture)" in out
    assert "\r[" in err and "3/3" in err and "#" * 20 in err  # the progress bar
    artworks = list(Artwork.objects.filter(client=consented).order_by("pk"))
    assert len(artworks) == 3 and Photo.objects.count() == 3
    assert [a.title for a in artworks] == ["a family tree", "c safe place", ""]  # a camera's name is no title
    assert artworks[0].made_on == dt.date(2026, 3, 3)  # the file's modification day
    assert {a.media for a in artworks} == {"pencil"}
    assert {a.assessment for a in artworks} == {AssessmentType.objects.get(code="ppat", organization=None)}
    assert all(a.created_by == therapist for a in artworks)
    assert set(Photo.objects.values_list("analysis_status", flat=True)) == {"ready"}
    assert set(Photo.objects.values_list("original_name", flat=True)) == {
        "a_family_tree.jpg",
        "IMG_2041.jpg",
        "c-safe-place.jpg",
    }
    # One event per artwork, the service's; the analysis task's own events aside, nothing else.
    actions = list(
        AuditEvent.objects.filter(seq__gt=before)
        .exclude(action="artwork.photo_analysed")
        .values_list("action", flat=True)
    )
    assert actions == ["artwork.create"] * 3


def test_a_second_run_finds_everything_already_there(folder, consented):
    _run(folder, "--client", consented.pk, "--by", "therapist")
    out, _ = _run(folder, "--client", consented.pk, "--by", "therapist")
    assert "0 imported, 3 already there, 0 refused" in out
    assert Artwork.objects.count() == 3


def test_a_refused_picture_is_reported_with_its_reason_and_the_exit_status_is_1(folder, consented):
    (folder / "b_broken.jpg").write_bytes(jpeg_bytes(seed=4)[:300])  # truncated
    with pytest.raises(CommandError) as refused:
        _run(folder, "--client", consented.pk, "--by", "therapist", "--date", "2026-03-10")
    assert refused.value.returncode == 1
    assert Artwork.objects.count() == 3  # the others were filed
    assert set(Artwork.objects.values_list("made_on", flat=True)) == {dt.date(2026, 3, 10)}
    assert not Photo.objects.filter(original_name="b_broken.jpg").exists()


def test_the_summary_names_the_refused_file(folder, consented):
    (folder / "b_broken.jpg").write_bytes(b"<html>not a picture</html>")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("import", str(folder), "--client", str(consented.pk), "--by", "therapist", stdout=out, stderr=err)
    assert "3 imported, 0 already there, 1 refused" in out.getvalue()
    assert "refused: b_broken.jpg:" in out.getvalue()


def test_files_go_into_a_session_of_the_client(folder, consented, therapist):
    session = SessionFactory(client=consented, therapist=therapist, starts_at=_at(dt.date(2026, 3, 1)))
    _run(folder, "--client", consented.pk, "--by", "therapist", "--session", session.pk, "--date", "2026-03-01")
    assert set(Artwork.objects.values_list("session_id", flat=True)) == {session.pk}


@pytest.mark.parametrize(
    "args, message",
    [
        (["--by", "therapist2"], "is not on the care team"),
        (["--by", "teamviewer"], "may not record artwork"),
        (["--by", "nobody"], "No active user is called nobody"),
        (["--by", "therapist", "--assessment", "xyz"], "No assessment 'xyz'"),
        (["--by", "therapist", "--session", "999999"], "is not one of"),
    ],
)
def test_refuses_before_any_file_who_may_not_or_what_does_not_exist(
    folder, consented, therapist2, teamviewer, args, message
):
    with pytest.raises(CommandError, match=message):
        _run(folder, "--client", consented.pk, *args)
    assert not Artwork.objects.exists()


def test_refuses_without_the_record_consent(folder, client_record):
    with pytest.raises(CommandError, match="no consent in force to photograph"):
        _run(folder, "--client", client_record.pk, "--by", "therapist")
    assert not Artwork.objects.exists()


def test_a_missing_folder_is_refused(tmp_path, consented):
    with pytest.raises(CommandError, match="is not a folder"):
        _run(tmp_path / "nowhere", "--client", consented.pk, "--by", "therapist")
