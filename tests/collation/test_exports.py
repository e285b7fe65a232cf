"""Exports off the request: the progress page, the download, failure and retry, the command line."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
import sqlalchemy as sa
import time_machine
from pypdf import PdfReader

from admin.operations import set_roles
from collation import exports
from collation.models import ExportJob, ExportKind, ExportStatus
from core import queue
from core.clock import utcnow
from core.database import db
from people.models import District
from tests.collation.test_collation import county  # noqa: F401  (the shared fixture)


@pytest.fixture
def export_dir(app, tmp_path):
    previous = app.config["EXPORT_DIR"]
    app.config["EXPORT_DIR"] = str(tmp_path)
    yield tmp_path
    app.config["EXPORT_DIR"] = previous


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
    assert list(export_dir.iterdir()) == []  # the partial file is gone
    monkeypatch.undo()
    client.post(f"/collation/exports/{job.id}/retry")
    db.session.refresh(job)
    assert job.status is ExportStatus.DONE
    assert [path.name for path in export_dir.iterdir()] == [job.file_name]


def _done_export(client, auth, user, query=""):
    auth.login(user)
    client.post(f"/collation/exports?{query}", data={"kind": "csv"})
    job = db.session.scalars(sa.select(ExportJob).order_by(ExportJob.id.desc())).first()
    assert job.status is ExportStatus.DONE
    response = client.get(f"/collation/exports/{job.id}/download")
    assert response.status_code == 200
    response.close()
    return job


def test_a_removed_role_can_no_longer_download_what_it_requested(
    client,
    auth,
    county,  # noqa: F811
    export_dir,
    people,
):
    """Issue 11 item 7: every download checks the roles held now."""
    training = county["training"]
    job = _done_export(client, auth, training)
    set_roles(training, set(), by=people["admin"])
    db.session.commit()
    assert client.get(f"/collation/exports/{job.id}/download").status_code == 403
    assert client.get(f"/collation/exports/{job.id}").status_code == 403
    # A district team member moved to another district loses their district's export too.
    south = county["south_team"]
    job = _done_export(client, auth, south)
    assert job.district_scope_id == south.district_id
    south.district = db.session.scalars(
        sa.select(District).where(District.id != south.district_id)
    ).first()
    db.session.commit()
    assert client.get(f"/collation/exports/{job.id}/download").status_code == 403


def test_a_job_whose_worker_died_is_marked_failed_and_can_be_tried_again(
    client,
    auth,
    county,  # noqa: F811
    export_dir,
):
    training = county["training"]
    started = utcnow()
    job = ExportJob(
        requested_by=training,
        kind=ExportKind.CSV,
        status=ExportStatus.RUNNING,
        started_at=started,
        heartbeat_at=started,
        file_name="export-1-abc.csv",
    )
    db.session.add(job)
    db.session.commit()
    (export_dir / "export-1-abc.csv.part").write_bytes(b"half a file")
    with time_machine.travel(started + timedelta(minutes=2), tick=False):
        queue.reconcile(utcnow())  # a heartbeat two minutes old: it may still be working
    db.session.refresh(job)
    assert job.status is ExportStatus.RUNNING
    with time_machine.travel(started + timedelta(minutes=4), tick=False):
        queue.reconcile(utcnow())
    db.session.refresh(job)
    assert job.status is ExportStatus.FAILED
    assert "the worker running it stopped" in job.error
    assert list(export_dir.iterdir()) == []
    auth.login(training)
    assert "Try again" in client.get(f"/collation/exports/{job.id}").get_data(as_text=True)
    client.post(f"/collation/exports/{job.id}/retry")
    db.session.refresh(job)
    assert job.status is ExportStatus.DONE


def test_an_export_past_its_time_limit_is_stopped_with_a_reason(
    app,
    client,
    auth,
    county,  # noqa: F811
    export_dir,
):
    app.config["EXPORT_TIME_LIMIT_SECONDS"] = 0
    try:
        auth.login(county["training"])
        client.post("/collation/exports", data={"kind": "pdf"})
    finally:
        app.config["EXPORT_TIME_LIMIT_SECONDS"] = 30 * 60
    db.session.expire_all()
    job = db.session.scalars(sa.select(ExportJob)).one()
    assert job.status is ExportStatus.FAILED
    assert job.error.startswith("The export took longer than 0 minutes")
    assert list(export_dir.iterdir()) == []


def test_a_job_the_queue_lost_is_queued_again_and_runs_once(client, auth, county, export_dir):  # noqa: F811
    job = ExportJob(
        requested_by=county["training"], kind=ExportKind.CSV, queued_at=utcnow(), selection={}
    )
    db.session.add(job)
    db.session.commit()
    queue.reconcile(utcnow())
    db.session.refresh(job)
    assert job.status is ExportStatus.QUEUED  # only just queued: its task is on its way
    with time_machine.travel(utcnow() + timedelta(minutes=6), tick=False):
        queue.reconcile(utcnow())
    db.session.refresh(job)
    assert job.status is ExportStatus.DONE
    finished = job.finished_at
    exports.run_export(job.id)  # a repeated task does nothing
    db.session.refresh(job)
    assert job.finished_at == finished
    assert len(list(export_dir.iterdir())) == 1


def test_files_are_deleted_after_the_retention_period(client, auth, county, export_dir):  # noqa: F811
    job = _done_export(client, auth, county["training"])
    with time_machine.travel(utcnow() + timedelta(days=6), tick=False):
        queue.reconcile(utcnow())
    assert (export_dir / job.file_name).exists()
    with time_machine.travel(utcnow() + timedelta(days=7, minutes=1), tick=False):
        queue.reconcile(utcnow())
    assert list(export_dir.iterdir()) == []
    db.session.refresh(job)
    assert job.file_deleted_at is not None
    assert client.get(f"/collation/exports/{job.id}/download").status_code == 404
    page = client.get(f"/collation/exports/{job.id}").get_data(as_text=True)
    assert "files are kept for 7 days" in page


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
