"""Outcome stories: the invitation to tell one, the story with its consent, and its photos.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-28 10:20:16.220363

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('what_happened', sa.Text(), nullable=True),
    sa.Column('went_to_plan', sa.String(length=10), nullable=True),
    sa.Column('learned', sa.Text(), nullable=True),
    sa.Column('people_count', sa.Integer(), nullable=True),
    sa.Column('group_formed', sa.String(length=10), nullable=True),
    sa.Column('still_going', sa.String(length=10), nullable=True),
    sa.Column('way_connect', sa.Boolean(), nullable=False),
    sa.Column('way_be_active', sa.Boolean(), nullable=False),
    sa.Column('way_take_notice', sa.Boolean(), nullable=False),
    sa.Column('way_keep_learning', sa.Boolean(), nullable=False),
    sa.Column('way_give', sa.Boolean(), nullable=False),
    sa.Column('consent', sa.String(length=20), nullable=True),
    sa.Column('agreement', sa.String(length=10), nullable=False),
    sa.Column('agreed_on', sa.Date(), nullable=True),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('public_text', sa.Text(), nullable=True),
    sa.Column('edit_note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("agreement IN ('resident', 'spoken')", name=op.f('ck_stories_agreement_known')),
    sa.CheckConstraint("consent IN ('programme', 'public_named', 'public_anonymous')", name=op.f('ck_stories_consent_known')),
    sa.CheckConstraint("group_formed IN ('yes', 'no', 'not_sure')", name=op.f('ck_stories_group_formed_known')),
    sa.CheckConstraint("status IN ('draft', 'sent', 'published')", name=op.f('ck_stories_status_known')),
    sa.CheckConstraint("still_going IN ('yes', 'no', 'not_sure')", name=op.f('ck_stories_still_going_known')),
    sa.CheckConstraint("went_to_plan IN ('yes', 'partly', 'no')", name=op.f('ck_stories_went_to_plan_known')),
    sa.CheckConstraint('people_count IS NULL OR people_count >= 0', name=op.f('ck_stories_people_count_not_negative')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_stories_application_id_applications')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_stories_published_by_id_users')),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_stories_sent_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stories')),
    sa.UniqueConstraint('application_id', name=op.f('uq_stories_application_id'))
    )
    with op.batch_alter_table('stories', schema=None) as batch_op:
        batch_op.create_index('ix_stories_published', ['status', 'published_at'], unique=False)

    op.create_table('story_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminders_off', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_story_invitations_application_id_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_story_invitations')),
    sa.UniqueConstraint('application_id', name=op.f('uq_story_invitations_application_id'))
    )
    with op.batch_alter_table('story_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_story_invitations_invited_at'), ['invited_at'], unique=False)

    op.create_table('story_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('original_key', sa.String(length=120), nullable=True),
    sa.Column('large_key', sa.String(length=120), nullable=True),
    sa.Column('small_key', sa.String(length=120), nullable=True),
    sa.Column('large_width', sa.Integer(), nullable=True),
    sa.Column('large_height', sa.Integer(), nullable=True),
    sa.Column('small_width', sa.Integer(), nullable=True),
    sa.Column('small_height', sa.Integer(), nullable=True),
    sa.Column('alt_text', sa.String(length=250), nullable=False),
    sa.Column('may_share', sa.Boolean(), nullable=False),
    sa.Column('shows_children', sa.Boolean(), nullable=False),
    sa.Column('refused_reason', sa.String(length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('processing', 'ready', 'refused')", name=op.f('ck_story_photos_status_known')),
    sa.ForeignKeyConstraint(['story_id'], ['stories.id'], name=op.f('fk_story_photos_story_id_stories'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_story_photos'))
    )
    with op.batch_alter_table('story_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_story_photos_story_id'), ['story_id'], unique=False)



def downgrade():
    with op.batch_alter_table('story_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_story_photos_story_id'))

    op.drop_table('story_photos')
    with op.batch_alter_table('story_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_story_invitations_invited_at'))

    op.drop_table('story_invitations')
    with op.batch_alter_table('stories', schema=None) as batch_op:
        batch_op.drop_index('ix_stories_published')

    op.drop_table('stories')
