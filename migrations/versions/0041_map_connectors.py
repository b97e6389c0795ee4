"""Connectors: residents a community builder names to keep a neighbourhood's map with them.

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-02 12:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0041'
down_revision = '0040'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'map_connectors',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('neighbourhood_id', sa.Integer(), nullable=False),
        sa.Column('named_by_id', sa.Integer(), nullable=True),
        sa.Column('named_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['named_by_id'], ['users.id'], name=op.f('fk_map_connectors_named_by_id_users'), ondelete='SET NULL'
        ),
        sa.ForeignKeyConstraint(
            ['neighbourhood_id'], ['neighbourhoods.id'], name=op.f('fk_map_connectors_neighbourhood_id_neighbourhoods'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_map_connectors_user_id_users'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('user_id', 'neighbourhood_id', name=op.f('pk_map_connectors')),
    )


def downgrade():
    op.drop_table('map_connectors')
