"""Spreadsheet cells that stay text: what a user typed never runs as a formula in Excel.

OWASP's CSV injection advice, widened: a cell is a formula risk when, after any leading
whitespace or line breaks (which spreadsheets skip), it starts with = + - @, a full-width form of
those (＝ ＋ － ＠, which some spreadsheet programs read as the ASCII ones), | (DDE in older
Excel) or %, or when it starts with a tab or carriage return. Such a cell gets a leading
apostrophe, which spreadsheets show as text and `restore` takes off again.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "|", "%", "＝", "＋", "－", "＠", "｜", "\t", "\r")


def _is_formula_risk(value: str) -> bool:
    if value.startswith(FORMULA_STARTS):
        return True
    stripped = value.lstrip()  # spaces, no-break spaces, line feeds, tabs: all skipped
    return stripped != value and stripped.startswith(FORMULA_STARTS)


def neutralise(value: str) -> str:
    """Text that could start a formula gets a leading apostrophe, so it stays text."""
    return "'" + value if _is_formula_risk(value) else value


def restore(value: str) -> str:
    """A cell as it was before `neutralise`, so a file exported here imports back unchanged."""
    return value[1:] if value.startswith("'") and _is_formula_risk(value[1:]) else value
