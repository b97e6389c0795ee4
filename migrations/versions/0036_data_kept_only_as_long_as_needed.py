"""Data kept only as long as needed: the programme's retention rules, residents' copies of their data, and when
each kind of personal data was removed (an idea's contact details, bank details, a story's words, an erased
resident).

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-02 11:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0036'
down_revision = '0035'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'retention_rules',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('not_funded_months', sa.Integer(), nullable=False),
        sa.Column('bank_details_months', sa.Integer(), nullable=False),
        sa.Column('private_story_months', sa.Integer(), nullable=False),
        sa.Column('sign_in_months', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_retention_rules_updated_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_rules')),
    )
    op.create_table(
        'data_copies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('progress', sa.Integer(), nullable=False),
        sa.Column('json_content', sa.LargeBinary(), nullable=True),
        sa.Column('pdf_content', sa.LargeBinary(), nullable=True),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('worked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('requeued', sa.SmallInteger(), server_default='0', nullable=False),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'ready', 'failed')", name=op.f('ck_data_copies_status_known')
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_data_copies_user_id_users'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_data_copies')),
    )
    with op.batch_alter_table('data_copies') as batch_op:
        batch_op.create_index(batch_op.f('ix_data_copies_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('applications') as batch_op:
        batch_op.add_column(sa.Column('personal_details_removed_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('payee_details') as batch_op:
        batch_op.add_column(sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('stories') as batch_op:
        batch_op.add_column(sa.Column('words_removed_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('erased_at')
    with op.batch_alter_table('stories') as batch_op:
        batch_op.drop_column('words_removed_at')
    with op.batch_alter_table('payee_details') as batch_op:
        batch_op.drop_column('removed_at')
    with op.batch_alter_table('applications') as batch_op:
        batch_op.drop_column('personal_details_removed_at')
    op.drop_table('data_copies')
    op.drop_table('retention_rules')
