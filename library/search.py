"""Full-text search over entries' good practice and pledges: one function, two engines.

PostgreSQL matches a stored search document, `entries.search_document`, a generated column
(`to_tsvector('english', …)` of the two texts, kept by PostgreSQL itself) with a GIN index on it:
stored, so a walk through the newest records reads each entry's document rather than computing it
again (about 100 µs an entry). SQLite (the embedded default) matches an FTS5 table that triggers
keep in step with `entries`.
Both stem English words (PostgreSQL's english configuration; FTS5's porter tokenizer), so
"visits" finds "visiting", and both want every word searched for.

The column, its index and the FTS5 table are made by migrations, and for a database built from the
models (the tests) by the `after_create` hook below. They are not models: `core.database` keeps
them out of the migrations' drift check by name. (Not a model column, so the ORM never reads or
writes it, and SQLite's `entries` has none.)
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from core.database import db
from pledges.models import Entry

# The searched text, stored in a generated column that the GIN index and every query read.
POSTGRESQL_COLUMN = "search_document"
POSTGRESQL_DOCUMENT = "to_tsvector('english'::regconfig, good_practice || ' ' || pledge)"
POSTGRESQL_INDEX = "ix_entries_library_search"
SQLITE_TABLE = "entries_search"

POSTGRESQL_DDL = (
    f"ALTER TABLE entries ADD COLUMN IF NOT EXISTS {POSTGRESQL_COLUMN} tsvector "
    f"GENERATED ALWAYS AS ({POSTGRESQL_DOCUMENT}) STORED",
    f"CREATE INDEX IF NOT EXISTS {POSTGRESQL_INDEX} ON entries USING gin ({POSTGRESQL_COLUMN})",
)
SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {SQLITE_TABLE} USING fts5("
    "good_practice, pledge, tokenize = 'porter unicode61')",
    f"INSERT INTO {SQLITE_TABLE} (rowid, good_practice, pledge) "
    "SELECT id, good_practice, pledge FROM entries",
    "CREATE TRIGGER IF NOT EXISTS entries_search_insert AFTER INSERT ON entries BEGIN "
    f"INSERT INTO {SQLITE_TABLE} (rowid, good_practice, pledge) "
    "VALUES (new.id, new.good_practice, new.pledge); END",
    "CREATE TRIGGER IF NOT EXISTS entries_search_update "
    "AFTER UPDATE OF good_practice, pledge ON entries BEGIN "
    f"UPDATE {SQLITE_TABLE} SET good_practice = new.good_practice, pledge = new.pledge "
    "WHERE rowid = new.id; END",
    "CREATE TRIGGER IF NOT EXISTS entries_search_delete AFTER DELETE ON entries BEGIN "
    f"DELETE FROM {SQLITE_TABLE} WHERE rowid = old.id; END",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS entries_search_insert",
    "DROP TRIGGER IF EXISTS entries_search_update",
    "DROP TRIGGER IF EXISTS entries_search_delete",
    f"DROP TABLE IF EXISTS {SQLITE_TABLE}",
)
POSTGRESQL_DROP = (f"DROP INDEX IF EXISTS {POSTGRESQL_INDEX}",)  # the column goes with `entries`


def search_ddl(dialect: str) -> tuple[str, ...]:
    """The statements that build the search index on this database (the migration runs them)."""
    return {"postgresql": POSTGRESQL_DDL, "sqlite": SQLITE_DDL}.get(dialect, ())


def drop_ddl(dialect: str) -> tuple[str, ...]:
    return {"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP}.get(dialect, ())


@sa.event.listens_for(db.metadata, "after_create")
def _create_search_index(metadata, connection, **_) -> None:
    if SQLITE_TABLE in sa.inspect(connection).get_table_names():
        return  # already built (create_all on an existing database)
    for statement in search_ddl(connection.dialect.name):
        connection.execute(sa.text(statement))


@sa.event.listens_for(db.metadata, "before_drop")
def _drop_search_index(metadata, connection, **_) -> None:
    for statement in drop_ddl(connection.dialect.name):
        connection.execute(sa.text(statement))


WORD = re.compile(r"\w+", re.UNICODE)


def search_words(text: str) -> list[str]:
    """The words of a search, without punctuation or operators (nobody types FTS syntax): letters,
    digits and underscores only, never a quote (the library writes them into its SQL,
    core/planning.py)."""
    return WORD.findall(text or "")[:20]


def matching_entries(text: str) -> sa.ColumnElement[bool]:
    """A condition on `Entry`: its good practice or pledge holds every word of `text`.

    The one search function both engines sit behind; always true for a search with no words.
    """
    words = search_words(text)
    if not words:
        return sa.true()
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.literal_column(f"entries.{POSTGRESQL_COLUMN}").op("@@")(
            sa.func.plainto_tsquery(sa.literal_column("'english'::regconfig"), " ".join(words))
        )
    # Each word quoted, so FTS5 reads it as a word, never as an operator (AND, NEAR, column:).
    query = " ".join(f'"{word}"' for word in words)
    found = (
        sa.select(sa.literal_column("rowid"))
        .select_from(sa.table(SQLITE_TABLE))
        .where(sa.literal_column(SQLITE_TABLE).op("MATCH")(query))
    )
    return Entry.id.in_(found)
