"""Spreadsheet cells that stay text: what a user typed never runs as a formula in Excel."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Text that would start a formula gets a leading apostrophe, so it stays text."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def restore(value: str) -> str:
    """A cell as it was before `neutralise`, so a file exported here imports back unchanged."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value
