"""Find the sheet of paper in a photo of a table and straighten it.

The sheet is found as a quadrilateral from its edges, in three steps, all on
the small finder frame (OpenCV, see docs/architecture.md):

1. Proposals. Rough quadrilaterals from regions that look like paper (light
   and nearly grey once the light's colour cast is taken out, at three
   thresholds) and from closed outlines in the edge map (Canny); where the table
   is plain, also from four straight lines of the edge map (Hough), which find a
   white sheet on a white table or one half in a shadow. A drawing that
   reaches the sheet's edge, a pale table or a shadow spoils some of them, not all.
2. Edges. Each side of a proposal is moved and turned to the straight line along
   which the colour changes most consistently across it (the median, over the
   side's length, of the CIELAB gradient across the line), searched from well
   inside to well outside the proposal. A wavy edge of a drawing, a table's grain
   or a single strong mark does not hold a median up; a sheet's straight edge does.
   The corners are where adjacent sides meet.
3. Checks. Every side must be a real edge, the quadrilateral convex, inside the
   frame, big enough, and a band just inside it mostly paper: light and nearly
   grey. A screen, a circuit board or a patterned cloth fails that last check.

Of the quadrilaterals that pass, the largest is the sheet (a rectangle drawn on
the sheet passes too, but is smaller). Where none passes, the photo is a scan or
a close-up that the paper fills (paper to the borders, with marks on it or flat
as a scan's, which a bare table is not), or it holds no whole sheet, and the
result says which.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image

from artchart.imaging.features import MARK_DELTA_E

NOT_FOUND = "The edges of the paper were not found."
CUT_OFF = "The sheet runs off the edge of the photo: photograph the whole sheet."
TOO_SMALL = "The picture is too small to find a sheet in."
ELONGATED = "The picture is too long and narrow to be a photo of a sheet."
# The finder frame must have at least this short side, and at most this ratio of long to short side.
MIN_SIDE = 32
MAX_ASPECT = 4.0
# A sheet smaller than this share of the frame is too small to measure reliably.
MIN_SHEET_SHARE = 0.08
# Where at least this share of the frame's outer ring is paper, the sheet fills the frame.
FILLS_FRAME_RING = 0.4
RING = 0.02  # width of the outer ring, as a share of the short side
SHADOW_WEIGHT = 0.3  # lightness's weight in the colour distance from the table that a shadow should not cross
RING_DARKER = 12.0
# A frame the sheet fills shows marks (ΔE*ab over MARK_DELTA_E from its paper) on at least MIN_MARKED of it,
# or is flat as a scan: the median gradient of its paper (ΔE per pixel) at most SCAN_FLATNESS (a table's grain:
# 0.2-0.5).
MIN_MARKED, SCAN_FLATNESS = 0.002, 0.1
MIN_SHEET_CONTRAST = 5.0  # ΔE*ab between the paper inside a sheet and what lies just around it
WHITE_LIGHTNESS, WHITE_CHROMA = (
    80.0,
    8.0,
)  # white as it is: a scan's paper  # L*: a ring of paper is at most this much darker than the frame's light parts
# Line proposals: straight lines with at least HOUGH_VOTES × the short side edge pixels, the HOUGH_LINES strongest
# distinct ones, quadrilaterals whose every side runs along an edge for LINE_COVER of its length, the best few.
HOUGH_VOTES, HOUGH_LINES, LINE_COVER, LINE_PROPOSALS = 0.15, 14, 0.6, 3
# The table is the frame's outer TABLE_BAND (share of the short side); it is plain where at most QUIET_TABLE
# of it changes colour by TABLE_EDGE ΔE*ab per pixel or more.
TABLE_BAND, QUIET_TABLE, TABLE_EDGE = 0.08, 0.03, 3.0
INSET = 0.008  # pull each corner 0.8 % of the way to the centre, leaving out the paper edge and shadow
# Paper once the cast is removed: chroma under this (ΔE*ab units) and at least this share of the paper's lightness.
PAPER_CHROMA = 14.0
PAPER_SHADE = 0.5
# A light's colour cast on white paper lies along the warm-cool line: a* within CAST_A, chroma at most CAST_CHROMA.
CAST_A, CAST_CHROMA = (-8.0, 15.0), 45.0
# Paper in a photo is exposed light: the light part of a sheet (its 90th percentile) has at least this L*.
# A brown table, balanced to grey, does not.
PAPER_LIGHTNESS = 55.0
# At least this share of the band inside a found quadrilateral (6-16 % of the way in) must be paper.
PAPER_BAND_SHARE = 0.3
# Each side's edge strength (median CIELAB gradient across it, ΔE per pixel) must reach this,
# and this many times the frame's median gradient (a busy table raises the bar).
MIN_EDGE = 1.5
EDGE_OVER_MEDIAN = 1.5
# The side search: from SEARCH_IN inside to SEARCH_OUT outside the proposal (shares of the sheet's size
# across the side), turned by up to SEARCH_TURN degrees, sampled at SAMPLES points along the middle of the side.
SEARCH_IN, SEARCH_OUT, SEARCH_TURN, TURNS, SAMPLES = 0.15, 0.5, 6.0, 7, 32
# A side's edge is the outermost line at least this share as strong as the strongest line found.
OUTERMOST = 0.3
# Each side is drawn this many finder pixels inside its edge: the edge's blur and the sheet's shadow stay out.
EDGE_MARGIN = 1.0
# Proposals whose corners all lie this close (share of the frame's long side) fit to the same sheet: one is searched.
SAME_PROPOSAL = 0.02
MIN_CORNER_ANGLE = 45.0  # degrees: a sheet seen at up to 25-30° of tilt keeps its corners between 45° and 135°


@dataclass(frozen=True)
class PageFound:
    found: bool
    corners: np.ndarray | None  # (4, 2) x, y in frame pixels: top-left, top-right, bottom-right, bottom-left
    message: str


@dataclass(frozen=True)
class _Maps:
    lab: np.ndarray  # (h, w, 3), lightly smoothed
    gxx: np.ndarray  # (h, w) the colour structure tensor: sums over L*, a*, b* of gx², gx gy, gy² per pixel
    gxy: np.ndarray
    gyy: np.ndarray
    lightness: np.ndarray
    chroma: np.ndarray  # with the light's cast removed
    edge_floor: float
    shade: float  # the frame's 60th percentile of lightness: a sheet's light part is lighter


def find_page(frame: np.ndarray) -> PageFound:
    """Locate the sheet in an RGB uint8 frame; corners are None when the whole frame is the page."""
    h, w = frame.shape[:2]
    if max(h, w) > MAX_ASPECT * min(h, w):
        return PageFound(False, None, ELONGATED)
    if min(h, w) < MIN_SIDE:
        return PageFound(False, None, TOO_SMALL)
    maps = _maps(frame)
    paperness = maps.lightness - 1.5 * maps.chroma
    proposals, touching = _proposals(maps, paperness)
    regions = len(proposals)
    h, w = maps.lightness.shape
    # A line proposal that a region has proposed already would only be fitted twice.
    proposals += [
        quad
        for quad in _line_proposals(maps)
        if not any(np.abs(quad - other).max() < SAME_PROPOSAL * max(h, w) for other in proposals)
    ]
    best: tuple[float, npt.NDArray[np.float64]] | None = None
    an_object = False  # a clear-edged quadrilateral that is not paper: a screen, a board, a book
    fitted = (
        (k < regions, corners)
        for k, proposal in enumerate(proposals)
        # The largest quadrilateral wins: four lines round less than the best so far cannot (and fitting costs).
        if k < regions or best is None or _area(proposal) > best[0]
        for corners in _fit_sides(maps, proposal)
    )
    for from_region, corners in fitted:
        if not _is_quadrilateral(maps, corners):
            continue
        if not _paper_inside(maps, corners):
            # Only a region's outline says there is an object: four lines can be found in any drawing.
            an_object = an_object or from_region
            continue
        area = _area(corners)
        if best is None or area > best[0] * 1.02:
            best = (area, corners)
    if best is not None:
        return PageFound(True, _order(best[1]) + 0.5, "")  # pixel centres
    if _fills_frame(maps, an_object):
        return PageFound(True, None, "")  # a scan, or a photo taken close: the sheet is the frame
    return PageFound(False, None, CUT_OFF if touching else NOT_FOUND)


def straighten(image: Image.Image | npt.NDArray[np.uint8], corners: np.ndarray, *, long_side: int) -> Image.Image:
    """Map the quadrilateral `corners` (in `image` pixels) to an upright page with the given long side."""
    centre = corners.mean(axis=0)
    corners = corners + INSET * (centre - corners)
    top, bottom = np.linalg.norm(corners[1] - corners[0]), np.linalg.norm(corners[2] - corners[3])
    left, right = np.linalg.norm(corners[3] - corners[0]), np.linalg.norm(corners[2] - corners[1])
    width, height = (top + bottom) / 2, (left + right) / 2
    scale = long_side / max(width, height)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    target = np.array([[0, 0], [size[0], 0], [size[0], size[1]], [0, size[1]]], dtype=np.float32)
    # OpenCV samples at pixel centres (integer coordinates); the corners are in edge coordinates.
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32) - 0.5, target - 0.5)
    pixels = cv2.warpPerspective(
        np.asarray(image), matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    return Image.fromarray(pixels)


# --- measuring the frame ----------------------------------------------------------------------------------


def _maps(frame: np.ndarray) -> _Maps:
    rgb = cv2.GaussianBlur(frame, (3, 3), 0).astype(np.float32) * (1 / 255)
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2Lab)  # L* 0-100, a* and b* signed
    gx = cv2.Sobel(lab, cv2.CV_32F, 1, 0, ksize=3, scale=1 / 8)
    gy = cv2.Sobel(lab, cv2.CV_32F, 0, 1, ksize=3, scale=1 / 8)
    lightness = lab[..., 0]
    # The light's colour cast: the mean a*, b* of the brightest tenth of the frame (paper, where there is a sheet).
    # The frame's 60th and 90th percentiles of lightness, sorted once: the checks of every quadrilateral use them.
    shade, bright_level = np.percentile(lightness, (60, 90))
    bright = lightness >= bright_level
    cast_a, cast_b = float(lab[..., 1][bright].mean()), float(lab[..., 2][bright].mean())
    if not (CAST_A[0] <= cast_a <= CAST_A[1] and np.hypot(cast_a, cast_b) <= CAST_CHROMA):
        cast_a = cast_b = 0.0  # not a light's colour (green, magenta, or too strong): a coloured object, kept
    a, b = lab[..., 1] - cast_a, lab[..., 2] - cast_b
    # Sums over the three channels written out: numpy's reduction over a last axis of three is several
    # times slower than adding the planes, and adds them in the same order (the same float32 results).
    x0, x1, x2, y0, y1, y2 = gx[..., 0], gx[..., 1], gx[..., 2], gy[..., 0], gy[..., 1], gy[..., 2]
    gxx, gxy, gyy = x0 * x0 + x1 * x1 + x2 * x2, x0 * y0 + x1 * y1 + x2 * y2, y0 * y0 + y1 * y1 + y2 * y2
    floor = max(MIN_EDGE, EDGE_OVER_MEDIAN * _median(np.sqrt(gxx + gyy).reshape(-1)))
    return _Maps(lab, gxx, gxy, gyy, lightness, np.hypot(a, b), floor, float(shade))


def _median(values: np.ndarray) -> float:
    """np.median of a flat array (the mean of the middle two where their number is even), by one
    partition and without np.median's checks and copies."""
    half = values.size // 2
    if values.size % 2:
        return float(np.partition(values, half)[half])
    middle = np.partition(values, (half - 1, half))
    return float((middle[half - 1] + middle[half]) / 2)


