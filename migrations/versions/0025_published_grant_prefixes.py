"""A published grant keeps the 360Giving prefix it was first published under when the programme's prefix changes.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-01 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('published_grant_prefixes',
    sa.Column('award_id', sa.Integer(), nullable=False),
    sa.Column('prefix', sa.String(length=60), nullable=False),
    sa.ForeignKeyConstraint(['award_id'], ['awards.id'], name=op.f('fk_published_grant_prefixes_award_id_awards')),
    sa.PrimaryKeyConstraint('award_id', name=op.f('pk_published_grant_prefixes'))
    )


def downgrade():
    op.drop_table('published_grant_prefixes')
