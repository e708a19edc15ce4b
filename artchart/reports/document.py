"""The neutral document a report is built as, before any file format: plain dataclasses, no Django.

A report builder (``artchart/reports/selectors.py``) turns records into a :class:`Document`; each
renderer (``render_pdf``, ``render_docx``) writes the same document in its format, so a report reads
the same in every one. Everything here is already in words: dates and numbers are formatted by the
builder, so a renderer only lays out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

CONFIDENTIAL = (
    "Confidential health information. Disclosed only to the recipient it was prepared for; "
    "further disclosure needs the client's written consent or must be permitted by law."
)


@dataclass(frozen=True)
class Meta:
    """What every page says: the report's title, whose it is (initials only), who produced it and when."""

    title: str
    client_initials: str
    produced_by: str
    produced_at: dt.datetime
    subtitle: str = ""  # the period, or the plan's version
    organization: str = ""
    confidentiality: str = CONFIDENTIAL

    @property
    def produced_line(self) -> str:
        return f"Produced by {self.produced_by} on {long_moment(self.produced_at)}."


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 1 for a section, 2 for a part of one


@dataclass(frozen=True)
class Paragraph:
    text: str
    label: str = ""  # a lead-in in bold ("Client's words:"), kept apart so each format can set it


@dataclass(frozen=True)
class Missing:
    """A plain statement that data is missing ("No measures were recorded in this period."),
    set apart so a reader never mistakes a gap for an omission."""

    text: str


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    # Relative column widths (same length as columns), or empty for even widths.
    widths: tuple[int, ...] = ()


@dataclass(frozen=True)
class Image:
    """A picture with its caption, never split from it across pages."""

    data: bytes
    mime: str  # "image/jpeg", "image/png"
    caption: str
    alt: str
    words: str = ""  # the client's own words about the piece, quoted under the caption


@dataclass(frozen=True)
class Chart:
    """A chart drawn as SVG by the same code as the pages, and its values as a table for a format
    that cannot draw SVG (Word), so no format loses the numbers."""

    svg: str
    caption: str
    values: Table


@dataclass(frozen=True)
class Signature:
    role: str  # "Signed by", "Co-signed by"
    name: str
    at: dt.datetime | None
    credentials: str = ""


@dataclass(frozen=True)
class SignatureBlock:
    signatures: tuple[Signature, ...]
    statement: str = ""  # what the signatures attest (the content hash, say)


Block = Heading | Paragraph | Missing | Table | Image | Chart | SignatureBlock


@dataclass
class Document:
    meta: Meta
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    def headings(self) -> list[str]:
        return [block.text for block in self.blocks if isinstance(block, Heading)]


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def long_moment(moment: dt.datetime) -> str:
    return f"{long_date(moment.date())} at {moment:%H:%M}"
