"""Reach, without labels: optional anonymous "about you" answers (no link to any idea or person), and which
equality questions the programme asks.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-28 14:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('about_you_answers',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('age_band', sa.String(length=10), nullable=True),
    sa.Column('disability', sa.String(length=10), nullable=True),
    sa.Column('ethnic_group', sa.String(length=10), nullable=True),
    sa.Column('sex', sa.String(length=10), nullable=True),
    sa.Column('carer', sa.String(length=10), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_about_you_answers'))
    )
    op.create_table('reach_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('questions', sa.String(length=120), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_reach_settings_one_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reach_settings'))
    )


def downgrade():
    op.drop_table('reach_settings')
    op.drop_table('about_you_answers')
