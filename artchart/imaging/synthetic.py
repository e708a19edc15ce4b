"""Synthetic drawings and photographs of them, for the demo, the tests and the bench.

Everything is drawn from a seeded random generator, so the same seed gives the
same picture on every machine.
"""

from __future__ import annotations

import math
import random

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageChops, ImageDraw

from artchart.imaging.page import homography  # the same solver the page finder uses

STYLES = ("sparse", "filled", "line", "colourful", "mandala", "ppat")
MARKERS = [  # roughly the twelve water-colour markers of the PPAT box
    (200, 30, 40),
    (240, 120, 30),
    (245, 210, 40),
    (40, 150, 60),
    (30, 90, 190),
    (120, 50, 150),
    (120, 75, 40),
    (20, 20, 20),
    (240, 120, 170),
    (100, 190, 230),
    (150, 200, 70),
    (110, 110, 110),
]
TABLE_WOOD = (128, 92, 60)


def drawing(seed: int, *, width: int = 1800, height: int = 1200, style: str = "colourful") -> Image.Image:
    """An RGB drawing on paper-coloured background in the given style."""
    if style not in STYLES:
        raise ValueError(f"style must be one of {STYLES}")
    rng = random.Random(seed)
    paper = (rng.randint(240, 252), rng.randint(236, 248), rng.randint(222, 240))
    image = Image.new("RGB", (width, height), paper)
    pen = ImageDraw.Draw(image)
    unit = min(width, height) / 100  # sizes in hundredths of the short side, so any resolution looks alike
    styles = {
        "sparse": _sparse,
        "filled": _filled,
        "line": _line,
        "colourful": _colourful,
        "mandala": _mandala,
        "ppat": _ppat,
    }
    styles[style](pen, rng, width, height, unit)
    return image


def _colours(rng: random.Random, count: int) -> list[tuple[int, int, int]]:
    return rng.sample(MARKERS, count)


def _point(rng: random.Random, width: int, height: int, margin: float = 0.1) -> tuple[float, float]:
    return (rng.uniform(margin, 1 - margin) * width, rng.uniform(margin, 1 - margin) * height)


def _stroke(
    pen: ImageDraw.ImageDraw,
    rng: random.Random,
    width: int,
    height: int,
    unit: float,
    colour: tuple[int, int, int],
    *,
    segments: int = 6,
) -> None:
    x, y = _point(rng, width, height)
    points = [(x, y)]
    for _ in range(segments):
        x = min(max(x + rng.uniform(-12, 12) * unit, 0.05 * width), 0.95 * width)
        y = min(max(y + rng.uniform(-12, 12) * unit, 0.05 * height), 0.95 * height)
        points.append((x, y))
    pen.line(points, fill=colour, width=max(1, round(0.6 * unit)), joint="curve")


def _shape(
    pen: ImageDraw.ImageDraw,
    rng: random.Random,
    width: int,
    height: int,
    unit: float,
    colour: tuple[int, int, int],
    *,
    filled: bool,
) -> None:
    x, y = _point(rng, width, height, margin=0.15)
    rx, ry = rng.uniform(4, 14) * unit, rng.uniform(4, 14) * unit
    box = (x - rx, y - ry, x + rx, y + ry)
    outline, fill, line_width = colour, colour if filled else None, max(1, round(0.6 * unit))
    kind = rng.choice(("ellipse", "rectangle", "polygon"))
    if kind == "ellipse":
        pen.ellipse(box, fill=fill, outline=outline, width=line_width)
    elif kind == "rectangle":
        pen.rectangle(box, fill=fill, outline=outline, width=line_width)
    else:
        sides = rng.randint(3, 6)
        turn = rng.uniform(0, math.tau)
        points = [
            (x + rx * math.cos(turn + k * math.tau / sides), y + ry * math.sin(turn + k * math.tau / sides))
            for k in range(sides)
        ]
        pen.polygon(points, fill=fill, outline=outline, width=line_width)


def _sparse(pen: ImageDraw.ImageDraw, rng: random.Random, width: int, height: int, unit: float) -> None:
    for colour in _colours(rng, 2):
        _shape(pen, rng, width, height, unit, colour, filled=False)
        _stroke(pen, rng, width, height, unit, colour, segments=3)


