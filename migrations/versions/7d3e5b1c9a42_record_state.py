"""record state: one column for where a record stands, in place of stage and status

Revision ID: 7d3e5b1c9a42
Revises: 669df8a6137b
Create Date: 2026-11-26 02:10:00.000000

A record's stage (1 or 2) and status (draft, submitted, returned, signed off, complete) were two
columns whose meaning depended on each other: "draft" in stage 2 was the review in progress.
They become one `state`: the review's draft, submitted and returned are states of their own.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d3e5b1c9a42'
down_revision = '669df8a6137b'
branch_labels = None
depends_on = None

STATES = (
    'draft', 'submitted', 'returned', 'signed_off',
    'review_open', 'review_submitted', 'review_returned', 'complete',
)
SIGNED_OFF_STATES = "('signed_off', 'review_open', 'review_submitted', 'review_returned', 'complete')"
SIGN_OFF_RECORDED = (
    "(signed_off_at IS NOT NULL AND signed_off_by_id IS NOT NULL AND review_due_on IS NOT NULL)"
)


def upgrade():
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.String(length=16), nullable=True))
    op.execute(
        "UPDATE records SET state = CASE"
        " WHEN stage = 2 AND status = 'draft' THEN 'review_open'"
        " WHEN stage = 2 AND status = 'submitted' THEN 'review_submitted'"
        " WHEN stage = 2 AND status = 'returned' THEN 'review_returned'"
        " ELSE status END"
    )
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.drop_index('ix_records_review_pending')
        batch_op.drop_index(batch_op.f('ix_records_status'))
        batch_op.drop_constraint(op.f('ck_records_complete_if_and_only_if_completion_recorded'), type_='check')
        batch_op.drop_constraint(op.f('ck_records_signed_off_is_stage_one'), type_='check')
        batch_op.drop_constraint(op.f('ck_records_stage_one_or_two'), type_='check')
        batch_op.drop_constraint(op.f('ck_records_signed_off_if_and_only_if_sign_off_recorded'), type_='check')
        batch_op.drop_constraint(op.f('ck_records_submitted_has_date'), type_='check')
        batch_op.drop_constraint(op.f('ck_records_record_status'), type_='check')
        batch_op.drop_column('status')
        batch_op.drop_column('stage')
        batch_op.alter_column('state', existing_type=sa.String(length=16), nullable=False)
        batch_op.create_check_constraint(
            op.f('ck_records_record_state'),
            "state IN (" + ", ".join(f"'{state}'" for state in STATES) + ")",
        )
        batch_op.create_check_constraint(
            op.f('ck_records_submitted_has_date'),
            "state IN ('draft', 'review_open') OR submitted_at IS NOT NULL",
        )
        batch_op.create_check_constraint(
            op.f('ck_records_signed_off_if_and_only_if_sign_off_recorded'),
            f"(state IN {SIGNED_OFF_STATES}) = {SIGN_OFF_RECORDED}",
        )
        batch_op.create_check_constraint(
            op.f('ck_records_complete_if_and_only_if_completion_recorded'),
            "(state = 'complete') = (completed_at IS NOT NULL AND completed_by_id IS NOT NULL)",
        )
        batch_op.create_index(batch_op.f('ix_records_state'), ['state'], unique=False)
        batch_op.create_index(
            'ix_records_review_pending',
            ['review_due_on'],
            unique=False,
            postgresql_where=sa.text("state <> 'complete'"),
            sqlite_where=sa.text("state <> 'complete'"),
        )


def downgrade():
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('stage', sa.Integer(), nullable=False, server_default='1'))
    op.execute(
        "UPDATE records SET"
        " stage = CASE WHEN state IN ('review_open', 'review_submitted', 'review_returned',"
        " 'complete') THEN 2 ELSE 1 END,"
        " status = CASE state"
        " WHEN 'review_open' THEN 'draft'"
        " WHEN 'review_submitted' THEN 'submitted'"
        " WHEN 'review_returned' THEN 'returned'"
        " ELSE state END"
    )
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.drop_index('ix_records_review_pending')
        batch_op.drop_index(batch_op.f('ix_records_state'))
        batch_op.drop_constraint(op.f('ck_records_complete_if_and_only_if_completion_recorded'), type_='check')
        batch_op.drop_constraint(op.f('ck_records_signed_off_if_and_only_if_sign_off_recorded'), type_='check')
        batch_op.drop_constraint(op.f('ck_records_submitted_has_date'), type_='check')
        batch_op.drop_constraint(op.f('ck_records_record_state'), type_='check')
        batch_op.drop_column('state')
        batch_op.alter_column('status', existing_type=sa.String(length=10), nullable=False)
        batch_op.create_check_constraint(
            op.f('ck_records_record_status'),
            "status IN ('draft', 'submitted', 'returned', 'signed_off', 'complete')",
        )
        batch_op.create_check_constraint(
            op.f('ck_records_submitted_has_date'),
            "(status = 'draft') OR (submitted_at IS NOT NULL)",
        )
        batch_op.create_check_constraint(
            op.f('ck_records_signed_off_if_and_only_if_sign_off_recorded'),
            f"(stage = 2 OR status = 'signed_off') = {SIGN_OFF_RECORDED}",
        )
        batch_op.create_check_constraint(op.f('ck_records_stage_one_or_two'), 'stage IN (1, 2)')
        batch_op.create_check_constraint(
            op.f('ck_records_signed_off_is_stage_one'), "status <> 'signed_off' OR stage = 1"
        )
        batch_op.create_check_constraint(
            op.f('ck_records_complete_if_and_only_if_completion_recorded'),
            "(status = 'complete') = (completed_at IS NOT NULL AND completed_by_id IS NOT NULL)",
        )
        batch_op.create_index(batch_op.f('ix_records_status'), ['status'], unique=False)
        batch_op.create_index(
            'ix_records_review_pending',
            ['review_due_on'],
            unique=False,
            postgresql_where=sa.text("status <> 'complete'"),
            sqlite_where=sa.text("status <> 'complete'"),
        )
