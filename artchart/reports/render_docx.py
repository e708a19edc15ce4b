"""A :class:`~artchart.reports.document.Document` as a Word file (DOCX) with python-docx.

Editable as any Word document: real headings (Heading 1 and 2, so the navigation pane lists them),
real tables with a header row that repeats on every page, pictures embedded with their captions kept
on the same page, and the client's initials, the confidentiality line and the page number in the
header and footer. Word cannot show the pages' SVG charts, so a chart comes as its table of values.
"""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from artchart.reports.document import (
    Block,
    Chart,
    Document,
    Heading,
    Image,
    Missing,
    Paragraph,
    SignatureBlock,
    Table,
    long_moment,
)

PICTURE_WIDTH = Cm(7.5)
MUTED = RGBColor(0x44, 0x44, 0x44)


def _keep_with_next(paragraph: DocxParagraph) -> None:
    paragraph.paragraph_format.keep_with_next = True


def _page_field(paragraph: DocxParagraph) -> None:
    """Word's PAGE field: the page number, filled in by Word as it lays out."""
    run = paragraph.add_run()
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), tag)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _header_and_footer(docx, document: Document) -> None:
    meta = document.meta
    section = docx.sections[0]
    header = section.header.paragraphs[0]
    organization = f" · {meta.organization}" if meta.organization else ""
    header.text = f"{meta.title} · client {meta.client_initials}{organization}"
    footer = section.footer.paragraphs[0]
    footer.text = meta.confidentiality
    number = section.footer.add_paragraph("Page ")
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _page_field(number)
    for paragraph in (header, footer, number):
        for run in paragraph.runs:
            run.font.size = Pt(8)
            run.font.color.rgb = MUTED


def _repeat_header_row(table: DocxTable) -> None:
    properties = table.rows[0]._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.append(element)


def _no_row_split(table: DocxTable) -> None:
    for row in table.rows:
        element = OxmlElement("w:cantSplit")
        element.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(element)


def _table(docx, table: Table) -> None:
    if table.caption:
        caption = docx.add_paragraph(table.caption, style="Caption")
        _keep_with_next(caption)
    grid = docx.add_table(rows=1 + len(table.rows), cols=len(table.columns))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, table.columns, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row, values in zip(grid.rows[1:], table.rows, strict=True):
        for cell, text in zip(row.cells, values, strict=True):
            cell.text = text
    _repeat_header_row(grid)
    _no_row_split(grid)
    docx.add_paragraph()


def _image(docx, image: Image) -> None:
    picture = docx.add_paragraph()
    _keep_with_next(picture)
    picture.add_run().add_picture(io.BytesIO(image.data), width=PICTURE_WIDTH)
    caption = docx.add_paragraph(image.caption, style="Caption")
    if image.words:
        _keep_with_next(caption)
        words = docx.add_paragraph()
        words.add_run(f"“{image.words}”").italic = True


def _signatures(docx, block: SignatureBlock) -> None:
    for signature in block.signatures:
        when = long_moment(signature.at) if signature.at else "not signed"
        paragraph = docx.add_paragraph()
        paragraph.add_run(f"{signature.role}: ").bold = True
        name = signature.name + (f", {signature.credentials}" if signature.credentials else "")
        paragraph.add_run(f"{name}, {when}")
    if block.statement:
        statement = docx.add_paragraph()
        run = statement.add_run(block.statement)
        run.font.size = Pt(8)
        run.font.color.rgb = MUTED


def _block(docx, block: Block) -> None:
    match block:
        case Heading(text=text, level=level):
            _keep_with_next(docx.add_heading(text, level=1 if level <= 1 else 2))
        case Paragraph(text=text, label=label):
            paragraph = docx.add_paragraph()
            if label:
                paragraph.add_run(f"{label} ").bold = True
            paragraph.add_run(text)
        case Missing(text=text):
            docx.add_paragraph().add_run(text).italic = True
        case Table():
            _table(docx, block)
        case Image():
            _image(docx, block)
        case Chart(caption=caption, values=values):
            _table(docx, Table(values.columns, values.rows, caption=caption, widths=values.widths))
        case SignatureBlock():
            _signatures(docx, block)
        case _:
            raise TypeError(f"no Word form for {type(block).__name__}")


def render(document: Document) -> bytes:
    meta = document.meta
    docx = new_docx()
    docx.core_properties.title = meta.title
    docx.core_properties.author = meta.produced_by
    docx.core_properties.created = meta.produced_at
    _header_and_footer(docx, document)
    docx.add_heading(meta.title, level=0)
    if meta.subtitle:
        docx.add_paragraph(meta.subtitle)
    docx.add_paragraph(f"Client: {meta.client_initials}")
    docx.add_paragraph(meta.produced_line)
    for block in document.blocks:
        _block(docx, block)
    buffer = io.BytesIO()
    docx.save(buffer)
    return buffer.getvalue()
