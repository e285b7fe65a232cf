"""Running an export in a queue worker, never in a web worker; its progress lives in the database.

The job row is the truth. Requesting an export adds the row and, once that commits, queues one
task for it (`core.queue`). A worker claims the row (queued -> running, a conditional UPDATE, so a
task queued twice runs once), writes the file through the storage (`collation.storage`), and
keeps a heartbeat on the row while it works. Every minute the scheduler's reconcile:

- marks failed, with a reason in words, a running job with no heartbeat for a few minutes (its
  worker died, or the job ran past its time limit) and removes its partial file;
- queues again a job still waiting minutes after it was queued (the queue lost it);
- deletes files older than the retention period (7 days by default).

A failed job can be tried again from its page.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from datetime import datetime, timedelta
from typing import Any, BinaryIO

import sqlalchemy as sa
from flask import current_app
from werkzeug.datastructures import MultiDict

from collation.models import ExportJob, ExportKind, ExportStatus
from collation.queries import count_collated_items
from collation.selection import Selection, selection_from_args
from collation.storage import export_storage
from core import queue
from core.clock import utcnow
from core.database import db
from people.models import User

log = logging.getLogger(__name__)

PROGRESS_EVERY = 50
# A job queued this long ago and still waiting is queued again (the claim makes a repeat harmless).
REQUEUE_AFTER = timedelta(minutes=5)

DIED = (
    "The export stopped before it finished: the worker running it stopped (restarted, or out of "
    "memory). Try again."
)


class ExportTimedOut(Exception):
    pass


def write_export(kind: ExportKind, selection: Selection, out: BinaryIO, progress=None) -> None:
    """Write one export to a binary stream: what the worker and the command line share."""
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
    """Add the job; call `start_export` once it commits."""
    job = ExportJob(
        requested_by=user,
        kind=kind,
        selection=selection.query_args(),
        queued_at=utcnow(),
        district_scope_id=selection.locked_district.id if selection.locked_district else None,
    )
    db.session.add(job)
    db.session.flush()
    return job


def start_export(job_id: int) -> None:
    """Queue the job's task (after the commit that wrote it). Failing to queue loses nothing:
    the reconcile queues a job that is still waiting."""
    try:
        queue.enqueue("export", job_id)
    except Exception:
        log.exception("could not queue export %s", job_id)


def retry_export(job: ExportJob) -> None:
    """Put a failed job back in the queue (after the commit: `start_export`)."""
    job.status = ExportStatus.QUEUED
    job.items_done = 0
    job.error = ""
    job.finished_at = None
    job.started_at = None
    job.heartbeat_at = None
    job.queued_at = utcnow()
    db.session.flush()


def _update(job_id: int, *conditions, **values: Any) -> int:
    # Through a connection of its own: the export's streaming query is never interrupted.
    with db.engine.begin() as connection:
        return connection.execute(
            sa.update(ExportJob).where(ExportJob.id == job_id, *conditions).values(**values)
        ).rowcount


class _Heartbeat:
    """Writes `heartbeat_at` every few seconds from a thread, until stopped or the time limit."""

    def __init__(self, app, job_id: int, every: float, deadline: float):
        self.app, self.job_id, self.every, self.deadline = app, job_id, every, deadline
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"export-{job_id}-heartbeat")

    def _beat(self) -> None:
        with self.app.app_context():
            while not self.stopped.wait(self.every) and time.monotonic() < self.deadline:
                try:
                    _update(
                        self.job_id, ExportJob.status == ExportStatus.RUNNING, heartbeat_at=utcnow()
                    )
                except Exception:
                    log.exception("export %s: heartbeat not written", self.job_id)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        self.thread.join()


@queue.task("export")
def run_export(job_id: int) -> None:
    """The worker's task: claim the job, write its file, record the outcome."""
    app = current_app._get_current_object()
    name = None
    job = db.session.get(ExportJob, job_id)
    if job is None:
        return
    name = f"export-{job_id}-{secrets.token_hex(8)}.{job.kind.value}"
    now = utcnow()
    claimed = _update(
        job_id,
        ExportJob.status == ExportStatus.QUEUED,
        status=ExportStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        file_name=name,
    )
    if not claimed:
        return  # running or finished already: a repeated task
    user = job.requested_by
    selection = selection_from_args(MultiDict(job.selection), user)
    kind = job.kind
    db.session.rollback()  # the job row is updated through its own connection from here
    limit = app.config["EXPORT_TIME_LIMIT_SECONDS"]
    deadline = time.monotonic() + limit
    storage = export_storage(app)
    try:
        with _Heartbeat(app, job_id, app.config["EXPORT_HEARTBEAT_SECONDS"], deadline):
            total = count_collated_items(selection)
            _update(job_id, items_total=total, items_done=0)

            def progress(done: int) -> None:
                if time.monotonic() > deadline:
                    raise ExportTimedOut(
                        f"The export took longer than {limit // 60} minutes and was stopped. "
                        "Choose fewer records (a district, an agency or dates) and try again."
                    )
                if done % PROGRESS_EVERY == 0:
                    _update(job_id, items_done=done)

            with storage.writer(name) as out:
                write_export(kind, selection, out, progress)
        _update(
            job_id,
            ExportJob.status == ExportStatus.RUNNING,
            status=ExportStatus.DONE,
            items_done=total,
            finished_at=utcnow(),
        )
        log.info("export %s done (%d items)", job_id, total)
    except Exception as error:
        log.exception("export %s failed", job_id)
        db.session.rollback()
        storage.delete(name)
        reason = (
            str(error) if isinstance(error, ExportTimedOut) else f"{type(error).__name__}: {error}"
        )
        _update(
            job_id,
            ExportJob.status == ExportStatus.RUNNING,
            status=ExportStatus.FAILED,
            finished_at=utcnow(),
            error=reason[:500],
        )
    finally:
        db.session.remove()


@queue.reconciler
def reconcile_exports(now: datetime) -> None:
    """Fail jobs whose worker died, queue again jobs the queue lost, delete expired files."""
    config = current_app.config
    storage = export_storage()
    silent_since = now - timedelta(seconds=config["EXPORT_STALE_SECONDS"])
    dead = db.session.execute(
        sa.select(ExportJob.id, ExportJob.file_name).where(
            ExportJob.status == ExportStatus.RUNNING, ExportJob.heartbeat_at < silent_since
        )
    ).all()
    for job_id, file_name in dead:
        if _update(
            job_id,
            ExportJob.status == ExportStatus.RUNNING,
            ExportJob.heartbeat_at < silent_since,
            status=ExportStatus.FAILED,
            finished_at=now,
            error=DIED,
        ):
            storage.delete(file_name)
            log.warning("export %s: no heartbeat since before %s, marked failed", job_id, now)

    waiting = db.session.scalars(
        sa.select(ExportJob.id).where(
            ExportJob.status == ExportStatus.QUEUED, ExportJob.queued_at < now - REQUEUE_AFTER
        )
    ).all()
    for job_id in waiting:
        start_export(job_id)

    expired = db.session.execute(
        sa.select(ExportJob.id, ExportJob.file_name).where(
            ExportJob.status == ExportStatus.DONE,
            ExportJob.file_deleted_at.is_(None),
            ExportJob.finished_at < now - timedelta(days=config["EXPORT_RETENTION_DAYS"]),
        )
    ).all()
    for job_id, file_name in expired:
        storage.delete(file_name)
        _update(job_id, file_deleted_at=now)
    db.session.rollback()
    if waiting or expired:
        log.info(
            "reconcile: %d export(s) queued again, %d file(s) deleted", len(waiting), len(expired)
        )
