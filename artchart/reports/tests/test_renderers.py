"""The neutral document, written as PDF and as Word: pages, text, headings, tables and pictures."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pypdf
import pytest
from PIL import ImageFile

from artchart.imaging.intake import ImageRejected, load
from artchart.reports import render_docx, render_pdf
from artchart.reports.document import (
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
)
from artchart.tests.factories import jpeg_bytes

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100" width="200" height="100">'
    '<line x1="0" y1="90" x2="200" y2="10" stroke="#000"/><text x="10" y="20">PHQ-9</text></svg>'
)


def a_document(rows: int = 80) -> Document:
    document = Document(
        Meta(
            title="Progress report",
            client_initials="JD",
            produced_by="Tess Rivera, ATR-BC",
            produced_at=dt.datetime(2026, 12, 7, 14, 5),
            subtitle="Period: 1 June 2026 to 30 November 2026",
            organization="Riverside Art Therapy",
        )
    )
    document.add(
        Heading("Attendance"),
        Paragraph("Came to every session but one.", label="Summary:"),
        Missing("No measures were recorded in this period."),
        Table(("Date", "Session"), tuple((f"{day} June 2026", f"Session {day}") for day in range(rows))),
        Heading("Measures"),
        Chart(SVG, "PHQ-9 in this period", Table(("Date", "PHQ-9 total"), (("1 Jun 2026", "14"),))),
        Heading("Artworks"),
        Image(jpeg_bytes(), "image/jpeg", "The bridge, made 3 June 2026, marker", alt="Artwork", words="It holds."),
        Heading("Signatures", level=2),
        SignatureBlock((Signature("Signed by", "Tess Rivera", dt.datetime(2026, 6, 1, 9, 30), "ATR-BC"),), "hash"),
    )
    return document


def test_a_document_renders_to_a_pdf_of_several_pages_with_its_text_and_running_heads():
    pdf = render_pdf.render(a_document())
    assert pdf.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    pages = len(reader.pages)
    assert pages >= 2
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in ("Progress report", "Attendance", "No measures were recorded in this period.", "The bridge"):
        assert expected in text
    assert "client JD" in reader.pages[-1].extract_text()
    assert f"Page {pages} of {pages}" in reader.pages[-1].extract_text()
    assert "Confidential health information" in reader.pages[0].extract_text()


def test_the_pdf_is_set_in_the_fonts_the_project_ships():
    reader = pypdf.PdfReader(io.BytesIO(render_pdf.render(a_document(rows=3))))
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
        if "/BaseFont" in font.get_object()
    }
    # The family name is the one @font-face gives the shipped files: no font of the machine is used.
    assert fonts and all("ArtChart-Report-Sans" in name for name in fonts), fonts


def test_record_text_cannot_break_out_of_the_html_or_the_page_css():
    document = a_document(rows=1)
    document.meta = Meta('Report "x" } @page {', "<b>", "a", dt.datetime(2026, 1, 1, 9, 0))
    document.add(Paragraph("<script>alert(1)</script>"))
    markup = render_pdf.to_html(document)
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    assert '"Report \\"x\\" } @page {' in render_pdf.stylesheet(document.meta)
    assert render_pdf.render(document).startswith(b"%PDF")


def test_a_document_renders_to_word_with_real_headings_tables_and_the_picture():
    opened = docx.Document(io.BytesIO(render_docx.render(a_document(rows=5))))
    headings = [p.text for p in opened.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["Attendance", "Measures", "Artworks", "Signatures"]
    assert opened.paragraphs[0].style.name == "Title" and opened.paragraphs[0].text == "Progress report"
    attendance, chart_values = opened.tables
    assert [cell.text for cell in attendance.rows[0].cells] == ["Date", "Session"]
    assert len(attendance.rows) == 6
    assert [cell.text for cell in chart_values.rows[1].cells] == ["1 Jun 2026", "14"]
    assert len(opened.inline_shapes) == 1
    text = "\n".join(p.text for p in opened.paragraphs)
    assert "No measures were recorded in this period." in text and "“It holds.”" in text
    assert "Signed by: Tess Rivera, ATR-BC, 1 June 2026 at 09:30" in text
    section = opened.sections[0]
    assert "client JD" in section.header.paragraphs[0].text
    assert "Confidential health information" in section.footer.paragraphs[0].text


def test_making_a_pdf_leaves_photo_intake_refusing_truncated_photos(monkeypatch):
    # Importing WeasyPrint turns on Pillow's process-wide switch for loading truncated images.
    render_pdf.render(a_document(rows=2))
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    photo = jpeg_bytes()
    # And intake refuses them whatever another library set the switch to.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(ImageRejected):
        load(photo[: len(photo) // 2])