def _paper(maps: _Maps) -> npt.NDArray[np.bool_]:
    """Paper-like pixels: nearly grey once the cast is out, and not much darker than the frame's light parts."""
    light = float(np.percentile(maps.lightness, 95))
    paper: npt.NDArray[np.bool_] = (maps.chroma < PAPER_CHROMA) & (maps.lightness > PAPER_SHADE * light)
    return paper


# --- proposals --------------------------------------------------------------------------------------------


def _proposals(maps: _Maps, paperness: np.ndarray) -> tuple[list[npt.NDArray[np.float64]], bool]:
    """Rough quadrilaterals, and whether a large paper-like region runs into the frame's border."""
    h, w = paperness.shape
    low, high = float(paperness.min()), float(paperness.max())
    scaled = ((paperness - low) * (255 / max(high - low, 1e-6))).astype(np.uint8)
    first, _ = cv2.threshold(scaled, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    upper = scaled[scaled > first]
    second = (
        cv2.threshold(upper.reshape(1, -1), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[0] if upper.size else first
    )
    top = float(np.percentile(scaled, 97))
    masks = [scaled > level for level in {first, second, (first + top) / 2}]
    # Whatever differs from the table (the colour of the frame's outer ring): the sheet with any band drawn along it.
    width = max(1, round(RING * min(h, w)))
    ring = np.ones((h, w), dtype=bool)
    ring[width:-width, width:-width] = False
    table = np.median(maps.lab[ring], axis=0)
    # Twice: by full colour distance, and with lightness weighted down so a shadow on the table stays table.
    planes = [maps.lab[..., c] - table[c] for c in range(3)]
    a2, b2 = planes[1] * planes[1], planes[2] * planes[2]
    for weight in (1.0, SHADOW_WEIGHT):
        lightness = planes[0] * np.float32(weight)
        distance8 = np.clip(np.sqrt(lightness * lightness + a2 + b2) * 2, 0, 255).astype(np.uint8)
        masks.append(distance8 > cv2.threshold(distance8, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[0])
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    light8 = np.clip(maps.lightness * 2.55, 0, 255).astype(np.uint8)
    edges = cv2.Canny(light8, 20, 60)
    masks.append(cv2.dilate(edges, np.ones((3, 3), np.uint8)) == 0)
    proposals: list[npt.NDArray[np.float64]] = []
    touching = False
    for mask in masks:
        closed = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_CLOSE, kernel)
        contours, _ = cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:2]:
            if cv2.contourArea(contour) < MIN_SHEET_SHARE * h * w:
                break
            x, y, cw, ch = cv2.boundingRect(contour)
            if x <= 1 or y <= 1 or x + cw >= w - 1 or y + ch >= h - 1:
                touching = touching or _cut_sheet(maps, contour)
                continue
            quad = _quadrilateral(contour)
            if quad is not None and not any(
                np.abs(quad - other).max() < SAME_PROPOSAL * max(h, w) for other in proposals
            ):
                proposals.append(quad)
    return proposals, touching


def _line_proposals(maps: _Maps) -> list[npt.NDArray[np.float64]]:
    """Quadrilaterals bounded by four straight lines of the edge map (Duda & Hart 1972), best supported first.

    A white sheet on a white table, or one half in a shadow, makes no region of its own,
    but its four sides are still the longest straight edges in the frame.
    """
    h, w = maps.lightness.shape
    # A patterned cloth's own lines are as straight and strong as the sheet's edges: where the table
    # around the sheet (the frame's outer band) has edges, four lines make no proposal.
    band = max(1, round(TABLE_BAND * min(h, w)))
    table = np.ones((h, w), dtype=bool)
    table[band:-band, band:-band] = False
    if float((maps.gxx[table] + maps.gyy[table] > TABLE_EDGE**2).mean()) > QUIET_TABLE:
        return []
    edges = cv2.Canny(np.clip(maps.lightness * 2.55, 0, 255).astype(np.uint8), 20, 60)
    found = cv2.HoughLines(edges, 1, np.pi / 180, max(10, round(HOUGH_VOTES * min(h, w))))
    if found is None:
        return []
    lines: list[tuple[float, float]] = []
    for rho, theta in found[:, 0]:
        # The same line twice: close in ρ and θ, or with θ near 0 and π, where ρ changes sign.
        if not any(
            (abs(rho - r) < 6 and abs(theta - t) < np.radians(5))
            or (abs(rho + r) < 6 and abs(abs(theta - t) - np.pi) < np.radians(5))
            for r, t in lines
        ):
            lines.append((float(rho), float(theta)))
        if len(lines) == HOUGH_LINES:
            break
    rho, theta = np.array(lines).T
    cos, sin = np.cos(theta), np.sin(theta)
    # Where line i meets line j (x cos θ + y sin θ = ρ for both), for every pair at once.
    det = cos[:, None] * sin[None, :] - sin[:, None] * cos[None, :]
    det = np.where(np.abs(det) < 1e-6, np.nan, det)
    meet_x = (rho[:, None] * sin[None, :] - rho[None, :] * sin[:, None]) / det
    meet_y = (rho[None, :] * cos[:, None] - rho[:, None] * cos[None, :]) / det
    turn = np.abs(theta[:, None] - theta[None, :]) % np.pi
    turn = np.minimum(turn, np.pi - turn)
    # Two nearly parallel pairs (a, b) and (c, d), across each other: the sheet's opposite sides.
    first, second = np.nonzero(np.triu(turn < np.radians(30), 1))
    one, other = np.meshgrid(np.arange(first.size), np.arange(first.size), indexing="ij")
    keep = (one < other) & (turn[first[one], first[other]] >= np.radians(50))
    a, b, c, d = first[one[keep]], second[one[keep]], first[other[keep]], second[other[keep]]
    # Round the quadrilateral a, c, b, d: corners where d meets a, a meets c, c meets b, b meets d.
    quads = np.stack(
        [np.stack([meet_x[s, t], meet_y[s, t]], axis=1) for s, t in ((d, a), (a, c), (c, b), (b, d))], axis=1
    )
    x, y = quads[..., 0], quads[..., 1]
    area = np.abs((x * np.roll(y, -1, axis=1) - y * np.roll(x, -1, axis=1)).sum(axis=1)) / 2
    with np.errstate(invalid="ignore"):
        inside = (x >= -2).all(axis=1) & (x <= w + 2).all(axis=1) & (y >= -2).all(axis=1) & (y <= h + 2).all(axis=1)
        quads = quads[inside & (area >= MIN_SHEET_SHARE * h * w)]
    # How much of each side runs along an edge.
    near = cv2.dilate(edges, np.ones((3, 3), np.uint8)) > 0
    ends = np.roll(quads, -1, axis=1)
    along = np.linspace(0.05, 0.95, SAMPLES)[None, None, :, None]
    points = quads[:, :, None, :] + along * (ends - quads)[:, :, None, :]
    xs = np.clip(np.rint(points[..., 0]), 0, w - 1).astype(np.intp)
    ys = np.clip(np.rint(points[..., 1]), 0, h - 1).astype(np.intp)
    cover = near[ys, xs].mean(axis=2)
    good = cover.min(axis=1) >= LINE_COVER
    quads, score = quads[good], cover[good].sum(axis=1)
    found_quads: list[npt.NDArray[np.float64]] = []
    for k in np.argsort(-score):
        quad = _order(quads[k].astype(np.float64))
        if _convex(quad):
            found_quads.append(quad)
            if len(found_quads) == LINE_PROPOSALS:
                break
    return found_quads


def _cut_sheet(maps: _Maps, contour: np.ndarray) -> bool:
    """A light, paper-like region that runs into the frame's border without filling the frame."""
    h, w = maps.lightness.shape
    if cv2.contourArea(contour) > 0.85 * h * w:
        return False
    region = np.zeros((h, w), np.uint8)
    cv2.drawContours(region, [contour], -1, 1, thickness=-1)
    inside = region > 0
    return bool(
        np.percentile(maps.lightness[inside], 90) >= PAPER_LIGHTNESS
        and (maps.chroma[inside] < PAPER_CHROMA).mean() > 0.5
    )


def _quadrilateral(contour: np.ndarray) -> npt.NDArray[np.float64] | None:
    """Four corners of a region's convex hull: a polygon simplified to four vertices, or the smallest rectangle."""
    hull = cv2.convexHull(contour)
    perimeter = cv2.arcLength(hull, True)
    for share in (0.02, 0.04, 0.07, 0.1):
        polygon = cv2.approxPolyDP(hull, share * perimeter, True)
        if len(polygon) == 4:
            return _order(polygon.reshape(4, 2).astype(np.float64))
        if len(polygon) < 4:
            break
    return _order(cv2.boxPoints(cv2.minAreaRect(hull)).astype(np.float64))


# --- fitting the sides ------------------------------------------------------------------------------------


def _fit_sides(maps: _Maps, quad: npt.NDArray[np.float64]) -> list[npt.NDArray[np.float64]]:
    """The proposal with each side moved to the outermost strong edge near it, and with each moved to the strongest.

    Corners are where the new sides meet; a result is kept where every new side
    is an edge along its whole length, not only near the proposal's side.
    """
    sides = []
    for k in range(4):
        start, end = quad[k], quad[(k + 1) % 4]
        across = float(np.linalg.norm(quad[(k + 2) % 4] - end) + np.linalg.norm(quad[(k + 3) % 4] - start)) / 2
        side = _side_scores(maps, start, end, across)
        if side is None:
            return []
        sides.append(side)
    fitted: list[npt.NDArray[np.float64]] = []
    for outermost in (True, False):
        lines = [_refine(maps, *_pick_line(side, outermost), side.length) for side in sides]
        corners = [_intersect(lines[k - 1], lines[k]) for k in range(4)]
        if any(corner is None for corner in corners):
            continue
        found = np.array(corners)
        if any(np.abs(found - other).max() < 0.5 for other in fitted):
            continue
        if all(_support(maps, found[k], found[(k + 1) % 4]) >= maps.edge_floor for k in range(4)):
            fitted.append(found)
    return fitted


def _strength(maps: _Maps, xs: np.ndarray, ys: np.ndarray, nx: np.ndarray, ny: np.ndarray) -> np.ndarray:
    """CIELAB gradient across the direction with normal (nx, ny) at the points, zero outside the frame.

    From the colour structure tensor: |dLab/dn|² = nx² Σ gx² + 2 nx ny Σ gx gy + ny² Σ gy².
    """
    h, w = maps.lightness.shape
    inside = (xs >= 0) & (xs <= w - 1) & (ys >= 0) & (ys <= h - 1)
    index = np.clip(np.rint(ys), 0, h - 1).astype(np.intp) * w + np.clip(np.rint(xs), 0, w - 1).astype(np.intp)
    squared = nx * nx * maps.gxx.take(index) + 2 * nx * ny * maps.gxy.take(index) + ny * ny * maps.gyy.take(index)
    strength: np.ndarray = np.sqrt(np.maximum(squared, 0)) * inside
    return strength


def _support(maps: _Maps, start: npt.NDArray[np.float64], end: npt.NDArray[np.float64]) -> float:
    """Median edge strength across the segment start→end, over its middle 90 %."""
    direction = (end - start) / max(float(np.linalg.norm(end - start)), 1e-9)
    points = start + np.linspace(0.05, 0.95, 2 * SAMPLES)[:, None] * (end - start)
    strength = _strength(maps, points[:, 0], points[:, 1], direction[1], -direction[0])
    # The median of the 2 × SAMPLES values (the mean of the middle two), without np.median's checks.
    middle = np.partition(strength, (SAMPLES - 1, SAMPLES))[SAMPLES - 1 : SAMPLES + 1]
    return float((middle[0] + middle[1]) / 2)


@dataclass(frozen=True)
class _Side:
    middle: npt.NDArray[np.float64]
    offsets: npt.NDArray[np.float64]  # (O,) positive outward
    scores: npt.NDArray[np.float64]  # (O, T) median edge strength of each candidate line
    directions: npt.NDArray[np.float64]  # (T, 2)
    floor: float
    length: float


def _side_scores(
    maps: _Maps, start: npt.NDArray[np.float64], end: npt.NDArray[np.float64], across: float
) -> _Side | None:
    """Edge strength of the straight lines near the side start→end: moved in or out, turned a little."""
    length = float(np.linalg.norm(end - start))
    if length < 4:
        return None
    middle = (start + end) / 2
    offsets = np.arange(-SEARCH_IN * across, SEARCH_OUT * across, 1.0)
    angle = np.arctan2(end[1] - start[1], end[0] - start[0]) + np.radians(np.linspace(-SEARCH_TURN, SEARCH_TURN, TURNS))
    ux, uy = np.cos(angle), np.sin(angle)
    nx, ny = uy, -ux  # outward for a clockwise (on screen) quadrilateral
    along = np.linspace(-0.4, 0.4, SAMPLES) * length
    xs = middle[0] + along[None, None, :] * ux[None, :, None] + offsets[:, None, None] * nx[None, :, None]
    ys = middle[1] + along[None, None, :] * uy[None, :, None] + offsets[:, None, None] * ny[None, :, None]
    strength = _strength(maps, xs, ys, nx[None, :, None], ny[None, :, None])
    scores = np.partition(strength, SAMPLES // 2, axis=2)[..., SAMPLES // 2]  # the median, without np.median's checks
    if float(scores.max()) < maps.edge_floor:
        return None
    return _Side(middle, offsets, scores, np.stack([ux, uy], axis=1), maps.edge_floor, length)


def _refine(
    maps: _Maps, point: npt.NDArray[np.float64], direction: npt.NDArray[np.float64], length: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """The line turned by up to half the coarse turn step and moved by up to a pixel to its strongest position,
    then drawn EDGE_MARGIN inside it."""
    step = SEARCH_TURN / (TURNS - 1)
    angle = np.arctan2(direction[1], direction[0]) + np.radians(np.linspace(-step / 2, step / 2, 5))
    ux, uy = np.cos(angle), np.sin(angle)
    offsets = np.linspace(-1.0, 1.0, 5)
    along = np.linspace(-0.4, 0.4, SAMPLES) * length
    xs = point[0] + along[None, None, :] * ux[None, :, None] + offsets[:, None, None] * uy[None, :, None]
    ys = point[1] + along[None, None, :] * uy[None, :, None] - offsets[:, None, None] * ux[None, :, None]
    strength = _strength(maps, xs, ys, uy[None, :, None], -ux[None, :, None])
    scores = np.partition(strength, SAMPLES // 2, axis=2)[..., SAMPLES // 2]
    o, t = np.unravel_index(int(np.argmax(scores)), scores.shape)
    return point + (offsets[o] - EDGE_MARGIN) * np.array([uy[t], -ux[t]]), np.array([ux[t], uy[t]])


def _pick_line(side: _Side, outermost: bool) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """(point, direction) of the outermost strong line, or of the strongest, at its peak."""
    score = side.scores.max(axis=1)
    strong = np.nonzero(score >= max(side.floor, OUTERMOST * float(score.max())))[0]
    # The outermost strong edge: a band drawn along the sheet's edge has a straight inner edge too.
    o = int(strong[-1]) if outermost else int(np.argmax(score))
    while o > 0 and score[o - 1] > score[o]:
        o -= 1
    t = int(np.argmax(side.scores[o]))
    offset = float(side.offsets[o])
    if 0 < o < len(side.offsets) - 1:  # the peak between samples, from the parabola through it and its neighbours
        before, peak, after = side.scores[o - 1, t], side.scores[o, t], side.scores[o + 1, t]
        curvature = before - 2 * peak + after
        if curvature < 0:
            offset += float(np.clip(0.5 * (before - after) / curvature, -0.5, 0.5))
    ux, uy = side.directions[t]
    return side.middle + offset * np.array([uy, -ux]), side.directions[t]


def _intersect(
    first: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]],
    second: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]],
) -> npt.NDArray[np.float64] | None:
    (p, d), (q, e) = first, second
    cross = d[0] * e[1] - d[1] * e[0]
    if abs(cross) < 1e-6:
        return None
    t = ((q[0] - p[0]) * e[1] - (q[1] - p[1]) * e[0]) / cross
    point: npt.NDArray[np.float64] = p + t * d
    return point


