"""Page finding: a sheet on a table is found and straightened; where there is none, the photo says so."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw

from artchart.imaging import derive, load, synthetic
from artchart.imaging.derived import NOTHING_MEASURED, PAGE_NOT_FOUND
from artchart.imaging.page import CUT_OFF, find_page
from artchart.imaging.tests.pictures import encoded


def features_of(image: Image.Image) -> dict[str, Any]:
    return derive(load(encoded(image, quality=92)).encoded).features


@pytest.mark.parametrize("style", synthetic.STYLES)
def test_sheet_on_a_table_is_found_and_measures_like_the_flat_drawing(style: str) -> None:
    drawing = synthetic.drawing(11, style=style)
    flat, photo = features_of(drawing), features_of(synthetic.photograph(drawing, seed=11))
    assert photo["page_found"] is True and photo["page_message"] == ""
    assert photo["coverage"] == pytest.approx(flat["coverage"], abs=0.03)
    assert photo["centre_x"] == pytest.approx(flat["centre_x"], abs=0.03)
    assert photo["centre_y"] == pytest.approx(flat["centre_y"], abs=0.03)
    assert photo["color_count"] == flat["color_count"]


def test_corners_are_found_where_the_sheet_lies() -> None:
    drawing = synthetic.drawing(5, width=900, height=600, style="sparse")
    photo = synthetic.photograph(drawing, seed=5, tilt_degrees=8, uneven_light=0.0)  # 1170 × 780
    frame = np.asarray(photo.resize((256, 171), Image.Resampling.BOX))
    found = find_page(frame)
    assert found.found and found.corners is not None
    # The sheet is 900 px wide in a 1170 px frame; its near (bottom) edge is not foreshortened.
    bottom = np.linalg.norm(found.corners[2] - found.corners[3])
    assert bottom == pytest.approx(256 * 900 / 1170, rel=0.04)
    assert found.corners[0][0] < found.corners[1][0] and found.corners[0][1] < found.corners[3][1]


def test_strongly_uneven_light_is_tolerated() -> None:
    drawing = synthetic.drawing(6, style="colourful")
    flat = features_of(drawing)
    photo = features_of(synthetic.photograph(drawing, seed=6, uneven_light=0.45))
    assert photo["page_found"] is True
    assert photo["coverage"] == pytest.approx(flat["coverage"], abs=0.03)


def test_a_flat_scan_is_its_own_page() -> None:
    features = features_of(synthetic.drawing(8, style="line"))
    assert features["page_found"] is True and features["page_message"] == ""


def test_no_sheet_means_no_figures_and_a_message() -> None:
    table = Image.new("RGB", (1200, 800), synthetic.TABLE_WOOD)
    pen = ImageDraw.Draw(table)
    pen.ellipse((300, 200, 600, 500), fill=(40, 150, 60))
    pen.rectangle((700, 300, 1000, 600), fill=(30, 90, 190))
    features = features_of(table)
    assert features["page_found"] is False and features["page_message"] == PAGE_NOT_FOUND
    assert features["coverage"] is None and features["palette"] is None and features["feats_estimates"] is None


def test_a_sheet_cut_by_the_frame_edge_on_a_table_is_not_found() -> None:
    drawing = synthetic.drawing(3, width=900, height=600, style="sparse")
    photo = synthetic.photograph(drawing, seed=3, uneven_light=0.0)
    cut = photo.crop((0, 0, photo.width // 2, photo.height))  # only the left part of the sheet, on wood
    features = features_of(cut)
    assert features["page_found"] is False and features["page_message"] == f"{CUT_OFF} {NOTHING_MEASURED}"


def test_sheet_on_a_pale_grey_table_in_even_light_is_found() -> None:
    drawing = synthetic.drawing(3, width=900, height=600, style="colourful")
    flat = features_of(drawing)
    photo = features_of(synthetic.photograph(drawing, seed=3, table=(215, 215, 210), uneven_light=0.0))
    assert photo["page_found"] is True
    assert photo["coverage"] == pytest.approx(flat["coverage"], abs=0.03)
