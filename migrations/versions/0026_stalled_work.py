"""Background work a killed worker left half-done is found and queued again: when a worker last showed it was
working on each file or photo, and how many times it has been queued again.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-01 23:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

TABLES = ('payment_exports', 'reports', 'story_photos')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column('worked_at', sa.DateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column('requeued', sa.SmallInteger(), server_default='0', nullable=False))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column('requeued')
            batch_op.drop_column('worked_at')
