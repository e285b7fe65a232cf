"""The one place that asks what time it is, so tests can move the clock (time-machine)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

# Set only while the demo county writes its history as it would have happened (`clock_at`).
_history_written_at: ContextVar[datetime | None] = ContextVar("history_written_at", default=None)


def utcnow() -> datetime:
    moment = _history_written_at.get()
    return moment if moment is not None else datetime.now(UTC)


def today_in_london() -> date:
    return utcnow().astimezone(LONDON).date()


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """Within the block, the app's clock reads `moment` (never later than now): the demo county
    is built through the app's own operations at the past moments its story happened."""
    if moment.tzinfo is None:
        raise ValueError("clock_at needs a timezone-aware moment")
    token = _history_written_at.set(min(moment.astimezone(UTC), datetime.now(UTC)))
    try:
        yield
    finally:
        _history_written_at.reset(token)
