"""The scheduler: APScheduler 3 in its own process, running the review sweep daily and the
queue's reconcile every minute.

Web workers never start it; `flask --app app scheduler` does, as its own service (exactly one;
the work itself runs in the queue's workers). The sweep is safe to run twice or in two processes
at once, so an overlap during a deploy sends nothing twice; its emails go to the outbox, and the
workers send them. The reconcile queues again whatever work the queue lost (see core/queue.py).
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from core import queue
from core.clock import LONDON, today_in_london, utcnow
from pledges.review.sweep import sweep_review_prompts

log = logging.getLogger(__name__)

SWEEP_JOB_ID = "review-sweep"
RECONCILE_JOB_ID = "queue-reconcile"
RECONCILE_EVERY_SECONDS = 60
# A run missed by up to this many seconds (the process was busy or restarting) still runs.
MISFIRE_GRACE_SECONDS = 6 * 60 * 60


def parse_daily_time(value: str) -> tuple[int, int]:
    """'07:00' -> (7, 0), refusing what is not a time of day."""
    try:
        hour_text, minute_text = value.strip().split(":")
        hour, minute = int(hour_text), int(minute_text)
    except ValueError:
        raise ValueError(f"SCHEDULER_DAILY_AT must look like 07:00, not {value!r}") from None
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ValueError(f"SCHEDULER_DAILY_AT must be a time of day, not {value!r}")
    return hour, minute


def run_sweep(app: Flask) -> int:
    """One sweep for today in London, in its own app context. Returns how many were sent."""
    with app.app_context():
        sent = sweep_review_prompts(today_in_london())
        for prompt in sent:
            log.info(
                "sent %s prompt for record %s to %s",
                prompt.kind.value,
                prompt.record_id,
                prompt.recipient,
            )
        return len(sent)


def run_reconcile(app: Flask) -> None:
    """Queue again the mail and exports whose work is overdue (see core/queue.py)."""
    with app.app_context():
        queue.reconcile(utcnow())


def build_scheduler(app: Flask) -> BlockingScheduler:
    hour, minute = parse_daily_time(app.config["SCHEDULER_DAILY_AT"])
    scheduler = BlockingScheduler(timezone=LONDON)
    scheduler.add_job(
        run_sweep,
        CronTrigger(hour=hour, minute=minute, timezone=LONDON),
        args=[app],
        id=SWEEP_JOB_ID,
        replace_existing=True,
        misfire_grace_time=MISFIRE_GRACE_SECONDS,
        coalesce=True,
        max_instances=1,
    )
    scheduler.add_job(
        run_reconcile,
        IntervalTrigger(seconds=RECONCILE_EVERY_SECONDS),
        args=[app],
        id=RECONCILE_JOB_ID,
        replace_existing=True,
        coalesce=True,
        max_instances=1,
    )
    return scheduler


def run_scheduler(app: Flask) -> None:
    """Catch up first (a sweep missed while the server was down), then run daily until stopped."""
    log.info("scheduler starting: catch-up sweep")
    run_sweep(app)
    run_reconcile(app)
    scheduler = build_scheduler(app)
    log.info(
        "scheduler running: review sweep daily at %s Europe/London",
        app.config["SCHEDULER_DAILY_AT"],
    )
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("scheduler stopped")
