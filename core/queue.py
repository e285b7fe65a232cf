"""The task queue: Huey 3, with its storage chosen from configuration here and nowhere else.

The database rows are the truth (an email in the outbox, an export job); the queue only carries
work to do about them. Huey delivers a task at most once (a worker killed mid-task loses it), so
each package also registers a *reconciler*: a function that finds rows whose work is overdue and
queues it again. The scheduler process runs them every minute; each task claims its row with a
conditional UPDATE, so a task queued twice does its work once.

`HUEY_URL` picks the storage:

- empty (the default): `SqliteHuey` in the instance folder, so `make run` needs nothing else;
- `sqlite:///path/to/queue.sqlite`: `SqliteHuey` in that file;
- `postgresql://user@host/db`: `PostgresHuey` (Huey 3.1+), on the county's own PostgreSQL;
- `redis://host:6379/0`: `RedisHuey`.

Tests set `HUEY_IMMEDIATE`: each task runs in the process that queues it, as soon as it is queued.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from huey import MemoryHuey, PostgresHuey, RedisHuey, SqliteHuey
from huey.api import Huey

log = logging.getLogger(__name__)

# Plain functions, registered at import by the package that owns them, turned into Huey tasks
# (run inside the app's context) by `init_app`.
_TASKS: dict[str, Callable[..., Any]] = {}
_RECONCILERS: list[Callable[[datetime], None]] = []


def task(name: str) -> Callable:
    """Register `function` as the queued task `name` (it runs inside an app context)."""

    def register(function: Callable) -> Callable:
        _TASKS[name] = function
        return function

    return register


def reconciler(function: Callable[[datetime], None]) -> Callable[[datetime], None]:
    """Register a function that re-queues overdue work, given the time now."""
    _RECONCILERS.append(function)
    return function


def huey_from_settings(settings, instance_path: str) -> Huey:
    """The one place the queue's storage is chosen (see the module's docstring)."""
    name = settings.get("HUEY_NAME") or "pledges"
    if settings.get("HUEY_IMMEDIATE"):
        return MemoryHuey(name, immediate=True, results=False)
    url = settings.get("HUEY_URL") or ""
    if url == "" or url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///")) if url else Path(instance_path) / "queue.sqlite"
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name, filename=str(path), results=False)
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return PostgresHuey(name, dsn="postgresql://" + url[len(prefix) :], results=False)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url, results=False)
    raise RuntimeError(
        f"HUEY_URL must start with sqlite:///, postgresql:// or redis://, not {url!r}"
    )


def _in_app_context(app: Flask, function: Callable) -> Callable:
    def run(*args: Any) -> Any:
        # A context of its own (and so a database session of its own), even when a test runs
        # the task at once inside another context.
        with app.app_context():
            return function(*args)

    run.__name__ = function.__name__
    run.__module__ = function.__module__
    return run


def init_app(app: Flask) -> None:
    huey = huey_from_settings(app.config, app.instance_path)
    tasks = {
        name: huey.task(name=name)(_in_app_context(app, function))
        for name, function in _TASKS.items()
    }

    app.extensions["huey"] = huey
    app.extensions["huey_tasks"] = tasks
    app.cli.add_command(worker_command)


def enqueue(name: str, *args: Any, delay: float | None = None) -> None:
    """Queue the task `name`; call it after the commit that wrote the rows it needs."""
    wrapper = current_app.extensions["huey_tasks"][name]
    if delay:
        wrapper.schedule(args=args, delay=delay)
    else:
        wrapper(*args)


def reconcile(now: datetime) -> None:
    """Queue again whatever work is overdue (the queue lost it, or a worker died doing it)."""
    for function in _RECONCILERS:
        try:
            function(now)
        except Exception:
            # One part failing (its database table locked, say) must not stop the others.
            log.exception("reconcile: %s failed", function.__name__)


@click.command("worker")
@click.option("-w", "--workers", default=2, show_default=True, help="Tasks run at once.")
@click.option(
    "-k",
    "--worker-type",
    type=click.Choice(["thread", "process"]),
    default="thread",
    show_default=True,
    help="process: one process per worker (CPU-bound exports on several cores).",
)
@click.option("-d", "--delay", default=0.1, show_default=True, help="Seconds between polls.")
@with_appcontext
def worker_command(workers: int, worker_type: str, delay: float) -> None:
    """Run the task queue: mail, exports. Start any number; stop with Ctrl+C (SIGINT)."""
    huey: Huey = current_app.extensions["huey"]
    if worker_type == "process":
        app = current_app._get_current_object()

        @huey.on_startup()
        def fresh_connections() -> None:
            # A worker process forked from the consumer must not share the parent's connections.
            with app.app_context():
                from core.database import db

                db.engine.dispose(close=False)

    consumer = huey.create_consumer(
        workers=workers,
        worker_type=worker_type,
        initial_delay=delay,
        max_delay=max(delay, 2.0),
        # Periodic work (the reconcile, the review sweep) belongs to the one scheduler process.
        periodic=False,
        # A worker killed with SIGKILL can leave a task lock behind.
        flush_locks=True,
    )
    log.info("worker: %d %s worker(s) on %s", workers, worker_type, type(huey.storage).__name__)
    consumer.run()
