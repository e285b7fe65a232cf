"""Links to a record's page, built by Flask's `url_for` (with or without a request: core/links.py)."""

from __future__ import annotations

from flask import url_for

from pledges.models import Record


def record_page(record: Record) -> str:
    """The record's page (its path), for a redirect."""
    return url_for("pledges.view_record", record_id=record.id, _external=False)


def record_address(record: Record) -> str:
    """The record's page as a full address, for notifications and emails."""
    return url_for("pledges.view_record", record_id=record.id, _external=True)
