"""The scheduler: a daily sweep at the configured London time, and a catch-up sweep at start."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.clock import LONDON
from pledges.review import jobs


def test_the_daily_time_is_parsed_and_checked():
    assert jobs.parse_daily_time("07:00") == (7, 0)
    assert jobs.parse_daily_time(" 18:45 ") == (18, 45)
    for bad in ("7am", "25:00", "07:60", ""):
        with pytest.raises(ValueError, match="SCHEDULER_DAILY_AT"):
            jobs.parse_daily_time(bad)


def test_the_sweep_job_runs_daily_at_seven_in_london_even_across_the_clock_change(app):
    scheduler = jobs.build_scheduler(app)
    job = scheduler.get_job(jobs.SWEEP_JOB_ID)
    assert job.misfire_grace_time == jobs.MISFIRE_GRACE_SECONDS
    assert job.coalesce is True
    trigger = job.trigger
    before_spring = datetime(2027, 3, 27, 8, 0, tzinfo=LONDON)  # the clocks go forward tonight
    first = trigger.get_next_fire_time(None, before_spring)
    assert first == datetime(2027, 3, 28, 7, 0, tzinfo=LONDON)
    assert first.utcoffset().total_seconds() == 3600  # 07:00 summer time
    second = trigger.get_next_fire_time(first, first.replace(minute=1))
    assert second == datetime(2027, 3, 29, 7, 0, tzinfo=LONDON)


def test_starting_the_scheduler_sweeps_at_once_then_runs(app, monkeypatch):
    calls = []
    monkeypatch.setattr(jobs, "run_sweep", lambda flask_app: calls.append("sweep") or 0)
    monkeypatch.setattr(jobs, "run_reconcile", lambda flask_app: calls.append("reconcile"))

    class FakeScheduler:
        def start(self):
            calls.append("start")
            raise KeyboardInterrupt

    monkeypatch.setattr(jobs, "build_scheduler", lambda flask_app: FakeScheduler())
    jobs.run_scheduler(app)
    assert calls == ["sweep", "reconcile", "start"]


def test_the_reconcile_runs_every_minute_and_queues_lost_mail(app, smtp_inbox):
    from datetime import timedelta

    import time_machine

    from core.clock import utcnow
    from core.database import db
    from core.mail import OutboxEmail, OutboxStatus

    job = jobs.build_scheduler(app).get_job(jobs.RECONCILE_JOB_ID)
    assert job.trigger.interval.total_seconds() == 60
    # An email whose queued task was lost (the queue's storage wiped, say).
    db.session.add(OutboxEmail(to_address="a@example.org", subject="Hi", body="Body"))
    db.session.commit()
    assert smtp_inbox.messages == []
    with time_machine.travel(utcnow() + timedelta(minutes=3), tick=False):
        jobs.run_reconcile(app)
    assert len(smtp_inbox.to("a@example.org")) == 1
    assert db.session.scalar(db.select(OutboxEmail.status)) is OutboxStatus.SENT


def test_a_run_of_the_job_sweeps_for_today(app, monkeypatch):
    seen = []
    monkeypatch.setattr(jobs, "sweep_review_prompts", lambda day: seen.append(day) or [])
    monkeypatch.setattr(jobs, "today_in_london", lambda: datetime(2026, 11, 24).date())
    assert jobs.run_sweep(app) == 0
    assert seen == [datetime(2026, 11, 24).date()]
