"""Money read from SQL as integer pence, the same on SQLite and PostgreSQL.

PostgreSQL gives SUM() over a BIGINT as NUMERIC (a Decimal in Python) where SQLite gives an int; money elsewhere is
always an int, so every sum of pence is read through here rather than cast at each call site.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement


class Pence(sa.types.TypeDecorator[int]):
    """An SQL value read back as an int of pence; a fraction of a penny is refused, never rounded away."""

    impl = sa.BigInteger
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Any) -> int | None:
        if value is None or isinstance(value, int):
            return value
        if isinstance(value, Decimal) and value == value.to_integral_value():
            return int(value)
        raise TypeError(f"an amount of money from the database is not whole pence: {value!r}")


def sum_pence(expression: Any) -> ColumnElement[int]:
    """SUM(expression) in integer pence, 0 when nothing is summed."""
    return sa.type_coerce(sa.func.coalesce(sa.func.sum(expression), 0), Pence())


def sum_whole(expression: Any) -> ColumnElement[int]:
    """SUM of a column of whole numbers that are not money (such as text fragments), as an int on both databases."""
    return sum_pence(expression)


def pence_or_nothing(expression: Any) -> ColumnElement[int]:
    """A column of pence (such as a sum from a subquery) read as an int, 0 where it is NULL (an outer join found no
    rows)."""
    return sa.type_coerce(sa.func.coalesce(expression, 0), Pence())


def count_where(condition: Any) -> ColumnElement[int]:
    """How many rows meet condition, as an int on both databases (SUM of a CASE is NUMERIC on PostgreSQL too)."""
    return sa.type_coerce(sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0), Pence())
