"""Whatever the picture, every feature stays in its range and the result is JSON."""

from __future__ import annotations

import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from artchart.imaging import derive, load
from artchart.imaging.tests.pictures import encoded

SHARES = (
    "coverage",
    "bbox_fraction",
    "filled_fraction",
    "saturation_mean",
    "lightness_mean",
    "warm_share",
    "edge_density",
    "centre_x",
    "centre_y",
    "symmetry_lr",
    "symmetry_tb",
)


@st.composite
def small_pictures(draw: st.DrawFn) -> Image.Image:
    """Random sizes, random blocks of random colours over a random background, sometimes noise."""
    width, height = draw(st.integers(4, 96)), draw(st.integers(4, 96))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    pixels = np.empty((height, width, 3), dtype=np.uint8)
    pixels[:] = rng.integers(0, 256, size=3)
    for _ in range(draw(st.integers(0, 6))):
        top, left = rng.integers(0, height), rng.integers(0, width)
        pixels[top : top + rng.integers(1, height + 1), left : left + rng.integers(1, width + 1)] = rng.integers(
            0, 256, 3
        )
    if draw(st.booleans()):
        pixels = np.clip(pixels + rng.normal(0, 20, pixels.shape), 0, 255).astype(np.uint8)
    return Image.fromarray(pixels)


@settings(max_examples=60, deadline=None)
@given(picture=small_pictures(), three_d=st.booleans(), format=st.sampled_from(["PNG", "JPEG"]))
def test_features_stay_in_range(picture: Image.Image, three_d: bool, format: str) -> None:
    features = derive(load(encoded(picture, format)).encoded, three_d=three_d).features
    assert json.loads(json.dumps(features)) == features
    assert isinstance(features["page_found"], bool)
    if not three_d and not features["page_found"]:
        # No page, no numbers: every page-level value is None.
        assert all(features[name] is None for name in (*SHARES, "palette", "color_count", "feats_estimates"))
        assert features["page_source"] is None and features["page_corners"] is None
        return
    for name in SHARES:
        value = features[name]
        assert value is None and three_d or 0.0 <= value <= 1.0, (name, value)
    assert features["color_count"] == len(features["palette"])
    assert sum(colour["share"] for colour in features["palette"]) <= 1.0 + 1e-3
    assert all(0.01 <= colour["share"] <= 1.0 for colour in features["palette"])
    if three_d:
        assert features["feats_estimates"] is None
        return
    assert -90.0 < features["axis_angle"] <= 90.0
    assert features["components"] >= 0
    assert all(0 <= value <= 5 and value * 2 == int(value * 2) for value in features["feats_estimates"].values())
    assert features["page_source"] == "found" and len(features["page_corners"]) == 4
    assert (features["page_message"] == "") == features["page_found"]
