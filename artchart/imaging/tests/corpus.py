"""Measure the page finder and the features on simulated photos with known truth.

Each photo goes the way an upload goes: JPEG at quality 90, then ``derive``; the
corners are the finder's on the same frame ``derive`` gives it, scaled back to
the photo. A sheet counts as found where the finder says so and its corners lie
within HIT_CORNER_ERROR of the truth (mean distance, in % of the sheet's
diagonal). ``python -m artchart.imaging.tests.corpus [N]`` prints the table.
"""

from __future__ import annotations

import io
import math
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image

from artchart.imaging import derive
from artchart.imaging.colour import colour_name, lab_from_srgb8
from artchart.imaging.derived import FINDER_SIZE, LARGE, WORKING_SIZE, _shrink
from artchart.imaging.page import find_page
from artchart.imaging.tests.photosim import NO_SHEET, SimPhoto, no_sheet, simulate

HIT_CORNER_ERROR = 2.0  # % of the sheet's diagonal


@dataclass(frozen=True)
class Result:
    sim: SimPhoto
    found: bool
    corner_error: float | None  # % of the sheet's diagonal; None without a found quadrilateral or a true sheet
    coverage: float | None
    centre: tuple[float, float] | None
    message: str
    names: tuple[str, ...] = ()  # the palette's colour names

    @property
    def named(self) -> float | None:
        """Share of the drawing's true colours whose name (`colour_name` of the medium's colour) is in the palette."""
        if not self.sim.colours or self.coverage is None:
            return None
        truth = {colour_name(lab_from_srgb8(np.array(rgb, dtype=np.uint8))) for rgb in self.sim.colours}
        return len(truth & set(self.names)) / len(truth)

    @property
    def hit(self) -> bool:
        if self.sim.corners is None:
            return not self.found  # no sheet: a hit is saying so
        return self.found and self.corner_error is not None and self.corner_error <= HIT_CORNER_ERROR

    @property
    def coverage_error(self) -> float | None:
        """Error of the coverage in percentage points of the sheet (coverage 0.31 for 0.28 is 3 points)."""
        if self.coverage is None or self.sim.corners is None:
            return None
        return 100 * abs(self.coverage - self.sim.coverage)


def measure(sim: SimPhoto) -> Result:
    buffer = io.BytesIO()
    sim.photo.save(buffer, "JPEG", quality=90)
    stored = buffer.getvalue()
    features = derive(stored).features
    finder = _finder_frame(stored)
    found = find_page(np.asarray(finder))
    error = None
    if sim.corners is not None and found.corners is not None:
        error = corner_error(found.corners * (sim.photo.width / finder.width), sim.corners)
    elif sim.corners is not None and found.found:  # "the sheet fills the frame": its corners are the frame's
        w, h = sim.photo.size
        error = corner_error(np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float64), sim.corners)
    centre = (features["centre_x"], features["centre_y"]) if features["centre_x"] is not None else None
    names = tuple(entry["name"] for entry in features["palette"] or ())
    found_page = bool(features["page_found"])
    return Result(sim, found_page, error, features["coverage"], centre, features["page_message"], names)


def _finder_frame(stored: bytes) -> Image.Image:
    """The frame derive() hands the finder: the large thumbnail, halved, at the finder's size."""
    image = Image.open(io.BytesIO(stored))
    image.draft("RGB", (LARGE, LARGE))
    large = _shrink(image.convert("RGB"), LARGE)
    source = large.reduce(2) if max(large.size) >= 2 * WORKING_SIZE else large
    return _shrink(source, FINDER_SIZE)


def corner_error(found: npt.NDArray[np.float64], truth: npt.NDArray[np.float64]) -> float:
    """Mean distance between matched corners (the best of the four rotations), in % of the true diagonal."""
    diagonal = float(np.linalg.norm(truth[2] - truth[0]) + np.linalg.norm(truth[3] - truth[1])) / 2
    best = min(float(np.linalg.norm(np.roll(found, k, axis=0) - truth, axis=1).mean()) for k in range(4))
    return 100 * best / diagonal


def corpus(count: int, start: int = 0) -> Iterator[SimPhoto]:
    """`count` photos with conditions drawn from their seeds, and one no-sheet photo for every ten."""
    for seed in range(start, start + count):
        yield simulate(seed)
    for k in range(max(1, count // 10)):
        yield no_sheet(10_000 + start + k, NO_SHEET[k % len(NO_SHEET)])


def lamp_crayon(count: int = 18) -> Iterator[SimPhoto]:
    """A child's crayon drawing on letter paper under a lamp on a pale table, turned 10-20°, tilted 12-20°."""
    for k in range(count):
        rng = np.random.default_rng(5_000 + k)
        yield simulate(
            5_000 + k,
            medium="crayon",
            sheet="letter",
            table="pale",
            light="warm",
            turn=float(rng.uniform(10, 20) * rng.choice((-1, 1))),
            tilt=float(rng.uniform(12, 20)),
            to_edge=True,
        )


def _groups(result: Result) -> list[str]:
    if result.sim.corners is None:
        return ["no sheet", f"no sheet: {result.sim.kind}"]
    c = result.sim.conditions
    turn = 10 * min(2, int(abs(c.turn) // 10))
    tilt = 10 * min(2, int(c.tilt // 10))
    return [
        "all sheets",
        f"medium {c.medium}",
        f"sheet {c.sheet}",
        f"table {c.table}",
        f"light {c.light}",
        f"turn {turn}-{turn + 10}°",
        f"tilt {tilt}-{tilt + 10 if tilt < 20 else 25}°",
        "drawing to the edge" if c.to_edge else "drawing with a margin",
    ]


def table(results: Iterable[Result]) -> str:
    """Per condition: photos, hit rate, mean corner error (% of diagonal), mean coverage error (points), and
    the share of the true colours named in the palette (%), over hits."""
    rows: dict[str, list[Result]] = defaultdict(list)
    for result in results:
        for group in _groups(result):
            rows[group].append(result)
    lines = [f"{'condition':<24}{'photos':>7}{'hit %':>8}{'corner err %':>14}{'coverage err pt':>17}{'named %':>9}"]
    for name in sorted(rows, key=lambda n: (n != "all sheets", n.startswith("no sheet"), n)):
        group = rows[name]
        corners = [r.corner_error for r in group if r.corner_error is not None and r.found]
        coverages = [r.coverage_error for r in group if r.coverage_error is not None and r.hit]
        named = [100 * r.named for r in group if r.named is not None and r.hit]
        lines.append(
            f"{name:<24}{len(group):>7}{100 * sum(r.hit for r in group) / len(group):>8.0f}"
            f"{_mean(corners):>14}{_mean(coverages):>17}{_mean(named):>9}"
        )
    return "\n".join(lines)


def _mean(values: list[float]) -> str:
    return f"{sum(values) / len(values):.1f}" if values else "-"


def summary(results: list[Result]) -> dict[str, float]:
    sheets = [r for r in results if r.sim.corners is not None]
    empty = [r for r in results if r.sim.corners is None]
    return {
        "hit": sum(r.hit for r in sheets) / max(1, len(sheets)),
        "no_sheet_said": sum(r.hit for r in empty) / max(1, len(empty)),
        "corner_error": float(np.median([r.corner_error for r in sheets if r.hit] or [math.inf])),
    }


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    measured = [measure(sim) for sim in corpus(count)]
    print(table(measured))
    print(summary(measured))
    lamp = [measure(sim) for sim in lamp_crayon()]
    print("\nCrayon under a lamp on a pale table, turned 10-20°, tilted 12-20°:")
    print(table(lamp))
