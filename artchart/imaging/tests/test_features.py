"""Formal elements on pictures with known answers, photographed or not."""

from __future__ import annotations

import io
import json
from typing import Any

import numpy as np
import pytest
from PIL import Image

from artchart.imaging import FEATURES_VERSION, derive, load, synthetic
from artchart.imaging.tests.pictures import encoded, half_filled_page, line_drawing, tilted_bar, two_colour_drawing


def features_of(image: Image.Image, format: str = "PNG", **options: Any) -> dict[str, Any]:
    return derive(load(encoded(image, format, **options)).encoded).features


def test_filled_half_page() -> None:
    features = features_of(half_filled_page())
    assert features["coverage"] == pytest.approx(0.5, abs=0.02)
    assert features["filled_fraction"] > 0.97
    assert features["centre_x"] == pytest.approx(0.25, abs=0.02)
    assert features["centre_y"] == pytest.approx(0.5, abs=0.02)
    assert features["bbox_fraction"] == pytest.approx(0.5, abs=0.02)
    assert features["components"] == 1
    assert [colour["name"] for colour in features["palette"]] == ["blue"]
    assert features["page_found"] is True and features["page_message"] == ""


def test_thin_line_drawing_is_mostly_line_not_fill() -> None:
    features = features_of(line_drawing())
    assert features["filled_fraction"] < 0.1
    assert 0 < features["coverage"] < 0.1
    assert features["edge_density"] > 0.8
    assert features["color_count"] == 1


@pytest.mark.parametrize("degrees", [30, -45, 70])
def test_tilted_shape_gives_its_axis_angle(degrees: float) -> None:
    assert features_of(tilted_bar(degrees))["axis_angle"] == pytest.approx(degrees, abs=2)


def test_two_colour_drawing_counts_two_colours() -> None:
    features = features_of(two_colour_drawing())
    assert features["color_count"] == 2
    assert sorted(colour["name"] for colour in features["palette"]) == ["blue", "red"]
    assert sum(colour["share"] for colour in features["palette"]) == pytest.approx(1.0, abs=0.001)
    assert features["warm_share"] == pytest.approx(0.5, abs=0.15)  # the red disc against the blue square and line


def test_a_blank_page_has_no_marks() -> None:
    features = features_of(Image.new("RGB", (600, 400), (248, 246, 238)))
    assert features["coverage"] == 0 and features["color_count"] == 0 and features["components"] == 0
    assert features["feats_estimates"] == {"prominence_of_color": 0.0, "space": 0.0, "details": 0.0}


def test_symmetric_mandala_scores_high_symmetry() -> None:
    features = features_of(synthetic.drawing(4, style="mandala"))
    assert features["symmetry_lr"] > 0.9 and features["symmetry_tb"] > 0.9


def test_features_carry_version_and_are_json() -> None:
    derived = derive(load(encoded(two_colour_drawing(), "PNG")).encoded)
    assert derived.version == FEATURES_VERSION == derived.features["version"]
    assert json.loads(json.dumps(derived.features)) == derived.features


def test_feats_estimates_are_half_points_and_follow_the_drawing() -> None:
    filled, lines = features_of(half_filled_page()), features_of(line_drawing())
    for estimates in (filled["feats_estimates"], lines["feats_estimates"]):
        assert set(estimates) == {"prominence_of_color", "space", "details"}
        assert all(value * 2 == int(value * 2) and 0 <= value <= 5 for value in estimates.values())
    assert filled["feats_estimates"]["prominence_of_color"] > lines["feats_estimates"]["prominence_of_color"]


def test_three_d_work_gets_colour_features_only() -> None:
    features = derive(load(encoded(two_colour_drawing())).encoded, three_d=True).features
    assert features["feats_estimates"] is None and features["page_found"] is False
    assert features["coverage"] is None and features["axis_angle"] is None
    assert features["color_count"] == len(features["palette"]) >= 2


def test_thumbnails_are_jpegs_of_the_two_sizes() -> None:
    derived = derive(load(encoded(synthetic.drawing(1, width=2400, height=1600))).encoded)
    small = Image.open(io.BytesIO(derived.thumbnails["small"]))
    large = Image.open(io.BytesIO(derived.thumbnails["large"]))
    assert (small.format, small.size) == ("JPEG", (320, 213))
    assert (large.format, large.size) == ("JPEG", (1280, 853))


def test_a_small_picture_is_not_enlarged_for_its_thumbnails() -> None:
    derived = derive(load(encoded(two_colour_drawing())).encoded)
    assert Image.open(io.BytesIO(derived.thumbnails["large"])).size == (600, 400)


def test_derive_is_deterministic() -> None:
    stored = load(encoded(synthetic.photograph(synthetic.drawing(2), seed=2), quality=90)).encoded
    first, second = derive(stored), derive(stored)
    assert first.features == second.features and first.thumbnails == second.thumbnails


def test_synthetic_pictures_are_deterministic() -> None:
    assert synthetic.drawing(9, style="filled").tobytes() == synthetic.drawing(9, style="filled").tobytes()
    drawing = synthetic.drawing(9)
    assert synthetic.photograph(drawing, seed=3).tobytes() == synthetic.photograph(drawing, seed=3).tobytes()


def test_the_ppat_style_draws_a_person_picking_an_apple_from_a_tree() -> None:
    for seed in range(6):
        pixels = np.asarray(synthetic.drawing(seed, width=600, height=450, style="ppat")).reshape(-1, 3)
        colours = {tuple(int(c) for c in p) for p in np.unique(pixels, axis=0)}
        assert synthetic.APPLE_RED in colours and synthetic.BARK_BROWN in colours  # apples and a trunk
        assert colours & {synthetic.LEAF_GREENS, synthetic.MARKERS[10]}  # a crown of leaves
        # the person: a head, body, legs and arms in one of the dark markers
        assert colours & {synthetic.MARKERS[7], synthetic.MARKERS[4], synthetic.MARKERS[5]}
    assert (
        synthetic.drawing(3, style="ppat").tobytes() == synthetic.drawing(3, style="ppat").tobytes()
        and synthetic.drawing(3, style="ppat").tobytes() != synthetic.drawing(4, style="ppat").tobytes()
    )
