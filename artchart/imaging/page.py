"""Find the sheet of paper in a photo of a table and straighten it.

The sheet is the largest light, nearly grey region. Its four corners are the
extreme points of that region (found without assuming any rotation), and a
homography maps them to an upright rectangle. Where no distinct sheet is found
the whole frame is analysed and the result says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image
from scipy import ndimage

from artchart.imaging import colour

NOT_FOUND = "The edges of the paper were not found; the whole photo was analysed."
# A sheet smaller than this share of the frame is too small to measure reliably.
MIN_SHEET_SHARE = 0.12
# The quadrilateral through the four corners must cover the sheet region this well (area ratio).
QUAD_FIT = 0.92
# Where at least this share of the frame's outer ring is paper, the sheet fills the frame.
FILLS_FRAME_RING = 0.4
RING = 0.02  # width of the outer ring, as a share of the short side
INSET = 0.008  # pull each corner 0.8 % of the way to the centre, leaving out the paper edge and shadow
MAX_PAPER_CHROMA = 18.0


@dataclass(frozen=True)
class PageFound:
    found: bool
    corners: np.ndarray | None  # (4, 2) x, y in frame pixels: top-left, top-right, bottom-right, bottom-left
    message: str


def find_page(frame: np.ndarray) -> PageFound:
    """Locate the sheet in an RGB uint8 frame; corners are None when the whole frame is the page."""
    lab = colour.lab_from_srgb8(frame)
    lightness, chroma = lab[..., 0], np.hypot(lab[..., 1], lab[..., 2])
    # Paper: light (above Otsu's threshold on L*, at least L* 50) and nearly grey.
    paper = (lightness > max(_otsu(lightness), 50.0)) & (chroma < MAX_PAPER_CHROMA)
    corners = _sheet_corners(paper)
    if corners is not None:
        return PageFound(True, corners, "")
    if _ring_share(paper) >= FILLS_FRAME_RING:
        # A white or pale grey table looks like paper too: look for a brighter sheet on it
        # (Otsu again, among the paper-like pixels only) before taking the frame for the sheet.
        brighter = _largest_region(paper & (lightness > _otsu(lightness[paper])))
        if brighter is None or _touches_border(brighter) or brighter.mean() < MIN_SHEET_SHARE:
            return PageFound(True, None, "")  # a scan, or a photo taken close: the sheet is the frame
        corners = _quadrilateral(brighter)
        if corners is not None:
            return PageFound(True, corners, "")
    return PageFound(False, None, NOT_FOUND)


def straighten(image: Image.Image, corners: np.ndarray, *, long_side: int) -> Image.Image:
    """Map the quadrilateral `corners` (in `image` pixels) to an upright page with the given long side."""
    centre = corners.mean(axis=0)
    corners = corners + INSET * (centre - corners)
    top, bottom = np.linalg.norm(corners[1] - corners[0]), np.linalg.norm(corners[2] - corners[3])
    left, right = np.linalg.norm(corners[3] - corners[0]), np.linalg.norm(corners[2] - corners[1])
    width, height = (top + bottom) / 2, (left + right) / 2
    scale = long_side / max(width, height)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    target = np.array([[0, 0], [size[0], 0], [size[0], size[1]], [0, size[1]]], dtype=np.float64)
    coefficients = homography(target, corners)
    return image.transform(size, Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BILINEAR)


def _sheet_corners(paper: np.ndarray) -> np.ndarray | None:
    """Corners of the largest paper region, if it lies wholly inside the frame, is big enough and has four."""
    sheet = _largest_region(paper)
    if sheet is None or _touches_border(sheet) or sheet.mean() < MIN_SHEET_SHARE:
        return None
    return _quadrilateral(sheet)


def _otsu(values: np.ndarray) -> float:
    """Otsu's (1979) threshold: the level that best splits the values into two classes."""
    counts, edges = np.histogram(values, bins=101, range=(0.0, 101.0))
    centres = (edges[:-1] + edges[1:]) / 2
    weight_low = np.cumsum(counts)
    weight_high = weight_low[-1] - weight_low
    sum_low = np.cumsum(counts * centres)
    mean_low = sum_low / np.maximum(weight_low, 1)
    mean_high = (sum_low[-1] - sum_low) / np.maximum(weight_high, 1)
    between = weight_low * weight_high * (mean_low - mean_high) ** 2
    return float(edges[int(np.argmax(between)) + 1])