def _line(pen: ImageDraw.ImageDraw, rng: random.Random, width: int, height: int, unit: float) -> None:
    colour = rng.choice([(20, 20, 20), (30, 90, 190), (110, 110, 110)])
    for _ in range(rng.randint(4, 8)):
        _shape(pen, rng, width, height, unit, colour, filled=False)
    for _ in range(rng.randint(3, 6)):
        _stroke(pen, rng, width, height, unit, colour)


def _filled(pen: ImageDraw.ImageDraw, rng: random.Random, width: int, height: int, unit: float) -> None:
    sky, ground = _colours(rng, 2)
    pen.rectangle((0.05 * width, 0.05 * height, 0.95 * width, 0.45 * height), fill=sky)
    pen.rectangle((0.05 * width, 0.7 * height, 0.95 * width, 0.95 * height), fill=ground)
    for colour in _colours(rng, 3):
        _shape(pen, rng, width, height, unit, colour, filled=True)


def _colourful(pen: ImageDraw.ImageDraw, rng: random.Random, width: int, height: int, unit: float) -> None:
    for colour in _colours(rng, rng.randint(4, 7)):
        _shape(pen, rng, width, height, unit, colour, filled=rng.random() < 0.6)
        _stroke(pen, rng, width, height, unit, colour)


def _mandala(pen: ImageDraw.ImageDraw, rng: random.Random, width: int, height: int, unit: float) -> None:
    cx, cy, radius = width / 2, height / 2, 0.42 * min(width, height)
    colours = _colours(rng, 4)
    pen.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=(20, 20, 20), width=round(0.5 * unit))
    petals = rng.choice((6, 8, 12))
    for ring, colour in enumerate(colours[:3]):
        distance = radius * (0.25 + 0.22 * ring)
        size = radius * 0.09
        for k in range(petals):
            angle = k * math.tau / petals + ring * math.pi / petals
            px, py = cx + distance * math.cos(angle), cy + distance * math.sin(angle)
            pen.ellipse((px - size, py - size, px + size, py + size), fill=colour)
    core = radius * 0.12
    pen.ellipse((cx - core, cy - core, cx + core, cy + core), fill=colours[3])


APPLE_RED, LEAF_GREENS, BARK_BROWN, SKY_BLUE, SUN_YELLOW = MARKERS[0], MARKERS[3], MARKERS[6], MARKERS[9], MARKERS[2]


