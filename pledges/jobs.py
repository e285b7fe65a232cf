"""The scheduler: APScheduler 3 in its own process, running the review sweep daily.

Web workers never start it; `flask --app app scheduler` does, as its own service. The sweep is
safe to run twice or in two processes at once, so an overlap during a deploy sends nothing twice.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask

from core.clock import LONDON, today_in_london
from pledges.sweep import sweep_review_prompts

log = logging.getLogger(__name__)

SWEEP_JOB_ID = "review-sweep"
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
    return scheduler


def run_scheduler(app: Flask) -> None:
    """Catch up first (a sweep missed while the server was down), then run daily until stopped."""
    log.info("scheduler starting: catch-up sweep")
    run_sweep(app)
    scheduler = build_scheduler(app)
    log.info(
        "scheduler running: review sweep daily at %s Europe/London",
        app.config["SCHEDULER_DAILY_AT"],
    )
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("scheduler stopped")
