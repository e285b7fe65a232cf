"""What a download is called: its selection and the day it was made, never one name for all.

`pledges-chesterfield-2026-11-25.xlsx`, `pledges-county-police-anonymised-2026-11-25.pdf`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from werkzeug.datastructures import MultiDict

from collation.selection import Selection, selection_from_args
from core.clock import LONDON, today_in_london

MAX_PART = 40


def _slug(name: str, fallback: str) -> str:
    """A name as lower-case ASCII words joined by hyphens ("Ynys Môn" → "ynys-mon")."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:MAX_PART].strip("-")
    return slug or fallback


def export_filename(selection: Selection, extension: str, on: date, what: str = "pledges") -> str:
    """The download's file name: what it holds, the selection's filters, the date, the type."""
    district = selection.effective_district
    parts = [what, _slug(district.name, f"district-{district.id}") if district else "county"]
    parts += selection.filter_parts(
        lambda kind, thing: _slug(thing.name, f"{kind}-{thing.id}"),
        key_point="key-point-{number}",
        signed_off="signed-off-{start}-to-{end}",
        open_start="start",
        open_end="now",
    )
    parts.append(on.isoformat())
    return "-".join(parts) + "." + extension


def job_filename(job) -> str:
    """An export job's download name: its selection as the requester saw it, on the day it ran."""
    selection = selection_from_args(MultiDict(job.selection or {}), job.requested_by)
    made = job.finished_at or job.created_at
    on = made.astimezone(LONDON).date() if made is not None else today_in_london()
    return export_filename(selection, job.kind.value, on)
