"""What every history (a record's, the administrators' trail) shares: the changes field by field."""

from __future__ import annotations

from typing import Any


def field_changes(before: dict[str, str], after: dict[str, str]) -> dict[str, dict[str, Any]]:
    """The fields whose value differs, each with its old and new text."""
    return {
        field: {"from": before.get(field, ""), "to": value}
        for field, value in after.items()
        if before.get(field, "") != value
    }
