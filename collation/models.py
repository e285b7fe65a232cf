"""Export jobs: a county-wide export runs off the request, and its progress is kept here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.database import db, enum_column
from core.labels import LabelledEnum
from people.models import User


class ExportKind(LabelledEnum):
    PDF = "pdf", "Collated PDF"
    XLSX = "xlsx", "Spreadsheet (XLSX)"
    CSV = "csv", "Spreadsheet (CSV)"

    @property
    def mimetype(self) -> str:
        return {
            ExportKind.PDF: "application/pdf",
            ExportKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ExportKind.CSV: "text/csv",
        }[self]


class ExportStatus(LabelledEnum):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Collating"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class ExportJob(db.Model):
    __tablename__ = "export_jobs"
    __table_args__ = (
        sa.CheckConstraint("items_done >= 0 AND items_total >= 0", name="counts_not_negative"),
        sa.CheckConstraint("status <> 'done' OR file_name <> ''", name="done_has_file"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    kind: Mapped[ExportKind] = mapped_column(enum_column(ExportKind, "export_kind"))
    # The dashboard's query arguments, so the job collates exactly what was on screen.
    selection: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    status: Mapped[ExportStatus] = mapped_column(
        enum_column(ExportStatus, "export_status"), default=ExportStatus.QUEUED
    )
    items_done: Mapped[int] = mapped_column(default=0)
    items_total: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(sa.Text, default="")
    file_name: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When it was last put in the queue (first request or "try again"), started by a worker, and
    # last heard of from that worker (a job running with no heartbeat for minutes has died).
    queued_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # The file is deleted after the retention period; the row stays, to say so.
    file_deleted_at: Mapped[datetime | None]
    # The district a district team's export was held to (None: the county, for the training team).
    district_scope_id: Mapped[int | None] = mapped_column(sa.ForeignKey("districts.id"))

    requested_by: Mapped[User] = relationship()

    @property
    def percent(self) -> int:
        if self.status is ExportStatus.DONE:
            return 100
        return int(100 * self.items_done / self.items_total) if self.items_total else 0

    @property
    def is_queued(self) -> bool:
        return self.status is ExportStatus.QUEUED

    @property
    def is_done(self) -> bool:
        return self.status is ExportStatus.DONE

    @property
    def is_failed(self) -> bool:
        return self.status is ExportStatus.FAILED

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)

    @property
    def is_available(self) -> bool:
        return self.status is ExportStatus.DONE and self.file_deleted_at is None
