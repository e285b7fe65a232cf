"""`flask --app app framework …`: publish a framework from its data file."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from core.clock import today_in_london
from core.database import db
from core.formatting import long_date, plural
from pledges.framework import FrameworkFileError, publish_framework, read_framework_file
from pledges.review.sweep import prompts_owed, sweep_review_prompts

framework_group = click.Group("framework", help="Publish the framework of key points.")


@framework_group.command("publish")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--not-current", is_flag=True, help="Store it without making it the current version.")
def publish_command(path: Path, not_current: bool) -> None:
    """Check a framework file and publish it (publishing the same version again changes nothing)."""
    try:
        data = read_framework_file(path)
    except FrameworkFileError as error:
        for problem in error.problems:
            click.echo(f"  - {problem}", err=True)
        raise click.ClickException("The framework was not published.") from error
    version = publish_framework(data, make_current=not not_current)
    db.session.commit()
    state = "current" if version.is_current else "stored, not current"
    click.echo(f"{version.title}, version {version.version}: {state}.")


reviews_group = click.Group("reviews", help="The six-month reviews and their prompts.")


@reviews_group.command("sweep")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Sweep as if today were this date (YYYY-MM-DD). Default: today in London. "
    "Prompts sent for a future date are recorded, so they are not sent again on the day.",
)
@click.option(
    "--dry-run", is_flag=True, help="List the prompts that would be sent; record and send nothing."
)
def sweep_command(as_of, dry_run: bool) -> None:
    """Send the review prompts owed on a date, each once, and list what was sent."""
    day = as_of.date() if as_of else today_in_london()
    if dry_run:
        owed, stale = prompts_owed(day)
        for prompt in owed:
            click.echo(
                f"{prompt.kind.value:<9} {prompt.recipient:<32} record {prompt.record_id} "
                f"({prompt.record_name})"
            )
        click.echo(
            f"Dry run for {long_date(day)}: {len(owed)} would be sent"
            + (f" and {stale} missed earlier would be recorded as not sent" if stale else "")
            + ". Nothing was recorded or sent."
        )
        return
    sent = sweep_review_prompts(day)
    for prompt in sent:
        click.echo(
            f"{prompt.kind.value:<9} {prompt.recipient:<32} record {prompt.record_id} ({prompt.record_name})"
        )
    click.echo(f"{plural(len(sent), 'prompt')} sent for {long_date(day)}.")


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the scheduler in this process: a catch-up sweep now, then the sweep every day."""
    from pledges.review.jobs import run_scheduler  # APScheduler: only this process needs it

    run_scheduler(current_app._get_current_object())
