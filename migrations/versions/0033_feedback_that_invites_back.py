"""Feedback that invites back: a "not yet" names one of the programme's reasons (with what would help), and a new
idea records the one it was copied from when a resident tries again.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-02 07:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0033'
down_revision = '0032'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('decisions') as batch_op:
        batch_op.add_column(sa.Column('not_yet_reason_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_decisions_not_yet_reason_id_programme_texts'),
            'programme_texts', ['not_yet_reason_id'], ['id'], ondelete='SET NULL',
        )
    with op.batch_alter_table('applications') as batch_op:
        batch_op.add_column(sa.Column('copied_from_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_applications_copied_from_id'), ['copied_from_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_applications_copied_from_id_applications'),
            'applications', ['copied_from_id'], ['id'], ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('applications') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_applications_copied_from_id_applications'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_applications_copied_from_id'))
        batch_op.drop_column('copied_from_id')
    with op.batch_alter_table('decisions') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_decisions_not_yet_reason_id_programme_texts'), type_='foreignkey')
        batch_op.drop_column('not_yet_reason_id')
