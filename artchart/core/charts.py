"""Server-rendered SVG charts: pure Python, no Django, no JavaScript.

Each function returns one ``<svg>`` element as a string that is safe to put in a
page as is (every piece of text is escaped here), accessible to screen readers
(``role="img"``, ``aria-label``, ``<title>`` and ``<desc>``) and readable when
printed. Used by the artworks trends page and meant for the measures and reports.

- ``line_chart``: values over dates, with optional shaded bands (e.g. severity
  ranges), labelled horizontal reference lines and point markers whose ``<title>``
  is the tooltip.
- ``palette_strip``: one row of colour swatches per date or session, each swatch as
  wide as its share.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from xml.sax.saxutils import escape as _xml_escape

__all__ = ["Band", "Point", "Reference", "Swatch", "StripRow", "line_chart", "palette_strip", "nice_ticks"]

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
FONT = 'font-family="system-ui, sans-serif"'
EMPTY = "No data to show yet."


@dataclass(frozen=True)
class Point:
    day: dt.date
    value: float
    label: str = ""  # the tooltip: what this point is (e.g. the artwork's title)
    href: str = ""  # where the point links to, if anywhere


@dataclass(frozen=True)
class Band:
    low: float
    high: float
    label: str
    colour: str = "#eef2f7"


@dataclass(frozen=True)
class Reference:
    value: float
    label: str
    colour: str = "#8a5a00"


@dataclass(frozen=True)
class Swatch:
    colour: str  # "#rrggbb"
    share: float  # 0–1 of the row
    name: str = ""


@dataclass(frozen=True)
class StripRow:
    label: str
    swatches: list[Swatch] = field(default_factory=list)
    title: str = ""  # a longer description for the row's tooltip


def esc(text: object) -> str:
    """Text for an SVG element or a double-quoted attribute."""
    return _xml_escape(str(text), {'"': "&quot;", "'": "&#x27;"})


def _colour(value: str, fallback: str = "#999999") -> str:
    return value if HEX.match(value or "") else fallback


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if not float(value).is_integer() else str(int(value))


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def nice_ticks(low: float, high: float, count: int = 5, *, integer: bool = False) -> list[float]:
    """Round tick values covering [low, high] (1, 2, 2.5 or 5 times a power of ten apart;
    whole numbers only when ``integer``, for counts)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0, 1.0]
    if high <= low:
        high = low + (abs(low) or 1.0)
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    if integer:
        step = max(1, math.ceil(step))
    first = math.floor(low / step + 1e-9) * step
    ticks, value = [], first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high - 1e-9:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _date_ticks(first: dt.date, last: dt.date, count: int = 5) -> list[dt.date]:
    span = (last - first).days
    if span <= 0:
        return [first]
    steps = min(count - 1, span)
    days = sorted({round(span * i / steps) for i in range(steps + 1)})
    return [first + dt.timedelta(days=d) for d in days]


def _date_label(day: dt.date, span_days: int) -> str:
    return f"{day.day} {day:%b}" if span_days < 300 else f"{day:%b %Y}"


