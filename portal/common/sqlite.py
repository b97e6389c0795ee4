"""Make SQLite behave like a real transactional database: foreign keys on, and transactions we control."""

from __future__ import annotations

import sqlite3
from typing import Any

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine


@event.listens_for(Engine, "connect")
def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        # pysqlite's own transaction handling breaks SAVEPOINT; we emit BEGIN ourselves below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


@event.listens_for(Engine, "begin")
def _on_begin(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _is_write_request() else "BEGIN")


def _is_write_request() -> bool:
    """SQLite has no row locks and refuses (rather than waits for) a reader that later wants to write while another
    request writes. So a request that may write takes the database's write lock when its transaction begins, and
    requests that arrive together wait their turn (busy_timeout) instead of failing."""
    return has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
