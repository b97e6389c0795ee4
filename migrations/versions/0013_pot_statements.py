"""A pot's statement (PDF and CSV) is made by the same export jobs as a payment run's files.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-28 09:19:18.591859

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('payment_exports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pot_id', sa.Integer(), nullable=True))
        batch_op.alter_column('run_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_payment_exports_pot_id'), ['pot_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_payment_exports_pot_id_pots'), 'pots', ['pot_id'], ['id'])
        batch_op.drop_constraint(op.f('ck_payment_exports_kind_known'), type_='check')
        batch_op.create_check_constraint(
            'kind_known', "kind IN ('schedule', 'remittances', 'csv', 'pot_statement', 'pot_csv')"
        )
        batch_op.create_check_constraint('run_or_pot', "(run_id IS NULL) <> (pot_id IS NULL)")


def downgrade():
    op.execute("DELETE FROM payment_exports WHERE pot_id IS NOT NULL")
    with op.batch_alter_table('payment_exports', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_payment_exports_run_or_pot'), type_='check')
        batch_op.drop_constraint(op.f('ck_payment_exports_kind_known'), type_='check')
        batch_op.create_check_constraint('kind_known', "kind IN ('schedule', 'remittances', 'csv')")
        batch_op.drop_constraint(batch_op.f('fk_payment_exports_pot_id_pots'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_payment_exports_pot_id'))
        batch_op.alter_column('run_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('pot_id')