# --- checks -----------------------------------------------------------------------------------------------


def _is_quadrilateral(maps: _Maps, corners: npt.NDArray[np.float64]) -> bool:
    """Inside the frame, big enough, convex with no corner too sharp."""
    h, w = maps.lightness.shape
    if (corners[:, 0] < -1).any() or (corners[:, 0] > w + 1).any() or (corners[:, 1] < -1).any():
        return False
    return bool((corners[:, 1] <= h + 1).all() and _area(corners) >= MIN_SHEET_SHARE * h * w and _convex(corners))


def _paper_inside(maps: _Maps, corners: npt.NDArray[np.float64]) -> bool:
    """The band 6-16 % of the way in from the sides is mostly paper, and light in the frame."""
    h, w = maps.lightness.shape
    centre = corners.mean(axis=0)
    outer = np.zeros((h, w), np.uint8)
    inner = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(outer, np.rint(corners + 0.06 * (centre - corners)).astype(np.int32), 1)
    cv2.fillConvexPoly(inner, np.rint(corners + 0.16 * (centre - corners)).astype(np.int32), 1)
    band = (outer > 0) & (inner == 0)
    if not band.any():
        return False
    lightness, chroma = maps.lightness[band], maps.chroma[band]
    light = float(np.percentile(lightness, 90))
    paper = (chroma < PAPER_CHROMA) & (lightness > PAPER_SHADE * light)
    # The sheet differs from what lies around it: a rectangle drawn on a sheet has the same paper outside.
    around = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(around, np.rint(corners - 0.08 * (centre - corners)).astype(np.int32), 1)
    cv2.fillConvexPoly(around, np.rint(corners - 0.02 * (centre - corners)).astype(np.int32), 0)
    outside = around > 0
    if paper.any() and outside.sum() > 0.02 * h * w:
        inside_colour = np.median(maps.lab[band][paper], axis=0)
        outside_colour = np.median(maps.lab[outside], axis=0)
        if float(np.linalg.norm(inside_colour - outside_colour)) < MIN_SHEET_CONTRAST:
            return False
    # The paper must be light in the frame: a sheet is never the darkest thing on its table.
    return bool(paper.mean() >= PAPER_BAND_SHARE and light >= max(PAPER_LIGHTNESS, maps.shade))


