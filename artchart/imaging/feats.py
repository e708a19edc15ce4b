"""Estimates of three FEATS scales from the measured formal elements.

FEATS (Gantt & Tabone 1998) has fourteen scales rated 0-5 in half points. Only
three have published computer models: Kim & Hameed 2009 and Kim et al. 2010
(C_CREATES) measured colour elements of scanned PPAT drawings (number of
colours, area per colour, separate regions per colour, edge length between
colours) and fitted regressions for Prominence of Color, Details of Objects and
Environment, and Space. ArtChart follows the direction of those published
relations with transparent weights of its own:

* Prominence of Color rises with the number of colours, with colour used to
  fill areas rather than only to outline, and with the area coloured.
* Space rises with the share of the page the drawing uses: its extent
  (bounding box) and the area actually marked.
* Details of Objects and Environment rises with the number of separate
  elements drawn and the variety of colours that tell them apart.

These are estimates built from the published feature-to-scale relations, not a
validated instrument and not the published coefficients. The app shows them apart
from the therapists' signed ratings, only for a sheet that was found and
straightened, and never counts them as a rater; a research view sets each rater
beside them. They never say anything about a diagnosis. Never offered for collage
or sculpture.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any


def estimate(features: Mapping[str, Any]) -> dict[str, float]:
    """{"prominence_of_color", "space", "details"} on 0-5 in half points."""
    if not features["coverage"]:
        return {"prominence_of_color": 0.0, "space": 0.0, "details": 0.0}
    return {
        "prominence_of_color": _half_points(_prominence_of_color(features)),
        "space": _half_points(_space(features)),
        "details": _half_points(_details(features)),
    }


def _prominence_of_color(f: Mapping[str, Any]) -> float:
    # Up to 2 points for colours used (six or more is a full palette for 12 markers),
    # up to 2 for filling rather than outlining, up to 1 for area coloured (half the page or more).
    colours = min(f["color_count"], 6) / 6 * 2
    filling = f["filled_fraction"] * 2
    area = min(f["coverage"] / 0.5, 1.0)
    return float(colours + filling + area)


def _space(f: Mapping[str, Any]) -> float:
    # The share of the page used: extent and marked area weigh equally;
    # a drawing covering half the sheet already uses all of it for this purpose.
    used = 0.5 * f["bbox_fraction"] + 0.5 * min(f["coverage"] / 0.5, 1.0)
    return float(5 * used)


def _details(f: Mapping[str, Any]) -> float:
    # Separate elements on a log scale (1 -> 0, about 40 -> 3.5), plus up to
    # 1.5 for colours that set elements apart.
    elements = min(math.log2(1 + f["components"]) / math.log2(41), 1.0) * 3.5
    colours = min(f["color_count"], 6) / 6 * 1.5
    return float(elements + colours)


def _half_points(value: float) -> float:
    return min(5.0, max(0.0, round(value * 2) / 2))
