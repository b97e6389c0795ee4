"""The programme dashboard, for programme officers and viewers (commissioners, councillors)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l

from portal.common.access import role_required
from portal.domain.roles import Role
from portal.insight import services

bp = Blueprint("insight", __name__, url_prefix="/insight")
officers_and_viewers = role_required(Role.PROGRAMME_OFFICER, Role.VIEWER)

PERIODS = {
    "all": _l("Since the programme began"),
    "this-financial-year": _l("This financial year"),
    "last-financial-year": _l("Last financial year"),
    "last-12-months": _l("The last 12 months"),
}


def period_dates(period: str, today: date | None = None) -> tuple[date | None, date | None]:
    """The first and last day of a named period; financial years start on 1 April."""
    today = today or date.today()
    april = date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    if period == "this-financial-year":
        return april, date(april.year + 1, 3, 31)
    if period == "last-financial-year":
        return date(april.year - 1, 4, 1), date(april.year, 3, 31)
    if period == "last-12-months":
        return date(today.year - 1, today.month, min(today.day, 28)), today
    return None, None


def chosen_filters() -> tuple[services.Filters, str]:
    period = request.args.get("period", "all")
    if period not in PERIODS:
        period = "all"
    neighbourhood_id = request.args.get("neighbourhood", type=int)
    start, end = period_dates(period)
    return services.Filters(start=start, end=end, neighbourhood_id=neighbourhood_id or None), period


@bp.get("")
@officers_and_viewers
def show_dashboard() -> Any:
    filters, period = chosen_filters()
    choices = services.neighbourhood_choices()
    if filters.neighbourhood_id not in {None, *(n for n, _ in choices)}:
        filters, period = services.Filters(start=filters.start, end=filters.end), period
    return render_template(
        "insight/dashboard.html",
        board=services.dashboard(filters),
        periods=PERIODS,
        period=period,
        neighbourhoods=choices,
    )
