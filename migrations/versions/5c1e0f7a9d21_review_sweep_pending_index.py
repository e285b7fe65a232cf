"""review sweep: partial index of records whose cycle is still open, by review due date

Revision ID: 5c1e0f7a9d21
Revises: 5c1d2e7a9b30
Create Date: 2026-11-25 22:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1e0f7a9d21'
down_revision = '5c1d2e7a9b30'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.create_index(
            'ix_records_review_pending',
            ['review_due_on'],
            unique=False,
            postgresql_where=sa.text("status <> 'complete'"),
            sqlite_where=sa.text("status <> 'complete'"),
        )


def downgrade():
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.drop_index('ix_records_review_pending')
