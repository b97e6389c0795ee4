"""What programme officers write for residents in Welsh and Arabic beside the English: a neighbourhood's description
and how to reach its community builder, and a pot's name.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-02 03:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('neighbourhoods', 'pots'):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column('other_languages', sa.JSON(), server_default='{}', nullable=False))


def downgrade():
    for table in ('pots', 'neighbourhoods'):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column('other_languages')
