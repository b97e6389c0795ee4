"""Long lists a page at a time, with Flask-SQLAlchemy's pagination, and the links between the pages."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_sqlalchemy.pagination import SelectPagination

from portal.extensions import db

MAX_PAGE = 10_000  # past this a page number is a typo (or a probe), not a place anyone is reading


class RowPagination(SelectPagination):
    """`db.paginate` for a select of several entities: each item is the whole row, not only its first entity."""

    def _query_items(self) -> list[Any]:
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(select).all())


def paginate_rows(select: Any, page: int, per_page: int, count: bool = True) -> RowPagination:
    return RowPagination(
        select=select, session=db.session(), page=page, per_page=per_page, error_out=False, count=count
    )


def page_number(argument: str = "page") -> int:
    """The page asked for in the query string: 1 when missing, not a number, or out of range."""
    page = request.args.get(argument, 1, type=int) or 1
    return page if 1 <= page <= MAX_PAGE else 1


def page_url(page: int, argument: str = "page") -> str:
    """This page's address with another page number, keeping the rest of the query string."""
    values: dict[str, Any] = {**(request.view_args or {}), **request.args.to_dict(), argument: page}
    return url_for(request.endpoint or "pages.home", **values)
