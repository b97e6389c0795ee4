"""Is it still going?: asked six and twelve months after an idea's award was paid.

Revision ID: 0044
Revises: 0043
Create Date: 2026-12-02 13:54:47.808389

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0044'
down_revision = '0043'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('still_going_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('months', sa.SmallInteger(), nullable=False),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('told', sa.Boolean(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('answer', sa.String(length=10), nullable=True),
    sa.Column('words', sa.Text(), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("answer IN ('yes', 'no', 'changed')", name=op.f('ck_still_going_checks_answer_known')),
    sa.CheckConstraint('months IN (6, 12)', name=op.f('ck_still_going_checks_months_known')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_still_going_checks_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_still_going_checks_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_still_going_checks')),
    sa.UniqueConstraint('application_id', 'months', name=op.f('uq_still_going_checks_application_id')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_still_going_checks_token_hash'))
    )
    with op.batch_alter_table('still_going_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_still_going_checks_application_id'), ['application_id'], unique=False)



def downgrade():
    with op.batch_alter_table('still_going_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_still_going_checks_application_id'))

    op.drop_table('still_going_checks')
