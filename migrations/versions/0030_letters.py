"""Printable letters for residents we can reach neither by email nor by text, and the postal address a community
builder may record for them (encrypted).

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-02 04:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('postal_address', sa.Text(), nullable=True))
    op.create_table(
        'letters',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('decision_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('handed_over_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('handed_over_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('decision', 'paid')", name=op.f('ck_letters_kind_known')),
        sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_letters_application_id_applications'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_letters_decision_id_decisions'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['handed_over_by_id'], ['users.id'], name=op.f('fk_letters_handed_over_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_letters')),
    )
    with op.batch_alter_table('letters') as batch_op:
        batch_op.create_index(batch_op.f('ix_letters_application_id'), ['application_id'], unique=False)


def downgrade():
    op.drop_table('letters')
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('postal_address')
