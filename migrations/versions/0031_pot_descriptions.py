"""A pot has a short description for residents (what it is for, who may ask), in English with optional Welsh and
Arabic versions beside it.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-02 06:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pots') as batch_op:
        batch_op.add_column(sa.Column('description', sa.Text(), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('pots') as batch_op:
        batch_op.drop_column('description')
