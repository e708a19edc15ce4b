"""How the formal elements the imaging core measures are named and shown to a therapist:
one table for the artwork page, the comparison and the trends (definitions: docs/imaging.md)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Feature:
    key: str
    name: str
    explanation: str
    kind: str  # "percent" (a share 0–1), "count", "ratio" (0–1 shown as a decimal) or "degrees"
    flat_only: bool = False  # measured on 2-D work only (a sculpture's photo has a background, not a page)

    @property
    def percent(self) -> bool:
        return self.kind == "percent"

    def shown(self, value) -> str:
        if self.kind == "percent":
            return f"{float(value) * 100:.0f} %"
        if self.kind == "count":
            return f"{int(value)}"
        if self.kind == "degrees":
            return f"{float(value):.0f}°"
        return f"{float(value):.2f}"


FEATURES = (
    Feature("coverage", "Page covered", "How much of the page carries marks.", "percent", True),
    Feature(
        "bbox_fraction",
        "Extent",
        "How much of the page lies inside the smallest box around all the marks.",
        "percent",
        True,
    ),
    Feature(
        "filled_fraction",
        "Filled areas",
        "How much of what is drawn is filled colour rather than line.",
        "percent",
        True,
    ),
    Feature("color_count", "Colours", "How many distinct colours were used, paper not counted.", "count"),
    Feature("saturation_mean", "Colour strength", "How vivid the colours are (grey is 0 %).", "percent"),
    Feature("lightness_mean", "Lightness", "How light the marks are on average (black is 0 %).", "percent"),
    Feature("warm_share", "Warm colours", "The share of coloured marks that are reds, oranges and yellows.", "percent"),
    Feature(
        "edge_density",
        "Edge share",
        "How much of the drawn area is edge: near 1 for line drawing, near 0 for broad filled areas.",
        "ratio",
        True,
    ),
    Feature("components", "Separate shapes", "How many marks stand apart from each other.", "count", True),
    Feature("centre_x", "Centre, left–right", "Where the weight of the marks sits (0 left, 1 right).", "ratio", True),
    Feature("centre_y", "Centre, top–bottom", "Where the weight of the marks sits (0 top, 1 bottom).", "ratio", True),
    Feature(
        "symmetry_lr",
        "Mirror balance",
        "How much the left half mirrors the right, about the marks' own centre (100 % is a mirror).",
        "percent",
        True,
    ),
    Feature(
        "symmetry_tb",
        "Top–bottom balance",
        "How much the top half mirrors the bottom (100 % is a mirror).",
        "percent",
        True,
    ),
    Feature(
        "axis_angle", "Main direction", "Degrees from horizontal; telling only for elongated drawings.", "degrees", True
    ),
)
BY_KEY = {feature.key: feature for feature in FEATURES}


def feature_rows(features: dict | None) -> list[dict]:
    """The measured features in table order, formatted, each with its plain-language meaning."""
    if not features:
        return []
    return [
        {"key": f.key, "label": f.name, "meaning": f.explanation, "value": f.shown(features[f.key])}
        for f in FEATURES
        if features.get(f.key) is not None
    ]
