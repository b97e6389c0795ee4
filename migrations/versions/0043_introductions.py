"""Introductions: a community builder asks two residents with a shared interest whether they would like to meet.

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-02 13:44:08.265662

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0043'
down_revision = '0042'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('introductions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('neighbourhood_id', sa.Integer(), nullable=False),
    sa.Column('made_by_id', sa.Integer(), nullable=True),
    sa.Column('first_id', sa.Integer(), nullable=False),
    sa.Column('second_id', sa.Integer(), nullable=False),
    sa.Column('interest', sa.String(length=40), nullable=False),
    sa.Column('first_token_hash', sa.String(length=64), nullable=False),
    sa.Column('second_token_hash', sa.String(length=64), nullable=False),
    sa.Column('first_answer', sa.String(length=3), nullable=True),
    sa.Column('second_answer', sa.String(length=3), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("first_answer IN ('yes', 'no')", name=op.f('ck_introductions_first_answer_known')),
    sa.CheckConstraint("second_answer IN ('yes', 'no')", name=op.f('ck_introductions_second_answer_known')),
    sa.CheckConstraint("status IN ('asked', 'accepted', 'declined')", name=op.f('ck_introductions_status_known')),
    sa.ForeignKeyConstraint(['first_id'], ['users.id'], name=op.f('fk_introductions_first_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['made_by_id'], ['users.id'], name=op.f('fk_introductions_made_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['neighbourhood_id'], ['neighbourhoods.id'], name=op.f('fk_introductions_neighbourhood_id_neighbourhoods')),
    sa.ForeignKeyConstraint(['second_id'], ['users.id'], name=op.f('fk_introductions_second_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_introductions')),
    sa.UniqueConstraint('first_token_hash', name=op.f('uq_introductions_first_token_hash')),
    sa.UniqueConstraint('second_token_hash', name=op.f('uq_introductions_second_token_hash'))
    )
    with op.batch_alter_table('introductions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_introductions_first_id'), ['first_id'], unique=False)
        batch_op.create_index('ix_introductions_neighbourhood_status', ['neighbourhood_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_introductions_second_id'), ['second_id'], unique=False)



def downgrade():
    with op.batch_alter_table('introductions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_introductions_second_id'))
        batch_op.drop_index('ix_introductions_neighbourhood_status')
        batch_op.drop_index(batch_op.f('ix_introductions_first_id'))

    op.drop_table('introductions')
