"""The collation as rows an analyst can count and pivot: XLSX (two sheets) and CSV.

The XLSX has a sheet of pledges (one row per entry: ids, key point number, the stage 1 fields,
dates, the review's judgement and how many pieces of evidence came from each source) and a sheet
of evidence (one row per piece, a column per source holding 1 or 0, so sums count pieces).
The CSV has the pledges sheet's columns; `write_evidence_csv` gives the evidence sheet's
(`flask --app app export spreadsheet --format csv --sheet evidence`).

Rows are streamed: openpyxl's write-only workbook keeps them in a temporary file, and the CSV is
written as it is read, so memory stays flat at county size. Text a spreadsheet would read as a
formula (starting =, +, -, @) is neutralised (core.cells).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from io import BytesIO, TextIOWrapper
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from collation.queries import CollatedItem, collated_items
from collation.selection import Selection
from core.cells import neutralise
from pledges.models import EvidenceSource

SOURCES = [source.value for source in EvidenceSource]  # SR, SUR, MR, CR


@dataclass(frozen=True)
class Column:
    title: str
    width: float  # in characters, as Excel counts them
    wrap: bool = False


PLEDGE_COLUMNS = [
    Column("Record id", 10),
    Column("Cycle", 7),
    Column("Owner or team", 24, wrap=True),
    Column("Agency", 22, wrap=True),
    Column("District", 20, wrap=True),
    Column("Area", 28, wrap=True),
    Column("Key point number", 10),
    Column("Key point or finding", 36, wrap=True),
    Column("Finding source", 24, wrap=True),
    Column("Examples of current good practice", 48, wrap=True),
    Column("Pledge", 48, wrap=True),
    Column("Factors that will help", 40, wrap=True),
    Column("Factors that may hinder", 40, wrap=True),
    Column("Anticipated signs of success", 44, wrap=True),
    Column("Stage 1 signed off on", 14),
    Column("Review signed off on", 14),
    Column("Judgement of change", 18),
    Column("What next", 40, wrap=True),
    Column("Evidence pieces", 10),
    *(Column(f"Evidence {code}", 10) for code in SOURCES),
]
EVIDENCE_COLUMNS = [
    Column("Record id", 10),
    Column("Key point number", 10),
    Column("Key point or finding", 36, wrap=True),
    Column("Date", 14),
    Column("Evidence of improved practice", 70, wrap=True),
    *(Column(code, 7) for code in SOURCES),
]
COLUMNS = [column.title for column in PLEDGE_COLUMNS]
EVIDENCE_COLUMN_TITLES = [column.title for column in EVIDENCE_COLUMNS]
DATE_FORMAT = "d mmmm yyyy"  # 23 November 2026, as the app shows dates


def _text(value: str) -> str:
    return neutralise(value or "")


def _owner(item: CollatedItem, selection: Selection) -> str:
    """Records are attributed to a team, never to a person: an individual's record says so."""
    if selection.anonymise and item.team != "Individual":
        return "Not shown"
    return item.team


def pledge_row(item: CollatedItem, selection: Selection) -> list[Any]:
    counts = dict.fromkeys(SOURCES, 0)
    for evidence in item.evidence:
        for code in evidence.codes:
            counts[code] += 1
    return [
        item.record_id,
        item.cycle,
        _text(_owner(item, selection)),
        _text(item.agency),
        _text(item.district),
        _text(item.area),
        item.key_point_number,
        _text(item.point_title),
        _text(item.finding_source),
        _text(item.good_practice),
        _text(item.pledge),
        _text(item.helps),
        _text(item.hinders),
        _text(item.signs_of_success),
        item.signed_off_on,
        item.review_signed_off_on,
        item.judgement,
        _text(item.what_next),
        len(item.evidence),
        *(counts[code] for code in SOURCES),
    ]


def evidence_rows(item: CollatedItem) -> Iterator[list[Any]]:
    for evidence in item.evidence:
        yield [
            item.record_id,
            item.key_point_number,
            _text(item.point_title),
            evidence.occurred_on,
            _text(evidence.description),
            *(1 if code in evidence.codes else 0 for code in SOURCES),
        ]


