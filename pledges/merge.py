"""The three-way merge behind every save of an entry: what the editor started from (base), what
is saved now (theirs) and what the editor posted (mine), field by field.

A field only one side changed keeps that side's text; only a field both changed, differently,
is a conflict for the editor to settle. Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Merge:
    """The texts to save (every field of `theirs`, with the editor's safe changes taken) and the
    fields in conflict, which keep the saved text until the editor chooses."""

    values: dict[str, str]
    conflicts: list[str] = field(default_factory=list)


def merge_fields(
    base: Mapping[str, str | None],
    theirs: Mapping[str, str],
    mine: Mapping[str, str],
    *,
    keep_theirs: frozenset[str] | set[str] = frozenset(),
) -> Merge:
    """Merge `mine` into `theirs`, field by field, knowing both started from `base`.

    A field missing from `mine` is left as saved; a field missing from `base` (the page did not
    say what it showed) counts as changed by both sides. `keep_theirs` names fields where the
    editor chose the saved text.
    """
    values = dict(theirs)
    conflicts = []
    for name, my_text in mine.items():
        their_text = theirs[name]
        if my_text == their_text or name in keep_theirs:
            continue
        base_text = base.get(name)
        if base_text == my_text:
            continue  # the editor left it alone: the other person's text stands
        if base_text == their_text:
            values[name] = my_text  # only the editor changed it
            continue
        conflicts.append(name)
    return Merge(values=values, conflicts=conflicts)
