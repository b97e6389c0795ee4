"""Indexes for the list pages at scale: finance work by status and acceptance, decisions newest first, stories
waiting and published.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-28 13:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_awards_status_accepted_at', 'awards', ['status', 'accepted_at', 'id'])
    op.create_index('ix_decisions_decided_at', 'decisions', ['decided_at', 'id'])
    op.create_index('ix_stories_status_sent_at', 'stories', ['status', 'sent_at', 'id'])
    op.create_index('ix_stories_status_published_at', 'stories', ['status', 'published_at', 'id'])


def downgrade():
    op.drop_index('ix_stories_status_published_at', table_name='stories')
    op.drop_index('ix_stories_status_sent_at', table_name='stories')
    op.drop_index('ix_decisions_decided_at', table_name='decisions')
    op.drop_index('ix_awards_status_accepted_at', table_name='awards')
