"""The same drawing photographed at half the resolution measures the same."""

from __future__ import annotations

import pytest
from PIL import Image

from artchart.imaging import derive, load, synthetic
from artchart.imaging.tests.pictures import encoded


@pytest.mark.parametrize("style", synthetic.STYLES)
def test_half_resolution_photo_gives_the_same_features(style: str) -> None:
    photo = synthetic.photograph(synthetic.drawing(21, width=1800, height=1200, style=style), seed=21)
    half = photo.resize((photo.width // 2, photo.height // 2), Image.Resampling.LANCZOS)
    full_features = derive(load(encoded(photo, quality=90)).encoded).features
    half_features = derive(load(encoded(half, quality=90)).encoded).features
    for name in ("coverage", "filled_fraction", "centre_x", "centre_y"):
        assert half_features[name] == pytest.approx(full_features[name], abs=0.05), name
    assert half_features["color_count"] == full_features["color_count"]
