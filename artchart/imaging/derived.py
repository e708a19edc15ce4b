"""Thumbnails and analysis of a stored copy, from one decode.

The stored copy is decoded once, at the reduced scale the JPEG decoder offers
(draft mode decodes 1/2, 1/4 or 1/8 of the DCT), just large enough for the
large thumbnail. The small thumbnail comes from the large one, and the
analysis from the same pixels at the working size.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from PIL import Image

from artchart.imaging import feats
from artchart.imaging.colour import lab_from_srgb8
from artchart.imaging.features import colour_features, page_features
from artchart.imaging.page import find_page, straighten

FEATURES_VERSION = "1"
LARGE, SMALL = 1280, 320
# Every feature is measured at this long side, whatever the photo's resolution.
WORKING_SIZE = 512
# The sheet's corners are looked for at this long side: corners to within a pixel or two are plenty.
FINDER_SIZE = 256
THUMBNAIL_QUALITY = 85
# Shrinking by area averaging (Pillow's BOX filter widens with the scale factor: each output pixel
# is the mean of the input pixels it covers, like OpenCV's INTER_AREA) is the usual choice for
# decimation, free of aliasing, and costs two thirds of bilinear and under half of bicubic.
RESAMPLING = Image.Resampling.BOX
THREE_D_MESSAGE = "Three-dimensional work: colour features only."
SHAPE_KEYS = (
    "coverage",
    "bbox_fraction",
    "filled_fraction",
    "edge_density",
    "components",
    "centre_x",
    "centre_y",
    "symmetry_lr",
    "symmetry_tb",
    "axis_angle",
)


@dataclass(frozen=True)
class Derived:
    thumbnails: dict[str, bytes]  # {"small": JPEG (long side 320), "large": JPEG (long side 1280)}
    features: dict[str, Any]  # JSON-serialisable
    version: str


def derive(stored: bytes, *, three_d: bool = False) -> Derived:
    large = _decode_for(stored, LARGE)
    small = _shrink(large, SMALL)
    # Analysis starts from a cheap 2× box reduction of the large thumbnail (the page is warped from it).
    source = large.reduce(2) if max(large.size) >= 2 * WORKING_SIZE else large
    frame = _resize_long_side(source, WORKING_SIZE)
    features = _three_d_features(frame) if three_d else _drawing_features(source, frame)
    features["version"] = FEATURES_VERSION
    return Derived(
        thumbnails={"small": _jpeg(small), "large": _jpeg(large)}, features=features, version=FEATURES_VERSION
    )


def _decode_for(stored: bytes, long_side: int) -> Image.Image:
    image: Image.Image = Image.open(io.BytesIO(stored))
    if image.format == "JPEG":
        image.draft("RGB", (long_side, long_side))  # the decoder's reduced-size mode: 1/2, 1/4, 1/8
    image = image.convert("RGB") if image.mode != "RGB" else image
    image.load()
    scale = long_side / max(image.size)
    if 0.5 <= scale < 1:
        # Less than 2× down (the decoder has already divided by a power of two): at that step bilinear's
        # two-pixel kernel leaves little aliasing, and OpenCV's costs a third of Pillow's BOX.
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        return Image.fromarray(cv2.resize(np.asarray(image), size, interpolation=cv2.INTER_LINEAR))
    return _shrink(image, long_side)


def _shrink(image: Image.Image, long_side: int) -> Image.Image:
    """Scale down (never up) to the given long side."""
    scale = long_side / max(image.size)
    if scale >= 1:
        return image
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    # reducing_gap: box-reduce by an integer factor first, then resample; visually the same, much faster.
    return image.resize(size, RESAMPLING, reducing_gap=2.0)


def _resize_long_side(image: Image.Image, long_side: int) -> Image.Image:
    """Exactly the working size, enlarging a small picture too, so every feature is measured at one scale."""
    if max(image.size) == long_side:
        return image
    if max(image.size) > long_side:
        return _shrink(image, long_side)
    scale = long_side / max(image.size)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.BILINEAR)


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=THUMBNAIL_QUALITY)
    return buffer.getvalue()


def _drawing_features(source: Image.Image, frame: Image.Image) -> dict[str, Any]:
    finder = _shrink(source, FINDER_SIZE)  # never enlarged: a tiny picture stays tiny, and says so
    found = find_page(np.asarray(finder))
    if found.corners is not None:
        scale = source.width / finder.width
        page = straighten(source, found.corners * scale, long_side=WORKING_SIZE)
    else:
        page = frame
    features = page_features(np.asarray(page))
    features["feats_estimates"] = feats.estimate(features)
    features["page_found"] = found.found
    features["page_message"] = found.message
    return features


def _three_d_features(frame: Image.Image) -> dict[str, Any]:
    """A sculpture: colours of the whole photo; no page, no shape measures, never FEATS-rated."""
    rgb = np.asarray(frame).reshape(-1, 3)
    features = colour_features(lab_from_srgb8(rgb))
    features.update({key: None for key in SHAPE_KEYS})
    features["feats_estimates"] = None
    features["page_found"] = False
    features["page_message"] = THREE_D_MESSAGE
    return features
