"""A photo simulator with ground truth: drawings in five media on real sheet sizes, photographed on tables.

``simulate(seed, **conditions)`` draws a picture in one medium (marker, crayon with
paper grain, pencil, paint, collage) on a letter, A4, A3 or square sheet, lays it
on a dark, pale, white or patterned table, and photographs it with a pinhole camera
turned in the sheet's plane and tilted out of it, under neutral, warm, cool or
uneven light with a soft shadow. It returns the photo and what is true of it:
the sheet's corners in the photo, the marks' coverage and centre on the sheet,
and the colours used. ``no_sheet(seed, kind)`` returns photos that hold no sheet.

Everything comes from one seeded generator: the same arguments give the same
photo on every machine. numpy, Pillow and OpenCV's warp only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFilter

MEDIA = ("marker", "crayon", "pencil", "paint", "collage")
SHEETS = {"letter": 11 / 8.5, "a4": math.sqrt(2), "a3": math.sqrt(2), "square": 1.0}
# How much of the frame's short side the sheet's long side spans (an A3 sheet is photographed closer to its edges).
SHEET_SPAN = {"letter": (0.62, 0.85), "a4": (0.62, 0.85), "a3": (0.75, 0.95), "square": (0.55, 0.8)}
TABLES = ("dark", "pale", "white", "patterned")
LIGHTS = ("neutral", "warm", "cool", "uneven")
NO_SHEET = ("table", "screen", "circuit_board", "objects")
# Multipliers of linear-ish RGB for a lamp (about 3000 K) and for shade or a north window.
LIGHT_TINT = {
    "neutral": (1.0, 1.0, 1.0),
    "warm": (1.0, 0.82, 0.58),
    "cool": (0.82, 0.92, 1.05),
    "uneven": (1.0, 0.97, 0.9),
}
CRAYONS = [(205, 35, 40), (245, 130, 30), (240, 205, 40), (50, 150, 60), (35, 90, 185), (120, 60, 150),
           (130, 80, 45), (30, 30, 30), (235, 110, 160), (95, 185, 225)]  # fmt: skip
PHOTO_LONG = 1280
SHEET_LONG = 1100  # the sheet is drawn at about the size it takes in the photo


@dataclass(frozen=True)
class Conditions:
    medium: str = "marker"
    sheet: str = "letter"
    table: str = "dark"
    light: str = "neutral"
    turn: float = 0.0  # degrees, in the sheet's plane
    tilt: float = 0.0  # degrees, the camera's axis away from the sheet's normal
    to_edge: bool = False  # the drawing reaches the sheet's edge
    portrait: bool = False


@dataclass(frozen=True)
class SimPhoto:
    photo: Image.Image
    conditions: Conditions
    corners: npt.NDArray[np.float64] | None  # (4, 2) photo pixels: top-left, top-right, bottom-right, bottom-left
    coverage: float  # share of the sheet carrying marks
    centre: tuple[float, float]  # centre of mass of the marks, 0-1 from the sheet's left and top
    colours: tuple[tuple[int, int, int], ...]  # the media's colours used
    kind: str = "sheet"  # or one of NO_SHEET


def simulate(seed: int, *, blank: bool = False, grainless: bool = False, **conditions: object) -> SimPhoto:
    """One photo of one drawing (of a blank sheet where `blank`); unspecified conditions are drawn from the seed.

    `grainless`: the same drawing and photo with every stroke laid on evenly, as a marker would
    (a crayon drawing without the paper's grain showing through), to compare media.
    """
    rng = np.random.default_rng(seed)
    drawn = Conditions(
        medium=str(rng.choice(MEDIA)),
        sheet=str(rng.choice(list(SHEETS))),
        table=str(rng.choice(TABLES)),
        light=str(rng.choice(LIGHTS)),
        turn=float(rng.uniform(-30, 30)),
        tilt=float(rng.uniform(0, 25)),
        to_edge=bool(rng.random() < 0.5),
        portrait=bool(rng.random() < 0.4),
    )
    c = replace(drawn, **conditions)  # type: ignore[arg-type]
    aspect = SHEETS[c.sheet]
    sw, sh = (round(SHEET_LONG / aspect), SHEET_LONG) if c.portrait else (SHEET_LONG, round(SHEET_LONG / aspect))
    sheet, mask, colours = draw(rng, c.medium, (sw, sh), to_edge=c.to_edge, blank=blank, grainless=grainless)
    fw, fh = (PHOTO_LONG, PHOTO_LONG * 3 // 4) if rng.random() < 0.6 else (PHOTO_LONG * 3 // 4, PHOTO_LONG)
    corners = _project(rng, (sw, sh), (fw, fh), c)
    photo = _table(rng, c.table, (fw, fh))
    photo = _lay(rng, photo, sheet, corners, c.table)
    photo = _light(rng, photo, c.light)
    ys, xs = np.nonzero(mask)
    centre = (float(xs.mean() / sw), float(ys.mean() / sh)) if len(xs) else (0.5, 0.5)
    return SimPhoto(_finish(rng, photo), c, corners, float(mask.mean()), centre, colours)


def no_sheet(seed: int, kind: str) -> SimPhoto:
    """A photo that holds no sheet of paper: a bare table, a screen, a green circuit board, objects on a table."""
    rng = np.random.default_rng(seed)
    fw, fh = PHOTO_LONG, PHOTO_LONG * 3 // 4
    if kind == "table":
        photo = _table(rng, str(rng.choice(TABLES)), (fw, fh))
    elif kind == "objects":
        photo = _table(rng, "dark", (fw, fh))
        image = Image.fromarray(np.clip(photo, 0, 255).astype(np.uint8))
        pen = ImageDraw.Draw(image)
        for _ in range(5):
            x, y, r = rng.uniform(0.1, 0.9) * fw, rng.uniform(0.1, 0.9) * fh, rng.uniform(40, 160)
            colour = tuple(int(v) for v in rng.integers(20, 230, 3))
            pen.ellipse((x - r, y - r, x + r, y + r * 0.7), fill=colour)  # type: ignore[arg-type]
        photo = np.asarray(image).astype(np.float32)
    elif kind in ("screen", "circuit_board"):
        photo = _table(rng, str(rng.choice(("dark", "pale"))), (fw, fh))
        w, h = 1000, 620
        panel = _screen(rng, (w, h)) if kind == "screen" else _circuit_board(rng, (w, h))
        c = Conditions(turn=float(rng.uniform(-15, 15)), tilt=float(rng.uniform(0, 15)))
        corners = _project(rng, (w, h), (fw, fh), c)
        photo = _lay(rng, photo, panel, corners, "dark")
    else:
        raise ValueError(f"kind must be one of {NO_SHEET}")
    photo = _light(rng, photo, "neutral")
    return SimPhoto(_finish(rng, photo), Conditions(), None, 0.0, (0.5, 0.5), (), kind)


# --- the drawing ------------------------------------------------------------------------------------------


def draw(
    rng: np.random.Generator,
    medium: str,
    size: tuple[int, int],
    *,
    to_edge: bool,
    blank: bool = False,
    grainless: bool = False,
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.bool_], tuple[tuple[int, int, int], ...]]:
    """The sheet (float RGB 0-255), the mask of its marks, and the colours used.

    The marks cover where a medium was laid on: a crayon's whole stroke, grain and all.
    `grainless` lays each stroke on evenly at the crayon's opacity over the same area.
    """
    w, h = size
    paper = np.array([rng.uniform(242, 252), rng.uniform(238, 250), rng.uniform(226, 242)], dtype=np.float32)
    texture = rng.normal(0, 1.5, (h // 4 + 1, w // 4 + 1)).astype(np.float32)
    sheet = paper + cv2.resize(texture, (w, h), interpolation=cv2.INTER_LINEAR)[..., None]
    mask = np.zeros((h, w), dtype=bool)
    layers = {"marker": _marker, "crayon": _crayon, "pencil": _pencil, "paint": _paint, "collage": _collage}[medium](
        rng, w, h, to_edge
    )
    if blank:
        layers = []
    if grainless:
        layers = [(covered.astype(np.float32) * 0.92, colour, covered) for _, colour, covered in layers]
    used: list[tuple[int, int, int]] = []
    for alpha, colour, covered in layers:
        sheet = sheet * (1 - alpha[..., None]) + np.array(colour, dtype=np.float32) * alpha[..., None]
        mask |= covered
        if colour not in used and covered.mean() > 0.002:
            used.append(colour)
    return sheet, mask, tuple(used)


Layer = tuple[npt.NDArray[np.float32], tuple[int, int, int], npt.NDArray[np.bool_]]  # opacity, colour, covered


def _canvas(w: int, h: int) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("L", (w, h), 0)
    return image, ImageDraw.Draw(image)


def _alpha(image: Image.Image, opacity: float = 1.0) -> npt.NDArray[np.float32]:
    return np.asarray(image, dtype=np.float32) * (opacity / 255.0)


def _margin(rng: np.random.Generator, to_edge: bool) -> float:
    return 0.0 if to_edge else float(rng.uniform(0.03, 0.1))


def _scribble(rng: np.random.Generator, w: int, h: int, m: float, steps: int, step: float) -> list[tuple[float, float]]:
    x, y = rng.uniform(m + 0.1, 0.9 - m) * w, rng.uniform(m + 0.1, 0.9 - m) * h
    points = [(x, y)]
    for _ in range(steps):
        x = float(np.clip(x + rng.uniform(-step, step) * w, m * w, (1 - m) * w))
        y = float(np.clip(y + rng.uniform(-step, step) * h, m * h, (1 - m) * h))
        points.append((x, y))
    return points


def _edge_band(pen: ImageDraw.ImageDraw, rng: np.random.Generator, w: int, h: int, m: float, top: bool) -> None:
    """A sky or a ground band from one side of the sheet to the other, wavy on its inner side."""
    depth = rng.uniform(0.12, 0.22) * h
    xs = np.linspace(m * w, (1 - m) * w, 12)
    wave = [(float(x), float(depth + rng.uniform(-0.03, 0.03) * h)) for x in xs]
    if top:
        pen.polygon([(m * w, m * h), ((1 - m) * w, m * h), *wave[::-1]], fill=255)
    else:
        pen.polygon([(m * w, (1 - m) * h), ((1 - m) * w, (1 - m) * h), *[(x, h - y) for x, y in wave[::-1]]], fill=255)


def _child_picture(
    rng: np.random.Generator, w: int, h: int, to_edge: bool, width: float, colours: list[tuple[int, int, int]]
) -> list[tuple[Image.Image, tuple[int, int, int]]]:
    """A child's picture: sky and grass bands, a house, a sun, a tree, a person; strokes `width` of the short side."""
    m, unit = _margin(rng, to_edge), min(w, h)
    line = max(2, round(width * unit))
    shapes: list[tuple[Image.Image, tuple[int, int, int]]] = []
    sky, pen = _canvas(w, h)
    _edge_band(pen, rng, w, h, m, top=True)
    shapes.append((sky, colours[0]))
    grass, pen = _canvas(w, h)
    _edge_band(pen, rng, w, h, m, top=False)
    shapes.append((grass, colours[1]))
    house, pen = _canvas(w, h)
    x, y, s = rng.uniform(0.2, 0.45) * w, rng.uniform(0.45, 0.55) * h, rng.uniform(0.15, 0.25) * unit
    pen.rectangle((x, y, x + s, y + s), outline=255, width=line)
    pen.polygon([(x - 0.1 * s, y), (x + s / 2, y - 0.7 * s), (x + 1.1 * s, y)], fill=255)
    shapes.append((house, colours[2]))
    sun, pen = _canvas(w, h)
    cx, cy, r = rng.uniform(0.65, 0.85) * w, rng.uniform(0.25, 0.35) * h, rng.uniform(0.05, 0.09) * unit
    pen.ellipse((cx - r, cy - r, cx + r, cy + r), fill=255)
    for k in range(8):
        a = k * math.tau / 8
        ray = (
            cx + 1.3 * r * math.cos(a),
            cy + 1.3 * r * math.sin(a),
            cx + 2 * r * math.cos(a),
            cy + 2 * r * math.sin(a),
        )
        pen.line(ray, fill=255, width=line)
    shapes.append((sun, colours[3]))
    person, pen = _canvas(w, h)
    px, py, ps = rng.uniform(0.6, 0.8) * w, rng.uniform(0.5, 0.6) * h, rng.uniform(0.1, 0.16) * unit
    pen.ellipse((px - ps / 3, py - ps, px + ps / 3, py - ps / 3), outline=255, width=line)
    pen.line([(px, py - ps / 3), (px, py + ps)], fill=255, width=line)
    pen.line([(px - ps / 2, py), (px + ps / 2, py)], fill=255, width=line)
    pen.line([(px - ps / 3, py + 1.8 * ps), (px, py + ps), (px + ps / 3, py + 1.8 * ps)], fill=255, width=line)
    shapes.append((person, colours[4]))
    return shapes


def _marker(rng: np.random.Generator, w: int, h: int, to_edge: bool) -> list[Layer]:
    colours = [CRAYONS[i] for i in rng.choice(len(CRAYONS), 6, replace=False)]
    shapes = _child_picture(rng, w, h, to_edge, 0.008, colours)
    layers: list[Layer] = []
    for image, colour in shapes:
        streaks = 0.88 + 0.12 * np.sin(np.arange(h, dtype=np.float32)[:, None] / rng.uniform(3, 6))  # stroke lines
        alpha = _alpha(image.filter(ImageFilter.GaussianBlur(0.7)))
        layers.append((alpha * streaks, colour, alpha >= 0.5))
    return layers


def _crayon(rng: np.random.Generator, w: int, h: int, to_edge: bool) -> list[Layer]:
    """Wax on the paper's tooth: the crayon lays down colour only on the grain's peaks."""
    colours = [CRAYONS[i] for i in rng.choice(len(CRAYONS), 6, replace=False)]
    shapes = _child_picture(rng, w, h, to_edge, 0.012, colours)
    grain = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 0.8)
    grain /= grain.std()
    layers: list[Layer] = []
    for image, colour in shapes:
        pressure = float(rng.uniform(-0.9, -0.3))  # lower is heavier: more of the tooth takes wax
        deposit = (grain > pressure + rng.normal(0, 0.15, (1, w)).astype(np.float32)).astype(np.float32)
        layers.append((_alpha(image) * deposit * 0.92, colour, _alpha(image) >= 0.5))
    return layers


