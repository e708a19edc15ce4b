"""``artchart analyze``: features of each file; refused files get the upload's message and exit status 1."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from artchart.artworks.management.commands.analyze import Command
from artchart.imaging import FEATURES_VERSION, intake
from artchart.imaging.tests.pictures import encoded, two_colour_drawing


@pytest.fixture
def drawing_file(tmp_path: Path) -> Path:
    path = tmp_path / "drawing.png"
    path.write_bytes(encoded(two_colour_drawing(), "PNG"))
    return path


def test_it_prints_one_json_object_per_file(drawing_file: Path) -> None:
    out = io.StringIO()
    call_command(Command(), str(drawing_file), str(drawing_file), "--json", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["file"] == str(drawing_file) and first["color_count"] == 2 and first["version"] == FEATURES_VERSION


def test_it_prints_features_readably(drawing_file: Path) -> None:
    out = io.StringIO()
    call_command(Command(), str(drawing_file), stdout=out)
    assert (
        "coverage" in out.getvalue() and "FEATS estimates (not ratings; not a validated instrument)" in out.getvalue()
    )


def test_without_a_found_sheet_it_prints_no_estimates_and_says_why(
    drawing_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from artchart.artworks.management.commands import analyze

    real = analyze._analyse
    monkeypatch.setattr(analyze, "_analyse", lambda path, three_d: {**real(path, three_d=three_d), "page_found": False})
    out = io.StringIO()
    call_command(Command(), str(drawing_file), stdout=out)
    assert f"FEATS estimates: none, {analyze.NO_PAGE_NO_ESTIMATES}" in out.getvalue()
    assert "not ratings" not in out.getvalue()


def test_it_refuses_a_bad_file_with_the_upload_message_and_goes_on(drawing_file: Path, tmp_path: Path) -> None:
    fake = tmp_path / "holiday.jpg"
    fake.write_bytes(b"<html><body>not a photo</body></html>")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command(Command(), str(fake), str(drawing_file), "--json", stdout=out, stderr=err)
    assert failed.value.returncode == 1
    assert f"{fake}: {intake.TEXT}" in err.getvalue()
    assert json.loads(out.getvalue())["file"] == str(drawing_file)  # the good file was still analysed
