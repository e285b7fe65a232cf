"""`flask --app app library screen`: check records signed off before the library existed."""

from __future__ import annotations

import click

from core.database import db
from library.operations import screen_unchecked_records

library_group = click.Group("library", help="The good-practice library.")


@library_group.command("screen")
def screen_command() -> None:
    """Run the identifying-details check on signed-off records not yet checked for sharing.

    Run once after the upgrade that adds the library: until then their entries stay out of it.
    """
    checked = screen_unchecked_records()
    db.session.commit()
    click.echo(f"Checked {checked} signed-off record{'' if checked == 1 else 's'} for sharing.")
