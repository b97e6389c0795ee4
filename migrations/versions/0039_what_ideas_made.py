"""An entry on a neighbourhood's map records the funded idea that made it (a new group, a planted patch).

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-02 12:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0039'
down_revision = '0038'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('map_entries') as batch_op:
        batch_op.add_column(sa.Column('from_application_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_map_entries_from_application_id'), ['from_application_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_map_entries_from_application_id_applications'),
            'applications', ['from_application_id'], ['id'], ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('map_entries') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_map_entries_from_application_id_applications'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_map_entries_from_application_id'))
        batch_op.drop_column('from_application_id')
