"""`flask --app app framework …`: publish a framework from its data file."""

from __future__ import annotations

from pathlib import Path

import click

from core.database import db
from pledges import bp
from pledges.framework import FrameworkFileError, publish_framework, read_framework_file

bp.cli.short_help = "Stage 1 records and their framework."

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
