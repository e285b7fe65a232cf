"""sign-in throttles counted by key (account or source address) in one statement

Revision ID: 5c1d2e7a9b30
Revises: c4f1a7d2e9b3
Create Date: 2026-11-25 22:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1d2e7a9b30'
down_revision = 'c4f1a7d2e9b3'
branch_labels = None
depends_on = None


def upgrade():
    # The counts only matter for fifteen minutes: the table starts again rather than converting.
    op.drop_table('sign_in_throttles')
    op.create_table('sign_in_throttles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=320), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_started_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_throttles')),
    sa.UniqueConstraint('key', name=op.f('uq_sign_in_throttles_key'))
    )


def downgrade():
    op.drop_table('sign_in_throttles')
    op.create_table('sign_in_throttles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_throttles')),
    sa.UniqueConstraint('email', name=op.f('uq_sign_in_throttles_email'))
    )
