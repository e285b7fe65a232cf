"""Exports off the request: the progress page, the download, failure and retry, the command line."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader

from collation import exports
from collation.models import ExportJob, ExportStatus
from core.database import db
from tests.collation.test_collation import county  # noqa: F401  (the shared fixture)


@pytest.fixture
def export_dir(app, tmp_path):
    app.config["EXPORT_DIR"] = str(tmp_path)
    yield tmp_path
    app.config.pop("EXPORT_DIR")


def test_an_export_runs_and_its_page_offers_the_download(client, auth, county, export_dir):  # noqa: F811
    auth.login(county["training"])
    response = client.post("/collation/exports?anonymise=1", data={"kind": "pdf"})
    assert response.status_code == 302
    job = db.session.query(ExportJob).one()
    assert job.selection == {"anonymise": "1"}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The export is ready" in page
    download = client.get(f"/collation/exports/{job.id}/download")
    assert download.status_code == 200
    data = download.data
    download.close()  # send_file streams from the file: close it as a browser would
    text = " ".join(PdfReader(BytesIO(data)).pages[0].extract_text().split())
    assert "anonymised" in text
    # Another person cannot see or download it.
    auth.login(county["north_team"])
    assert client.get(f"/collation/exports/{job.id}").status_code == 403
    assert client.get(f"/collation/exports/{job.id}/download").status_code == 403


def test_a_running_export_shows_a_progress_bar_that_refreshes(client, auth, county, export_dir):  # noqa: F811
    job = ExportJob(
        requested_by=county["training"],
        kind=exports.ExportKind.CSV,
        status=ExportStatus.RUNNING,
        items_done=30,
        items_total=120,
    )
    db.session.add(job)
    db.session.commit()
    auth.login(county["training"])
    html = client.get(f"/collation/exports/{job.id}").get_data(as_text=True)
    assert '<progress id="export-progress" max="100" value="25">' in html
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "30 of 120 items" in html


def test_a_failed_export_says_why_and_can_be_retried(client, auth, county, export_dir, monkeypatch):  # noqa: F811
    def broken(kind, selection, out, progress=None):
        raise OSError("the disk is full")

    monkeypatch.setattr(exports, "write_export", broken)
    auth.login(county["training"])
    response = client.post("/collation/exports", data={"kind": "xlsx"})
    job = db.session.query(ExportJob).one()
    db.session.refresh(job)
    assert job.status is ExportStatus.FAILED
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The export failed" in html
    assert "the disk is full" in html
    monkeypatch.undo()
    client.post(f"/collation/exports/{job.id}/retry")
    db.session.refresh(job)
    assert job.status is ExportStatus.DONE


def test_exports_are_for_the_training_and_district_teams_only(client, auth, county):  # noqa: F811
    auth.login(county["alice"])
    assert client.post("/collation/exports", data={"kind": "pdf"}).status_code == 403
    auth.login(county["training"])
    assert client.post("/collation/exports", data={"kind": "exe"}).status_code == 400


def test_the_command_line_exports_with_filters(runner, county, tmp_path):  # noqa: F811
    out = tmp_path / "south.csv"
    result = runner.invoke(
        args=[
            "export",
            "spreadsheet",
            "--out",
            str(out),
            "--format",
            "csv",
            "--district",
            "south district",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "District: South District" in result.output
    text = out.read_text(encoding="utf-8-sig")
    assert "Team pledge in the south" in text
    assert "Signed <pledge>" not in text
    pdf = tmp_path / "county.pdf"
    result = runner.invoke(args=["export", "collated-pdf", "--out", str(pdf), "--anonymise"])
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes().startswith(b"%PDF")
    bad = runner.invoke(args=["export", "collated-pdf", "--out", str(pdf), "--district", "Mars"])
    assert bad.exit_code == 2
    assert "no district called 'Mars'" in bad.output
