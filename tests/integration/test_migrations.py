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


def _allowed_values(sqltext: str) -> set[str]:
    import re

    return set(re.findall(r"'([^']*)'", sqltext))


def _check_differences(url: str) -> list[str]:
    """Alembic does not compare CHECK constraints, so this does: each `*_known` list in the models is in the
    migrated database with the same values."""
    from portal.extensions import db

    app = make_test_app(url)
    migrate_to_head(app)
    differences = []
    with app.app_context():
        try:
            inspector = sa.inspect(db.engine)
            for table in db.metadata.sorted_tables:
                reflected = {c["name"]: c["sqltext"] for c in inspector.get_check_constraints(table.name)}
                for constraint in table.constraints:
                    if isinstance(constraint, sa.CheckConstraint) and str(constraint.name).endswith("_known"):
                        wanted = _allowed_values(str(constraint.sqltext))
                        found = _allowed_values(reflected.get(str(constraint.name), ""))
                        if wanted != found:
                            differences.append(f"{constraint.name}: models {sorted(wanted)}, database {sorted(found)}")
        finally:
            db.engine.dispose()
    return differences


def test_every_status_column_lists_its_values_in_a_check(app):
    from portal.extensions import db

    assert "payment_exports" in db.metadata.tables  # the app has loaded every model
    unchecked = []
    for table in db.metadata.sorted_tables:
        names = {str(c.name) for c in table.constraints if isinstance(c, sa.CheckConstraint)}
        for column in table.columns:
            if column.name in ("status", "kind", "view") and f"ck_{table.name}_{column.name}_known" not in names:
                unchecked.append(f"{table.name}.{column.name}")
    assert unchecked == []


def test_check_constraints_match_the_models_on_sqlite(tmp_path):
    assert _check_differences(f"sqlite:///{tmp_path / 'fresh.db'}") == []


def test_check_constraints_match_the_models_on_postgresql():
    with fresh_postgres_database("sparks_checks") as url:
        assert _check_differences(url) == []


def test_every_allowed_value_fits_its_column(app):
    """SQLite ignores a VARCHAR's length and PostgreSQL does not: a value a CHECK allows must also fit the column,
    or it is refused only in production."""
    from portal.extensions import db

    assert "payment_exports" in db.metadata.tables  # the app has loaded every model
    too_long = []
    for table in db.metadata.sorted_tables:
        for constraint in table.constraints:
            if not (isinstance(constraint, sa.CheckConstraint) and str(constraint.name).endswith("_known")):
                continue
            column_name = str(constraint.sqltext).split(" IN ", 1)[0].strip()
            length = getattr(table.columns[column_name].type, "length", None)
            too_long += [
                f"{table.name}.{column_name}: {value!r} ({len(value)} > {length})"
                for value in _allowed_values(str(constraint.sqltext))
                if length is not None and len(value) > length
            ]
    assert too_long == []
