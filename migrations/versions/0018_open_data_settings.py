"""Open data: the programme's 360Giving prefix, funder and codes for grants to individuals; each neighbourhood's
ward or local-authority code.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-28 14:05:00.000000

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

GEO_CODE_TYPES = "'', 'WD', 'UA', 'NMD', 'MD', 'LONB', 'CTY'"


def upgrade():
    op.create_table('open_data_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('prefix', sa.String(length=60), nullable=False),
    sa.Column('funder_name', sa.String(length=200), nullable=False),
    sa.Column('funder_id', sa.String(length=80), nullable=False),
    sa.Column('individual_reason', sa.String(length=8), nullable=False),
    sa.Column('individual_purposes', sa.String(length=80), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('id = 1', name=op.f('ck_open_data_settings_one_row')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_open_data_settings_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_open_data_settings'))
    )
    with op.batch_alter_table('neighbourhoods', schema=None) as batch_op:
        batch_op.add_column(sa.Column('geo_code', sa.String(length=12), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('geo_code_type', sa.String(length=8), nullable=False, server_default=''))
        batch_op.create_check_constraint('geo_code_type_known', f"geo_code_type IN ({GEO_CODE_TYPES})")
    with op.batch_alter_table('neighbourhoods', schema=None) as batch_op:
        batch_op.alter_column('geo_code', server_default=None)
        batch_op.alter_column('geo_code_type', server_default=None)


def downgrade():
    with op.batch_alter_table('neighbourhoods', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_neighbourhoods_geo_code_type_known'), type_='check')
        batch_op.drop_column('geo_code_type')
        batch_op.drop_column('geo_code')
    op.drop_table('open_data_settings')
