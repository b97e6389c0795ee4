"""A community builder translates what a resident wrote for the panel, and a decision's reason back into the
resident's language.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-02 03:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'idea_translations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('texts', sa.JSON(), nullable=False),
        sa.Column('made_by_id', sa.Integer(), nullable=False),
        sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_idea_translations_application_id_applications'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['made_by_id'], ['users.id'], name=op.f('fk_idea_translations_made_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_idea_translations')),
        sa.UniqueConstraint('application_id', 'language', name='uq_idea_translations_application_language'),
    )
    with op.batch_alter_table('idea_translations') as batch_op:
        batch_op.create_index(batch_op.f('ix_idea_translations_application_id'), ['application_id'], unique=False)
    with op.batch_alter_table('decisions') as batch_op:
        batch_op.add_column(sa.Column('reason_translation', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('reason_translated_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reason_translated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_decisions_reason_translated_by_id_users'), 'users', ['reason_translated_by_id'], ['id']
        )


def downgrade():
    with op.batch_alter_table('decisions') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_decisions_reason_translated_by_id_users'), type_='foreignkey')
        batch_op.drop_column('reason_translated_at')
        batch_op.drop_column('reason_translated_by_id')
        batch_op.drop_column('reason_translation')
    op.drop_table('idea_translations')
