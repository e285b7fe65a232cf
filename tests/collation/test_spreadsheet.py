"""The spreadsheet an analyst uses: two sheets, typed cells, a usable header; named downloads."""

from __future__ import annotations

import csv
from datetime import date, datetime
from io import BytesIO, StringIO

from openpyxl import load_workbook

from collation.filenames import export_filename
from collation.models import ExportJob
from collation.selection import Selection
from collation.spreadsheet import COLUMNS, EVIDENCE_COLUMN_TITLES, write_evidence_csv, write_xlsx
from core.database import db
from people.models import Agency, District
from tests.collation.test_collation import county, export  # noqa: F401  (the shared fixture)


def _workbook(selection=None):
    buffer = BytesIO()
    write_xlsx(selection or Selection(), buffer)
    return load_workbook(BytesIO(buffer.getvalue()))


def _rows(sheet) -> list[dict]:
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_the_pledges_sheet_has_a_row_per_entry_with_ids_dates_and_counts(county):  # noqa: F811
    workbook = _workbook()
    assert workbook.sheetnames == ["Pledges", "Evidence"]
    sheet = workbook["Pledges"]
    assert [cell.value for cell in sheet[1]] == COLUMNS
    rows = _rows(sheet)
    signed = next(row for row in rows if row["Pledge"] == "Signed <pledge> & more")
    assert isinstance(signed["Record id"], int)
    assert signed["Cycle"] == 1
    assert signed["Key point number"] == 1
    assert signed["Key point or finding"].startswith("Keeping the child")
    assert signed["District"] == "North District"
    assert signed["Agency"] == "Police"
    assert signed["Owner or team"] == "Individual"
    assert signed["Examples of current good practice"] == "'=SUM(A1:A9)"  # never a formula
    assert signed["Stage 1 signed off on"] == datetime(2026, 3, 1)  # a real date
    assert isinstance(signed["Review signed off on"], datetime)
    assert signed["Evidence pieces"] == 1
    assert (signed["Evidence SR"], signed["Evidence SUR"]) == (0, 1)
    team = next(row for row in rows if row["Pledge"] == "Team pledge in the south")
    assert team["Owner or team"] == "Tiny team"
    assert team["Key point number"] == 2
    assert team["Review signed off on"] is None
    assert team["Evidence pieces"] == 0
    date_cell = next(cell for cell in sheet["O"][1:] if cell.value is not None)
    assert date_cell.is_date
    assert date_cell.number_format == "d mmmm yyyy"


def test_the_evidence_sheet_has_a_row_per_piece_and_a_column_per_source(county):  # noqa: F811
    sheet = _workbook()["Evidence"]
    assert [cell.value for cell in sheet[1]] == EVIDENCE_COLUMN_TITLES
    (row,) = _rows(sheet)
    assert row["Evidence of improved practice"] == "Evidence from a family"
    assert row["Key point number"] == 1
    assert isinstance(row["Record id"], int)
    assert {code: row[code] for code in ("SR", "SUR", "MR", "CR")} == {
        "SR": 0,
        "SUR": 1,
        "MR": 0,
        "CR": 0,
    }


def test_each_sheet_has_a_bold_frozen_filtered_header_widths_and_wrapped_text(county):  # noqa: F811
    workbook = _workbook()
    for name, columns in (("Pledges", COLUMNS), ("Evidence", EVIDENCE_COLUMN_TITLES)):
        sheet = workbook[name]
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])
        last = sheet.cell(row=1, column=len(columns)).column_letter
        assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}"
        assert sheet.max_row >= 2
        assert sheet.column_dimensions["A"].width == 10
        assert max(dimension.width for dimension in sheet.column_dimensions.values()) >= 36
    pledges = workbook["Pledges"]
    pledge_column = COLUMNS.index("Pledge") + 1
    cells = [pledges.cell(row=r, column=pledge_column) for r in range(2, pledges.max_row + 1)]
    assert all(cell.alignment.wrap_text for cell in cells if cell.value)


def test_the_csv_has_the_pledges_columns_and_the_evidence_csv_its_own(
    client,
    auth,
    county,  # noqa: F811
    runner,
    tmp_path,
):
    auth.login(county["training"])
    rows = list(csv.reader(StringIO(export(client, "csv").decode("utf-8-sig"))))
    assert rows[0] == COLUMNS
    signed = next(row for row in rows if "Signed <pledge> & more" in row)
    assert signed[COLUMNS.index("Stage 1 signed off on")] == "2026-03-01"
    assert signed[COLUMNS.index("Evidence SUR")] == "1"
    out = tmp_path / "evidence.csv"
    result = runner.invoke(
        args=["export", "spreadsheet", "--format", "csv", "--sheet", "evidence", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    evidence = list(csv.reader(StringIO(out.read_text(encoding="utf-8-sig"))))
    assert evidence[0] == EVIDENCE_COLUMN_TITLES
    assert evidence[1][EVIDENCE_COLUMN_TITLES.index("SUR")] == "1"
    buffer = BytesIO()
    write_evidence_csv(Selection(), buffer)
    assert buffer.getvalue() == out.read_bytes()


def test_downloads_are_named_for_their_selection_and_date(county):  # noqa: F811
    on = date(2026, 11, 25)
    district = District(name="Chesterfield")
    police = db.session.query(Agency).filter_by(name="Police").one()
    assert export_filename(Selection(), "pdf", on) == "pledges-county-2026-11-25.pdf"
    assert (
        export_filename(Selection(district=district), "xlsx", on)
        == "pledges-chesterfield-2026-11-25.xlsx"
    )
    assert (
        export_filename(
            Selection(locked_district=District(name="Ynys Môn / Anglesey"), agency=police),
            "csv",
            on,
            what="evidence",
        )
        == "evidence-ynys-mon-anglesey-police-2026-11-25.csv"
    )
    anonymised = Selection(key_point_number=3, anonymise=True, signed_off_from=date(2026, 1, 1))
    assert export_filename(anonymised, "pdf", on) == (
        "pledges-county-key-point-3-signed-off-2026-01-01-to-now-anonymised-2026-11-25.pdf"
    )
    unnamed = District(id=7, name="Ж")
    assert export_filename(Selection(district=unnamed), "pdf", on) == (
        "pledges-district-7-2026-11-25.pdf"
    )


def test_an_export_job_downloads_under_its_selections_name(client, auth, county, app, tmp_path):  # noqa: F811
    app.config["EXPORT_DIR"] = str(tmp_path)
    try:
        auth.login(county["south_team"])
        response = client.post("/collation/exports?anonymise=1", data={"kind": "csv"})
        assert response.status_code == 302
        job = db.session.query(ExportJob).one()
        download = client.get(f"/collation/exports/{job.id}/download")
        disposition = download.headers["Content-Disposition"]
        download.close()
        assert "pledges-south-district-anonymised-" in disposition
        assert disposition.endswith('.csv"') or disposition.endswith(".csv")
    finally:
        app.config.pop("EXPORT_DIR")
