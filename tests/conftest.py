"""Fixtures shared by every tier: the app on a migrated database, a rolled-back session per test, helpers."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession

from portal.config import TestConfig

# A real S3 server (SeaweedFS) for the photo storage tests, started once for the session when they need it.
pytest_plugins = ["tests.integration.storage_fixtures"]

POSTGRES_ADMIN_URL = os.environ.get("POSTGRES_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def reset_postgres_database(url: str) -> None:
    """Create the database named in url if needed, and empty its schema."""
    url_obj = sa.make_url(url)
    admin = sa.create_engine(sa.make_url(POSTGRES_ADMIN_URL), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url_obj.database}
            ).first()
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{url_obj.database}"'))
    finally:
        admin.dispose()
    engine = sa.create_engine(url_obj, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


@contextmanager
def fresh_postgres_database(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards; fails (never skips) without PostgreSQL."""
    import uuid

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(sa.make_url(POSTGRES_ADMIN_URL), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:  # pragma: no cover - CI must have PostgreSQL
        admin.dispose()
        pytest.fail(f"PostgreSQL is needed at {POSTGRES_ADMIN_URL} for this test and was not reachable: {error}")
    try:
        yield sa.make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def postgres_app(prefix: str, pool_size: int = 5, **overrides: Any) -> Iterator[Flask]:
    """The portal on a fresh, migrated PostgreSQL database of its own, with room for pool_size sessions at once."""
    from portal.extensions import db

    with fresh_postgres_database(prefix) as url:
        engine = {"pool_size": pool_size, "max_overflow": 0}
        app = make_test_app(url, SQLALCHEMY_ENGINE_OPTIONS=engine, **overrides)
        migrate_to_head(app)
        try:
            yield app
        finally:
            with app.app_context():
                db.engine.dispose()


def make_test_app(database_url: str, **overrides: Any) -> Flask:
    from portal import create_app

    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config.update(SQLALCHEMY_DATABASE_URI=database_url, **overrides)
    return create_app(config)


def migrate_to_head(app: Flask) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        reset_postgres_database(url) if url.startswith("postgresql") else None
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


class IsolatedRequestsClient(FlaskClient):
    """Each test holds one app context (for its rolled-back session), and Flask reuses it for every request in
    the test; clearing `g` before and after each request keeps requests from seeing each other's signed-in user
    or CSRF token, as they would not in production."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        from flask import g

        vars(g).clear()
        try:
            return super().open(*args, **kwargs)
        finally:
            vars(g).clear()


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    from portal.extensions import db

    app = make_test_app(database_url)
    app.test_client_class = IsolatedRequestsClient
    migrate_to_head(app)
    yield app
    with app.app_context():
        db.engine.dispose()  # its pooled connections closed now, not left to the collector after the session


class _BoundSession(FlaskSQLAlchemySession):
    """Flask-SQLAlchemy's session picks engines itself; in tests every query must use the test's connection."""

    def get_bind(self, *args: Any, **kwargs: Any) -> Any:
        return self.bind


@pytest.fixture
def db_session(app: Flask) -> Iterator[Any]:
    """Each test runs inside a transaction that is rolled back; services' commits become savepoints."""
    from portal.extensions import db, limiter

    limiter.reset()
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint", "class_": _BoundSession}
        )
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()


@pytest.fixture
def page_cache(app: Flask) -> Iterator[Any]:
    """Public pages served from the page cache, as in production (the tests' settings turn it off)."""
    from portal.common.page_cache import cache

    app.config["PUBLIC_PAGE_CACHE"] = True
    with app.app_context():
        cache.clear()
    yield cache
    app.config["PUBLIC_PAGE_CACHE"] = False


@pytest.fixture
def client(app: Flask, db_session: Any) -> FlaskClient:
    return app.test_client()


def login_as(client: FlaskClient, user: Any) -> Any:
    """Sign a user in on the test client, as the sign-in pages would."""
    from portal.common.time import utcnow

    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["last_active"] = int(utcnow().timestamp())
    return user


CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_token(client: FlaskClient, url: str = "/") -> str:
    """The CSRF token the page at url carries for this client's session (or, for a page with no form, such as a
    public page seen by a visitor, the one the sign-in page's form carries: a token belongs to the session)."""
    page = client.get(url).get_data(as_text=True)
    match = CSRF_RE.search(page) or CSRF_RE.search(client.get("/sign-in").get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def post_form(
    client: FlaskClient, url: str, data: dict[str, Any], *, token_from: str | None = None, **kwargs: Any
) -> Any:
    """Post a form the way a browser would: with the CSRF token from the page."""
    payload = {"csrf_token": csrf_token(client, token_from or url), **data}
    return client.post(url, data=payload, **kwargs)


def explained(response, message, kept=()):
    """The page came back with the message in the error summary and by its field, and the typed values kept."""
    assert response.status_code == 200, response.status_code
    page = html.unescape(response.get_data(as_text=True))
    assert "There is a problem" in page
    summary = page.split('class="govuk-error-summary"', 1)[1].split("</div>\n</div>", 1)[0]
    assert message in summary, f"{message!r} is not in the error summary"
    assert page.count(message) >= 2, f"{message!r} is not shown beside its field as well"
    assert 'class="govuk-error-message"' in page
    for value in kept:
        assert value in page, f"what was typed ({value[:40]!r}) was lost"
    return page


@contextmanager
def count_queries() -> Iterator[list[str]]:
    """Collect every SQL statement run inside the block."""
    from portal.extensions import db

    statements: list[str] = []

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before)


def outbox(to: str | None = None) -> list[Any]:
    """Emails the portal has sent in this test, oldest first."""
    from portal.common.email import OutboxMessage
    from portal.extensions import db

    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if to:
        query = query.where(OutboxMessage.to_address == to)
    return list(db.session.execute(query).scalars())


INPUT_RE = re.compile(r"<input\b[^>]*>")
ATTRIBUTE_RE = re.compile(r'([a-z-]+)="([^"]*)"')


def submit_form(client: FlaskClient, page_url: str, action: str, data: dict[str, Any] | None = None) -> Any:
    """Press the button of the form on page_url that posts to action, as a browser would: with every hidden field
    the page put in that form (its CSRF token, what the page showed), plus data."""
    page = client.get(page_url).get_data(as_text=True)
    match = re.search(r'<form[^>]*action="' + re.escape(action) + r'"[^>]*>(.*?)</form>', page, re.S)
    assert match, f"no form posting to {action} on {page_url}"
    fields = {}
    for tag in INPUT_RE.findall(match.group(1)):
        attributes = dict(ATTRIBUTE_RE.findall(tag))
        if attributes.get("type") == "hidden" and "name" in attributes:
            fields[attributes["name"]] = html.unescape(attributes.get("value", ""))
    return client.post(action, data={**fields, **(data or {})})
