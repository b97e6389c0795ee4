"""Each version of payee details kept whole, so exports show what was authorised; each export keeps the run hash it
was made from, so a file from a withdrawn authorisation cannot be downloaded.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-29 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('payee_detail_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('method', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('account_name', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('sort_code', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('account_number', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('roll_number', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('account_number_last2', sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column('arrangement', sa.Text(), nullable=True))
        batch_op.create_unique_constraint('uq_payee_detail_changes_version', ['payee_details_id', 'version'])

    # The version each award's details are at now is the one version whose contents are known: keep it whole (the
    # ciphertext is copied as it is). Earlier versions were overwritten before this migration and stay empty.
    details = sa.table(
        'payee_details',
        *(sa.column(name) for name in ('id', 'version', 'method', 'account_name', 'sort_code', 'account_number',
                                        'roll_number', 'account_number_last2', 'arrangement')),
    )
    changes = sa.table('payee_detail_changes', sa.column('payee_details_id'), sa.column('version'),
                       *(sa.column(name) for name in ('method', 'account_name', 'sort_code', 'account_number',
                                                       'roll_number', 'account_number_last2', 'arrangement')))
    current = sa.and_(details.c.id == changes.c.payee_details_id, details.c.version == changes.c.version)
    op.execute(
        changes.update().values(
            {name: sa.select(details.c[name]).where(current).scalar_subquery()
             for name in ('method', 'account_name', 'sort_code', 'account_number', 'roll_number',
                          'account_number_last2', 'arrangement')}
        )
    )

    with op.batch_alter_table('payment_exports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('run_hash', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('payment_exports', schema=None) as batch_op:
        batch_op.drop_column('run_hash')

    with op.batch_alter_table('payee_detail_changes', schema=None) as batch_op:
        batch_op.drop_constraint('uq_payee_detail_changes_version', type_='unique')
        for name in ('arrangement', 'account_number_last2', 'roll_number', 'account_number', 'sort_code',
                     'account_name', 'method'):
            batch_op.drop_column(name)
