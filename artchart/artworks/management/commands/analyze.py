"""``artchart analyze FILE… [--json]``: the formal elements of artwork photos, from the command line.

Each file goes through the same intake and analysis as an upload (the pure
``artchart.imaging`` core), so a file the web refuses is refused here with the
same message. Nothing is stored.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from artchart.imaging import ImageRejected, derive, load

NO_PAGE_NO_ESTIMATES = "the sheet was not found (estimates come only from a found, straightened sheet)"
SHOWN = (
    "coverage",
    "bbox_fraction",
    "color_count",
    "filled_fraction",
    "saturation_mean",
    "lightness_mean",
    "warm_share",
    "edge_density",
    "components",
    "centre_x",
    "centre_y",
    "symmetry_lr",
    "symmetry_tb",
    "axis_angle",
)


class Command(BaseCommand):
    help = "Print the formal elements of each picture (one JSON object per file with --json). Stores nothing."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--json", action="store_true", help="one JSON object per line")
        parser.add_argument("--three-d", action="store_true", help="sculpture: colour features only")

    def handle(self, *args, files, **options):
        refused = 0
        for name in files:
            try:
                features = _analyse(Path(name), three_d=options["three_d"])
            except ImageRejected as rejected:
                refused += 1
                self.stderr.write(f"{name}: {rejected}")
                continue
            if options["json"]:
                self.stdout.write(json.dumps({"file": name, **features}, ensure_ascii=False))
            else:
                self.stdout.write(_readable(name, features))
        if refused:
            raise CommandError(f"{refused} of {len(files)} files refused.", returncode=1)


def _analyse(path: Path, *, three_d: bool) -> dict:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ImageRejected(f"This file could not be read ({error.strerror}).") from None
    return derive(load(data).encoded, three_d=three_d).features


def _readable(name: str, features: dict) -> str:
    lines = [name]
    if features["page_message"]:
        lines.append(f"  note: {features['page_message']}")
    lines += [f"  {key:<16}{features[key]}" for key in SHOWN if features.get(key) is not None]
    lines += [
        f"  colour          {colour['hex']} {colour['name']:<12}{colour['share']:.0%}"
        for colour in features["palette"] or []
    ]
    if features["feats_estimates"] and features["page_found"]:
        lines.append(
            "  FEATS estimates (not ratings; not a validated instrument): "
            + ", ".join(f"{scale.replace('_', ' ')} {value:g}" for scale, value in features["feats_estimates"].items())
        )
    elif features["feats_estimates"]:
        lines.append(f"  FEATS estimates: none, {NO_PAGE_NO_ESTIMATES}")
    lines.append(f"  features version {features['version']}")
    return "\n".join(lines)
