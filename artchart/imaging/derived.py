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
import numpy.typing as npt
from PIL import Image

from artchart.imaging import feats
from artchart.imaging.colour import lab_from_srgb8
from artchart.imaging.corners import CornersRefused, as_list, check_corners
from artchart.imaging.features import colour_features, page_features
from artchart.imaging.page import NOT_FOUND, find_page, straighten

# "2": no figures without a page; page_source and page_corners; the page warped from the large thumbnail.
# "3": colours named by CIEDE2000 among the basic colour terms, one entry per name; the paper's grain
# closed for coverage, shapes, fill and edges; edges between palette colours rather than ΔE steps.
FEATURES_VERSION = "3"
LARGE, SMALL = 1280, 320
# The straightened page kept for showing (the analysis shrinks it to the working size). Pillow's
# perspective warp costs in proportion to the pixels it makes: 640 px adds about a quarter of the
# bench's floor to derive() over warping straight to the working size; 800 px adds over a half.
PAGE_SIZE = 640
# Every feature is measured at this long side, whatever the photo's resolution.
WORKING_SIZE = 512
# The sheet's corners are looked for at this long side: corners to within a pixel or two are plenty.
FINDER_SIZE = 256
THUMBNAIL_QUALITY = 85
# OpenCV's flags for the JPEG decoder's reduced sizes, by the divisor Pillow's draft mode chose.
_REDUCED = {
    1: cv2.IMREAD_COLOR,
    2: cv2.IMREAD_REDUCED_COLOR_2,
    4: cv2.IMREAD_REDUCED_COLOR_4,
    8: cv2.IMREAD_REDUCED_COLOR_8,
}
# Shrinking by area averaging (Pillow's BOX filter widens with the scale factor: each output pixel
# is the mean of the input pixels it covers, like OpenCV's INTER_AREA) is the usual choice for
# decimation, free of aliasing, and costs two thirds of bilinear and under half of bicubic.
RESAMPLING = Image.Resampling.BOX
REDUCING_GAP = 2.0
THREE_D_MESSAGE = "Three-dimensional work: colour features only."
NOTHING_MEASURED = "Nothing was measured: mark the four corners of the page to analyse it."
# What a photo whose sheet was not found says (the finder's reason for it, then what to do).
PAGE_NOT_FOUND = f"{NOT_FOUND} {NOTHING_MEASURED}"
NO_CORNERS_FOR_3D = "Three-dimensional work has no page to mark."
COLOUR_KEYS = ("palette", "color_count", "saturation_mean", "lightness_mean", "warm_share")
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
    # {"small": JPEG (long side 320), "large": JPEG (long side 1280)}, and where there is a page
    # "page" (the straightened page, long side up to 640) and "page_small" (long side 320).
    thumbnails: dict[str, bytes]
    features: dict[str, Any]  # JSON-serialisable
    version: str


def derive(stored: bytes, *, three_d: bool = False, corners: object = None) -> Derived:
    """Thumbnails and features of a stored copy. ``corners`` (four x, y pairs in pixels of the
    stored copy, see ``corners.check_corners``) say where the page is; without them it is looked for."""
    if three_d and corners is not None:
        raise CornersRefused(NO_CORNERS_FOR_3D)
    large, pixels, stored_size = _decode_for(stored, LARGE)
    # Pillow's resize with reducing_gap first box-reduces by 2 on the way to both the small thumbnail
    # and the finder frame: that reduction is made once for both (and for the 3-D analysis).
    halved = large.reduce(2) if min(large.size) >= 2 else None
    small = _shrink(large, SMALL, halved)
    thumbnails = {"small": _jpeg(small), "large": _jpeg(large)}
    if three_d:
        # Analysis starts from a cheap 2x box reduction of the large thumbnail.
        source = halved if halved is not None and max(large.size) >= 2 * WORKING_SIZE else large
        features = _three_d_features(_resize_long_side(source, WORKING_SIZE))
    else:
        page, features = _locate_page(large, stored_size, corners, halved=halved, pixels=pixels)
        if page is None:
            features.update(_no_page_features())
        else:
            thumbnails["page"] = _jpeg(page)
            thumbnails["page_small"] = _jpeg(_shrink(page, SMALL))
            features.update(_page_measures(page))
    features["version"] = FEATURES_VERSION
    return Derived(thumbnails=thumbnails, features=features, version=FEATURES_VERSION)


def _decode_for(stored: bytes, long_side: int) -> tuple[Image.Image, npt.NDArray[np.uint8], tuple[int, int]]:
    """The picture shrunk to ``long_side``, as an image and as an array (the warp's source), and the
    stored copy's own size (corners are given in it)."""
    image: Image.Image = Image.open(io.BytesIO(stored))
    size = image.size
    if image.format == "JPEG":
        image.draft("RGB", (long_side, long_side))  # the decoder's reduced-size mode: 1/2, 1/4, 1/8
        bgr = _decode_jpeg(stored, size, image)
        if bgr is not None:
            return (*_first_step(bgr, long_side, bgr=True), size)
    image = image.convert("RGB") if image.mode != "RGB" else image
    image.load()
    return (*_first_step(np.asarray(image), long_side), size)


def _decode_jpeg(stored: bytes, size: tuple[int, int], drafted: Image.Image) -> npt.NDArray[np.uint8] | None:
    """The JPEG decoded by OpenCV at the scale Pillow's draft chose (BGR); None where it cannot be.

    The same libjpeg-turbo at the same scale, so the same pixels as Pillow's draft decode, but
    straight into a numpy array: Pillow's reach numpy only by a copy of the whole decoded picture.
    """
    if drafted.mode != "RGB" or not drafted.width:
        return None
    flag = _REDUCED.get(round(size[0] / drafted.width))
    if flag is None:
        return None
    pixels = cv2.imdecode(np.frombuffer(stored, np.uint8), flag | cv2.IMREAD_IGNORE_ORIENTATION)
    if pixels is None or pixels.shape != (drafted.height, drafted.width, 3):
        return None
    return np.asarray(pixels, dtype=np.uint8)