def _pencil(rng: np.random.Generator, w: int, h: int, to_edge: bool) -> list[Layer]:
    graphite = (int(rng.integers(70, 110)),) * 3
    image, pen = _canvas(w, h)
    m = _margin(rng, to_edge)
    for _ in range(int(rng.integers(8, 16))):
        pen.line(_scribble(rng, w, h, m, 8, 0.12), fill=255, width=max(2, round(0.004 * min(w, h))), joint="curve")
    x0, y0 = rng.uniform(0.2, 0.6) * w, rng.uniform(0.2, 0.6) * h
    for k in range(30):  # hatching
        pen.line((x0 + 6 * k, y0, x0 + 6 * k + 60, y0 + 120), fill=255, width=2)
    if to_edge:
        pen.line((0, rng.uniform(0.6, 0.9) * h, w, rng.uniform(0.6, 0.9) * h), fill=255, width=4)  # a horizon
    alpha = _alpha(image.filter(ImageFilter.GaussianBlur(0.6)), 0.95)
    return [(alpha, graphite, alpha >= 0.5)]


def _paint(rng: np.random.Generator, w: int, h: int, to_edge: bool) -> list[Layer]:
    layers: list[Layer] = []
    m = _margin(rng, to_edge)
    colours = [CRAYONS[i] for i in rng.choice(len(CRAYONS), 5, replace=False)]
    if to_edge:
        wash, pen = _canvas(w, h)
        _edge_band(pen, rng, w, h, 0.0, top=bool(rng.random() < 0.5))
        alpha = _alpha(wash.filter(ImageFilter.GaussianBlur(3)), 0.85)
        layers.append((alpha, colours[0], alpha >= 0.5))
    for colour in colours[1:]:
        blob, pen = _canvas(w, h)
        for _ in range(int(rng.integers(2, 5))):
            x, y = rng.uniform(m + 0.15, 0.85 - m) * w, rng.uniform(m + 0.15, 0.85 - m) * h
            r = rng.uniform(0.04, 0.12) * min(w, h)
            pen.ellipse((x - r, y - r * rng.uniform(0.6, 1.2), x + r, y + r), fill=255)
        pen.line(_scribble(rng, w, h, m, 5, 0.15), fill=255, width=round(0.02 * min(w, h)), joint="curve")
        watery = 0.75 + 0.2 * cv2.resize(rng.random((8, 8)).astype(np.float32), (w, h))
        alpha = _alpha(blob.filter(ImageFilter.GaussianBlur(2.5))) * watery
        layers.append((alpha, colour, alpha >= 0.5))
    return layers


