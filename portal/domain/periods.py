"""The periods insight and the commissioner report count over: financial years start on 1 April."""

from __future__ import annotations

from datetime import date

PERIOD_KEYS = ("all", "this-financial-year", "last-financial-year", "last-12-months")


def period_dates(period: str, today: date | None = None) -> tuple[date | None, date | None]:
    """The first and last day of a named period; financial years start on 1 April. "all" has no bounds."""
    today = today or date.today()
    april = date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    if period == "this-financial-year":
        return april, date(april.year + 1, 3, 31)
    if period == "last-financial-year":
        return date(april.year - 1, 4, 1), date(april.year, 3, 31)
    if period == "last-12-months":
        return date(today.year - 1, today.month, min(today.day, 28)), today
    return None, None