def _first_step(
    pixels: npt.NDArray[np.uint8], long_side: int, *, bgr: bool = False
) -> tuple[Image.Image, npt.NDArray[np.uint8]]:
    """The decoder's output (RGB, or OpenCV's BGR, whose channels are swapped on the fewer pixels after
    shrinking) scaled to ``long_side``, as an image and as an RGB array."""
    scale = long_side / max(pixels.shape[:2])
    if 0.5 <= scale < 1:
        # Less than 2× down (the decoder has already divided by a power of two): at that step bilinear's
        # two-pixel kernel leaves little aliasing, and OpenCV's costs a third of Pillow's BOX.
        shape = (max(1, round(pixels.shape[1] * scale)), max(1, round(pixels.shape[0] * scale)))
        shrunk = cv2.resize(pixels, shape, interpolation=cv2.INTER_LINEAR)
        rgb = np.asarray(cv2.cvtColor(shrunk, cv2.COLOR_BGR2RGB) if bgr else shrunk, dtype=np.uint8)
        return Image.fromarray(rgb), rgb
    image = _shrink(Image.fromarray(cv2.cvtColor(pixels, cv2.COLOR_BGR2RGB) if bgr else pixels), long_side)
    return image, np.asarray(image)


def _shrink(image: Image.Image, long_side: int, halved: Image.Image | None = None) -> Image.Image:
    """Scale down (never up) to the given long side. ``halved``: ``image.reduce(2)``, made already."""
    scale = long_side / max(image.size)
    if scale >= 1:
        return image
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    factors = (int(image.width / size[0] / REDUCING_GAP) or 1, int(image.height / size[1] / REDUCING_GAP) or 1)
    if halved is not None and factors == (2, 2):
        # What Pillow's resize does with reducing_gap here: reduce by 2, then resample the halved box.
        return halved.resize(size, RESAMPLING, box=(0, 0, image.width / 2, image.height / 2))
    # reducing_gap: box-reduce by an integer factor first, then resample; visually the same, much faster.
    return image.resize(size, RESAMPLING, reducing_gap=REDUCING_GAP)


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


def _locate_page(
    large: Image.Image,
    stored_size: tuple[int, int],
    corners: object,
    *,
    halved: Image.Image | None = None,
    pixels: npt.NDArray[np.uint8] | None = None,
) -> tuple[Image.Image | None, dict[str, Any]]:
    """The straightened page (long side PAGE_SIZE) or None, and how it was found.

    Given corners are checked and used; otherwise the finder looks on a small
    copy of the frame. Either way the page is warped once, from the large
    thumbnail (``pixels``, its array, where the caller has it), and ``page_corners`` are stored in
    pixels of the stored copy.
    """
    source = pixels if pixels is not None else np.asarray(large)
    to_large = large.width / stored_size[0]
    if corners is not None:
        checked = check_corners(corners, *stored_size)
        return _straighten(source, checked * to_large), _how(True, "corners", checked, "")
    finder = _shrink(large, FINDER_SIZE, halved)  # never enlarged: a tiny picture stays tiny, and says so
    found = find_page(np.asarray(finder))
    if not found.found:
        return None, _how(False, None, None, f"{found.message} {NOTHING_MEASURED}")
    if found.corners is None:  # the sheet fills the frame (a scan, a close photo)
        width, height = stored_size
        whole = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float64)
        return _shrink(large, PAGE_SIZE), _how(True, "found", whole, found.message)
    in_large = found.corners * (large.width / finder.width)
    return _straighten(source, in_large), _how(True, "found", in_large / to_large, found.message)


def _straighten(large: npt.NDArray[np.uint8], corners: np.ndarray) -> Image.Image:
    # A page smaller than PAGE_SIZE in the photo is not enlarged beyond its pixels (but at least the working size).
    sides = np.linalg.norm(corners - np.roll(corners, -1, axis=0), axis=1)
    long_side = int(min(PAGE_SIZE, max(WORKING_SIZE, round(float(sides.max())))))
    return straighten(large, corners, long_side=long_side)


def _how(found: bool, source: str | None, corners: np.ndarray | None, message: str) -> dict[str, Any]:
    return {
        "page_found": found,
        "page_source": source,
        "page_corners": as_list(corners) if corners is not None else None,
        "page_message": message,
    }


def _page_measures(page: Image.Image) -> dict[str, Any]:
    features = page_features(np.asarray(_resize_long_side(page, WORKING_SIZE)))
    features["feats_estimates"] = feats.estimate(features)
    return features


def _no_page_features() -> dict[str, Any]:
    """No page, no numbers: an unstraightened photo would measure the table along with the drawing."""
    return {key: None for key in (*SHAPE_KEYS, *COLOUR_KEYS, "feats_estimates")}


def _three_d_features(frame: Image.Image) -> dict[str, Any]:
    """A sculpture: colours of the whole photo; no page, no shape measures, never FEATS-rated."""
    rgb = np.asarray(frame).reshape(-1, 3)
    features = colour_features(lab_from_srgb8(rgb))
    features.update({key: None for key in SHAPE_KEYS})
    features["feats_estimates"] = None
    features.update(_how(False, None, None, THREE_D_MESSAGE))
    return features