def _collage(rng: np.random.Generator, w: int, h: int, to_edge: bool) -> list[Layer]:
    layers: list[Layer] = []
    m = _margin(rng, to_edge)
    for k in range(int(rng.integers(4, 8))):
        piece, pen = _canvas(w, h)
        cx, cy = rng.uniform(0.15, 0.85) * w, rng.uniform(0.15, 0.85) * h
        rx, ry, turn = rng.uniform(0.08, 0.22) * w, rng.uniform(0.08, 0.22) * h, rng.uniform(0, math.tau)
        angles = np.linspace(0, math.tau, int(rng.integers(3, 7)), endpoint=False) + turn
        reach = rng.uniform(0.7, 1.0, (len(angles), 2))
        points = [
            (cx + rx * math.cos(a) * p, cy + ry * math.sin(a) * q) for a, (p, q) in zip(angles, reach, strict=True)
        ]
        if to_edge and k == 0:  # a strip pasted from edge to edge
            y = rng.uniform(0.3, 0.7) * h
            points = [(0, y), (w, y + rng.uniform(-30, 30)), (w, y + 0.15 * h), (0, y + 0.12 * h)]
        points = [(min(max(x, m * w), (1 - m) * w), min(max(y, m * h), (1 - m) * h)) for x, y in points]
        pen.polygon(points, fill=255)
        colour = tuple(int(v) for v in rng.integers(20, 220, 3))
        layers.append((_alpha(piece), colour, _alpha(piece) >= 0.5))  # type: ignore[arg-type]
    return layers


