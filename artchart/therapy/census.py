"""Reading a hospital's census export (CSV) into rows a group can be filled from.

Pure: no Django. Takes the uploaded bytes, returns :class:`CensusRow` values or
raises :class:`CensusError` naming every fault at once (the columns, or each row
at fault by its number as a spreadsheet shows it: the header is row 1), so the
user fixes the file once and nothing is imported from a file with any fault.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

from artchart.core.messages import UserMessage

# A day's census of a large hospital is a few hundred rows; these limits keep a
# wrong file (a whole EHR extract) from being parsed in a request.
MAX_BYTES = 1_000_000
MAX_ROWS = 2_000

# Canonical column → the headers accepted for it (compared lower-case, with spaces,
# underscores and hyphens alike).
COLUMNS: dict[str, tuple[str, ...]] = {
    "last_name": ("last name", "lastname", "surname", "family name", "legal last name"),
    "first_name": ("first name", "firstname", "given name", "legal first name"),
    "date_of_birth": ("date of birth", "dob", "birth date", "birthdate"),
    "mrn": ("mrn", "medical record number", "external id", "patient id"),
    "unit": ("unit", "ward"),
    "room": ("room", "bed", "room bed"),
}
REQUIRED = ("last_name", "first_name", "date_of_birth")
LABELS = {
    "last_name": "last name",
    "first_name": "first name",
    "date_of_birth": "date of birth",
    "mrn": "MRN",
    "unit": "unit",
    "room": "room",
}

TOO_LARGE = UserMessage("census_too_large", "The file is larger than {limit} kB; export only the day's census.")
TOO_MANY_ROWS = UserMessage(
    "census_too_many_rows", "The file has more than {limit} rows; export only the day's census."
)
NOT_UTF8 = UserMessage("census_not_utf8", 'The file is not UTF-8 text; save it from the spreadsheet as "CSV UTF-8".')
NOT_CSV = UserMessage("census_not_csv", "The file could not be read as CSV: {error}.")
EMPTY = UserMessage("census_empty", "The file is empty: it needs a header row and at least one row of clients.")
NO_ROWS = UserMessage("census_no_rows", "The file has a header row but no clients.")
UNKNOWN_COLUMNS = UserMessage(
    "census_unknown_columns",
    "Unknown columns: {columns}. Use only: last name, first name, date of birth, MRN, unit, room.",
)
MISSING_COLUMNS = UserMessage("census_missing_columns", "Missing columns: {columns}.")
REPEATED_COLUMN = UserMessage("census_repeated_column", "The column {column} appears more than once.")
BAD_DATE = UserMessage("census_bad_date", "Row {row}: date of birth '{value}' is not a date (use YYYY-MM-DD)")
FUTURE_DATE = UserMessage("census_future_date", "Row {row}: date of birth '{value}' is in the future")
EMPTY_VALUE = UserMessage("census_empty_value", "Row {row}: {column} is empty")
WRONG_WIDTH = UserMessage("census_wrong_width", "Row {row}: has {found} values where the header has {expected}")
TOO_LONG = UserMessage("census_value_too_long", "Row {row}: {column} is longer than {limit} characters")

MAX_VALUE_LENGTH = 100
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class CensusError(ValueError):
    """The file cannot be imported; ``messages`` names every fault."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class CensusRow:
    row: int  # as a spreadsheet numbers it (the header is row 1)
    last_name: str
    first_name: str
    date_of_birth: dt.date
    mrn: str = ""
    unit: str = ""
    room: str = ""

    @property
    def match_key(self) -> tuple[str, str, dt.date]:
        return name_key(self.last_name), name_key(self.first_name), self.date_of_birth


def name_key(name: str) -> str:
    """A name as matching compares it: case and runs of spaces do not count."""
    return " ".join(name.split()).casefold()


def _header_key(header: str) -> str:
    return " ".join(re.sub(r"[_\-/]+", " ", header).split()).casefold()


