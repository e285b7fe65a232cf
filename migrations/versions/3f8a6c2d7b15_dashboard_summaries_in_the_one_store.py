"""the dashboard's summaries kept in the one store (summaries, kind "dashboard")

Revision ID: 3f8a6c2d7b15
Revises: 3f8a6c1e5b92
Create Date: 2026-11-26 06:30:00.000000

The dashboard's figures are now summaries of the kind "dashboard" in `summaries`
(core/summaries.py). Their old table is dropped: what it held is recomputed by the queue worker
within minutes (until then the dashboard computes its figures directly). The downgrade recreates
the table as a0466b0144d2 made it, empty, for the same reason.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f8a6c2d7b15'
down_revision = '3f8a6c1e5b92'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table('dashboard_summaries')


def downgrade():
    op.create_table('dashboard_summaries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dashboard_summaries')),
    sa.UniqueConstraint('scope', name=op.f('uq_dashboard_summaries_scope'))
    )
