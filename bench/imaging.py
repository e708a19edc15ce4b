"""What thumbnails, analysis and safe intake cost against bare Pillow, on one core.

A synthetic 12-megapixel photo of a drawing on a table (4000×3000, JPEG
quality 90) is the input, with camera-like grain (σ = 6 levels) so the file is
about 2.4 MB, as a phone's photo of that size is. Two comparisons, each
measured in the same run:

* derive() (one reduced-size decode, two thumbnails of the photo, finding and
  straightening the page, two thumbnails of the page, features, FEATS
  estimates) against the floor: Image.open + draft("RGB", (1280, 1280))
  + load(), the decode alone at the scale the large thumbnail needs.
  Target at most 2×.
* load() (header checks, the full decode, orientation, colour conversion and
  the metadata-free re-encode) against a bare full decode and JPEG encode of
  the same file. Target at most 1.3×.

A third section shows the same photo without grain, for scale: a 0.3 MB file
no camera writes. Its reduced decode (the floor) takes about a quarter of the time,
while resizing and analysis cost the same, so its ratio is far higher: the
floor depends on the file, which is why both are measured on the same one.

Each measure is the median of ROUNDS rounds, each round the best of REPEATS
calls, and the measures are interleaved so drift in the machine touches them alike.
"""

from __future__ import annotations

import io
import os
import statistics
import time

from PIL import Image

from artchart.imaging import derive, load, synthetic
from bench.table import Row

ROUNDS = 5
REPEATS = 3
SIZE = (4000, 3000)
DERIVE_LABEL = "derive(): photo and page thumbnails, page, features, FEATS"


def photo_12mp(grain: float = 6.0) -> bytes:
    drawing = synthetic.drawing(7, width=3000, height=2100, style="colourful")
    photo = synthetic.photograph(drawing, seed=7, size=SIZE, grain=grain)
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def run() -> list[Row]:
    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    try:
        _one_core()
        return _measure()
    finally:
        if cores:
            os.sched_setaffinity(0, cores)  # the benchmarks after this one keep the machine they had


def _measure() -> list[Row]:
    data = photo_12mp()
    stored = load(data).encoded
    smooth = load(photo_12mp(grain=0.0)).encoded

    def floor_reduced(file: bytes = stored):
        image = Image.open(io.BytesIO(file))
        image.draft("RGB", (1280, 1280))
        image.load()

    def floor_full():
        image = Image.open(io.BytesIO(data))
        image.load()
        image.save(io.BytesIO(), "JPEG", quality=90)

    measures = {
        "floor": floor_reduced,
        "derive": lambda: derive(stored),
        "floor2": floor_full,
        "load": lambda: load(data),
        "floor3": lambda: floor_reduced(smooth),
        "derive3": lambda: derive(smooth),
    }
    ms = _medians(measures)
    first = (
        f"Artwork photo, thumbnails + analysis (12 MP JPEG of {len(data) / 1e6:.1f} MB, one core, "
        f"median of {ROUNDS} × best of {REPEATS})"
    )
    second = "Artwork photo, safe intake (same file)"
    third = f"For scale: the same photo without grain ({len(smooth) / 1e6:.1f} MB, not what a camera writes)"
    return [
        Row(first, "decode at 1/2 scale, JPEG draft mode (floor)", ms["floor"], "ms", 1.0),
        Row(first, DERIVE_LABEL, ms["derive"], "ms", ms["derive"] / ms["floor"]),
        Row(second, "bare full decode + JPEG encode (floor)", ms["floor2"], "ms", 1.0),
        Row(second, "load(): checks, decode, re-encode", ms["load"], "ms", ms["load"] / ms["floor2"]),
        Row(third, "decode at 1/2 scale, JPEG draft mode (floor)", ms["floor3"], "ms", 1.0),
        Row(third, DERIVE_LABEL, ms["derive3"], "ms", ms["derive3"] / ms["floor3"]),
    ]


def _one_core() -> None:
    # The figures are per core; the machine's other cores must not flatter them.
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def _medians(measures: dict) -> dict[str, float]:
    for function in measures.values():  # warm caches, imports and the allocator
        function()
    samples: dict[str, list[float]] = {name: [] for name in measures}
    for _ in range(ROUNDS):
        for name, function in measures.items():
            samples[name].append(_best_ms(function))
    return {name: statistics.median(values) for name, values in samples.items()}


def _best_ms(function) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best * 1000


if __name__ == "__main__":
    from bench.table import render

    print(render(run()))
