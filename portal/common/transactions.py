"""Our transaction policy: a service function decorated @transactional commits once, or rolls back on any error."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from sqlalchemy.sql import Select

from portal.extensions import db

P = ParamSpec("P")
R = TypeVar("R")


def transactional(func: Callable[P, R]) -> Callable[P, R]:
    """Run a service function as one unit of work. Nested calls join the outer unit and do not commit."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        info = db.session.info
        if info.get("in_unit_of_work"):
            return func(*args, **kwargs)
        info["in_unit_of_work"] = True
        try:
            result = func(*args, **kwargs)
            db.session.commit()
            return result
        except BaseException:
            db.session.rollback()
            raise
        finally:
            info["in_unit_of_work"] = False

    return wrapper


def locked(statement: Select[Any]) -> Select[Any]:
    """SELECT … FOR UPDATE, refreshing any copy of the rows the session already holds.

    Without the refresh, a request that read a row before asking for its lock would, after waiting for another
    request to commit, go on with its stale copy: a double click would send an idea twice.
    """
    return statement.with_for_update().execution_options(populate_existing=True)
