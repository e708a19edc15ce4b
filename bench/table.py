"""Rows and the plain-text table ``artchart bench`` prints."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    section: str
    measure: str
    value: float
    unit: str  # "ms", "µs", "events/s"
    ratio: float | None = None  # against the section's floor, measured in the same run


def render(rows: list[Row]) -> str:
    width = max(len(row.measure) for row in rows) + 2
    with_floor = {row.section for row in rows if row.ratio is not None}
    lines, section = [], None
    for row in rows:
        if row.section != section:
            section = row.section
            lines.append("")
            lines.append(f"{section}")
            ratio_header = "x floor" if section in with_floor else ""
            lines.append(f"  {'measure'.ljust(width)}{'per op':>16}   {ratio_header:>8}".rstrip())
        digits = 2 if row.value < 10 else 1 if row.value < 1000 else 0
        value = f"{row.value:,.{digits}f} {row.unit}"
        ratio = f"{row.ratio:8.2f}" if row.ratio is not None else ""
        lines.append(f"  {row.measure.ljust(width)}{value:>16}   {ratio}".rstrip())
    return "\n".join(lines)
