"""The database object, the declarative base and the column types every model shares."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from functools import lru_cache

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, registry

# Named constraints from the first migration on: SQLite batch mode can only drop what has a name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.types.TypeDecorator):
    """A timezone-aware UTC datetime on SQLite and PostgreSQL alike.

    SQLite keeps no time zone, so values are stored as naive UTC and handed back aware.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: use core.clock.utcnow()")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


db = SQLAlchemy(model_class=Base)


class ById:
    """One row of `model` by its id, loaded with `options` (what its page reads, so that the page
    runs a fixed number of queries): `RECORD_PAGE = ById(Record, ...)` once, at module level, then
    `RECORD_PAGE.load(record_id)`.

    The statement is built once because SQLAlchemy works out a statement's cache key (which
    walks every loader option) once for each statement object: building the record page's
    statement and its key again on every request cost 0.9 ms of CPU, about 3 % of the page."""

    def __init__(self, model, *options):
        self.statement = (
            sa.select(model).where(model.id == sa.bindparam("row_id")).options(*options)
        )

    def load(self, row_id: int):
        """The row, or None. (Unique: a page may join a short collection to the row.)"""
        return db.session.scalars(self.statement, {"row_id": row_id}).unique().one_or_none()


def names_by_id(model) -> dict[int, str]:
    """Every row's name by id (districts, agencies, teams): to name the ids a grouped query counts."""
    return dict(db.session.execute(_names_of(model)).all())


def all_by_name(model) -> list:
    """Every row of a small named table (districts, agencies), in name order: for choices."""
    return list(db.session.scalars(_by_name(model)))


# Built once for each model: SQLAlchemy works out a statement's cache key once per object, and
# these are read on most pages.
@lru_cache(maxsize=32)
def _names_of(model):
    return sa.select(model.id, model.name)


@lru_cache(maxsize=32)
def _by_name(model):
    return sa.select(model).order_by(model.name)


def enum_column(enum_class: type[enum.Enum], name: str) -> sa.Enum:
    """A string column holding an enum's values, with a check constraint the database enforces."""
    return sa.Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(member.value) for member in enum_class),
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


# Tables another library owns (PostgresHuey's queue, when HUEY_URL names the app's own
# database): never offered for dropping. (The scheduler keeps its jobs in memory: no table.)
TABLES_OUTSIDE_MIGRATIONS = frozenset({"huey_kv", "huey_schedule", "huey_task", "huey_counter"})


# The good-practice library's full-text search (library/search.py) is not a model: SQLite's FTS5
# table with the shadow tables FTS5 makes for itself, and PostgreSQL's generated column
# `entries.search_document` with its GIN index. Migrations build them; the drift check must not
# offer to drop them.
SEARCH_TABLES = frozenset(
    {"entries_search"}
    | {f"entries_search_{shadow}" for shadow in ("data", "idx", "content", "docsize", "config")}
)
SEARCH_INDEXES = frozenset({"ix_entries_library_search"})
SEARCH_COLUMNS = frozenset({"search_document"})


def include_in_migrations(object_, name, type_, reflected, compare_to) -> bool:
    if type_ == "table" and name in TABLES_OUTSIDE_MIGRATIONS | SEARCH_TABLES:
        return False
    if type_ == "column" and name in SEARCH_COLUMNS:
        return False
    return not (type_ == "index" and name in SEARCH_INDEXES)


def render_migration_type(type_, object_, autogen_context):
    """Write our own column types into migrations as plain SQLAlchemy, so they never import app code."""
    if type_ == "type" and isinstance(object_, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


MIGRATION_OPTIONS = {
    "render_as_batch": True,
    "compare_type": True,
    "include_object": include_in_migrations,
    "render_item": render_migration_type,
}
