"""How dates and times are shown to users: British style, in Europe/London time."""

from __future__ import annotations

from datetime import date, datetime

from core.clock import LONDON
from core.word_diff import word_diff


def long_date(value: date | datetime | None) -> str:
    """23 November 2026."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(LONDON).date()
    return f"{value.day} {value:%B %Y}"


def date_and_time(value: datetime | None) -> str:
    """23 November 2026 at 2:05pm, in London time."""
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{long_date(local)} at {hour}:{local:%M}{suffix}"


def register_filters(app) -> None:
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["date_and_time"] = date_and_time
    app.jinja_env.globals["word_diff"] = word_diff