def _ppat(pen: ImageDraw.ImageDraw, rng: random.Random, width: int, height: int, unit: float) -> None:
    """What the PPAT asks for: a person picking an apple from a tree, in the box's markers.

    A ground line, a tree (trunk, crown, apples), and a person beside it with one arm raised to an
    apple at the edge of the crown; sometimes a sun, sky or a basket. The seed varies the placement,
    sizes, how much is filled in and the colours, as different clients' drawings differ.
    """
    line = max(2, round(0.8 * unit))
    ground_y = rng.uniform(0.78, 0.88) * height
    if rng.random() < 0.8:
        grass = rng.choice((LEAF_GREENS, MARKERS[10]))
        if rng.random() < 0.5:
            pen.rectangle((0.04 * width, ground_y, 0.96 * width, 0.95 * height), fill=grass)
        else:
            pen.line([(0.04 * width, ground_y), (0.96 * width, ground_y)], fill=grass, width=line)
    if rng.random() < 0.35:
        pen.rectangle((0.04 * width, 0.04 * height, 0.96 * width, 0.12 * height), fill=SKY_BLUE)
    if rng.random() < 0.6:
        sx, sy, r = rng.uniform(0.08, 0.25) * width, rng.uniform(0.1, 0.2) * height, rng.uniform(4, 7) * unit
        pen.ellipse((sx - r, sy - r, sx + r, sy + r), fill=SUN_YELLOW, outline=SUN_YELLOW)
    # The tree: its trunk stands on the ground, the crown sits on the trunk.
    side = rng.choice((-1, 1))  # the tree on the right (person left) or the left
    tree_x = (0.5 + side * rng.uniform(0.1, 0.2)) * width
    crown_rx, crown_ry = rng.uniform(14, 22) * unit, rng.uniform(12, 18) * unit
    trunk_w = rng.uniform(3, 5) * unit
    crown_y = ground_y - rng.uniform(32, 40) * unit
    pen.rectangle((tree_x - trunk_w, crown_y, tree_x + trunk_w, ground_y), fill=BARK_BROWN, outline=BARK_BROWN)
    crown = (tree_x - crown_rx, crown_y - crown_ry, tree_x + crown_rx, crown_y + crown_ry)
    crown_colour = rng.choice((LEAF_GREENS, MARKERS[10]))
    if rng.random() < 0.6:
        pen.ellipse(crown, fill=crown_colour, outline=crown_colour)
    else:
        pen.ellipse(crown, outline=crown_colour, width=line)
    apple_r = rng.uniform(1.8, 2.6) * unit
    for _ in range(rng.randint(3, 9)):
        angle, reach = rng.uniform(0, math.tau), math.sqrt(rng.uniform(0.05, 0.6))
        ax, ay = tree_x + crown_rx * reach * math.cos(angle), crown_y + crown_ry * reach * math.sin(angle)
        pen.ellipse((ax - apple_r, ay - apple_r, ax + apple_r, ay + apple_r), fill=APPLE_RED)
    # The apple being picked, at the crown's edge toward the person, and the person reaching it.
    apple_x, apple_y = tree_x - side * crown_rx * 0.92, crown_y + crown_ry * rng.uniform(0.1, 0.4)
    pen.ellipse((apple_x - apple_r, apple_y - apple_r, apple_x + apple_r, apple_y + apple_r), fill=APPLE_RED)
    _person(pen, rng, unit, line, feet=(apple_x - side * rng.uniform(8, 12) * unit, ground_y), hand=(apple_x, apple_y))
    if rng.random() < 0.3:
        bx = tree_x + side * (crown_rx * 0.4)
        pen.rectangle((bx - 4 * unit, ground_y - 5 * unit, bx + 4 * unit, ground_y), outline=BARK_BROWN, width=line)


def _person(
    pen: ImageDraw.ImageDraw,
    rng: random.Random,
    unit: float,
    line: int,
    *,
    feet: tuple[float, float],
    hand: tuple[float, float],
) -> None:
    """A standing person whose raised arm ends at ``hand``: head, body (a line or a filled shirt), legs, arms."""
    x, ground = feet
    ink = rng.choice((MARKERS[7], MARKERS[4], MARKERS[5]))
    shirt = rng.choice((MARKERS[1], MARKERS[4], MARKERS[5], MARKERS[8]))
    hip = ground - rng.uniform(11, 14) * unit
    shoulder = hip - rng.uniform(12, 15) * unit
    head_r = rng.uniform(3.5, 4.5) * unit
    head_y = shoulder - head_r - unit
    pen.ellipse((x - head_r, head_y - head_r, x + head_r, head_y + head_r), outline=ink, width=line)
    if rng.random() < 0.5:
        pen.polygon(
            [(x - 3.5 * unit, shoulder), (x + 3.5 * unit, shoulder), (x + 4 * unit, hip), (x - 4 * unit, hip)],
            fill=shirt,
        )
    else:
        pen.line([(x, shoulder), (x, hip)], fill=ink, width=line)
    pen.line([(x, hip), (x - 4 * unit, ground)], fill=ink, width=line)
    pen.line([(x, hip), (x + 4 * unit, ground)], fill=ink, width=line)
    pen.line([(x, shoulder + unit), hand], fill=ink, width=line)  # the reaching arm
    away = -1 if hand[0] > x else 1
    pen.line([(x, shoulder + unit), (x + away * 5 * unit, shoulder + 9 * unit)], fill=ink, width=line)


