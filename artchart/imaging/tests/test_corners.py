"""Corners a person marks: refused when they do not make a page, used to straighten it when they do."""

from __future__ import annotations

import io
import re
from typing import Any

import numpy as np
import pytest
from PIL import Image

from artchart.imaging import derive, load, synthetic
from artchart.imaging.corners import (
    CROSSED,
    NOT_CONVEX,
    NOT_FOUR,
    OUTSIDE,
    TOO_SMALL,
    CornersRefused,
    check_corners,
)
from artchart.imaging.derived import NO_CORNERS_FOR_3D, NOTHING_MEASURED, PAGE_SIZE
from artchart.imaging.tests.pictures import encoded

SQUARE = [[100, 100], [500, 100], [500, 400], [100, 400]]


def test_good_corners_come_back_top_left_first_and_clockwise() -> None:
    assert check_corners(SQUARE, 600, 500).tolist() == SQUARE
    # Dragged the other way round and starting elsewhere: the same page.
    assert check_corners([[500, 400], [500, 100], [100, 100], [100, 400]], 600, 500).tolist() == SQUARE


def test_corners_on_the_photo_edge_are_allowed() -> None:
    assert check_corners([[0, 0], [600, 0], [600, 500], [0, 500]], 600, 500).shape == (4, 2)


@pytest.mark.parametrize(
    "corners",
    [
        [[-1, 100], [500, 100], [500, 400], [100, 400]],
        [[100, 100], [601, 100], [500, 400], [100, 400]],
        [[100, 100], [500, 100], [500, 501], [100, 400]],
        [[100, -0.5], [500, 100], [500, 400], [100, 400]],
    ],
)
def test_a_corner_off_the_photo_is_refused(corners: list[list[float]]) -> None:
    with pytest.raises(CornersRefused, match=re.escape(OUTSIDE.format(width=600, height=500))):
        check_corners(corners, 600, 500)


def test_a_crossed_quadrilateral_is_refused() -> None:
    bow_tie = [[100, 100], [500, 400], [500, 100], [100, 400]]
    with pytest.raises(CornersRefused, match=re.escape(CROSSED)):
        check_corners(bow_tie, 600, 500)


def test_a_dart_with_one_corner_inside_is_refused() -> None:
    dart = [[100, 100], [500, 100], [250, 200], [100, 400]]
    with pytest.raises(CornersRefused, match=re.escape(NOT_CONVEX)):
        check_corners(dart, 600, 500)


@pytest.mark.parametrize(
    "corners",
    [
        [[100, 100], [120, 100], [120, 120], [100, 120]],  # a speck
        [[100, 100], [300, 100], [500, 100], [200, 100]],  # all in a line
        [[100, 100], [100, 100], [500, 400], [100, 400]],  # two corners on each other
    ],
)
def test_a_tiny_or_flat_page_is_refused(corners: list[list[float]]) -> None:
    with pytest.raises(CornersRefused, match=re.escape(TOO_SMALL.format(percent=2))):
        check_corners(corners, 600, 500)


@pytest.mark.parametrize(
    "corners",
    [None, [], [[1, 2]] * 3, [[1, 2, 3]] * 4, [["a", 2]] * 4, [[float("nan"), 1]] * 4, "abcd", 4],
)
def test_anything_but_four_pairs_of_numbers_is_refused(corners: Any) -> None:
    with pytest.raises(CornersRefused, match=re.escape(NOT_FOUR)):
        check_corners(corners, 600, 500)


def _sheet_at_the_left_edge() -> tuple[bytes, Image.Image, list[list[int]]]:
    """A drawing on a wood table, its sheet touching the frame's left edge: the finder gives up."""
    drawing = synthetic.drawing(3, width=600, height=400, style="colourful")
    table = Image.new("RGB", (1000, 700), synthetic.TABLE_WOOD)
    table.paste(drawing, (0, 150))
    return load(encoded(table, quality=92)).encoded, drawing, [[0, 150], [600, 150], [600, 550], [0, 550]]


def test_without_a_page_nothing_is_measured_and_no_page_image_is_made() -> None:
    stored, _, _ = _sheet_at_the_left_edge()
    derived = derive(stored)
    features = derived.features
    assert features["page_found"] is False and features["page_message"].endswith(NOTHING_MEASURED)
    assert features["page_source"] is None and features["page_corners"] is None
    for key in ("coverage", "palette", "color_count", "saturation_mean", "components", "feats_estimates"):
        assert features[key] is None, key
    assert set(derived.thumbnails) == {"small", "large"}


def test_marked_corners_give_the_page_and_its_figures() -> None:
    stored, drawing, corners = _sheet_at_the_left_edge()
    flat = derive(load(encoded(drawing, quality=92)).encoded).features
    derived = derive(stored, corners=corners)
    features = derived.features
    assert features["page_found"] is True and features["page_source"] == "corners"
    assert features["page_corners"] == [[float(x), float(y)] for x, y in corners]
    assert features["coverage"] == pytest.approx(flat["coverage"], abs=0.03)
    assert features["centre_x"] == pytest.approx(flat["centre_x"], abs=0.03)
    assert features["color_count"] == flat["color_count"]
    assert features["feats_estimates"] is not None
    page = Image.open(io.BytesIO(derived.thumbnails["page"]))
    assert page.format == "JPEG" and page.width / page.height == pytest.approx(1.5, abs=0.02)
    assert max(Image.open(io.BytesIO(derived.thumbnails["page_small"])).size) == 320


def test_found_corners_are_stored_in_pixels_of_the_stored_photo() -> None:
    drawing = synthetic.drawing(5, width=1800, height=1200, style="sparse")
    photo = synthetic.photograph(drawing, seed=5, uneven_light=0.0)
    stored = load(encoded(photo, quality=92)).encoded
    derived = derive(stored)
    features = derived.features
    assert features["page_source"] == "found"
    corners = np.array(features["page_corners"])
    assert corners[:, 0].min() >= 0 and corners[:, 0].max() <= photo.width
    # The sheet is 1800 px wide in the photo; the finder looks at 256 px, so a few photo pixels either way.
    assert np.linalg.norm(corners[2] - corners[3]) == pytest.approx(1800, rel=0.05)
    # Marking the same corners by hand measures the same page.
    again = derive(stored, corners=features["page_corners"]).features
    assert again["page_source"] == "corners"
    assert again["coverage"] == pytest.approx(features["coverage"], abs=0.005)
    assert max(Image.open(io.BytesIO(derived.thumbnails["page"])).size) == PAGE_SIZE


def test_a_scan_is_its_own_page_and_its_corners_are_the_photo_s() -> None:
    drawing = synthetic.drawing(8, width=900, height=600, style="line")
    features = derive(load(encoded(drawing)).encoded).features
    assert features["page_source"] == "found"
    assert features["page_corners"] == [[0.0, 0.0], [900.0, 0.0], [900.0, 600.0], [0.0, 600.0]]


def test_refused_corners_raise_before_anything_is_measured() -> None:
    stored, _, _ = _sheet_at_the_left_edge()
    with pytest.raises(CornersRefused, match=re.escape(CROSSED)):
        derive(stored, corners=[[0, 150], [600, 550], [600, 150], [0, 550]])
    with pytest.raises(CornersRefused, match=re.escape(NO_CORNERS_FOR_3D)):
        derive(stored, three_d=True, corners=[[0, 150], [600, 150], [600, 550], [0, 550]])
