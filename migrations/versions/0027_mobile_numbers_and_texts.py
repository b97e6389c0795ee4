"""A resident may sign in and hear from us by a UK mobile number instead of an email address: the number kept
encrypted and found by a keyed hash, how each person chooses to hear from us, texted sign-in codes, and texts in
the outbox beside emails.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-02 03:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('mobile', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('mobile_lookup', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hear_by', sa.String(length=8), server_default='email', nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_users_mobile_lookup'), ['mobile_lookup'])
        batch_op.create_check_constraint('hear_by_known', "hear_by IN ('email', 'text', 'both')")
    with op.batch_alter_table('sign_in_tokens') as batch_op:
        batch_op.add_column(sa.Column('mobile_lookup', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('for_user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('purpose', sa.String(length=40), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_sign_in_tokens_for_user_id_users'), 'users', ['for_user_id'], ['id'], ondelete='CASCADE'
        )
        batch_op.alter_column('email', existing_type=sa.String(length=320), nullable=True)
        batch_op.create_index(batch_op.f('ix_sign_in_tokens_mobile_lookup'), ['mobile_lookup'], unique=False)
    with op.batch_alter_table('outbox_messages') as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=8), server_default='email', nullable=False))
        batch_op.add_column(sa.Column('to_mobile', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('fragments', sa.SmallInteger(), nullable=True))
        batch_op.create_check_constraint('channel_known', "channel IN ('email', 'text')")
    # A community builder's resident may agree to an idea by a texted code.
    with op.batch_alter_table('applications') as batch_op:
        batch_op.drop_constraint(op.f('ck_applications_consent_method_known'), type_='check')
        batch_op.create_check_constraint('consent_method_known', "consent_method IN ('email', 'spoken', 'text')")


def downgrade():
    # What only this revision can hold goes first: texts, texted codes, agreements by text (kept as spoken ones).
    op.execute("DELETE FROM outbox_messages WHERE channel = 'text'")
    op.execute("DELETE FROM sign_in_tokens WHERE email IS NULL")
    op.execute("UPDATE applications SET consent_method = 'spoken' WHERE consent_method = 'text'")
    with op.batch_alter_table('applications') as batch_op:
        batch_op.drop_constraint(op.f('ck_applications_consent_method_known'), type_='check')
        batch_op.create_check_constraint('consent_method_known', "consent_method IN ('email', 'spoken')")
    with op.batch_alter_table('outbox_messages') as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_messages_channel_known'), type_='check')
        batch_op.drop_column('fragments')
        batch_op.drop_column('to_mobile')
        batch_op.drop_column('channel')
    with op.batch_alter_table('sign_in_tokens') as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_tokens_mobile_lookup'))
        batch_op.alter_column('email', existing_type=sa.String(length=320), nullable=False)
        batch_op.drop_constraint(batch_op.f('fk_sign_in_tokens_for_user_id_users'), type_='foreignkey')
        batch_op.drop_column('purpose')
        batch_op.drop_column('for_user_id')
        batch_op.drop_column('mobile_lookup')
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_constraint(op.f('ck_users_hear_by_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_users_mobile_lookup'), type_='unique')
        batch_op.drop_column('hear_by')
        batch_op.drop_column('mobile_lookup')
        batch_op.drop_column('mobile')
