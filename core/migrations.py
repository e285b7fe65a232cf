"""Flask-Migrate, imported only by the processes that migrate.

Flask-Migrate imports Alembic, the largest single import of the app (0.3–0.65 s a process).
Web workers and the scheduler never migrate, so `create_app()` registers `flask db` as a group
that imports Flask-Migrate (and registers it on the app) only when a `db` command is run. Code
that migrates without `flask db` (the set-up command, tests) calls `init_migrations(app)`.
"""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app

from core.database import MIGRATION_OPTIONS, db


def init_migrations(app: Flask) -> None:
    """Register Flask-Migrate on the app (once), importing it now if it is not yet."""
    if "migrate" in app.extensions:
        return
    from flask_migrate import Migrate

    Migrate(app, db, **MIGRATION_OPTIONS)


def init_migrations_if_imported(app: Flask) -> None:
    """Register Flask-Migrate at once when this process has imported it already (tests that
    call `flask_migrate.upgrade` on an app they build)."""
    if "flask_migrate" in sys.modules:
        init_migrations(app)


class MigrationCommands(click.Group):
    """`flask db …`: Flask-Migrate's own command group, imported when `db` is asked for (Click's
    lazily loaded subcommands). `flask` has pushed the app's context by then."""

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        from flask_migrate.cli import db as migrate_group

        init_migrations(current_app._get_current_object())
        return migrate_group.make_context(info_name, args, parent=parent, **extra)


migration_commands = MigrationCommands("db", help="Perform database migrations (Flask-Migrate).")
