"""`flask --app app demo`: load the demo county (once) and print its sign-ins."""

from __future__ import annotations

import logging
from pathlib import Path

import click
from flask import current_app

from core.database import db
from core.migrations import init_migrations
from demo.county import DEMO_PASSWORD, DEMO_SIGN_INS, load_demo_county


@click.command("demo")
def demo_command() -> None:
    """Load the demo county if it is not loaded yet, and print the demo sign-ins."""
    if not current_app.config.get("DEMO_PASSWORD_ALLOWED"):
        raise click.ClickException(
            "The demo county has a published password, so production refuses to load it."
        )
    # The demo makes hundreds of changes; their one-line logs would bury the sign-ins below.
    for noisy in ("pledges", "supervision", "core.mail"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    built = load_demo_county()
    db.session.commit()
    click.echo("Demo county loaded." if built else "The demo county is already loaded.")
    click.echo(f"Demo sign-ins (password: {DEMO_PASSWORD}):")
    for sign_in in DEMO_SIGN_INS:
        click.echo(f"  {sign_in.email:<26} {sign_in.description}")


@click.command("setup-demo")
def setup_demo_command() -> None:
    """Everything `make run` needs before serving, in one process: migrate the database to the
    latest schema, load the demo county if it is not loaded yet, and publish the Derbyshire
    framework. Each step changes nothing when it has been done before."""
    from flask_migrate import upgrade

    from pledges.framework import DERBYSHIRE_FRAMEWORK_FILE, publish_framework, read_framework_file

    app = current_app._get_current_object()
    init_migrations(app)
    upgrade(directory=str(Path(app.root_path) / "migrations"))
    # The demo first: on a fresh database it publishes the framework on its own story's first
    # day, and publishing it afterwards changes nothing.
    demo_command.callback()
    version = publish_framework(read_framework_file(DERBYSHIRE_FRAMEWORK_FILE))
    db.session.commit()
    click.echo(f"{version.title}, version {version.version}: current.")
