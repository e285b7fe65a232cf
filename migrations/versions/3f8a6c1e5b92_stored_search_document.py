"""the library's search document stored on PostgreSQL (a generated column with its GIN index)

Revision ID: 3f8a6c1e5b92
Revises: 7e4b9c2a1d58
Create Date: 2026-11-26 06:30:00.000000

PostgreSQL only: `entries.search_document`, a generated tsvector column, with the GIN index
`ix_entries_library_search` on it rather than on the expression, so a search walking the newest
records reads each entry's words instead of computing them again. SQLite keeps its FTS5 table and
triggers; nothing here touches `entries` there (a batch rebuild would drop those triggers).
Adding a stored generated column rewrites `entries` once (seconds at county scale).
"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "3f8a6c1e5b92"
down_revision = "7e4b9c2a1d58"
branch_labels = None
depends_on = None

# As library/search.py builds them (copied, not imported: a migration must keep meaning what it
# meant when it was written).
DOCUMENT = "to_tsvector('english'::regconfig, good_practice || ' ' || pledge)"
UPGRADE = (
    "DROP INDEX IF EXISTS ix_entries_library_search",
    "ALTER TABLE entries ADD COLUMN IF NOT EXISTS search_document tsvector "
    f"GENERATED ALWAYS AS ({DOCUMENT}) STORED",
    "CREATE INDEX IF NOT EXISTS ix_entries_library_search ON entries USING gin (search_document)",
)
DOWNGRADE = (
    "DROP INDEX IF EXISTS ix_entries_library_search",
    "ALTER TABLE entries DROP COLUMN IF EXISTS search_document",
    "CREATE INDEX IF NOT EXISTS ix_entries_library_search ON entries USING gin "
    "(to_tsvector('english'::regconfig, entries.good_practice || ' ' || entries.pledge))",
)


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        for statement in UPGRADE:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for statement in DOWNGRADE:
            op.execute(statement)
