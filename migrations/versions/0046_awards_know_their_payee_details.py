"""Awards know whether their payee's details are given, so the finance officer's lists read them from an index.

Revision ID: 0046
Revises: 0045
Create Date: 2026-12-02 18:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0046'
down_revision = '0045'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('has_payee_details', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index('ix_awards_work', ['status', 'has_payee_details', 'accepted_at', 'id'], unique=False)
    op.execute(
        "UPDATE awards SET has_payee_details = TRUE"
        " WHERE EXISTS (SELECT 1 FROM payee_details WHERE payee_details.award_id = awards.id)"
    )


def downgrade():
    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.drop_index('ix_awards_work')
        batch_op.drop_column('has_payee_details')
