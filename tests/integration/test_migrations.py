"""The migrations are the only way a schema is made, and they agree with the models, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tests.conftest import fresh_postgres_database, make_test_app, migrate_to_head


def _differences(url: str) -> list:
    from portal.extensions import db

    app = make_test_app(url)
    migrate_to_head(app)
    with app.app_context():
        try:
            with db.engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": True})
                return compare_metadata(context, db.metadata)
        finally:
            db.engine.dispose()  # close pooled connections now, not whenever they are collected


def test_migrations_match_the_models_on_sqlite(tmp_path):
    assert _differences(f"sqlite:///{tmp_path / 'fresh.db'}") == []


def test_migrations_match_the_models_on_postgresql():
    with fresh_postgres_database("sparks_migrations") as url:
        assert _differences(url) == []


def test_a_fresh_database_has_only_the_migrated_tables(app, db_session):
    from portal.extensions import db

    tables = set(sa.inspect(db_session.get_bind()).get_table_names())
    assert tables == set(db.metadata.tables) | {"alembic_version"}
