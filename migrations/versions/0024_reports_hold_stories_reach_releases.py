"""Reports record the stories they hold and can be withdrawn and made again; "about you" counts are released in
batches.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-01 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_reason', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('replaces_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_reports_replaces_id'), ['replaces_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_reports_replaces_id_reports'), 'reports', ['replaces_id'], ['id'])

    op.create_table('report_stories',
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('photo_ids', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_stories_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('report_id', 'story_id', name=op.f('pk_report_stories'))
    )
    with op.batch_alter_table('report_stories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_stories_story_id'), ['story_id'], unique=False)

    op.create_table('reach_releases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answers', sa.Integer(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reach_releases'))
    )


def downgrade():
    op.drop_table('reach_releases')
    with op.batch_alter_table('report_stories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_stories_story_id'))
    op.drop_table('report_stories')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_reports_replaces_id_reports'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_reports_replaces_id'))
        batch_op.drop_column('replaces_id')
        batch_op.drop_column('withdrawn_reason')
        batch_op.drop_column('withdrawn_at')
