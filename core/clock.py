"""The one place that asks what time it is, so tests can move the clock (time-machine)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    return datetime.now(UTC)


def today_in_london() -> date:
    return utcnow().astimezone(LONDON).date()
