"""The programme's log of changes to how institutions work that it led to.

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-02 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0042'
down_revision = '0041'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'institutional_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('what_changed', sa.Text(), nullable=False),
        sa.Column('neighbourhood_id', sa.Integer(), nullable=True),
        sa.Column('idea_references', sa.JSON(), nullable=False),
        sa.Column('happened_on', sa.Date(), nullable=False),
        sa.Column('logged_by_id', sa.Integer(), nullable=True),
        sa.Column('logged_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['logged_by_id'], ['users.id'], name=op.f('fk_institutional_changes_logged_by_id_users')
        ),
        sa.ForeignKeyConstraint(
            ['neighbourhood_id'], ['neighbourhoods.id'],
            name=op.f('fk_institutional_changes_neighbourhood_id_neighbourhoods'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_institutional_changes')),
    )
    with op.batch_alter_table('institutional_changes') as batch_op:
        batch_op.create_index(
            batch_op.f('ix_institutional_changes_neighbourhood_id'), ['neighbourhood_id'], unique=False
        )


def downgrade():
    op.drop_table('institutional_changes')
