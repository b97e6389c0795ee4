"""Security review: staff sign-ins end after too many wrong codes; the audit chain is keyed (HMAC).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 08:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staff_sign_in_nonce', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('staff_code_failures', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('staff_code_failures', server_default=None)
    # Not in batch mode: on SQLite that would copy the table and lose its append-only triggers. Events written
    # before this revision were chained with plain SHA-256 (version 0) and are checked that way.
    op.add_column('audit_events', sa.Column('mac_version', sa.SmallInteger(), nullable=False, server_default='0'))


def downgrade():
    op.drop_column('audit_events', 'mac_version')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('staff_code_failures')
        batch_op.drop_column('staff_sign_in_nonce')
