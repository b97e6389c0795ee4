"""A kind eligibility check before the form: the yes/no questions a pot asks, an idea's "not sure" answers (a note
for the panel), and the short lists the programme writes for residents (other help to point people to when a small
spark is not for them, and the reasons a panel may give for "not yet").

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-02 06:20:00.000000

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pots') as batch_op:
        batch_op.add_column(sa.Column('eligibility_checks', sa.JSON(), server_default='[]', nullable=False))
    with op.batch_alter_table('applications') as batch_op:
        batch_op.add_column(sa.Column('eligibility_unsure', sa.JSON(), server_default='[]', nullable=False))
    op.create_table(
        'programme_texts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('title', sa.String(length=120), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.Column('other_languages', sa.JSON(), server_default='{}', nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('other_help', 'not_yet_reason')", name=op.f('ck_programme_texts_kind_known')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_texts')),
    )
    op.create_index(op.f('ix_programme_texts_kind'), 'programme_texts', ['kind'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_programme_texts_kind'), table_name='programme_texts')
    op.drop_table('programme_texts')
    with op.batch_alter_table('applications') as batch_op:
        batch_op.drop_column('eligibility_unsure')
    with op.batch_alter_table('pots') as batch_op:
        batch_op.drop_column('eligibility_checks')
