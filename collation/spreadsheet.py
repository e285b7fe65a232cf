"""The collation as rows: XLSX (openpyxl, write-only) and CSV, one row per piece of evidence.

Cells a spreadsheet would read as a formula (starting =, +, -, @) are neutralised.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from io import BytesIO, TextIOWrapper
from typing import BinaryIO

from openpyxl import Workbook

from collation.queries import collated_items
from collation.selection import Selection
from core.cells import neutralise

COLUMNS = [
    "Area",
    "Key point or finding",
    "District",
    "Agency",
    "Team",
    "Examples of current good practice",
    "Pledge",
    "Factors that will help",
    "Factors that may hinder",
    "Anticipated signs of success",
    "Evidence of improved practice",
    "Evidence sources",
    "Judgement of change",
    "What next",
]


def collated_rows(
    selection: Selection, progress: Callable[[int], None] | None = None
) -> Iterator[list[str]]:
    for count, item in enumerate(collated_items(selection), start=1):
        team = "Not shown" if selection.anonymise and item.team != "Individual" else item.team
        common = [
            item.area,
            item.point,
            item.district,
            item.agency,
            team,
            item.good_practice,
            item.pledge,
            item.helps,
            item.hinders,
            item.signs_of_success,
        ]
        for evidence in item.evidence or (None,):
            yield [
                neutralise(value)
                for value in [
                    *common,
                    evidence.description if evidence else "",
                    evidence.sources if evidence else "",
                    item.judgement,
                    item.what_next,
                ]
            ]
        if progress is not None:
            progress(count)


def write_xlsx(selection: Selection, out: BinaryIO, progress=None) -> None:
    workbook = Workbook(write_only=True)  # rows go to a temporary file, not memory
    sheet = workbook.create_sheet("Collated pledges")
    sheet.append(COLUMNS)
    for row in collated_rows(selection, progress):
        sheet.append(row)
    workbook.save(out)


def write_csv(selection: Selection, out: BinaryIO, progress=None) -> None:
    """Rows are written as they are read, so a county-wide CSV never sits in memory."""
    text = TextIOWrapper(out, encoding="utf-8-sig", newline="")  # the BOM makes Excel read UTF-8
    writer = csv.writer(text)
    writer.writerow(COLUMNS)
    writer.writerows(collated_rows(selection, progress))
    text.flush()
    text.detach()


def xlsx_bytes(selection: Selection) -> bytes:
    buffer = BytesIO()
    write_xlsx(selection, buffer)
    return buffer.getvalue()


def csv_bytes(selection: Selection) -> bytes:
    buffer = BytesIO()
    write_csv(selection, buffer)
    return buffer.getvalue()
