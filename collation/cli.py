"""`flask --app app export …`: the collated PDF and spreadsheets from the command line."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa

from collation.exports import write_export
from collation.models import ExportKind
from collation.queries import count_collated_items
from collation.selection import Selection
from core.database import db
from people.models import Agency, District

export_group = click.Group("export", help="Export the county's signed-off records.")


def _by_name(model, name: str | None, what: str):
    if not name:
        return None
    found = db.session.scalar(sa.select(model).where(sa.func.lower(model.name) == name.lower()))
    if found is None:
        names = ", ".join(db.session.scalars(sa.select(model.name).order_by(model.name)))
        raise click.BadParameter(f"no {what} called {name!r}. Choose from: {names}")
    return found


def _run(
    kind: ExportKind,
    out: Path,
    district: str | None,
    agency: str | None,
    anonymise: bool,
    write=write_export,
) -> None:
    selection = Selection(
        district=_by_name(District, district, "district"),
        agency=_by_name(Agency, agency, "agency"),
        anonymise=anonymise,
    )
    total = count_collated_items(selection)
    with click.progressbar(length=total, label=f"Collating {total} items") as bar:
        done = {"count": 0}

        def progress(count: int) -> None:
            bar.update(count - done["count"])
            done["count"] = count

        with out.open("wb") as stream:
            write(kind, selection, stream, progress)
    size = out.stat().st_size
    click.echo(f"Wrote {out} ({size:,} bytes, {total} items): {selection.describe()}.")


_options = [
    click.option(
        "--out",
        type=click.Path(dir_okay=False, path_type=Path),
        required=True,
        help="The file to write.",
    ),
    click.option("--district", help="Only this district (by name)."),
    click.option("--agency", help="Only this agency (by name)."),
    click.option(
        "--anonymise", is_flag=True, help="Agency and district only; groups under five withheld."
    ),
]


def _with_options(command):
    for option in reversed(_options):
        command = option(command)
    return command


@export_group.command("collated-pdf")
@_with_options
def collated_pdf_command(out, district, agency, anonymise) -> None:
    """Write the collated PDF of signed-off records."""
    _run(ExportKind.PDF, out, district, agency, anonymise)


@export_group.command("spreadsheet")
@_with_options
@click.option(
    "--format", "file_format", type=click.Choice(["xlsx", "csv"]), default="xlsx", show_default=True
)
@click.option(
    "--sheet",
    type=click.Choice(["pledges", "evidence"]),
    default="pledges",
    show_default=True,
    help="For CSV: one row per entry (pledges) or per piece of evidence. An XLSX has both.",
)
def spreadsheet_command(out, district, agency, anonymise, file_format, sheet) -> None:
    """Write the signed-off entries and evidence as a spreadsheet."""
    if file_format == "csv" and sheet == "evidence":
        _run(
            ExportKind.CSV,
            out,
            district,
            agency,
            anonymise,
            write=_write_evidence_csv,
        )
        return
    _run(ExportKind(file_format), out, district, agency, anonymise)


def _write_evidence_csv(_kind, selection: Selection, stream, progress) -> None:
    from collation.spreadsheet import write_evidence_csv  # openpyxl: imported by exports only

    write_evidence_csv(selection, stream, progress)
