"""Real worker processes (`flask --app app worker`) on real queue storage, killed with SIGKILL.

The queue is SQLite in a file by default, the test database's PostgreSQL when the suite runs on
PostgreSQL, and Redis when TEST_HUEY_URL names it (as the CI's queue run does). The "web" side is
an app in this process that queues into the same storage; the mail server is aiosmtpd on loopback.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine

from app import create_app
from config import TestConfig
from core import queue
from core.clock import utcnow
from core.database import db
from core.mail import OutboxEmail, OutboxStatus, OutgoingEmail, queue_email
from tests.conftest import SMTPInbox, free_port

pytestmark = pytest.mark.queue
ROOT = Path(__file__).resolve().parents[1]


class StallingInbox(SMTPInbox):
    """An SMTP server that, when asked, stalls mid-conversation (before the message is sent)."""

    def __init__(self):
        super().__init__()
        self.stall_next = False
        self.stalled = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.stall_next:
            self.stall_next = False
            self.stalled.set()
            await asyncio.sleep(30)  # the worker is killed meanwhile: no DATA ever follows
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)


class MailServer:
    def __init__(self, port: int):
        self.port = port
        self.inbox = StallingInbox()
        self.controller = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def received(self) -> Counter:
        return Counter(message["To"] for message in self.inbox.messages)


class Service:
    """The web side (an app in this process), its workers, and the mail server they use."""

    def __init__(self, database_url: str, queue_url: str, tmp_path: Path):
        self.mail = MailServer(free_port())
        name = f"pledges-test-{uuid.uuid4().hex[:10]}"
        shared = {
            "HUEY_URL": queue_url,
            "HUEY_NAME": name,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(self.mail.port),
            "MAIL_RETRY_AFTER_SECONDS": "1,2,3,5,10",
            "EXPORT_DIR": str(tmp_path / "exports"),
            "EXPORT_HEARTBEAT_SECONDS": "1",
        }
        settings = {n: getattr(TestConfig, n) for n in dir(TestConfig) if n.isupper()}
        settings.update(
            shared,
            SQLALCHEMY_DATABASE_URI=database_url,
            HUEY_IMMEDIATE=False,
            MAIL_PORT=self.mail.port,
            MAIL_RETRY_AFTER_SECONDS=(1, 2, 3, 5, 10),
            MAIL_SENDING_STALE_SECONDS=2,
            MAIL_REQUEUE_AFTER_SECONDS=1,
            EXPORT_HEARTBEAT_SECONDS=1,
            EXPORT_STALE_SECONDS=4,
        )
        self.web = create_app(settings)
        self.environment = {
            **os.environ,
            **shared,
            "APP_ENV": "development",
            "DATABASE_URL": database_url,
        }
        self.workers: list[subprocess.Popen] = []
        self.logs = tmp_path

    def start_worker(self, *options: str) -> subprocess.Popen:
        with (self.logs / f"worker-{len(self.workers)}.log").open("w") as log:
            worker = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "app", "worker", "-d", "0.05", *options],
                cwd=ROOT,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.workers.append(worker)
        return worker

    def run(self, *arguments: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app", *arguments],
            cwd=ROOT,
            env=self.environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def kill(self, worker: subprocess.Popen) -> None:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)

    def worker_logs(self) -> str:
        return "\n".join(path.read_text() for path in sorted(self.logs.glob("worker-*.log")))

    def wait_for(self, condition, timeout: float = 60, every: float = 0.1, reconcile=False):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.web.app_context():
                if reconcile:
                    queue.reconcile(utcnow())
                db.session.expire_all()
                done = condition()
                db.session.rollback()
            if done:
                return
            time.sleep(every)
        raise AssertionError(f"timed out waiting; the workers said:\n{self.worker_logs()}")

    def close(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGKILL)
                worker.wait(timeout=10)
        self.mail.stop()
        with self.web.app_context():
            huey = self.web.extensions["huey"]
            huey.flush()
            huey.storage.close()
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


@pytest.fixture
def service(separate_database_url, tmp_path):
    if os.environ.get("TEST_HUEY_URL"):
        queue_url = os.environ["TEST_HUEY_URL"]
    elif separate_database_url.startswith("postgresql"):
        queue_url = separate_database_url  # PostgresHuey on the county's own database
    else:
        queue_url = f"sqlite:///{tmp_path / 'queue.sqlite'}"
    running = Service(separate_database_url, queue_url, tmp_path)
    with running.web.app_context():
        db.create_all()
    try:
        yield running
    finally:
        running.close()


def _emails(service: Service, addresses) -> None:
    with service.web.app_context():
        for address in addresses:
            queue_email(db.session, OutgoingEmail(to=address, subject="Hello", body="Body"))
        db.session.commit()


def _statuses() -> Counter:
    return Counter(row.status for row in db.session.scalars(sa.select(OutboxEmail)))


ADDRESSES = [f"person{n}@example.org" for n in range(6)]


def test_a_worker_killed_while_sending_loses_nothing_and_sends_nothing_twice(service):
    service.mail.start()
    service.mail.inbox.stall_next = True
    _emails(service, ADDRESSES)
    first = service.start_worker("-w", "1")
    assert service.mail.inbox.stalled.wait(timeout=60), service.worker_logs()
    service.kill(first)  # in the middle of the SMTP conversation
    service.start_worker("-w", "2")
    service.wait_for(lambda: _statuses() == {OutboxStatus.SENT: 6}, reconcile=True, every=0.5)
    time.sleep(1)
    assert service.mail.received() == Counter(ADDRESSES)


def test_mail_queued_while_the_mail_server_is_down_arrives_once_it_is_back(service):
    _emails(service, ADDRESSES)
    service.start_worker("-w", "2")
    # Each email tried and put back to wait. (Waited for, not asserted once: on a loaded machine
    # a retry can be under way, "sending", at the moment of a single look.)
    service.wait_for(
        lambda: all(
            row.attempts >= 1 and row.status is OutboxStatus.PENDING
            for row in db.session.scalars(sa.select(OutboxEmail))
        )
    )
    with service.web.app_context():
        errors = {row.last_error for row in db.session.scalars(sa.select(OutboxEmail))}
        db.session.rollback()
    assert all("Could not reach the mail server" in error for error in errors)
    service.mail.start()
    service.wait_for(lambda: _statuses() == {OutboxStatus.SENT: 6})
    # A reconcile afterwards sends nothing again.
    with (
        service.web.app_context(),
        time_machine.travel(utcnow() + timedelta(minutes=10), tick=False),
    ):
        queue.reconcile(utcnow())
    time.sleep(1)
    assert service.mail.received() == Counter(ADDRESSES)


def test_review_prompts_queued_while_mail_is_down_arrive_once(service):
    """Two sweeps race, two workers race, the mail server is down, then back: each prompt once."""
    from datetime import date

    from core.notifications import Notification
    from people.operations import create_user
    from pledges.framework import DERBYSHIRE_FRAMEWORK_FILE, publish_framework, read_framework_file
    from pledges.operations import save_entry, start_record, submit_record
    from supervision.operations import approve_all_remaining, start_session

    signed_off_on, overdue_on = date(2026, 5, 20), date(2026, 12, 18)
    with service.web.app_context():
        publish_framework(read_framework_file(DERBYSHIRE_FRAMEWORK_FILE))
        manager = create_user(email="m@example.org", name="M")
        for number in range(8):
            person = create_user(
                email=f"p{number}@example.org", name=f"P{number}", line_manager=manager
            )
            record = start_record(person)
            save_entry(record.entries[0], person, {"pledge": "x"}, base_revision=1)
            submit_record(record, person)
            with time_machine.travel(signed_off_on):
                approve_all_remaining(record, manager, start_session(manager, supervisee=person))
        db.session.commit()
        # The submit and sign-off emails and notifications: not what is tested here.
        db.session.execute(sa.delete(OutboxEmail))
        db.session.execute(sa.delete(Notification))
        db.session.commit()

    sweeps = [service.run("reviews", "sweep", "--as-of", overdue_on.isoformat()) for _ in range(2)]
    for sweep in sweeps:
        _, errors = sweep.communicate(timeout=120)
        assert sweep.returncode == 0, errors
    # Started once the prompts are all in the outbox, so that on a slow machine none runs out of
    # attempts before the mail server is back.
    service.start_worker("-w", "2")
    service.start_worker("-w", "2")
    service.wait_for(
        lambda: (
            _statuses()[OutboxStatus.PENDING] == 16
            and all(row.attempts >= 1 for row in db.session.scalars(sa.select(OutboxEmail)))
        )
    )
    with service.web.app_context():  # the app's own notifications do not wait for the mail
        assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 16
        db.session.rollback()
    service.mail.start()
    service.wait_for(lambda: _statuses() == {OutboxStatus.SENT: 16}, reconcile=True, every=0.5)
    time.sleep(1)
    received = service.mail.received()
    assert received == Counter({"m@example.org": 8, **{f"p{n}@example.org": 1 for n in range(8)}})


def _county_to_export(entries_text: str, records: int) -> int:
    """Signed-off records with every entry filled: a PDF that takes the worker a while."""
    from datetime import date

    from people.models import Role
    from people.operations import create_user
    from pledges.framework import DERBYSHIRE_FRAMEWORK_FILE, publish_framework, read_framework_file
    from pledges.models import ENTRY_TEXT_FIELDS
    from pledges.operations import save_entry, start_record, submit_record
    from supervision.operations import approve_all_remaining, start_session

    publish_framework(read_framework_file(DERBYSHIRE_FRAMEWORK_FILE))
    manager = create_user(email="m@example.org", name="M")
    training = create_user(email="t@example.org", name="T", roles={Role.TRAINING_TEAM})
    for number in range(records):
        person = create_user(
            email=f"p{number}@example.org", name=f"P{number}", line_manager=manager
        )
        record = start_record(person)
        for entry in record.entries:
            texts = {field: f"{field} {number} {entries_text}" for field in ENTRY_TEXT_FIELDS}
            save_entry(entry, person, texts, base_revision=1)
        submit_record(record, person)
        with time_machine.travel(date(2026, 5, 20)):
            approve_all_remaining(record, manager, start_session(manager, supervisee=person))
    db.session.commit()
    return training.id


def test_a_worker_killed_mid_export_leaves_a_failed_job_that_succeeds_when_tried_again(
    service, tmp_path
):
    from io import BytesIO

    from pypdf import PdfReader

    from collation.exports import queue_export, retry_export, start_export
    from collation.models import ExportJob, ExportKind, ExportStatus
    from collation.selection import Selection
    from people.models import User

    with service.web.app_context():
        training_id = _county_to_export("Practice changed. " * 150, records=20)
        job = queue_export(db.session.get(User, training_id), ExportKind.PDF, Selection())
        db.session.commit()
        job_id = job.id
        start_export(job_id)

    def job_row() -> ExportJob:
        return db.session.get(ExportJob, job_id)

    worker = service.start_worker("-w", "1")
    service.wait_for(lambda: job_row().items_done >= 50, every=0.02)
    service.kill(worker)  # mid-export
    exports = tmp_path / "exports"
    assert [path.suffix for path in exports.iterdir()] == [".part"]  # a partial file was left
    service.wait_for(lambda: job_row().status is ExportStatus.FAILED, reconcile=True, every=0.5)
    with service.web.app_context():
        assert "the worker running it stopped" in job_row().error
        assert list(exports.iterdir()) == []  # the partial file is gone
        retry_export(job_row())
        db.session.commit()
        start_export(job_id)
    service.start_worker("-w", "1")
    service.wait_for(lambda: job_row().status is ExportStatus.DONE, timeout=120, every=0.5)
    with service.web.app_context():
        done = job_row()
        file_name, items = done.file_name, done.items_total
        db.session.rollback()
    assert items == 20 * 14
    assert len(PdfReader(BytesIO((exports / file_name).read_bytes())).pages) > 10
    assert [path.name for path in exports.iterdir()] == [file_name]


def test_a_worker_keeps_both_kinds_of_summary_current_in_the_one_store(service):
    """`make run`'s path: the scheduler's reconcile queues the dashboard's and the impact report's
    refreshes, and a real `flask worker` stores both in `summaries`."""
    from core.summaries import Summary

    service.start_worker("-w", "1")
    service.wait_for(
        lambda: (
            set(db.session.scalars(sa.select(Summary.kind).distinct())) == {"dashboard", "impact"}
        ),
        reconcile=True,
        every=0.5,
    )
