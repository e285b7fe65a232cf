"""How dates, times, counts and shortened text are shown to users: British style, dates and
times in Europe/London time. Each is a Jinja filter too, so pages and Python say things alike."""

from __future__ import annotations

from datetime import date, datetime

from core.clock import LONDON


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


def date_with_time(value: datetime | None) -> str:
    """25 November 2026, 14:05, in London time (where the time is read beside other dates)."""
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    return f"{long_date(local)}, {local:%H:%M}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """A count with its noun: "1 pledge", "2 pledges", "0 pledges".

    Words that do not just add an "s" give their plural: plural(n, "entry", "entries"), and the
    verb can come along: plural(n, "entry was", "entries were").
    """
    word = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count} {word}"


# Left at the end of shortened text they read badly before the ellipsis: "reviews, …".
_TRAILING = " \t,;:.-–—/(~"


def shorten(text: str, most: int) -> str:
    """The text, cut at a word boundary to at most `most` characters ending in "…" if too long.

    Punctuation left at the cut is dropped, so it never reads "a comma,…". A single word longer
    than `most` is cut inside the word.
    """
    text = " ".join(str(text).split())
    if len(text) <= most:
        return text
    cut = text[: most - 1]
    if text[most - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(_TRAILING) + "…"


def register_filters(app) -> None:
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["date_and_time"] = date_and_time
    app.jinja_env.filters["date_with_time"] = date_with_time
    app.jinja_env.filters["plural"] = plural
    app.jinja_env.filters["shorten"] = shorten