# --- the photograph ---------------------------------------------------------------------------------------


def _project(
    rng: np.random.Generator, sheet: tuple[int, int], frame: tuple[int, int], c: Conditions
) -> npt.NDArray[np.float64]:
    """The sheet's corners seen by a pinhole camera turned `c.turn` in the plane and tilted `c.tilt` out of it."""
    w, h = sheet
    half = np.array([[-w, -h], [w, -h], [w, h], [-w, h]], dtype=np.float64) / (2 * max(w, h))
    turn = math.radians(c.turn)
    rotation = np.array([[math.cos(turn), -math.sin(turn)], [math.sin(turn), math.cos(turn)]])
    flat = half @ rotation.T
    # Tilt about an axis in the sheet's plane, in a random direction; the camera is 1.3 long sides away.
    direction = rng.uniform(0, math.tau)
    axis = np.array([math.cos(direction), math.sin(direction)])
    along = flat @ axis
    across = flat @ np.array([-axis[1], axis[0]])
    tilt = math.radians(c.tilt)
    depth = 1.3 + across * math.sin(tilt)
    seen = (np.outer(along, axis) + np.outer(across * math.cos(tilt), [-axis[1], axis[0]])) / depth[:, None]
    fw, fh = frame
    lo, hi = SHEET_SPAN[c.sheet]
    span = rng.uniform(lo, hi) * min(fw, fh)
    seen *= span / max(np.ptp(seen[:, 0]), np.ptp(seen[:, 1]), 1e-9)
    size = seen.max(axis=0) - seen.min(axis=0)
    scale = min(1.0, 0.94 * fw / size[0], 0.94 * fh / size[1])
    seen *= scale
    size *= scale
    room = np.array([fw, fh]) - size
    offset = np.array([rng.uniform(0.25, 0.75), rng.uniform(0.25, 0.75)]) * room - seen.min(axis=0)
    corners: npt.NDArray[np.float64] = seen + offset
    return corners


