"""A pot's own questions (up to three, versioned once answered) and residents' answers to them.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-02 10:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0034'
down_revision = '0033'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'pot_questions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pot_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('wording', sa.String(length=300), nullable=False),
        sa.Column('hint', sa.String(length=500), nullable=False),
        sa.Column('choices', sa.Text(), nullable=False),
        sa.Column('optional', sa.Boolean(), nullable=False),
        sa.Column('other_languages', sa.JSON(), server_default='{}', nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "kind IN ('short_text', 'long_text', 'yes_no', 'choice')", name=op.f('ck_pot_questions_kind_known')
        ),
        sa.ForeignKeyConstraint(['pot_id'], ['pots.id'], name=op.f('fk_pot_questions_pot_id_pots')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pot_questions')),
    )
    with op.batch_alter_table('pot_questions') as batch_op:
        batch_op.create_index(batch_op.f('ix_pot_questions_pot_id'), ['pot_id'], unique=False)
    op.create_table(
        'question_answers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('answer', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ['application_id'], ['applications.id'], name=op.f('fk_question_answers_application_id_applications'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['question_id'], ['pot_questions.id'], name=op.f('fk_question_answers_question_id_pot_questions')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_question_answers')),
        sa.UniqueConstraint('application_id', 'question_id', name='uq_question_answers_application'),
    )
    with op.batch_alter_table('question_answers') as batch_op:
        batch_op.create_index(batch_op.f('ix_question_answers_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_answers_question_id'), ['question_id'], unique=False)


def downgrade():
    op.drop_table('question_answers')
    op.drop_table('pot_questions')