def photograph(
    img: Image.Image,
    *,
    seed: int,
    tilt_degrees: float = 4,
    uneven_light: float = 0.25,
    table: tuple[int, int, int] = TABLE_WOOD,
    size: tuple[int, int] | None = None,
    grain: float = 0.0,
) -> Image.Image:
    """The drawing lying on a table, seen slightly askew, lit more on one side than the other.

    `size` is the photo's size; by default 1.3 times the drawing's, so the
    sheet fills about 60 % of the frame. `grain` adds camera noise (standard
    deviation in 8-bit levels); a phone photo shows about 2-4, and it is what
    makes a real photo's JPEG file several megabytes rather than a few hundred kilobytes.
    """
    rng = random.Random(seed)
    width, height = size or (round(img.width * 1.3), round(img.height * 1.3))
    photo = _table(rng, width, height, table)
    corners = _sheet_corners(rng, img.size, (width, height), tilt_degrees)
    # Warp only the sheet's bounding box, as RGBA so the edge comes out antialiased in the alpha.
    left, top = np.floor(corners.min(axis=0)).astype(int)
    right, bottom = np.ceil(corners.max(axis=0)).astype(int)
    coefficients = _to_drawing(corners - [left, top], img.size)
    sheet = img.convert("RGBA").transform(
        (int(right - left), int(bottom - top)), Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BILINEAR
    )
    photo.paste(sheet, (int(left), int(top)), mask=sheet)
    photo = _light(rng, photo, uneven_light)
    return _grain(rng, photo, grain) if grain > 0 else photo


def _grain(rng: random.Random, photo: Image.Image, sigma: float) -> Image.Image:
    """Sensor noise: a seeded 256-pixel tile of Gaussian noise repeated over the photo (cheap, and JPEG cannot tell)."""
    tile = np.random.default_rng(rng.randrange(2**32)).normal(0, sigma, size=(256, 256, 3)).astype(np.int16)
    pixels = np.asarray(photo).astype(np.int16)
    reps = (-(-photo.height // 256), -(-photo.width // 256), 1)
    pixels += np.tile(tile, reps)[: photo.height, : photo.width]
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def _table(rng: random.Random, width: int, height: int, table: tuple[int, int, int]) -> Image.Image:
    """A table top: the base colour with soft grain along its length (coarse noise, scaled up: cheap)."""
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 6, size=(24, 6, 1))
    coarse = np.clip(np.array(table, dtype=np.float64) + noise, 0, 255).astype(np.uint8)
    return Image.fromarray(coarse).resize((width, height), Image.Resampling.BICUBIC)


def _sheet_corners(
    rng: random.Random, sheet_size: tuple[int, int], frame_size: tuple[int, int], tilt_degrees: float
) -> npt.NDArray[np.float64]:
    """Where the sheet's corners land: centred, scaled to fit, turned by the tilt, corners nudged for perspective."""
    (w, h), (fw, fh) = sheet_size, frame_size
    scale = min(fw / w, fh / h) / 1.3
    angle = math.radians(tilt_degrees * rng.choice((-1, 1)))
    half = np.array([[-w, -h], [w, -h], [w, h], [-w, h]], dtype=np.float64) * scale / 2
    rotation = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    corners: npt.NDArray[np.float64] = half @ rotation.T + np.array([fw / 2, fh / 2])
    squeeze = rng.uniform(0.0, 0.04) * scale * w  # the far edge looks a little shorter
    corners[0, 0] += squeeze
    corners[1, 0] -= squeeze
    nudges = [[rng.uniform(-0.01, 0.01) * fw, rng.uniform(-0.01, 0.01) * fh] for _ in range(4)]
    return corners + np.array(nudges, dtype=np.float64)


def _to_drawing(corners: npt.NDArray[np.float64], size: tuple[int, int]) -> tuple[float, ...]:
    w, h = size
    return homography(corners, np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float64))


def _light(rng: random.Random, photo: Image.Image, uneven_light: float) -> Image.Image:
    """Multiply by a linear gradient: full light on one side, (1 - uneven_light) on the other."""
    angle = rng.uniform(0, math.tau)
    ys, xs = np.mgrid[0:32, 0:32] / 31.0 - 0.5
    ramp = xs * math.cos(angle) + ys * math.sin(angle)
    ramp = (ramp - ramp.min()) / max(ramp.max() - ramp.min(), 1e-9)
    gain = np.rint(255 * (1 - uneven_light * ramp)).astype(np.uint8)
    shade = Image.fromarray(np.repeat(gain[..., None], 3, axis=2)).resize(photo.size, Image.Resampling.BILINEAR)
    return ImageChops.multiply(photo, shade)
