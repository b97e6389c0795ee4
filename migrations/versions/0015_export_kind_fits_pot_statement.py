"""An export's kind can be 'pot_statement', one letter longer than the column allowed; PostgreSQL refused it.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-28 09:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('payment_exports', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=sa.String(length=12), type_=sa.String(length=20),
                              existing_nullable=False)


def downgrade():
    op.execute("DELETE FROM payment_exports WHERE kind = 'pot_statement'")
    with op.batch_alter_table('payment_exports', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=sa.String(length=20), type_=sa.String(length=12),
                              existing_nullable=False)
