"""Our transaction policy: a service function decorated @transactional commits once, or rolls back on any error."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from flask import current_app, has_app_context
from sqlalchemy.sql import Select

from portal.extensions import db

P = ParamSpec("P")
R = TypeVar("R")
log = logging.getLogger(__name__)


def transactional(func: Callable[P, R]) -> Callable[P, R]:
    """Run a service function as one unit of work. Nested calls join the outer unit and do not commit.

    Work registered with after_commit runs once the outermost unit has committed, and is dropped if it rolls back.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        info = db.session.info
        if info.get("in_unit_of_work"):
            return func(*args, **kwargs)
        info["in_unit_of_work"] = True
        info["after_commit"] = []
        try:
            result = func(*args, **kwargs)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            info.pop("after_commit", None)
            raise
        finally:
            info["in_unit_of_work"] = False
        _run_after_commit(info.pop("after_commit", []))
        return result

    return wrapper


def after_commit(callback: Callable[[], Any]) -> None:
    """Run callback when the current unit of work commits (never if it rolls back). Raises outside one."""
    info = db.session.info
    if not info.get("in_unit_of_work"):
        raise RuntimeError("after_commit needs a unit of work: call it from a @transactional service")
    info["after_commit"].append(callback)


def _run_after_commit(callbacks: list[Callable[[], Any]]) -> None:
    # The data is committed whatever happens here; a callback that fails (a queue that is down) is logged, and
    # what it would have done is picked up later (the outbox sweep re-queues unsent mail).
    for callback in callbacks:
        try:
            callback()
        except Exception:
            log.exception("work after commit failed")


def locked(statement: Select[Any]) -> Select[Any]:
    """SELECT … FOR NO KEY UPDATE, refreshing any copy of the rows the session already holds.

    Without the refresh, a request that read a row before asking for its lock would, after waiting for another
    request to commit, go on with its stale copy: a double click would send an idea twice.

    NO KEY: we lock rows to take turns, never to change their keys, and a plain FOR UPDATE would also make every
    foreign-key check on the row wait (a resident's award pointing at a pot a decision holds). Those waits, taken
    while the audit log's lock was held, deadlocked decisions against acceptances under the R4 soak.
    """
    return statement.with_for_update(key_share=True).execution_options(populate_existing=True)


class WorkInsideTransaction(RuntimeError):
    """Slow work, or a call to another system, was asked for while this session held a database transaction open."""


def refuse_inside_transaction(what: str) -> None:
    """Slow work and other systems (drawing a PDF, reading or writing a stored file) never run while the session
    holds a transaction open: its locks, or SQLite's whole-database write lock, would be held for as long as they
    take, and objects read after a commit would quietly open a new transaction and load row by row.

    Raises WorkInsideTransaction in development and tests; in production (OUTSIDE_WORK_IN_TRANSACTION = "log") the
    fault is logged as an error and the work goes on, so a resident is not turned away for our mistake.
    """
    if not has_app_context() or "sqlalchemy" not in current_app.extensions or not db.session().in_transaction():
        return
    if current_app.config.get("OUTSIDE_WORK_IN_TRANSACTION", "raise") == "log":
        log.error("%s while a database transaction is open", what)
        return
    raise WorkInsideTransaction(
        f"{what} while a database transaction is open: gather plain values, then finish_reading()"
    )


def finish_reading() -> None:
    """End the transaction a view or job opened by reading, so slow work can follow with nothing held open.

    Objects read so far are expired: gather what the slow work needs into plain values first. Refuses (RuntimeError)
    inside a unit of work, or when the session holds changes that were never committed.
    """
    session = db.session
    if session.info.get("in_unit_of_work"):
        raise RuntimeError("finish_reading inside a unit of work: do the slow work after the service returns")
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("finish_reading with changes not committed: write them through a @transactional service")
    session.rollback()
