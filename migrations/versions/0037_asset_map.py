"""A neighbourhood's asset map ("What's here"): its entries, every change to them (undoable), and the community
builders whose patch each neighbourhood is.

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-02 11:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0037'
down_revision = '0036'
branch_labels = None
depends_on = None

KINDS = "'individual', 'associational', 'organisational', 'economic', 'cultural', 'physical'"
STATUSES = "'suggested', 'published', 'retired', 'declined'"
ACTIONS = (
    "'suggested', 'added', 'published', 'changed', 'change_suggested', 'change_taken', 'change_declined', "
    "'declined', 'retired', 'restored', 'undone'"
)


def upgrade():
    op.create_table(
        'map_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('neighbourhood_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('where_text', sa.String(length=200), nullable=False),
        sa.Column('when_available', sa.String(length=200), nullable=False),
        sa.Column('who_to_ask', sa.String(length=200), nullable=False),
        sa.Column('shown_publicly', sa.Boolean(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('suggested_by_id', sa.Integer(), nullable=True),
        sa.Column('other_languages', sa.JSON(), server_default='{}', nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"kind IN ({KINDS})", name=op.f('ck_map_entries_kind_known')),
        sa.CheckConstraint(f"status IN ({STATUSES})", name=op.f('ck_map_entries_status_known')),
        sa.ForeignKeyConstraint(
            ['neighbourhood_id'], ['neighbourhoods.id'], name=op.f('fk_map_entries_neighbourhood_id_neighbourhoods')
        ),
        sa.ForeignKeyConstraint(['suggested_by_id'], ['users.id'], name=op.f('fk_map_entries_suggested_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_map_entries')),
    )
    with op.batch_alter_table('map_entries') as batch_op:
        batch_op.create_index(
            'ix_map_entries_neighbourhood_status_kind', ['neighbourhood_id', 'status', 'kind'], unique=False
        )
    op.create_table(
        'map_entry_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('changed_by_id', sa.Integer(), nullable=True),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('before', sa.JSON(), nullable=False),
        sa.Column('after', sa.JSON(), nullable=False),
        sa.Column('pending', sa.Boolean(), nullable=False),
        sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(f"action IN ({ACTIONS})", name=op.f('ck_map_entry_changes_action_known')),
        sa.ForeignKeyConstraint(
            ['changed_by_id'], ['users.id'], name=op.f('fk_map_entry_changes_changed_by_id_users')
        ),
        sa.ForeignKeyConstraint(
            ['entry_id'], ['map_entries.id'], name=op.f('fk_map_entry_changes_entry_id_map_entries'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_map_entry_changes')),
    )
    with op.batch_alter_table('map_entry_changes') as batch_op:
        batch_op.create_index(batch_op.f('ix_map_entry_changes_entry_id'), ['entry_id'], unique=False)
    op.create_table(
        'builder_patches',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('neighbourhood_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['neighbourhood_id'], ['neighbourhoods.id'], name=op.f('fk_builder_patches_neighbourhood_id_neighbourhoods'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_builder_patches_user_id_users'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('user_id', 'neighbourhood_id', name=op.f('pk_builder_patches')),
    )


def downgrade():
    op.drop_table('builder_patches')
    op.drop_table('map_entry_changes')
    op.drop_table('map_entries')
