"""Statements whose values are written into their SQL, so that PostgreSQL plans each once.

psycopg prepares a statement that is run often, and PostgreSQL keeps one plan for a prepared
statement only while that generic plan, made without the parameters' values, is estimated to
cost no more than the plans made for them. A district's pledges on a key point, and a word
searched in the library, were judged dearer without their values, so they were planned again on
every request: 3 ms of a district's list (against 6 to run it), half of a search's 9.5 ms. A
statement with no parameters has the one plan, made when it is prepared.

For statements built once for each set of values (ARCHITECTURE.md, "statements built once"):
each set of values is then a statement of its own, compiled once by SQLAlchemy and prepared once
on each connection. A module-level statement keeps its own parameters (`keep`) and has only its
constants written in: the supervision overview's records awaiting a report's sign-off, sent with
the two states as parameters beside the manager, was planned again on every request (0.9 ms to
plan, 0.15 to run); with the states written in, PostgreSQL keeps one plan for every manager.

The values are written in by SQLAlchemy, which quotes them for the database. Only values the app
chose (ids, states, dates, page numbers) or a search's words, which
`library.search.search_words` keeps to letters and digits, are written in; text a person typed
otherwise stays a parameter (the administration's people search).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.sql import visitors


def values_written_in(statement, *, keep: tuple[str, ...] = ()):
    """`statement` with each of its values written into its SQL when it is run
    (`BindParameter.render_literal_execute`), none sent as a parameter but those named in `keep`
    (a module-level statement's `sa.bindparam`s, given at each run)."""

    def written_in(element):
        if (
            isinstance(element, sa.BindParameter)
            and not element.literal_execute
            and element.key not in keep
        ):
            return element.render_literal_execute()
        return None

    return visitors.replacement_traverse(statement, {}, written_in)
