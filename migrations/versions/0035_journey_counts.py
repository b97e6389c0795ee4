"""Where residents give up: counts per pot, month and question page (started, continued, last seen by ideas never
sent), and a draft's working marks of the pages it has seen.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-02 11:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0035'
down_revision = '0034'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'journey_marks',
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('page', sa.String(length=40), nullable=False),
        sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('continued', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ['application_id'], ['applications.id'], name=op.f('fk_journey_marks_application_id_applications'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('application_id', 'page', name=op.f('pk_journey_marks')),
    )
    op.create_table(
        'journey_counts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pot_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('page', sa.String(length=40), nullable=False),
        sa.Column('started', sa.Integer(), nullable=False),
        sa.Column('continued', sa.Integer(), nullable=False),
        sa.Column('left_here', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['pot_id'], ['pots.id'], name=op.f('fk_journey_counts_pot_id_pots')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_journey_counts')),
        sa.UniqueConstraint('pot_id', 'month', 'page', name='uq_journey_counts_pot_month_page'),
    )
    with op.batch_alter_table('journey_counts') as batch_op:
        batch_op.create_index(batch_op.f('ix_journey_counts_pot_id'), ['pot_id'], unique=False)


def downgrade():
    op.drop_table('journey_counts')
    op.drop_table('journey_marks')
