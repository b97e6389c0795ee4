"""An email can carry a PDF (a remittance advice), sent with it by the delivery job; each payment records when
its remittance advice was emailed, so it is emailed once.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-28 09:26:43.001204

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachment', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('attachment_name', sa.String(length=120), nullable=True))
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('remittance_emailed_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_column('remittance_emailed_at')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('attachment_name')
        batch_op.drop_column('attachment')

