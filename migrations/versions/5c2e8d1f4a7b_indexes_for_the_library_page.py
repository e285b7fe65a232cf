"""indexes for the library page: signed-off records by sign-off time, shared entries by record

Revision ID: 5c2e8d1f4a7b
Revises: a0466b0144d2
Create Date: 2026-11-26 05:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c2e8d1f4a7b'
down_revision = 'a0466b0144d2'
branch_labels = None
depends_on = None

SIGNED_OFF = sa.text("signed_off_at IS NOT NULL")


def _shared_text(dialect: str):
    false = "false" if dialect == "postgresql" else "0"
    return sa.text(f"shared_text_flagged IS {false} AND (good_practice != '' OR pledge != '')")


def upgrade():
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.create_index(
            'ix_records_signed_off', ['signed_off_at', 'id'], unique=False,
            postgresql_where=SIGNED_OFF, sqlite_where=SIGNED_OFF,
        )
    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.create_index(
            'ix_entries_in_library', ['record_id', 'position', 'id'], unique=False,
            postgresql_where=_shared_text(dialect), sqlite_where=_shared_text(dialect),
        )


def downgrade():
    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.drop_index('ix_entries_in_library')
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.drop_index('ix_records_signed_off')
