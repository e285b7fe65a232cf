"""the review in supervision: what an entry said when decided, replies to return comments,
session messages, and the choice of email for everything or a daily digest

Revision ID: b7d3e5f1a2c4
Revises: 7d3e5b1c9a42
Create Date: 2026-11-26 02:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d3e5f1a2c4'
down_revision = '7d3e5b1c9a42'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text_at_decision', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('reply_to_return', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('replied_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('replied_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_entries_replied_by_id_users'), 'users', ['replied_by_id'], ['id'])

    with op.batch_alter_table('entry_decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('told_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_entry_decisions_told_at'), ['told_at'], unique=False)

    # Decisions taken before this change were told one by one as they were made.
    op.execute("UPDATE entry_decisions SET told_at = decided_at")

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_choice', sa.Enum('everything', 'daily_digest', name='email_choice', native_enum=False, create_constraint=True), nullable=False, server_default='everything'))
        batch_op.add_column(sa.Column('digest_covers_from', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('digest_covers_from')
        batch_op.drop_column('email_choice')

    with op.batch_alter_table('entry_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entry_decisions_told_at'))
        batch_op.drop_column('told_at')

    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_entries_replied_by_id_users'), type_='foreignkey')
        batch_op.drop_column('replied_by_id')
        batch_op.drop_column('replied_at')
        batch_op.drop_column('reply_to_return')
        batch_op.drop_column('text_at_decision')
