"""Running an export off the request: the work goes to a thread, its progress to the database.

Any web worker can show a job's progress, since it lives in the database. Progress is written
through a connection of its own, so the export's streaming query is never interrupted. A failed
export records why, and can be tried again.
"""

from __future__ import annotations

import logging
import secrets
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, BinaryIO

import sqlalchemy as sa
from flask import Flask, current_app
from werkzeug.datastructures import MultiDict

from collation.models import ExportJob, ExportKind, ExportStatus
from collation.queries import count_collated_items
from collation.selection import Selection, selection_from_args
from core.clock import utcnow
from core.database import db
from people.models import User

log = logging.getLogger(__name__)

# One export at a time per web process: a county-wide PDF uses a whole core.
_executor: ThreadPoolExecutor | None = None
PROGRESS_EVERY = 50


def export_dir(app: Flask) -> Path:
    path = Path(app.config.get("EXPORT_DIR") or Path(app.instance_path) / "exports")
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_export(kind: ExportKind, selection: Selection, out: BinaryIO, progress=None) -> None:
    """Write one export to a binary stream: what the dashboard's jobs and the command line share."""
    # Imported here: ReportLab and openpyxl take a noticeable part of a second to import, and
    # only exports need them (every other page, and every process's start, goes without).
    from collation.pdf import write_collated_pdf
    from collation.spreadsheet import write_csv, write_xlsx

    if kind is ExportKind.PDF:
        write_collated_pdf(selection, out, progress)
    elif kind is ExportKind.XLSX:
        write_xlsx(selection, out, progress)
    else:
        write_csv(selection, out, progress)


def queue_export(user: User, kind: ExportKind, selection: Selection) -> ExportJob:
    job = ExportJob(requested_by=user, kind=kind, selection=selection.query_args())
    db.session.add(job)
    db.session.flush()
    return job


def start_export(job_id: int) -> None:
    """Run the job in the background (or at once, when EXPORTS_RUN_INLINE is set for tests)."""
    global _executor
    app = current_app._get_current_object()
    if app.config.get("EXPORTS_RUN_INLINE"):
        run_export(app, job_id)
        return
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="export")
    _executor.submit(run_export, app, job_id)


def _record_progress(job_id: int, **values: Any) -> None:
    with db.engine.begin() as connection:
        connection.execute(sa.update(ExportJob).where(ExportJob.id == job_id).values(**values))


def run_export(app: Flask, job_id: int) -> None:
    with app.app_context():
        job = db.session.get(ExportJob, job_id)
        if job is None:
            return
        user = job.requested_by
        selection = selection_from_args(MultiDict(job.selection), user)
        kind = job.kind
        db.session.rollback()  # the job row is updated through its own connection from here
        try:
            total = count_collated_items(selection)
            _record_progress(job_id, status=ExportStatus.RUNNING, items_total=total, items_done=0)

            def progress(done: int) -> None:
                if done % PROGRESS_EVERY == 0:
                    _record_progress(job_id, items_done=done)

            name = f"export-{job_id}-{secrets.token_hex(8)}.{kind.value}"
            with (export_dir(app) / name).open("wb") as out:
                write_export(kind, selection, out, progress)
            _record_progress(
                job_id,
                status=ExportStatus.DONE,
                items_done=total,
                file_name=name,
                finished_at=utcnow(),
            )
            log.info("export %s done (%d items)", job_id, total)
        except Exception as error:
            log.exception("export %s failed", job_id)
            db.session.rollback()
            _record_progress(
                job_id,
                status=ExportStatus.FAILED,
                finished_at=utcnow(),
                error=f"{type(error).__name__}: {error}"[:500],
            )
        finally:
            db.session.remove()


def retry_export(job: ExportJob) -> None:
    job.status = ExportStatus.QUEUED
    job.items_done = 0
    job.error = ""
    job.finished_at = None
    db.session.flush()
