"""`flask --app app demo`: load the demo county (once) and print its sign-ins."""

from __future__ import annotations

import logging

import click
from flask import current_app

from core.database import db
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