def _convex(corners: npt.NDArray[np.float64]) -> bool:
    """Convex, clockwise on screen, with every corner's angle between MIN_CORNER_ANGLE and its supplement."""
    for k in range(4):
        a, b, c = corners[k - 1], corners[k], corners[(k + 1) % 4]
        u, v = a - b, c - b
        cross = u[0] * v[1] - u[1] * v[0]
        cosine = float(np.dot(u, v) / max(np.linalg.norm(u) * np.linalg.norm(v), 1e-9))
        if cross >= 0 or abs(cosine) > np.cos(np.radians(MIN_CORNER_ANGLE)):
            return False
    return True


def _fills_frame(maps: _Maps, an_object: bool) -> bool:
    """The frame's outer ring is mostly paper, as light as the lightest part of the frame (not a pale table).

    Where a clear-edged quadrilateral that is not paper lies in the frame (a screen, a
    circuit board, or a filled rectangle drawn on a scanned sheet), the ring must
    also be white as it is (light and grey without taking out any colour cast):
    a scan is; a table around a screen seldom is.
    """
    paper = _paper(maps)
    width = max(1, round(RING * min(paper.shape)))
    ring = np.ones(paper.shape, dtype=bool)
    ring[width:-width, width:-width] = False
    light = float(np.percentile(maps.lightness, 90))
    if not paper[ring].any():
        return False
    ring_lightness = float(np.median(maps.lightness[ring & paper]))
    if an_object:
        raw_chroma = float(np.median(np.hypot(maps.lab[..., 1][ring], maps.lab[..., 2][ring])))
        if ring_lightness < WHITE_LIGHTNESS or raw_chroma > WHITE_CHROMA:
            return False
    if not (
        paper[ring].mean() >= FILLS_FRAME_RING and light >= PAPER_LIGHTNESS and ring_lightness >= light - RING_DARKER
    ):
        return False
    # Positive evidence that this is a sheet: something drawn on it, or a scan's flat paper. A bare white or
    # pale table is as light and grey to the borders, but has neither.
    paper_colour = np.median(maps.lab[ring & paper], axis=0)
    marked = float((np.linalg.norm(maps.lab - paper_colour, axis=2) > MARK_DELTA_E).mean())
    flat = float(np.median(np.sqrt(maps.gxx + maps.gyy)[ring & paper])) <= SCAN_FLATNESS
    return marked >= MIN_MARKED or flat


def _order(corners: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Top-left, top-right, bottom-right, bottom-left (clockwise on screen, starting nearest the top-left)."""
    centre = corners.mean(axis=0)
    angles = np.arctan2(corners[:, 1] - centre[1], corners[:, 0] - centre[0])
    clockwise = corners[np.argsort(angles)]  # y points down, so increasing angle is clockwise on screen
    start = int(np.argmin(clockwise.sum(axis=1)))
    ordered: npt.NDArray[np.float64] = np.roll(clockwise, -start, axis=0)
    return ordered


def _area(corners: npt.NDArray[np.float64]) -> float:
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