def _items(selection: Selection, progress: Callable[[int], None] | None):
    for count, item in enumerate(collated_items(selection), start=1):
        yield item
        if progress is not None:
            progress(count)


def collated_rows(selection: Selection, progress=None) -> Iterator[list[Any]]:
    """The pledges sheet's rows, one per entry."""
    for item in _items(selection, progress):
        yield pledge_row(item, selection)


class _Sheet:
    """A write-only sheet with a bold, frozen, filtered header, set widths and wrapped text."""

    def __init__(self, workbook: Workbook, title: str, columns: list[Column]):
        self.sheet = workbook.create_sheet(title)
        self.columns = columns
        self.rows = 1
        # Widths and the frozen pane must be set before the first row is written.
        for number, column in enumerate(columns, start=1):
            self.sheet.column_dimensions[get_column_letter(number)].width = column.width
        self.sheet.freeze_panes = "A2"
        bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
        self.header = [self._cell(column.title, font=bold, alignment=wrap) for column in columns]
        self.sheet.append(self.header)
        # One styled cell per column, its value changed row by row: a write-only sheet writes a
        # row out as it is appended, and building and styling a new cell for every value took
        # half the export's time.
        dated = Alignment(vertical="top")
        self.wrapped = [self._cell(None, alignment=wrap) if c.wrap else None for c in columns]
        self.dated = [self._cell(None, number_format=DATE_FORMAT, alignment=dated) for _ in columns]

    def _cell(self, value, **style) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.sheet, value=value)
        for name, setting in style.items():
            setattr(cell, name, setting)
        return cell

    def append(self, values: list[Any]) -> None:
        cells = []
        for number, value in enumerate(values):
            styled = self.dated[number] if isinstance(value, date) else self.wrapped[number]
            if styled is None or value == "":
                cells.append(None if value == "" else value)
            else:
                styled.value = value
                cells.append(styled)
        self.sheet.append(cells)
        self.rows += 1

    def finish(self) -> None:
        last = get_column_letter(len(self.columns))
        self.sheet.auto_filter.ref = f"A1:{last}{self.rows}"


def write_xlsx(selection: Selection, out: BinaryIO, progress=None) -> None:
    """Both sheets in one pass over the data (each write-only sheet has its own temporary file)."""
    workbook = Workbook(write_only=True)
    pledges = _Sheet(workbook, "Pledges", PLEDGE_COLUMNS)
    evidence = _Sheet(workbook, "Evidence", EVIDENCE_COLUMNS)
    for item in _items(selection, progress):
        pledges.append(pledge_row(item, selection))
        for row in evidence_rows(item):
            evidence.append(row)
    pledges.finish()
    evidence.finish()
    workbook.save(out)


def _csv_value(value: Any) -> Any:
    return "" if value is None else value.isoformat() if isinstance(value, date) else value


def _write_csv(out: BinaryIO, titles: list[str], rows: Iterator[list[Any]]) -> None:
    text = TextIOWrapper(out, encoding="utf-8-sig", newline="")  # the BOM makes Excel read UTF-8
    writer = csv.writer(text)
    writer.writerow(titles)
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    text.flush()
    text.detach()


def write_csv(selection: Selection, out: BinaryIO, progress=None) -> None:
    """The pledges sheet as CSV (dates as 2026-11-25), written as it is read."""
    _write_csv(out, COLUMNS, collated_rows(selection, progress))


def write_evidence_csv(selection: Selection, out: BinaryIO, progress=None) -> None:
    """The evidence sheet as CSV: one row per piece of evidence."""
    rows = (row for item in _items(selection, progress) for row in evidence_rows(item))
    _write_csv(out, EVIDENCE_COLUMN_TITLES, rows)


def xlsx_bytes(selection: Selection) -> bytes:
    buffer = BytesIO()
    write_xlsx(selection, buffer)
    return buffer.getvalue()


def csv_bytes(selection: Selection) -> bytes:
    buffer = BytesIO()
    write_csv(selection, buffer)
    return buffer.getvalue()
