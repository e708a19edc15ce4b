"""Formal elements of a drawing, measured on the page at the working size.

Every feature is dimensionless (shares, counts, angles) so the same drawing
photographed at another resolution gives the same numbers. Definitions are in
docs/imaging.md; the names are the formal elements art therapists
already use in art-based assessment (colour, space, line, balance).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, SupportsFloat, TypeVar

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image
from scipy import ndimage

from artchart.imaging import colour

# One thread for OpenCV, here where every module of the core that uses it is imported. Every image
# is small (a 256-px finder frame, a 512-px page, a 1280-px thumbnail), where handing work to a
# thread pool and waiting for it costs more than it saves (a 3 × 3 box filter of the page took 25
# times as long on average on the loaded machine); and a web server already runs a worker per core.
cv2.setNumThreads(1)

# A pixel is a mark where its CIELAB distance from the paper exceeds this.
# ΔE*ab 20 is well above JPEG noise and paper texture under normalised light,
# and well below the distance of a pencil line or the palest marker.
MARK_DELTA_E = 20.0
# Palette clusters closer than this are one colour. ΔE*ab 25 keeps crayon texture,
# marker streaks and leftover shading inside one colour, and is still below the
# distance between any two of a 12-marker PPAT set (the closest pair, green and
# light green, is about 31 apart).
MERGE_DELTA_E = 25.0
MIN_COLOUR_SHARE = 0.01
# A cluster within BLEND_DELTA_E of the segment from paper to a larger colour is a paler
# version of it; one under BLEND_MAX_SHARE near the segment between two larger colours
# is the seam where those inks meet. Neither is a colour of its own.
BLEND_MAX_SHARE = 0.03
BLEND_DELTA_E = 10.0
# Isolated specks below this many pixels (at the working size) are noise, not marks.
MIN_COMPONENT_PIXELS = 6
# Paper enclosed by marks in patches under this share of the page (about 20 pixels at the working
# size, a 4-pixel square) is the grain of the paper showing through crayon, pastel or pencil: wax and
# graphite catch on the tooth's peaks and skip its valleys. Such pinholes count as marked for the shape
# features (coverage, shapes, fill, edges), so a crayon drawing measures as the same drawing in marker.
# A space a person leaves (inside a house, a letter o at a normal size) is larger.
GRAIN_HOLE_SHARE = 1e-4
# "Filled" marks survive an erosion of 3 px each side at the working size (a 7 × 7 square, 1.4 % of
# the long side): wider than any pen, pencil or marker line, where crossing lines still fail.
FILL_SIZE = 7
# Chroma above which a mark counts as coloured for warm_share.
CHROMATIC = 15.0
# Paper is light and nearly grey: colourfulness (max-min)/max of linear RGB below this.
PAPER_COLOURFULNESS = 0.25
# A light's colour has blue at least this share of red (a 2700 K lamp's is about 0.3 in linear sRGB).
LIGHT_MIN_BLUE = 0.2
# Linear luminance the paper is balanced to: L* 96, the lightness of good drawing paper in a scan.
PAPER_WHITE = 0.9
LIGHT_GRID = 48  # cells along the long side for the illumination estimate
LIGHT_SIGMA_CELLS = 5.0  # smoothing of the illumination estimate, in cells

_Scalar = TypeVar("_Scalar", bound=np.generic)


@dataclass(frozen=True)
class Marks:
    mask: npt.NDArray[np.bool_]  # (h, w): pixels carrying marks
    solid: npt.NDArray[np.bool_]  # (h, w): the marks with the paper's grain showing through them closed
    lab: npt.NDArray[np.float32]  # (3, h, w): CIELAB planes under normalised light
    components: int  # separate marked regions as seen, before the grain is closed and broken strokes joined
    distance: npt.NDArray[np.float32]  # (h, w): ΔE*ab from the paper
    paper: npt.NDArray[np.floating[Any]]  # CIELAB of the paper


def page_features(rgb: npt.NDArray[np.uint8]) -> dict[str, Any]:
    """All the formal elements of one page (an RGB uint8 array at the working size)."""
    marks = find_marks(rgb)
    features: dict[str, Any] = {"coverage": _r(marks.solid.mean())}
    features.update(_geometry(marks.solid))
    colours, owner = _colours(marks.lab[:, marks.mask].T, _ink_lab(marks), marks.paper)
    features.update(colours)
    features["filled_fraction"] = _r(_filled_fraction(marks.solid))
    features["edge_density"] = _r(_edge_density(marks, owner))
    features["components"] = _components(marks.solid)
    return features


def colour_features(
    lab: npt.NDArray[np.floating[Any]],
    *,
    ink: npt.NDArray[np.floating[Any]] | None = None,
    paper: npt.NDArray[np.floating[Any]] | None = None,
) -> dict[str, Any]:
    """Palette and colour temperament of a set of pixels (n, 3) in CIELAB.

    `ink`: the pixels to find the colours from (default all); `paper`: the paper
    colour, when the pixels are marks on paper (blends with it are then
    counted towards their ink).
    """
    return _colours(lab, ink, paper)[0]


def _colours(
    lab: npt.NDArray[np.floating[Any]],
    ink: npt.NDArray[np.floating[Any]] | None,
    paper: npt.NDArray[np.floating[Any]] | None,
) -> tuple[dict[str, Any], npt.NDArray[np.intp]]:
    """`colour_features`, and each pixel's palette colour (an index into the palette)."""
    if len(lab) == 0:
        empty = {"palette": [], "color_count": 0, "saturation_mean": 0.0, "lightness_mean": 0.0, "warm_share": 0.0}
        return empty, np.zeros(0, dtype=np.intp)
    palette, owner = _palette(lab, ink if ink is not None and len(ink) else lab, paper)
    lightness, a, b = lab[:, 0], lab[:, 1], lab[:, 2]
    chroma = np.hypot(a, b)
    # Saturation as perceived: chroma relative to colour strength, C*/sqrt(C*² + L*²) (Lübbe 2010).
    saturation = chroma / np.maximum(np.hypot(chroma, lightness), 1e-6)
    return {
        "palette": palette,
        "color_count": len(palette),
        "saturation_mean": _r(saturation.mean()),
        "lightness_mean": _r(np.clip(lightness, 0, 100).mean() / 100.0),
        "warm_share": _r(_warm_share(chroma, a, b)),
    }, owner