_ALIASES = {_header_key(alias): column for column, aliases in COLUMNS.items() for alias in aliases}


def _columns(header: list[str]) -> list[str]:
    """The canonical column of each header cell; every fault of the header at once."""
    columns, unknown, errors = [], [], []
    for cell in header:
        column = _ALIASES.get(_header_key(cell))
        if column is None:
            unknown.append(f"'{cell.strip()}'" if cell.strip() else "(a column with no name)")
        elif column in columns:
            errors.append(REPEATED_COLUMN.format(column=LABELS[column]))
        columns.append(column)
    if unknown:
        errors.insert(0, UNKNOWN_COLUMNS.format(columns=", ".join(unknown)))
    missing = [LABELS[c] for c in REQUIRED if c not in columns]
    if missing:
        errors.append(MISSING_COLUMNS.format(columns=", ".join(missing)))
    if errors:
        raise CensusError(errors)
    return columns


def _date(value: str, row: int, today: dt.date, errors: list[str]) -> dt.date | None:
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError
        day = dt.date.fromisoformat(value)
    except ValueError:
        errors.append(BAD_DATE.format(row=row, value=value))
        return None
    if day > today:
        errors.append(FUTURE_DATE.format(row=row, value=value))
        return None
    return day


def parse_census(
    data: bytes, *, today: dt.date, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS
) -> list[CensusRow]:
    """The rows of a census file, or :class:`CensusError` with every fault found.

    UTF-8 with or without a byte-order mark (Excel writes one); blank lines are
    skipped but still counted, so row numbers match the spreadsheet.
    """
    numbered = _numbered_records(data, max_bytes=max_bytes)
    if not numbered:
        raise CensusError([EMPTY])
    (_, header), body = numbered[0], numbered[1:]
    columns = _columns(header)
    if not body:
        raise CensusError([NO_ROWS])
    if len(body) > max_rows:
        raise CensusError([TOO_MANY_ROWS.format(limit=max_rows)])
    rows, errors = [], []
    for number, record in body:
        if len(record) != len(columns):
            errors.append(WRONG_WIDTH.format(row=number, found=len(record), expected=len(columns)))
            continue
        values = {column: cell.strip() for column, cell in zip(columns, record, strict=True)}
        row = _row(number, values, today, errors)
        if row is not None:
            rows.append(row)
    if errors:
        raise CensusError(errors)
    return rows


def _numbered_records(data: bytes, *, max_bytes: int) -> list[tuple[int, list[str]]]:
    """The file's records that are not blank, each with its line number in the spreadsheet."""
    if len(data) > max_bytes:
        raise CensusError([TOO_LARGE.format(limit=max_bytes // 1000)])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CensusError([NOT_UTF8]) from None
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise CensusError([NOT_CSV.format(error=exc)]) from None
    return [(number, record) for number, record in enumerate(records, start=1) if any(cell.strip() for cell in record)]


def _row(number: int, values: dict[str, str], today: dt.date, errors: list[str]) -> CensusRow | None:
    """One row checked; its faults go to ``errors`` and it is None if it has any."""
    row_errors: list[str] = []
    for column in REQUIRED:
        if not values[column]:
            row_errors.append(EMPTY_VALUE.format(row=number, column=LABELS[column]))
    for column, value in values.items():
        if len(value) > MAX_VALUE_LENGTH:
            row_errors.append(TOO_LONG.format(row=number, column=LABELS[column], limit=MAX_VALUE_LENGTH))
    born = _date(values["date_of_birth"], number, today, row_errors) if values["date_of_birth"] else None
    errors.extend(row_errors)
    if row_errors:
        return None
    return CensusRow(
        row=number,
        last_name=values["last_name"],
        first_name=values["first_name"],
        date_of_birth=born,
        mrn=values.get("mrn", ""),
        unit=values.get("unit", ""),
        room=values.get("room", ""),
    )
