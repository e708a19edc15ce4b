"""The SVG chart core: valid markup, escaped text, empty data, one point, scaling."""

import datetime as dt
import re
import xml.etree.ElementTree as ET

from artchart.core.charts import (
    EMPTY,
    Band,
    Point,
    Reference,
    StripRow,
    Swatch,
    line_chart,
    nice_ticks,
    palette_strip,
)

SVG = "{http://www.w3.org/2000/svg}"
D = dt.date(2026, 1, 5)


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def points(*values, step=7):
    return [Point(D + dt.timedelta(days=step * i), v, label=f"Drawing {i + 1}") for i, v in enumerate(values)]


def circles(root):
    return root.findall(f".//{SVG}circle")


def test_line_chart_is_valid_accessible_svg():
    root = parse(line_chart(points(0.2, 0.5, 0.4), title="Coverage", y_min=0, y_max=1))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and root.get("aria-label") == "Coverage"
    assert root.find(f"{SVG}title").text == "Coverage"
    assert "3 points from 5 January 2026 to 19 January 2026" in root.find(f"{SVG}desc").text
    assert len(circles(root)) == 3
    assert root.find(f".//{SVG}polyline") is not None


def test_every_piece_of_text_is_escaped():
    evil = "<script>alert(\"x\")</script> & 'q'"
    markup = line_chart(
        [Point(D, 1, label=evil, href='/a?x=1&y="2"')],
        title=evil,
        y_label=evil,
        bands=[Band(0, 2, evil)],
        references=[Reference(1.5, evil)],
    )
    root = parse(markup)  # would raise on unescaped markup
    assert "<script>" not in markup
    assert root.get("aria-label") == evil
    assert root.find(f"{SVG}title").text == evil
    assert root.find(f".//{SVG}a").get("href") == '/a?x=1&y="2"'
    strip = palette_strip([StripRow(evil, [Swatch("#ff0000", 1, name=evil)])], title=evil)
    assert "<script>" not in strip
    parse(strip)


def test_empty_data_says_so_in_the_svg():
    for markup in (
        line_chart([], title="Coverage"),
        palette_strip([], title="Palette"),
        line_chart([Point(D, float("nan"))], title="Coverage", empty_message="Nothing analysed yet."),
    ):
        root = parse(markup)
        texts = [t.text for t in root.iter(f"{SVG}text")]
        assert texts and (EMPTY in texts or "Nothing analysed yet." in texts)
        assert root.get("role") == "img"


def test_one_point_sits_in_the_middle_without_a_line():
    root = parse(line_chart([Point(D, 3)], title="Colours", width=400))
    (circle,) = circles(root)
    assert float(circle.get("cx")) == 56 + (400 - 56 - 36) / 2
    assert root.find(f".//{SVG}polyline") is None
    assert "5 January 2026: 3 " in circle.find(f"{SVG}title").text + " "


def test_points_scale_to_dates_and_fixed_range():
    root = parse(line_chart(points(0, 1, 0.5, step=10), title="Coverage", y_min=0, y_max=1, width=456, height=240))
    xs = [float(c.get("cx")) for c in circles(root)]
    ys = [float(c.get("cy")) for c in circles(root)]
    assert xs == [56.0, 238.0, 456 - 36.0]  # the first and last dates at the edges, the middle halfway
    top, bottom = 16.0, 240 - 40.0
    assert ys[0] == bottom and ys[1] == top and ys[2] == (top + bottom) / 2


def test_values_outside_a_fixed_range_are_clamped_to_the_plot():
    root = parse(line_chart(points(-1, 2), title="x", y_min=0, y_max=1, height=240))
    ys = [float(c.get("cy")) for c in circles(root)]
    assert ys == [200.0, 16.0]


def test_fitted_scale_uses_round_ticks_and_includes_reference_lines():
    markup = line_chart(points(3, 7, 12), title="Colours", references=[Reference(20, "Cut-off")])
    labels = [t.text for t in parse(markup).iter(f"{SVG}text")]
    assert "Cut-off" in labels
    assert "0" in labels and "20" in labels


def test_bands_are_drawn_with_their_labels():
    root = parse(
        line_chart(
            points(5, 12),
            title="PHQ-9",
            y_min=0,
            y_max=27,
            bands=[Band(0, 4, "Minimal"), Band(20, 27, "Severe", colour="#fde2e2")],
        )
    )
    bands = root.findall(f".//{SVG}g[@class='band']")
    assert [b.find(f"{SVG}text").text for b in bands] == ["Minimal", "Severe"]
    assert bands[1].find(f"{SVG}rect").get("fill") == "#fde2e2"


def test_bad_colours_fall_back_instead_of_reaching_the_markup():
    markup = palette_strip([StripRow("1 Jan", [Swatch('red" onload="x', 1)])], title="P")
    assert "onload" not in markup
    assert parse(markup).find(f".//{SVG}rect").get("fill") == "#999999"


def test_palette_strip_widths_follow_shares():
    rows = [
        StripRow("5 Jan", [Swatch("#ff0000", 0.3, "red"), Swatch("#0000ff", 0.1, "blue")]),
        StripRow("12 Jan", [Swatch("#00ff00", 1.0, "green")]),
        StripRow("Nothing", []),
    ]
    root = parse(palette_strip(rows, title="Palette", width=610, label_width=110))
    groups = root.findall(f".//{SVG}g[@class='strip-row']")
    assert len(groups) == 2  # a row with no colours is left out
    red, blue = groups[0].findall(f"{SVG}rect")[:2]
    bar = 610 - 110 - 8
    assert abs(float(red.get("width")) - bar * 0.75) < 0.01 and abs(float(blue.get("width")) - bar * 0.25) < 0.01
    assert red.find(f"{SVG}title").text.startswith("red #ff0000 75%")
    assert float(groups[1].findall(f"{SVG}rect")[0].get("width")) == float(f"{bar:.2f}")


def test_axis_ticks_show_dates():
    labels = [t.text for t in parse(line_chart(points(1, 2, 3, step=30), title="x")).iter(f"{SVG}text")]
    assert "5 Jan" in labels and "6 Mar" in labels


def test_long_spans_label_months_and_years():
    markup = line_chart([Point(D, 1), Point(D + dt.timedelta(days=400), 2)], title="x")
    assert re.search(r">Jan 2026<", markup) and re.search(r">Feb 2027<", markup)


def test_nice_ticks():
    assert nice_ticks(0, 1) == [0, 0.25, 0.5, 0.75, 1]
    assert nice_ticks(3, 12) == [2.5, 5, 7.5, 10, 12.5]
    assert nice_ticks(5, 5) == [4, 6, 8, 10]  # a flat series still gets a scale
    assert nice_ticks(0, 1, integer=True) == [0, 1]
    assert nice_ticks(0, 3, integer=True) == [0, 1, 2, 3]


def test_counts_get_whole_number_ticks():
    labels = [
        t.text for t in parse(line_chart(points(1, 2), title="Colours", y_min=0, integer=True)).iter(f"{SVG}text")
    ]
    assert "0.5" not in labels and "0.25" not in labels and "2" in labels
