"""Every status column (and every column of named kinds) lists its allowed values in a CHECK constraint.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 08:10:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# The values as they stand in portal/domain at this revision; a later change of a list needs a migration of its own.
CHECKS = {
    'applications': [
        ('status_known', "status IN ('draft', 'submitted', 'in_review', 'question_asked', 'approved', 'not_yet', "
                         "'withdrawn', 'expired')"),
        ('consent_method_known', "consent_method IN ('email', 'spoken')"),
    ],
    'awards': [
        ('status_known', "status IN ('offered', 'accepted', 'payment_prepared', 'payment_authorised', 'paid', "
                         "'declined', 'cancelled')"),
    ],
    'decisions': [('kind_known', "kind IN ('yes', 'yes_with_change', 'not_yet', 'question')")],
    'panel_views': [('view_known', "view IN ('support', 'not_yet', 'question')")],
    'neighbourhoods': [('decisions_by_known', "decisions_by IN ('chair', 'programme_officer')")],
}


def upgrade():
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, condition in checks:
                batch_op.create_check_constraint(name, condition)


def downgrade():
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _condition in checks:
                batch_op.drop_constraint(op.f(f'ck_{table}_{name}'), type_='check')
