"""good-practice library: sharing choice, shared-text check, featured entries, full-text search

Revision ID: b7d4e2a91c05
Revises: 7d3e5b1c9a42
Create Date: 2026-11-26 02:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d4e2a91c05'
down_revision = '7d3e5b1c9a42'
branch_labels = None
depends_on = None

# The search index, as library/search.py builds it (copied, not imported: a migration must keep
# meaning what it meant when it was written).
POSTGRESQL = (
    "CREATE INDEX IF NOT EXISTS ix_entries_library_search ON entries USING gin "
    "(to_tsvector('english'::regconfig, entries.good_practice || ' ' || entries.pledge))",
)
# SQLite: an FTS5 table of its own, kept in step with `entries` by triggers. A later migration
# that rebuilds `entries` in batch mode drops these triggers with the old table: it must create
# them again (tests/library/test_search.py checks they exist at head).
SQLITE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS entries_search USING fts5("
    "good_practice, pledge, tokenize = 'porter unicode61')",
    "INSERT INTO entries_search (rowid, good_practice, pledge) "
    "SELECT id, good_practice, pledge FROM entries",
    "CREATE TRIGGER IF NOT EXISTS entries_search_insert AFTER INSERT ON entries BEGIN "
    "INSERT INTO entries_search (rowid, good_practice, pledge) "
    "VALUES (new.id, new.good_practice, new.pledge); END",
    "CREATE TRIGGER IF NOT EXISTS entries_search_update "
    "AFTER UPDATE OF good_practice, pledge ON entries BEGIN "
    "UPDATE entries_search SET good_practice = new.good_practice, pledge = new.pledge "
    "WHERE rowid = new.id; END",
    "CREATE TRIGGER IF NOT EXISTS entries_search_delete AFTER DELETE ON entries BEGIN "
    "DELETE FROM entries_search WHERE rowid = old.id; END",
)


def upgrade():
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sharing', sa.Enum('named', 'anonymised', 'not_shared', name='sharing', native_enum=False, create_constraint=True, length=10), nullable=False, server_default='anonymised'))
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.alter_column('sharing', server_default=None)

    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shared_text_flagged', sa.Boolean(), nullable=True))

    op.create_table('featured_entries',
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('featured_by_id', sa.Integer(), nullable=False),
    sa.Column('featured_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['entries.id'], name=op.f('fk_featured_entries_entry_id_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['featured_by_id'], ['users.id'], name=op.f('fk_featured_entries_featured_by_id_users')),
    sa.PrimaryKeyConstraint('entry_id', name=op.f('pk_featured_entries'))
    )
    with op.batch_alter_table('featured_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_featured_entries_featured_at'), ['featured_at'], unique=False)

    dialect = op.get_bind().dialect.name
    for statement in {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(dialect, ()):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS entries_search_{trigger}")
        op.execute("DROP TABLE IF EXISTS entries_search")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_entries_library_search")

    with op.batch_alter_table('featured_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_featured_entries_featured_at'))
    op.drop_table('featured_entries')
    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.drop_column('shared_text_flagged')
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.drop_column('sharing')
