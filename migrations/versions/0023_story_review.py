"""Stories keep what a programme officer reviewed (title, first name, photo descriptions) apart from the resident's
later changes, which wait for review when they would make anything more public.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-01 10:00:00.000000

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def _first(name):
    words = (name or "").split()
    return words[0][:40] if words else None


def upgrade():
    with op.batch_alter_table('stories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_name', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('public_title', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('public_name', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('review_requested_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_stories_review_requested_at', ['review_requested_at'], unique=False)
    with op.batch_alter_table('story_photos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_alt_text', sa.String(length=250), nullable=True))
        batch_op.add_column(sa.Column('review_requested', sa.Boolean(), server_default=sa.false(), nullable=False))

    # What is public now stays public as it is: published stories keep their title, the name they showed (from the
    # account) and their shared photos' descriptions. A named story whose account had no name gets the first name the
    # resident gave on their idea, waiting for an officer's review before it is shown.
    bind = op.get_bind()
    stories = sa.table(
        'stories',
        sa.column('id'), sa.column('application_id'), sa.column('status'), sa.column('consent'),
        sa.column('first_name'), sa.column('public_title'), sa.column('public_name'),
        sa.column('review_requested_at', sa.DateTime(timezone=True)),
    )
    applications = sa.table(
        'applications', sa.column('id'), sa.column('applicant_id'), sa.column('idea_name'), sa.column('contact_name')
    )
    users = sa.table('users', sa.column('id'), sa.column('name'))
    photos = sa.table(
        'story_photos', sa.column('story_id'), sa.column('status'), sa.column('may_share'),
        sa.column('shows_children'), sa.column('alt_text'), sa.column('public_alt_text'),
    )
    rows = bind.execute(
        sa.select(stories.c.id, stories.c.status, stories.c.consent, applications.c.idea_name,
                  applications.c.contact_name, users.c.name)
        .join(applications, applications.c.id == stories.c.application_id)
        .join(users, users.c.id == applications.c.applicant_id)
    ).all()
    now = datetime.now(timezone.utc)
    for story_id, status, consent, idea_name, contact_name, account_name in rows:
        values = {}
        if consent == 'public_named':
            values['first_name'] = _first(account_name) or _first(contact_name)
        if status == 'published':
            values['public_title'] = idea_name
            if consent == 'public_named':
                values['public_name'] = _first(account_name)
                if values['public_name'] is None and values['first_name']:
                    values['review_requested_at'] = now
        if values:
            bind.execute(sa.update(stories).where(stories.c.id == story_id).values(**values))
    published = sa.select(stories.c.id).where(stories.c.status == 'published')
    bind.execute(
        sa.update(photos)
        .where(
            photos.c.story_id.in_(published),
            photos.c.status == 'ready',
            photos.c.may_share.is_(True),
            photos.c.shows_children.is_(False),
        )
        .values(public_alt_text=photos.c.alt_text)
    )


def downgrade():
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35 and later), not a batch copy of the tables: on SQLite, dropping the
    # old stories table during a copy would delete every photo through the foreign key's ON DELETE CASCADE.
    op.drop_column('story_photos', 'review_requested')
    op.drop_column('story_photos', 'public_alt_text')
    op.drop_index('ix_stories_review_requested_at', table_name='stories')
    op.drop_column('stories', 'review_requested_at')
    op.drop_column('stories', 'public_name')
    op.drop_column('stories', 'public_title')
    op.drop_column('stories', 'first_name')
