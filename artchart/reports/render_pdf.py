"""A :class:`~artchart.reports.document.Document` as PDF, through HTML and print CSS with WeasyPrint.

Every page carries the client's initials and the report's title at the top, the confidentiality line
and "Page n of m" at the foot. No table row, picture or chart is split from its caption across a page
break, and a heading is never left alone at the foot of a page. The fonts are the project's own
(DejaVu Sans in ``artchart/reports/fonts``), named by ``@font-face``, so the same report lays out the
same on every machine, whatever fonts it has.
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

from PIL import ImageFile

from artchart.reports.document import (
    Block,
    Chart,
    Document,
    Heading,
    Image,
    Meta,
    Missing,
    Paragraph,
    Signature,
    SignatureBlock,
    Table,
    long_moment,
)

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "ArtChart Report Sans"
PER_ROW = 3
_FONT_ATTRIBUTE = re.compile(r'font-family="[^"]*"')

STYLE = """
@font-face { font-family: "%(family)s"; src: url("DejaVuSans.ttf"); font-weight: normal; font-style: normal; }
@font-face { font-family: "%(family)s"; src: url("DejaVuSans-Bold.ttf"); font-weight: bold; font-style: normal; }
@font-face { font-family: "%(family)s"; src: url("DejaVuSans-Oblique.ttf"); font-weight: normal; font-style: italic; }
@page {
  size: A4;
  margin: 24mm 18mm 24mm 18mm;
  @top-left { content: %(head_left)s; font: 8pt "%(family)s"; color: #444; }
  @top-right { content: %(head_right)s; font: 8pt "%(family)s"; color: #444; }
  @bottom-left { content: %(foot)s; font: 7pt "%(family)s"; color: #555; width: 75%%; vertical-align: top; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 8pt "%(family)s"; color: #444;
                  vertical-align: top; }
}
html { font-family: "%(family)s"; font-size: 9.5pt; line-height: 1.4; color: #111; }
h1 { font-size: 16pt; margin: 0 0 2mm; }
h2 { font-size: 12.5pt; margin: 7mm 0 2mm; border-bottom: 0.5pt solid #999; padding-bottom: 1mm; }
h3 { font-size: 10.5pt; margin: 4mm 0 1.5mm; }
h1, h2, h3 { break-after: avoid; }
p { margin: 0 0 2mm; orphans: 3; widows: 3; }
.meta { color: #333; margin-bottom: 5mm; }
.meta p { margin: 0; }
.missing { font-style: italic; color: #333; border-left: 2pt solid #999; padding-left: 2.5mm; }
table { width: 100%%; border-collapse: collapse; margin: 1mm 0 4mm; }
thead { display: table-header-group; }
tr, td, th { break-inside: avoid; }
th, td { border: 0.5pt solid #999; padding: 1.2mm 1.6mm; text-align: left; vertical-align: top; }
th { background: #eee; font-weight: bold; }
caption { caption-side: top; text-align: left; font-weight: bold; padding-bottom: 1mm; }
figure { break-inside: avoid; margin: 0 0 4mm; }
.works { break-inside: avoid; margin-bottom: 3mm; }
figure.work { display: inline-block; width: 31.5%%; margin: 0 1.5%% 0 0; vertical-align: top; }
figure.work img { max-width: 100%%; max-height: 52mm; display: block; margin-bottom: 1mm; }
figure.chart svg { width: 100%%; height: auto; }
figcaption { font-size: 8.5pt; }
.words { font-style: italic; margin-top: 1mm; }
.signatures { break-inside: avoid; margin-top: 4mm; }
.signature { display: inline-block; width: 47%%; margin-right: 3%%; vertical-align: top; border-top: 0.75pt solid #333;
             padding-top: 1.5mm; margin-top: 6mm; }
.signature .role { font-size: 8pt; color: #444; }
.statement { font-size: 8pt; color: #444; }
"""


def css_string(text: str) -> str:
    """A CSS string literal: quotes, backslashes and line breaks escaped, so record text cannot end it."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("\r", " ")
    return f'"{escaped}"'


def stylesheet(meta: Meta) -> str:
    return STYLE % {
        "family": FAMILY,
        "head_left": css_string(f"{meta.title} · client {meta.client_initials}"),
        "head_right": css_string(meta.organization),
        "foot": css_string(meta.confidentiality),
    }


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _table(table: Table) -> str:
    parts = ["<table>"]
    if table.caption:
        parts.append(f"<caption>{_e(table.caption)}</caption>")
    if table.widths and len(table.widths) == len(table.columns):
        total = sum(table.widths)
        parts.append("<colgroup>")
        parts += [f'<col style="width: {100 * w / total:.1f}%">' for w in table.widths]
        parts.append("</colgroup>")
    parts.append("<thead><tr>" + "".join(f"<th>{_e(c)}</th>" for c in table.columns) + "</tr></thead><tbody>")
    for row in table.rows:
        parts.append("<tr>" + "".join(f"<td>{_e(cell)}</td>" for cell in row) + "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def _image(image: Image) -> str:
    source = f"data:{image.mime};base64,{base64.b64encode(image.data).decode('ascii')}"
    words = f'<div class="words">“{_e(image.words)}”</div>' if image.words else ""
    return (
        f'<figure class="work"><img src="{source}" alt="{_e(image.alt)}">'
        f"<figcaption>{_e(image.caption)}{words}</figcaption></figure>"
    )


def _in_our_font(svg: str) -> str:
    """The chart's text in the fonts the project ships: page CSS does not reach an SVG's text, which
    would otherwise take whatever sans-serif font the machine has."""
    svg = _FONT_ATTRIBUTE.sub(f'font-family="{FAMILY}"', svg)
    return svg.replace("<svg ", f'<svg font-family="{FAMILY}" ', 1)


def _signature(signature: Signature) -> str:
    when = long_moment(signature.at) if signature.at else "not signed"
    credentials = f", {_e(signature.credentials)}" if signature.credentials else ""
    return (
        f'<div class="signature"><div class="role">{_e(signature.role)}</div>'
        f"<div><strong>{_e(signature.name)}</strong>{credentials}</div><div>{_e(when)}</div></div>"
    )


def _block(block: Block) -> str:
    match block:
        case Heading(text=text, level=level):
            tag = "h2" if level <= 1 else "h3"
            return f"<{tag}>{_e(text)}</{tag}>"
        case Paragraph(text=text, label=label):
            lead = f"<strong>{_e(label)}</strong> " if label else ""
            return f"<p>{lead}{_e(text)}</p>"
        case Missing(text=text):
            return f'<p class="missing">{_e(text)}</p>'
        case Table():
            return _table(block)
        case Image():
            return _image(block)
        case Chart(svg=svg, caption=caption):
            # The SVG comes from artchart/core/charts.py, which escapes every text it draws.
            return f'<figure class="chart">{_in_our_font(svg)}<figcaption>{_e(caption)}</figcaption></figure>'
        case SignatureBlock(signatures=signatures, statement=statement):
            inner = "".join(_signature(s) for s in signatures)
            note = f'<p class="statement">{_e(statement)}</p>' if statement else ""
            return f'<div class="signatures">{inner}{note}</div>'
    raise TypeError(f"no PDF form for {type(block).__name__}")


def _body(blocks: list[Block]) -> list[str]:
    """Each block as HTML; pictures side by side, PER_ROW to a row, and a row is never split across pages."""
    parts: list[str] = []
    row: list[str] = []
    for block in blocks:
        if isinstance(block, Image):
            row.append(_image(block))
            if len(row) < PER_ROW:
                continue
        if row:
            parts.append(f'<div class="works">{"".join(row)}</div>')
            row = []
        if not isinstance(block, Image):
            parts.append(_block(block))
    if row:
        parts.append(f'<div class="works">{"".join(row)}</div>')
    return parts


def to_html(document: Document) -> str:
    """The finished HTML of the document (the PDF is this, laid out with :func:`stylesheet`)."""
    meta = document.meta
    head = [f"<h1>{_e(meta.title)}</h1>", '<div class="meta">']
    if meta.subtitle:
        head.append(f"<p>{_e(meta.subtitle)}</p>")
    head.append(f"<p>Client: {_e(meta.client_initials)}</p><p>{_e(meta.produced_line)}</p></div>")
    body = "\n".join(_body(document.blocks))
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{_e(meta.title)}</title></head>'
        f"<body>{''.join(head)}\n{body}</body></html>"
    )


def html_to_pdf(markup: str, css: str) -> bytes:
    """WeasyPrint's own work: lay out finished HTML and CSS and write the PDF (what the bench compares to)."""
    # Imported here, not with the module: WeasyPrint loads the system's Pango when imported, and a
    # machine without it should still serve every page but this one (operations.md says what to install).
    from weasyprint import CSS, HTML  # noqa: PLC0415 - loads Pango: only when a PDF is made
    from weasyprint.text.fonts import FontConfiguration  # noqa: PLC0415

    # Importing WeasyPrint turns on Pillow's loading of truncated images for the whole process;
    # photo intake must keep refusing them, so the switch goes back (intake also sets it itself).
    ImageFile.LOAD_TRUNCATED_IMAGES = False

    fonts = FontConfiguration()
    style = CSS(string=css, base_url=str(FONTS) + "/", font_config=fonts)
    return HTML(string=markup, base_url=str(FONTS) + "/").write_pdf(stylesheets=[style], font_config=fonts)


def render(document: Document) -> bytes:
    return html_to_pdf(to_html(document), stylesheet(document.meta))
