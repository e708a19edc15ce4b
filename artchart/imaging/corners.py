"""Checking the four corners of the page that a person marked on a photo.

When the page finder cannot find the sheet, the therapist drags four corners
onto it. Before anything is measured from them they must make a page: each
corner on the photo, the four in order round a convex quadrilateral (sides
that cross make a bow tie, not a sheet), and big enough to hold a drawing.
Corners are given in pixels of the stored photo, x from the left and y from the
top, as top-left, top-right, bottom-right, bottom-left; they are returned in
that order whichever corner the person dragged where.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

NOT_FOUR = "Give four corners, each as two numbers (x and y in pixels of the photo)."
OUTSIDE = "Every corner must lie on the photo: x from 0 to {width} and y from 0 to {height}."
CROSSED = "Two sides of the page cross each other; drag the corners so they go round the page in order."
NOT_CONVEX = "One corner lies inside the others; put each corner on a corner of the page."
TOO_SMALL = "The marked page is too small to measure; it must cover at least {percent} % of the photo."
# Below this share of the photo the page would be a few dozen pixels across at the working size.
MIN_AREA_SHARE = 0.02
# A side shorter than this share of the photo's short side means two corners sit on each other.
MIN_SIDE_SHARE = 0.05

Corners = npt.NDArray[np.float64]  # (4, 2): x, y


class CornersRefused(ValueError):
    """The corners do not make a page; the message says why, for the person who dragged them."""


def check_corners(corners: object, width: int, height: int) -> Corners:
    """The corners as a (4, 2) array, top-left first and clockwise on screen; or CornersRefused."""
    points = _as_points(corners)
    if (
        (points[:, 0] < 0).any()
        or (points[:, 0] > width).any()
        or (points[:, 1] < 0).any()
        or (points[:, 1] > height).any()
    ):
        raise CornersRefused(OUTSIDE.format(width=width, height=height))
    if _crossed(points):
        raise CornersRefused(CROSSED)
    sides = np.linalg.norm(points - np.roll(points, -1, axis=0), axis=1)
    if _area(points) < MIN_AREA_SHARE * width * height or sides.min() < MIN_SIDE_SHARE * min(width, height):
        raise CornersRefused(TOO_SMALL.format(percent=round(MIN_AREA_SHARE * 100)))
    if not _convex(points):
        raise CornersRefused(NOT_CONVEX)
    return _order(points)


def as_list(corners: Corners) -> list[list[float]]:
    """JSON-ready corners, to a tenth of a pixel."""
    return [[round(float(x), 1), round(float(y), 1)] for x, y in corners]


def _as_points(corners: object) -> Corners:
    if not isinstance(corners, Sequence | np.ndarray) or len(corners) != 4:
        raise CornersRefused(NOT_FOUR)
    try:
        points = np.array([[float(value) for value in point] for point in corners], dtype=np.float64)
    except (TypeError, ValueError):
        raise CornersRefused(NOT_FOUR) from None
    if points.shape != (4, 2) or not all(math.isfinite(v) for v in points.ravel()):
        raise CornersRefused(NOT_FOUR)
    return points


def _cross(o: npt.NDArray[np.float64], a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> float:
    return float((a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]))


def _segments_cross(
    p1: npt.NDArray[np.float64], p2: npt.NDArray[np.float64], q1: npt.NDArray[np.float64], q2: npt.NDArray[np.float64]
) -> bool:
    """Do the segments p1-p2 and q1-q2 cross each other? (Corners in a line are caught as too small.)"""
    d1, d2 = _cross(q1, q2, p1), _cross(q1, q2, p2)
    d3, d4 = _cross(p1, p2, q1), _cross(p1, p2, q2)
    return d1 * d2 < 0 and d3 * d4 < 0


def _crossed(points: Corners) -> bool:
    """A bow tie: the first side crosses the third, or the second the fourth."""
    a, b, c, d = points
    return _segments_cross(a, b, c, d) or _segments_cross(b, c, d, a)


def _convex(points: Corners) -> bool:
    turns = [_cross(points[i], points[(i + 1) % 4], points[(i + 2) % 4]) for i in range(4)]
    return all(t > 0 for t in turns) or all(t < 0 for t in turns)


def _area(points: Corners) -> float:
    x, y = points[:, 0], points[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


def _order(points: Corners) -> Corners:
    """Top-left, top-right, bottom-right, bottom-left: clockwise on screen (y points down),
    starting from the corner nearest the photo's top-left."""
    if sum(_cross(points[i], points[(i + 1) % 4], points[(i + 2) % 4]) for i in range(4)) < 0:
        points = points[::-1]
    start = int(np.argmin(points.sum(axis=1)))
    return np.roll(points, -start, axis=0)
