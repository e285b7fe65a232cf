"""summaries kept current by the queue worker (the impact report's)

Revision ID: 7e4b9c2a1d58
Revises: 5c2e8d1f4a7b
Create Date: 2026-11-26 06:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7e4b9c2a1d58'
down_revision = '5c2e8d1f4a7b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('summaries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_summaries')),
    sa.UniqueConstraint('kind', 'scope', name=op.f('uq_summaries_kind_scope'))
    )


def downgrade():
    op.drop_table('summaries')
