"""The migrations are the only way a schema is made, and they agree with the models, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tests.conftest import POSTGRES_ADMIN_URL, make_test_app, migrate_to_head


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
    name = f"sparks_migrations_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:  # pragma: no cover - CI must have PostgreSQL
        pytest.fail(f"PostgreSQL is needed at {POSTGRES_ADMIN_URL} for this test and was not reachable: {error}")
    url = sa.make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        assert _differences(url) == []
    finally:
        from portal.extensions import db  # noqa: F401

        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_a_fresh_database_has_only_the_migrated_tables(app, db_session):
    from portal.extensions import db

    tables = set(sa.inspect(db_session.get_bind()).get_table_names())
    assert tables == set(db.metadata.tables) | {"alembic_version"}
