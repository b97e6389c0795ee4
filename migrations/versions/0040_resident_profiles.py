"""What a resident offers their neighbours: an opt-in, private profile their neighbourhood's community builders see.

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-02 12:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0040'
down_revision = '0039'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'resident_profiles',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('neighbourhood_id', sa.Integer(), nullable=False),
        sa.Column('knows', sa.Text(), nullable=False),
        sa.Column('can_do', sa.Text(), nullable=False),
        sa.Column('cares_about', sa.Text(), nullable=False),
        sa.Column('interests', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['neighbourhood_id'], ['neighbourhoods.id'], name=op.f('fk_resident_profiles_neighbourhood_id_neighbourhoods')
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_resident_profiles_user_id_users'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_resident_profiles')),
    )
    with op.batch_alter_table('resident_profiles') as batch_op:
        batch_op.create_index(batch_op.f('ix_resident_profiles_neighbourhood_id'), ['neighbourhood_id'], unique=False)


def downgrade():
    op.drop_table('resident_profiles')
