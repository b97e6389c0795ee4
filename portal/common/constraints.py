"""CHECK constraints that list a column's allowed values, so the database refuses a status nobody defined."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa


def one_of(column: str, values: Iterable[str], name: str | None = None) -> sa.CheckConstraint:
    """A CHECK that column holds one of values (an enum's members, or plain strings); named `<column>_known`."""
    listed = ", ".join("'" + str(value).replace("'", "''") + "'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({listed})", name=name or f"{column}_known")