def find_marks(rgb: npt.NDArray[np.uint8]) -> Marks:
    """Estimate the paper colour locally, even out the light, and keep what differs from paper."""
    lin = colour.linear_planes(rgb)
    gain, paper_linear = _illumination(rgb, lin)
    # White balance on the paper (von Kries scaling): the paper becomes the same neutral
    # light grey in every photo, so colours compare across photos, lights and papers.
    balance = PAPER_WHITE / np.maximum(paper_linear, 1e-3)
    for channel in range(3):
        lin[channel] *= gain * balance[channel]
    lab = colour.lab_planes(lin)
    paper = colour.lab_from_linear(np.full(3, PAPER_WHITE, dtype=np.float32))
    distance = np.sqrt((lab[0] - paper[0]) ** 2 + (lab[1] - paper[1]) ** 2 + (lab[2] - paper[2]) ** 2)
    mask = distance > MARK_DELTA_E
    labels, sizes = _label(mask, 8)
    count = len(sizes) - 1
    if count:
        keep = sizes >= MIN_COMPONENT_PIXELS
        keep[0] = False
        mask = keep[labels]
        count = int(keep.sum())
    return Marks(mask=mask, solid=_close_grain(mask), lab=lab, components=count, distance=distance, paper=paper)


def _close_grain(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """The marks with enclosed specks of paper under GRAIN_HOLE_SHARE of the page filled in.

    An area closing of the paper rather than a morphological closing of the marks: it
    fills the grain whatever its shape and never joins two strokes that run close together
    (hatching, the lines of a narrow window), which a closing by a square would.
    """
    paper, sizes = _label(~mask, 4)
    if len(sizes) < 3:  # the marks enclose no paper
        return mask
    pinhole = sizes < GRAIN_HOLE_SHARE * mask.size
    pinhole[0] = False
    solid: npt.NDArray[np.bool_] = mask | pinhole[paper]
    return solid


def _illumination(
    rgb: npt.NDArray[np.uint8], lin: npt.NDArray[np.float32] | None = None
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Per-pixel gain that makes the paper equally bright everywhere, and the paper's linear RGB under it.

    Light falls on paper and marks alike and multiplies linear RGB, so dividing
    by the local paper luminance removes shading and gradients. The local paper
    luminance is a normalised convolution (Knutsson & Westin 1993) of the
    paper-like pixels on a coarse grid, so large fills (no paper inside) borrow
    the light from around them. Every second pixel is enough for a quantity this smooth.
    `lin`: the page's linear planes where the caller has them already (every second one is the sample).
    """
    h, w = rgb.shape[:2]
    sample = colour.linear_planes(rgb[::2, ::2]) if lin is None else np.ascontiguousarray(lin[:, ::2, ::2])
    y = colour.LUMINANCE
    luminance = y[0] * sample[0] + y[1] * sample[1] + y[2] * sample[2]
    paper = _paper_like(sample, luminance)
    if paper.sum() < 0.02 * paper.size:  # painted all over: no paper to learn the light from
        return np.ones((h, w), dtype=np.float32), np.full(3, 0.9, dtype=np.float32)
    cell = max(1, max(h, w) // 2 // LIGHT_GRID)
    gh, gw = max(1, paper.shape[0] // cell), max(1, paper.shape[1] // cell)
    weight = _block_sum(paper.astype(np.float32), cell, gh, gw)
    light = _block_sum(luminance * paper, cell, gh, gw)
    smooth_weight = ndimage.gaussian_filter(weight, LIGHT_SIGMA_CELLS, mode="nearest")
    smooth_light = ndimage.gaussian_filter(light, LIGHT_SIGMA_CELLS, mode="nearest")
    # Every 4th paper pixel: the median barely moves. Their flat indices, so that no array is first
    # gathered whole at every paper pixel only to keep a quarter of it.
    some = np.flatnonzero(paper)[::4]
    overall = float(np.median(luminance.reshape(-1)[some]))
    local = np.where(smooth_weight > 1e-3, smooth_light / np.maximum(smooth_weight, 1e-9), overall)
    gain = np.clip(overall / np.maximum(local, 1e-6), 0.5, 2.5).astype(np.float32)
    full = np.asarray(Image.fromarray(gain).resize((w, h), Image.Resampling.BILINEAR))
    rows, columns = np.divmod(some, paper.shape[1])
    sample_gain = full[2 * rows, 2 * columns]
    paper_linear = np.median(sample.reshape(3, -1)[:, some] * sample_gain[None], axis=1)
    return full, paper_linear.astype(np.float32)


def _paper_like(lin: npt.NDArray[np.float32], luminance: npt.NDArray[np.float32]) -> npt.NDArray[np.bool_]:
    """Light, nearly grey pixels (planes of linear RGB) once the light's colour is divided out.

    The light's colour is that of the brightest tenth of the page (paper, on a
    drawing) where it could be a lamp's or a window's: blue at least LIGHT_MIN_BLUE
    of red and green between them, as on the line of warm to cool white lights.
    A lamp makes white paper orange in a photo; divided out, it is grey again.
    """
    tenth, top_two = np.percentile(luminance, [90, 98])  # one partial sort for both
    brightest = luminance >= tenth
    cast = np.median(lin[:, brightest], axis=1) if brightest.any() else np.ones(3, dtype=np.float32)
    cast = np.asarray(cast / max(float(cast.max()), 1e-6), dtype=np.float32)
    lamp_like = min(cast[0], cast[2]) <= cast[1] <= max(cast[0], cast[2]) and cast[2] >= LIGHT_MIN_BLUE * cast[0]
    if lamp_like and float(cast.min()) > 0.05:
        lin = np.divide(lin, cast[:, None, None], dtype=np.float32)
    top = np.maximum(np.maximum(lin[0], lin[1]), lin[2])
    bottom = np.minimum(np.minimum(lin[0], lin[1]), lin[2])
    bright = luminance > 0.4 * top_two
    paper: npt.NDArray[np.bool_] = (top - bottom < PAPER_COLOURFULNESS * top) & bright
    return paper


def _block_sum(values: npt.NDArray[np.float32], cell: int, gh: int, gw: int) -> npt.NDArray[np.float32]:
    sums: npt.NDArray[np.float32] = (
        values[: gh * cell, : gw * cell].reshape(gh, cell, gw, cell).sum(axis=(1, 3), dtype=np.float32)
    )
    return sums


def _ink_lab(marks: Marks) -> npt.NDArray[np.float32]:
    """Mark pixels of pure ink: those at least nearly as far from paper as their neighbours.

    At every edge of a mark the camera blends ink with paper; those blends
    would otherwise show up as paler extra colours (a blue line would bring
    "light blue"). Inside a fill every pixel qualifies; along a line, its ridge.
    """
    ridge = marks.distance >= 0.85 * _box_max(marks.distance, 3)
    return marks.lab[:, marks.mask & ridge].T


def _palette(
    lab: npt.NDArray[np.floating[Any]], ink: npt.NDArray[np.floating[Any]], paper: npt.NDArray[np.floating[Any]] | None
) -> tuple[list[dict[str, str | float]], npt.NDArray[np.intp]]:
    """Cluster colours in CIELAB: leaders over a histogram, refine, merge near ones, drop rare ones.

    The clusters are built from pure-ink pixels; every mark pixel is then given
    to the colour whose blend with paper explains it best, so blends count
    towards the ink they came from. Returns the palette, largest first, and
    each pixel's colour as an index into it.
    """
    bins, weights = _lab_histogram(ink)
    centres = _leaders(bins, weights)
    centres = _refine(bins, weights, centres)
    centres = _merge_close(centres, bins, weights)
    owner = _blend_owner(lab, centres, paper)
    shares = np.bincount(owner, minlength=len(centres)) / len(lab)
    keep = (shares >= MIN_COLOUR_SHARE) & ~_blends(centres, shares, paper)
    centres = centres[keep]
    if len(centres) == 0:
        return [], np.zeros(len(lab), dtype=np.intp)
    owner = _blend_owner(lab, centres, paper)  # pixels of dropped colours join the closest kept colour
    # Clusters a person gives the same name are one colour to them (a crayon's heavy and light
    # strokes under a lamp, two reds of one box): they are counted once, shown by the larger.
    counts = np.bincount(owner, minlength=len(centres))
    names = colour.colour_names(centres)
    by_weight = np.argsort(-counts, kind="stable")
    leads = {name: int(i) for i in by_weight[::-1] for name in (names[i],)}  # each name's largest cluster
    group = np.array([leads[name] for name in names])
    owner = group[owner]
    counts = np.bincount(owner, minlength=len(centres))
    order = np.array(sorted(set(leads.values()), key=lambda i: (-counts[i], i)))
    rank = np.zeros(len(centres), dtype=np.intp)
    rank[order] = np.arange(len(order))
    return [
        {"hex": colour.hex_from_lab(centres[i]), "name": names[i], "share": _r(counts[i] / len(lab))} for i in order
    ], rank[owner]


def _blends(
    centres: npt.NDArray[np.float64], shares: npt.NDArray[np.float64], paper: npt.NDArray[np.floating[Any]] | None
) -> npt.NDArray[np.bool_]:
    """Clusters that are blends of larger ones, not colours of their own.

    Light mixes linearly, and CIELAB nearly so over short spans, so a blend
    lies near the straight line between its two sources. Two kinds:

    * a paler version of an ink (the segment from paper to that ink): light
      pressure, a thin line the working size cannot resolve, the rim of a fill;
    * a small cluster between two larger inks: the seam where a green fill
      meets a black line. Seams are a few per cent of the marks at most.
    """
    count = len(centres)
    starts = np.vstack([centres, paper[None]]) if paper is not None else centres  # index `count` is the paper
    # gaps[k, i, j]: distance of colour k from the segment starts[j] -> centres[i], for 0.15 < t < 0.9.
    span = centres[:, None, :] - starts[None, :, :]  # (i, j, 3)
    offset = centres[:, None, None, :] - starts[None, None, :, :]  # (k, 1, j, 3)
    t = (offset * span[None]).sum(-1) / np.maximum((span * span).sum(-1), 1e-9)[None]
    gaps = np.linalg.norm(offset - t[..., None] * span[None], axis=-1)
    near = (t > 0.15) & (t < 0.9) & (gaps < BLEND_DELTA_E)
    index = np.arange(count)
    larger = shares[None, :] > shares[:, None]  # (k, i): colour i outweighs k
    two_inks = larger[:, :, None] & larger[:, None, :count] & (shares < BLEND_MAX_SHARE)[:, None, None]
    two_inks &= index[None, :, None] != index[None, None, :]
    blends: npt.NDArray[np.bool_] = (near[:, :, :count] & two_inks).any(axis=(1, 2))
    if paper is not None:
        blends |= (near[:, :, count] & larger).any(axis=1)
    return blends


def _blend_owner(
    lab: npt.NDArray[np.floating[Any]], centres: npt.NDArray[np.float64], paper: npt.NDArray[np.floating[Any]] | None
) -> npt.NDArray[np.intp]:
    """For each pixel, the centre c whose paper-to-ink segment (P + t(c - P), 0 <= t <= 1) passes closest."""
    if paper is None:
        return _nearest(lab, centres)
    spans = (centres - paper).astype(np.float32)  # (k, 3)
    offsets = (lab - paper).astype(np.float32)  # (n, 3)
    along = np.clip((offsets @ spans.T) / np.maximum((spans * spans).sum(axis=1), 1e-6), 0.0, 1.0)  # (n, k)
    gaps = (
        (offsets * offsets).sum(axis=1)[:, None]
        - 2 * along * (offsets @ spans.T)
        + along * along * (spans * spans).sum(axis=1)[None, :]
    )
    owner: npt.NDArray[np.intp] = np.argmin(gaps, axis=1)
    return owner


def _lab_histogram(
    lab: npt.NDArray[np.floating[Any]], step: float = 4.0
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Mean colour and pixel count of each occupied Lab cube of side `step` (a counting sort, no sorting)."""
    keys = np.floor(lab * (1.0 / step)).astype(np.int32) + np.array([1, 33, 33], dtype=np.int32)
    keys = np.clip(keys, 0, [27, 65, 65])
    flat = (keys[:, 0] * 66 + keys[:, 1]) * 66 + keys[:, 2]
    size = 28 * 66 * 66
    counts = np.bincount(flat, minlength=size)
    occupied = np.nonzero(counts)[0]
    sums = np.stack([np.bincount(flat, weights=lab[:, i], minlength=size)[occupied] for i in range(3)], axis=1)
    return sums / counts[occupied, None], counts[occupied].astype(np.float64)


def _leaders(bins: npt.NDArray[np.float64], weights: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Leader clustering: the most common colour leads; a bin far from every leader starts a new one.

    Walked leader by leader rather than bin by bin: each new leader marks the bins within
    MERGE_DELTA_E of it, and the next leader is the first bin in the order that no leader marked.
    """
    order = np.lexsort((bins[:, 2], bins[:, 1], bins[:, 0], -weights))  # ties broken by colour: deterministic
    near = np.zeros(len(bins), dtype=bool)
    leaders = []
    start = 0
    while start < len(order):
        leader = bins[order[start]]
        leaders.append(leader)
        near |= np.sqrt(((bins - leader) ** 2).sum(axis=1)) < MERGE_DELTA_E
        free = np.flatnonzero(~near[order[start + 1 :]])
        if not len(free):
            break
        start += 1 + int(free[0])
    return np.asarray(leaders)


def _refine(
    bins: npt.NDArray[np.float64], weights: npt.NDArray[np.float64], centres: npt.NDArray[np.float64], rounds: int = 3
) -> npt.NDArray[np.float64]:
    """A few weighted k-means steps from the leaders."""
    for _ in range(rounds):
        nearest = _nearest(bins, centres)
        mass = np.bincount(nearest, weights=weights, minlength=len(centres))
        sums = np.stack(
            [np.bincount(nearest, weights=weights * bins[:, i], minlength=len(centres)) for i in range(3)], axis=1
        )
        alive = mass > 0
        centres = sums[alive] / mass[alive][:, None]
    return centres


def _merge_close(
    centres: npt.NDArray[np.float64], bins: npt.NDArray[np.float64], weights: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Merge the closest pair of centres while any two are within MERGE_DELTA_E."""
    mass = np.bincount(_nearest(bins, centres), weights=weights, minlength=len(centres))
    kept, kept_mass = list(centres), list(mass)
    while len(kept) > 1:
        points = np.asarray(kept)
        gaps = np.linalg.norm(points[:, None] - points[None], axis=-1)
        np.fill_diagonal(gaps, np.inf)
        i, j = np.unravel_index(np.argmin(gaps), gaps.shape)
        if gaps[i, j] >= MERGE_DELTA_E:
            break
        total = kept_mass[i] + kept_mass[j]
        merged = (kept[i] * kept_mass[i] + kept[j] * kept_mass[j]) / max(total, 1e-9)
        for k in sorted((i, j), reverse=True):
            del kept[k], kept_mass[k]
        kept.append(merged)
        kept_mass.append(total)
    return np.asarray(kept)


def _nearest(points: npt.NDArray[np.floating[Any]], centres: npt.NDArray[np.float64]) -> npt.NDArray[np.intp]:
    gaps = ((points[:, None, :] - centres[None, :, :].astype(points.dtype)) ** 2).sum(axis=-1)
    nearest: npt.NDArray[np.intp] = np.argmin(gaps, axis=1)
    return nearest


def _warm_share(
    chroma: npt.NDArray[np.floating[Any]], a: npt.NDArray[np.floating[Any]], b: npt.NDArray[np.floating[Any]]
) -> float:
    """Share of coloured marks on the warm side of the hue circle.

    Ou, Luo, Woodcock & Wright 2004 (Color Res. Appl. 29:232) model warm-cool
    as growing with cos(h - 50°): hues within 90° of h_ab = 50° (reds, oranges,
    yellows, yellow-greens) are warm, the rest (greens to violets) cool.
    """
    coloured = chroma > CHROMATIC
    if not coloured.any():
        return 0.0
    hue = np.arctan2(b[coloured], a[coloured])
    return float((np.cos(hue - np.radians(50.0)) > 0).mean())


def _geometry(mask: npt.NDArray[np.bool_]) -> dict[str, float]:
    h, w = mask.shape
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return {
            "bbox_fraction": 0.0,
            "centre_x": 0.5,
            "centre_y": 0.5,
            "symmetry_lr": 0.0,
            "symmetry_tb": 0.0,
            "axis_angle": 0.0,
        }
    top, bottom, left, right = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    box = np.ascontiguousarray(mask[top:bottom, left:right])
    return {
        "bbox_fraction": _r((bottom - top) * (right - left) / (h * w)),
        "centre_x": _r((xs.mean() + 0.5) / w),
        "centre_y": _r((ys.mean() + 0.5) / h),
        "symmetry_lr": _r(_overlap(box, np.ascontiguousarray(box[:, ::-1]))),
        "symmetry_tb": _r(_overlap(box, np.ascontiguousarray(box[::-1, :]))),
        "axis_angle": _r(_axis_angle(xs.astype(np.float64), ys.astype(np.float64))),
    }


def _overlap(mask: npt.NDArray[np.bool_], mirror: npt.NDArray[np.bool_]) -> float:
    """Share of mark pixels whose mirror image lands on a mark, within one pixel.

    The mirror is taken about the marks' own centre line (their bounding box),
    so placement on the page does not count, only form. The one-pixel
    tolerance keeps a thin line drawn symmetrically from scoring low because
    the working-size grid put it half a pixel off.
    """
    total = mask.sum()
    if not total:
        return 0.0
    return float((mask & _box_max(mirror, 3)).sum() / total)


def _axis_angle(xs: npt.NDArray[np.float64], ys: npt.NDArray[np.float64]) -> float:
    """Principal-axis angle from second central moments, degrees counter-clockwise from horizontal, (-90, 90].

    Measured in page pixels at the working size, so it is the angle as seen on
    the sheet and does not depend on the photo's pixel count (Hu 1962,
    orientation from mu11, mu20, mu02).
    """
    dx, dy = xs - xs.mean(), -(ys - ys.mean())  # y up, so counter-clockwise is positive
    mu20, mu02, mu11 = (dx * dx).mean(), (dy * dy).mean(), (dx * dy).mean()
    if abs(mu20 - mu02) < 1e-12 and abs(mu11) < 1e-12:
        return 0.0  # no preferred direction (a disc, a square)
    angle = 0.5 * np.degrees(np.arctan2(2 * mu11, mu20 - mu02))
    return 90.0 if angle <= -90.0 else float(angle)


def _components(solid: npt.NDArray[np.bool_]) -> int:
    """Separate marked regions, those one pixel apart joined (a closing by a 3 × 3 square).

    A crayon or pencil stroke at the working size breaks where the grain took no wax: its
    pieces, a pixel apart, are one stroke. Shapes a person drew apart lie further apart.
    """
    closed = _box_min(_box_max(solid, 3), 3)
    count, _ = cv2.connectedComponents(closed.view(np.uint8), connectivity=8, ltype=cv2.CV_32S)
    return int(count) - 1


def _label(mask: npt.NDArray[np.bool_], connectivity: int) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
    """Connected regions of a mask (label 0 off it) and each label's pixel count, by OpenCV's
    labelling (Wu's two-pass with a union-find), several times faster than scipy.ndimage's.
    The counts by a bincount of the labels: OpenCV's own statistics (boxes, centroids) cost
    three times the labelling."""
    pixels = np.ascontiguousarray(mask).view(np.uint8)
    count, found = cv2.connectedComponents(pixels, connectivity=connectivity, ltype=cv2.CV_32S)
    labels: npt.NDArray[np.int32] = np.asarray(found, dtype=np.int32)
    return labels, np.bincount(labels.ravel(), minlength=int(count)).astype(np.int32)


def _filled_fraction(mask: npt.NDArray[np.bool_]) -> float:
    """Share of the marked area that is filled colour: what an opening by a FILL_SIZE square keeps."""
    total = mask.sum()
    if not total:
        return 0.0
    opened = _box_max(_box_min(mask, FILL_SIZE), FILL_SIZE)
    return float((opened & mask).sum() / total)


def _edge_density(marks: Marks, owner: npt.NDArray[np.intp]) -> float:
    """Share of mark pixels on an edge: next to paper, or next to a mark of another palette colour.

    Edges are where the drawing changes: its outline against the paper and the
    seams between its colours. Counted on the marks with the grain closed, and
    between colours by the palette colour each pixel was given (`owner`, one per
    pixel of `marks.mask`), so the flecks of paper in a crayon fill and the
    wax's uneven pressure are not edges. A thin line is all edge, a wide fill only its rim.
    """
    solid = marks.solid
    total = solid.sum()
    if not total:
        return 0.0
    colours = _majority(marks.mask, owner)
    edges = np.zeros(solid.shape, dtype=bool)
    for axis in (0, 1):
        first = (slice(None, -1), slice(None)) if axis == 0 else (slice(None), slice(None, -1))
        second = (slice(1, None), slice(None)) if axis == 0 else (slice(None), slice(1, None))
        a, b = colours[first], colours[second]
        step = (solid[first] != solid[second]) | ((a != b) & (a >= 0) & (b >= 0))
        edges[first] |= step
        edges[second] |= step
    return float((edges & solid).sum() / total)


def _majority(mask: npt.NDArray[np.bool_], owner: npt.NDArray[np.intp]) -> npt.NDArray[np.int16]:
    """Each mark pixel's palette colour, by majority over its 3 × 3 neighbourhood (-1 off the marks).

    In a crayon or pastel fill the paper's grain blends each pixel with paper by a different
    amount, and the palest blends may be given to a neighbouring colour: a majority of
    their neighbours decides, while a line two pixels wide keeps its colour.
    """
    colours = np.full(mask.shape, -1, dtype=np.int16)
    count = int(owner.max()) + 1 if len(owner) else 0
    if count < 2:
        colours[mask] = 0
        return colours
    colours[mask] = owner
    winner = np.zeros(mask.shape, dtype=np.int16)
    most = _votes(colours == 0)
    for k in range(1, count):  # a running maximum: an argmax over stacked planes is several times slower
        votes = _votes(colours == k)
        more = votes > most
        winner[more] = k
        np.maximum(most, votes, out=most)
    colours[mask] = winner[mask]
    return colours


def _votes(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.uint8]:
    """How many of each pixel's 3 × 3 neighbourhood are in the mask (0-9), edges repeated outward."""
    votes = cv2.boxFilter(mask.view(np.uint8), -1, (3, 3), normalize=False, borderType=cv2.BORDER_REPLICATE)
    return np.asarray(votes, dtype=np.uint8)


def _box_max(values: npt.NDArray[_Scalar], size: int) -> npt.NDArray[_Scalar]:
    """Maximum over a size × size square (dilation, for a mask), edges repeated outward."""
    return _morphology(cv2.dilate, values, size)


def _box_min(values: npt.NDArray[_Scalar], size: int) -> npt.NDArray[_Scalar]:
    """Minimum over a size × size square (erosion, for a mask), edges repeated outward."""
    return _morphology(cv2.erode, values, size)


def _morphology(operation: Any, values: npt.NDArray[_Scalar], size: int) -> npt.NDArray[_Scalar]:
    """OpenCV's dilation or erosion by a square (separable, vectorised): a mask goes as its bytes (0, 1)."""
    kernel = np.ones((size, size), np.uint8)
    if values.dtype == np.bool_:
        done = operation(np.ascontiguousarray(values).view(np.uint8), kernel, borderType=cv2.BORDER_REPLICATE)
        return np.asarray(done).view(np.bool_)
    return np.asarray(operation(values, kernel, borderType=cv2.BORDER_REPLICATE), dtype=values.dtype)


def _r(value: SupportsFloat) -> float:
    return round(float(value), 4)