def _table(rng: np.random.Generator, kind: str, size: tuple[int, int]) -> npt.NDArray[np.float32]:
    fw, fh = size
    ys, xs = np.mgrid[0:fh, 0:fw].astype(np.float32)
    if kind == "dark":
        base = rng.uniform(35, 90) * np.array([1.0, rng.uniform(0.75, 0.95), rng.uniform(0.55, 0.9)])
        grain = cv2.resize(rng.normal(0, 5, (40, 8)).astype(np.float32), (fw, fh), interpolation=cv2.INTER_CUBIC)
        table = base + grain[..., None]
    elif kind == "pale":  # light wood or beige laminate
        base = np.array([rng.uniform(190, 215), rng.uniform(165, 190), rng.uniform(125, 160)])
        grain = cv2.resize(rng.normal(0, 6, (60, 6)).astype(np.float32), (fw, fh), interpolation=cv2.INTER_CUBIC)
        table = base + grain[..., None]
    elif kind == "white":  # a white table or a white cloth, a shade greyer than the paper
        base = np.full(3, rng.uniform(200, 228)) * np.array([1.0, 1.0, rng.uniform(0.96, 1.02)])
        table = base + cv2.resize(rng.normal(0, 2, (30, 40)).astype(np.float32), (fw, fh))[..., None]
    elif kind == "patterned":  # a checked or striped cloth, turned
        a, b = rng.integers(30, 230, 3).astype(np.float32), rng.integers(30, 230, 3).astype(np.float32)
        period, angle = rng.uniform(25, 70), rng.uniform(0, math.pi)
        u = xs * math.cos(angle) + ys * math.sin(angle)
        v = -xs * math.sin(angle) + ys * math.cos(angle)
        checks = ((u // period + (v // period if rng.random() < 0.6 else 0)) % 2)[..., None]
        table = a * checks + b * (1 - checks)
    else:
        raise ValueError(f"table must be one of {TABLES}")
    return np.broadcast_to(table, (fh, fw, 3)).astype(np.float32)


def _lay(
    rng: np.random.Generator,
    photo: npt.NDArray[np.float32],
    sheet: npt.NDArray[np.float32],
    corners: npt.NDArray[np.float64],
    table: str,
) -> npt.NDArray[np.float32]:
    """The sheet on the table, with a soft shadow along one side (its edge lifts a little off the table)."""
    fh, fw = photo.shape[:2]
    h, w = sheet.shape[:2]
    source = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(source, corners.astype(np.float32))
    warped = cv2.warpPerspective(sheet, matrix, (fw, fh), flags=cv2.INTER_LINEAR)
    cover = cv2.warpPerspective(np.ones((h, w), np.float32), matrix, (fw, fh), flags=cv2.INTER_LINEAR)[..., None]
    shift = np.float32([[1, 0, rng.uniform(-6, 6)], [0, 1, rng.uniform(2, 8)]])
    shadow = cv2.GaussianBlur(cv2.warpAffine(cover[..., 0], shift, (fw, fh)), (0, 0), 4)[..., None]
    photo = photo * (1 - rng.uniform(0.15, 0.35) * shadow)
    out: npt.NDArray[np.float32] = photo * (1 - cover) + warped * cover
    return out


def _light(rng: np.random.Generator, photo: npt.NDArray[np.float32], light: str) -> npt.NDArray[np.float32]:
    """Tint, a gradient across the frame, a vignette; uneven light adds a soft-edged shadow (a hand, a phone)."""
    fh, fw = photo.shape[:2]
    ys, xs = np.mgrid[0:fh, 0:fw].astype(np.float32)
    angle = rng.uniform(0, math.tau)
    ramp = (xs / fw - 0.5) * math.cos(angle) + (ys / fh - 0.5) * math.sin(angle)
    strength = rng.uniform(0.35, 0.6) if light == "uneven" else rng.uniform(0.0, 0.25)
    gain = 1 - strength * (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1e-6)
    gain *= 1 - 0.25 * (((xs / fw - 0.5) ** 2 + (ys / fh - 0.5) ** 2) / 0.5)  # vignette
    if light == "uneven":
        shade = np.zeros((fh, fw), np.float32)
        cx, cy = rng.uniform(0.2, 0.8) * fw, rng.uniform(0.2, 0.8) * fh
        cv2.ellipse(shade, (int(cx), int(cy)), (int(rng.uniform(0.15, 0.3) * fw), int(rng.uniform(0.1, 0.25) * fh)),
                    float(rng.uniform(0, 180)), 0, 360, 1.0, -1)  # fmt: skip
        gain *= 1 - rng.uniform(0.3, 0.45) * cv2.GaussianBlur(shade, (0, 0), 25)
    exposure = rng.uniform(0.85, 1.1)
    tint = np.array(LIGHT_TINT[light], dtype=np.float32) * exposure
    lit: npt.NDArray[np.float32] = photo * gain[..., None] * tint
    return lit


def _screen(rng: np.random.Generator, size: tuple[int, int]) -> npt.NDArray[np.float32]:
    """A monitor or a tablet showing a photo: a black bezel around bright, colourful content."""
    w, h = size
    content = Image.new("RGB", (w, h), tuple(int(v) for v in rng.integers(40, 200, 3)))  # type: ignore[arg-type]
    pen = ImageDraw.Draw(content)
    for _ in range(14):
        x, y, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(30, 200)
        pen.ellipse((x - r, y - r, x + r, y + r), fill=tuple(int(v) for v in rng.integers(0, 255, 3)))  # type: ignore[arg-type]
    panel = np.asarray(content, dtype=np.float32).copy()
    bezel = 24
    panel[:bezel], panel[-bezel:], panel[:, :bezel], panel[:, -bezel:] = 15, 15, 15, 15
    return panel


def _circuit_board(rng: np.random.Generator, size: tuple[int, int]) -> npt.NDArray[np.float32]:
    """A green printed circuit board: solder mask, copper traces, a few black chips and white silkscreen."""
    w, h = size
    board = Image.new("RGB", (w, h), (25, 110 + int(rng.integers(0, 30)), 55))
    pen = ImageDraw.Draw(board)
    for _ in range(60):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        pen.line((x, y, x + rng.uniform(-200, 200), y), fill=(60, 150, 70), width=3)
    for _ in range(6):
        x, y = rng.uniform(50, w - 150), rng.uniform(50, h - 100)
        pen.rectangle((x, y, x + rng.uniform(50, 120), y + rng.uniform(30, 80)), fill=(20, 20, 22))
    for _ in range(20):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        pen.rectangle((x, y, x + 30, y + 6), fill=(230, 230, 225))
    return np.asarray(board, dtype=np.float32).copy()


def _finish(rng: np.random.Generator, photo: npt.NDArray[np.float32]) -> Image.Image:
    """Sensor noise, then 8-bit."""
    noisy = photo + rng.normal(0, 2.0, photo.shape[:2])[..., None].astype(np.float32)
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
