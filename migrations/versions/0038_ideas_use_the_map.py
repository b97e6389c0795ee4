"""Ideas say what they will use from their neighbourhood's map (the room, the tools).

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-02 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0038'
down_revision = '0037'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'map_entry_uses',
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['application_id'], ['applications.id'], name=op.f('fk_map_entry_uses_application_id_applications'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['entry_id'], ['map_entries.id'], name=op.f('fk_map_entry_uses_entry_id_map_entries'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('application_id', 'entry_id', name=op.f('pk_map_entry_uses')),
    )


def downgrade():
    op.drop_table('map_entry_uses')