def _largest_region(paper: np.ndarray) -> np.ndarray | None:
    # An opening (minimum then maximum filter, separable) cuts thin bridges of light table texture.
    opened = ndimage.maximum_filter(ndimage.minimum_filter(paper.view(np.uint8), size=3), size=3).view(bool)
    labels, count = ndimage.label(opened)
    if not count:
        return None
    sizes = np.bincount(labels.ravel())
    sizes[0] = 0
    return _fill_holes(labels == int(np.argmax(sizes)))


def _fill_holes(region: np.ndarray) -> np.ndarray:
    """Marks drawn on the sheet leave holes; the sheet is the region with them filled.

    A hole is a part of the outside that does not reach the frame's border
    (one labelling, rather than the iterated dilation of binary_fill_holes).
    """
    labels, _ = ndimage.label(~region)
    border = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    sheet: np.ndarray = ~np.isin(labels, border[border > 0]) | region
    return sheet


def _touches_border(region: np.ndarray) -> bool:
    return bool(region[0].any() or region[-1].any() or region[:, 0].any() or region[:, -1].any())


def _ring_share(paper: np.ndarray) -> float:
    width = max(1, round(RING * min(paper.shape)))
    ring = np.ones(paper.shape, dtype=bool)
    ring[width:-width, width:-width] = False
    return float(paper[ring].mean())


def _quadrilateral(region: np.ndarray) -> np.ndarray | None:
    """Four corners of a convex region, whatever its rotation, or None if it is not a quadrilateral.

    The first corner is the boundary point farthest from the centroid, the
    second the point farthest from the first (the opposite corner); the other
    two are the points farthest from that diagonal on either side.
    """
    boundary = region & ~ndimage.minimum_filter(region.view(np.uint8), size=3).view(bool)
    ys, xs = np.nonzero(boundary)
    points = np.stack([xs, ys], axis=1).astype(np.float64)
    first = points[np.argmax(np.linalg.norm(points - points.mean(axis=0), axis=1))]
    second = points[np.argmax(np.linalg.norm(points - first, axis=1))]
    direction = second - first
    side = direction[0] * (points[:, 1] - first[1]) - direction[1] * (points[:, 0] - first[0])
    if side.max() <= 0 or side.min() >= 0:
        return None
    third, fourth = points[np.argmax(side)], points[np.argmin(side)]
    corners = _order(np.array([first, third, second, fourth]))
    if _area(corners) < QUAD_FIT * region.sum() or _area(corners) > region.sum() / QUAD_FIT:
        return None
    return corners + 0.5  # pixel centres


def _order(corners: np.ndarray) -> np.ndarray:
    """Top-left, top-right, bottom-right, bottom-left (clockwise on screen, starting nearest the top-left)."""
    centre = corners.mean(axis=0)
    angles = np.arctan2(corners[:, 1] - centre[1], corners[:, 0] - centre[0])
    clockwise = corners[np.argsort(angles)]  # y points down, so increasing angle is clockwise on screen
    start = int(np.argmin(clockwise.sum(axis=1)))
    return np.roll(clockwise, -start, axis=0)


def _area(corners: np.ndarray) -> float:
    x, y = corners[:, 0], corners[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


def homography(source: np.ndarray, target: np.ndarray) -> tuple[float, ...]:
    """The 8 coefficients Pillow's PERSPECTIVE transform wants: output (source) pixel -> input (target) pixel.

    x' = (a x + b y + c) / (g x + h y + 1), y' = (d x + e y + f) / (g x + h y + 1),
    four point pairs give eight linear equations (Hartley & Zisserman 2004, §4.1).
    """
    rows, values = [], []
    for (x, y), (u, v) in zip(source, target, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        values += [u, v]
    return tuple(float(c) for c in np.linalg.solve(np.array(rows), np.array(values)))