def _frame(width: int, height: int, title: str, description: str, body: list[str], css_class: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{esc(css_class)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{esc(title)}" '
        f'preserveAspectRatio="xMinYMin meet">'
        f"<title>{esc(title)}</title><desc>{esc(description)}</desc>{''.join(body)}</svg>"
    )


def _empty(width: int, height: int, title: str, message: str, css_class: str) -> str:
    body = [
        f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" fill="#fafafa" stroke="#ccc"/>',
        f'<text x="{width / 2:.1f}" y="{height / 2:.1f}" text-anchor="middle" dominant-baseline="middle" '
        f'{FONT} font-size="14" fill="#555">{esc(message)}</text>',
    ]
    return _frame(width, height, title, message, body, css_class)


def _y_scale(
    values: list[float],
    *,
    bands: list[Band],
    references: list[Reference],
    y_min: float | None,
    y_max: float | None,
    integer: bool,
) -> tuple[float, float, list[float]]:
    """The value range drawn and its ticks: ``y_min``/``y_max`` where given, else the values, bands and
    reference lines widened to the outer ticks."""
    low = y_min if y_min is not None else min(values + [r.value for r in references] + [b.low for b in bands])
    high = y_max if y_max is not None else max(values + [r.value for r in references] + [b.high for b in bands])
    ticks = nice_ticks(low, high, integer=integer)
    if y_min is None:
        low = ticks[0]
    if y_max is None:
        high = ticks[-1]
    ticks = [t for t in ticks if low - 1e-9 <= t <= high + 1e-9]
    if high <= low:
        high = low + 1
    return low, high, ticks


def line_chart(
    points: list[Point],
    *,
    title: str,
    y_label: str = "",
    y_min: float | None = None,
    y_max: float | None = None,
    bands: list[Band] = (),
    references: list[Reference] = (),
    value_format=_num,
    integer: bool = False,
    width: int = 640,
    height: int = 240,
    colour: str = "#2f5d8a",
    empty_message: str = EMPTY,
    css_class: str = "chart",
) -> str:
    """A line over dates. ``y_min``/``y_max`` fix the scale (e.g. 0–1 for fractions);
    otherwise it is fitted to the values, bands and reference lines. ``integer`` keeps the
    ticks on whole numbers (counts)."""
    points = sorted((p for p in points if p.value is not None and math.isfinite(p.value)), key=lambda p: p.day)
    if not points:
        return _empty(width, height, title, empty_message, css_class)
    values = [p.value for p in points]
    low, high, ticks = _y_scale(values, bands=bands, references=references, y_min=y_min, y_max=y_max, integer=integer)

    left, right, top, bottom = 56, 36, 16, 40  # room for the last date label, centred on its tick
    plot_w, plot_h = width - left - right, height - top - bottom
    first, last = points[0].day, points[-1].day
    span = (last - first).days

    def x_of(day: dt.date) -> float:
        return left + (plot_w / 2 if span == 0 else plot_w * (day - first).days / span)

    def y_of(value: float) -> float:
        clamped = min(max(value, low), high)
        return top + plot_h * (1 - (clamped - low) / (high - low))

    body = [f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fff" stroke="#ccc"/>']
    for band in bands:
        y1, y2 = y_of(band.high), y_of(band.low)
        body.append(
            f'<g class="band"><rect x="{left}" y="{y1:.1f}" width="{plot_w}" height="{max(y2 - y1, 0):.1f}" '
            f'fill="{_colour(band.colour, "#eef2f7")}"><title>{esc(band.label)}</title></rect>'
            f'<text x="{left + plot_w - 4}" y="{y1 + 12:.1f}" text-anchor="end" {FONT} font-size="10" '
            f'fill="#555">{esc(band.label)}</text></g>'
        )
    for tick in ticks:
        y = y_of(tick)
        body.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e5e5"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" {FONT} font-size="11" '
            f'fill="#444">{esc(value_format(tick))}</text>'
        )
    for day in _date_ticks(first, last):
        x = x_of(day)
        body.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top + plot_h}" y2="{top + plot_h + 4}" stroke="#888"/>'
            f'<text x="{x:.1f}" y="{top + plot_h + 18}" text-anchor="middle" {FONT} font-size="11" '
            f'fill="#444">{esc(_date_label(day, span))}</text>'
        )
    for reference in references:
        y = y_of(reference.value)
        stroke = _colour(reference.colour, "#8a5a00")
        body.append(
            f'<g class="reference"><line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{stroke}" stroke-dasharray="6 4"/><text x="{left + 4}" y="{y - 4:.1f}" {FONT} '
            f'font-size="11" fill="{stroke}">{esc(reference.label)}</text></g>'
        )
    if y_label:
        body.append(
            f'<text x="14" y="{top + plot_h / 2:.1f}" transform="rotate(-90 14 {top + plot_h / 2:.1f})" '
            f'text-anchor="middle" {FONT} font-size="11" fill="#444">{esc(y_label)}</text>'
        )
    stroke = _colour(colour, "#2f5d8a")
    if len(points) > 1:
        path = " ".join(f"{x_of(p.day):.1f},{y_of(p.value):.1f}" for p in points)
        body.append(f'<polyline points="{path}" fill="none" stroke="{stroke}" stroke-width="2"/>')
    for point in points:
        tip = f"{long_date(point.day)}: {value_format(point.value)}" + (f" — {point.label}" if point.label else "")
        marker = (
            f'<circle class="point" cx="{x_of(point.day):.1f}" cy="{y_of(point.value):.1f}" r="4.5" '
            f'fill="{stroke}" stroke="#fff" stroke-width="1.5"><title>{esc(tip)}</title></circle>'
        )
        if point.href:
            marker = f'<a href="{esc(point.href)}">{marker}</a>'
        body.append(marker)
    plural = "s" if len(points) != 1 else ""
    description = (
        f"{len(points)} point{plural} from {long_date(first)} to {long_date(last)}; "
        f"values from {value_format(min(values))} to {value_format(max(values))}."
    )
    return _frame(width, height, title, description, body, css_class)


def palette_strip(
    rows: list[StripRow],
    *,
    title: str,
    width: int = 640,
    row_height: int = 22,
    label_width: int = 110,
    empty_message: str = EMPTY,
    css_class: str = "chart palette-strip",
) -> str:
    """One row per date or session: a bar of swatches, each as wide as its share of the row
    (shares are normalised, so a row always fills the bar)."""
    rows = [row for row in rows if any(s.share > 0 for s in row.swatches)]
    if not rows:
        return _empty(width, 60, title, empty_message, css_class)
    gap = 6
    height = len(rows) * (row_height + gap) + gap
    bar_w = width - label_width - 8
    body = []
    for index, row in enumerate(rows):
        y = gap + index * (row_height + gap)
        body.append(
            f'<g class="strip-row"><title>{esc(row.title or row.label)}</title>'
            f'<text x="{label_width - 8}" y="{y + row_height / 2 + 4:.1f}" text-anchor="end" {FONT} '
            f'font-size="12" fill="#333">{esc(row.label)}</text>'
        )
        swatches = [s for s in row.swatches if s.share > 0]
        total = sum(s.share for s in swatches)
        x = float(label_width)
        for swatch in swatches:
            w = bar_w * swatch.share / total
            name = f"{swatch.name} " if swatch.name else ""
            fill = _colour(swatch.colour)
            body.append(
                f'<rect x="{x:.2f}" y="{y}" width="{w:.2f}" height="{row_height}" '
                f'fill="{fill}"><title>{esc(name)}{fill} '
                f"{round(100 * swatch.share / total)}%</title></rect>"
            )
            x += w
        body.append(
            f'<rect x="{label_width}" y="{y}" width="{bar_w}" height="{row_height}" fill="none" stroke="#bbb"/></g>'
        )
    description = f"Colours of {len(rows)} row{'s' if len(rows) != 1 else ''}, each colour as wide as its share."
    return _frame(width, height, title, description, body, css_class)
