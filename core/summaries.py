"""Figures computed in the background and read back by pages: a store any package can use.

A page whose figures scan the county (the impact report) should not compute them per request.
Its package registers a *kind* of summary with `kept_current`: a function that computes every
scope's figures (the county, each district...) as plain JSON. The queue worker runs it when the
scheduler's reconcile finds the kind's summaries older than `refresh_minutes`, and stores them
here with the day they were computed for and the time. The page reads one scope back with
`current_summary`, which answers only when the summary is today's and younger than `max_age`
(older means the worker or the scheduler has stopped): otherwise the page computes directly.
A kind may give `read`, turning the JSON into the page's own object (or None when it was stored
in an older shape, before an upgrade: the page computes directly until the next refresh). Each
worker decodes a summary once, not once a request (`_read`): a county's JSON is 100 KB, about
5 ms to decode, so `current_summary` reads the row's date and time first and its JSON only when
that summary has not been decoded already.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, mapped_column

from core import queue
from core.clock import today_in_london, utcnow
from core.database import db

log = logging.getLogger(__name__)


class Summary(db.Model):
    """One scope's figures of one kind, as computed at `computed_at` for the day `as_of`."""

    __tablename__ = "summaries"
    __table_args__ = (sa.UniqueConstraint("kind", "scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))  # "impact"
    scope: Mapped[str] = mapped_column(sa.String(40))  # "county", "district:3"
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    as_of: Mapped[date]
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


@dataclass(frozen=True)
class Kind:
    name: str
    compute: Callable[[date], dict[str, dict]]  # the day -> {scope: figures as JSON}
    refresh_minutes: int
    max_age: timedelta
    read: Callable[[dict], Any] | None = None  # the JSON -> the page's object; None: older shape


_KINDS: dict[str, Kind] = {}


def store_summaries(kind: str, today: date | None = None) -> int:
    """Compute every scope of `kind` again and store it (scopes gone since are removed).
    Returns how many scopes; the caller commits."""
    today = today or today_in_london()
    computed_at = utcnow()
    figures = _KINDS[kind].compute(today)
    existing = {
        row.scope: row for row in db.session.scalars(sa.select(Summary).where(Summary.kind == kind))
    }
    for scope, data in figures.items():
        row = existing.pop(scope, None)
        if row is None:
            row = Summary(kind=kind, scope=scope)
            db.session.add(row)
        row.data, row.as_of, row.computed_at = data, today, computed_at
    for gone in existing.values():
        db.session.delete(gone)
    db.session.flush()
    log.info("%s summaries stored: %s scopes", kind, len(figures))
    return len(figures)


# Summaries already decoded, by kind, scope and time computed (see the module's docstring).
_read: dict[tuple[str, str, datetime], Any] = {}
_READ_KEPT = 128


# Built once (a statement's cache key is worked out once per object): read on every dashboard.
_SUMMARY_OF = sa.select(Summary.id, Summary.as_of, Summary.computed_at).where(
    Summary.kind == sa.bindparam("kind"), Summary.scope == sa.bindparam("scope")
)


def current_summary(kind: str, scope: str, today: date) -> tuple[Any, datetime] | None:
    """The stored figures of this scope (as the kind's `read` makes them) and when they were
    computed, if they are current; None otherwise."""
    row = db.session.execute(_SUMMARY_OF, {"kind": kind, "scope": scope}).first()
    found = _KINDS[kind]
    if row is None or row.as_of != today or utcnow() - row.computed_at > found.max_age:
        return None
    key = (kind, scope, row.computed_at)
    if key not in _read:
        data = db.session.scalar(sa.select(Summary.data).where(Summary.id == row.id))
        value = data if found.read is None else found.read(data)
        if value is None:
            return None
        if len(_read) >= _READ_KEPT:
            _read.clear()
        _read[key] = value
    return _read[key], row.computed_at


def _latest(kind: str) -> datetime | None:
    return db.session.scalar(
        sa.select(sa.func.max(Summary.computed_at)).where(Summary.kind == kind)
    )


def _every(kind: Kind) -> timedelta:
    setting = current_app.config.get(f"{kind.name.upper()}_SUMMARY_MINUTES", kind.refresh_minutes)
    return timedelta(minutes=setting)


def queue_refresh_if_due(name: str, now: datetime) -> bool:
    """Queue the refresh of the summaries `name` when they are due (the reconcile, every
    minute); returns whether it was queued."""
    latest = _latest(name)
    if latest is not None and now - latest < _every(_KINDS[name]):
        return False
    queue.enqueue(f"refresh_{name}_summaries")
    return True


def kept_current(
    name: str,
    *,
    refresh_minutes: int = 5,
    max_age: timedelta = timedelta(minutes=30),
    read: Callable[[dict], Any] | None = None,
) -> Callable:
    """Register `compute` (the day -> {scope: JSON}) as the summaries `name`: a queued task
    `refresh_<name>_summaries` stores them, queued by the scheduler's reconcile when due (every
    `<NAME>_SUMMARY_MINUTES` of the settings, or `refresh_minutes`); `current_summary` answers
    with `read(JSON)`, or the JSON itself without `read`."""

    def register(compute: Callable[[date], dict[str, dict]]) -> Callable:
        kind = Kind(name, compute, refresh_minutes, max_age, read)
        _KINDS[name] = kind
        task = f"refresh_{name}_summaries"

        @queue.task(task)
        def refresh() -> None:
            latest = _latest(name)
            if latest is not None and utcnow() - latest < timedelta(minutes=1):
                return  # two queued close together do the work once
            store_summaries(name)
            db.session.commit()

        @queue.reconciler
        def queue_refresh(now: datetime) -> None:
            queue_refresh_if_due(name, now)

        queue_refresh.__name__ = f"queue_{name}_summaries"
        return compute

    return register
