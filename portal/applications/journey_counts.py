"""Where residents give up: each question page a resident opens, and goes on from, counted once an idea for its pot
and month (JourneyCount); when a draft is removed or withdrawn unsent, the page it was last seen on is counted as
where it was left. A draft's own marks (JourneyMark) are working notes only, gone with the draft or once it is sent.

Counting never stands in a resident's way: it runs in its own short transaction, and a count that cannot be written
(a database hiccup) is logged and dropped."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from portal.applications.models import Application, JourneyCount, JourneyMark
from portal.common.time import utcnow
from portal.common.transactions import transactional
from portal.extensions import db

log = logging.getLogger(__name__)

CHECK_ANSWERS = "check-your-answers"


def month_of(moment: datetime) -> str:
    return moment.strftime("%Y-%m")


def _insert(model: type) -> Any:
    """An INSERT that can say what to do on a clash, in the database's own words (both speak ON CONFLICT)."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def _bump(pot_id: int, month: str, page: str, **by: int) -> None:
    """Add to a pot's counts for a page and month, making the row the first time (two at once both count)."""
    values = {"started": 0, "continued": 0, "left_here": 0, **by}
    statement = _insert(JourneyCount).values(pot_id=pot_id, month=month, page=page, **values)
    statement = statement.on_conflict_do_update(
        index_elements=["pot_id", "month", "page"],
        set_={name: getattr(JourneyCount, name) + amount for name, amount in by.items()},
    )
    db.session.execute(statement)


def _counted(application: Application) -> bool:
    """Residents' own journeys are counted; a community builder entering an idea with someone is not giving up."""
    return application.assisted_by_id is None


def _quietly(action: Any) -> Any:
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            action(*args, **kwargs)
        except sa.exc.SQLAlchemyError:
            log.warning("a journey count was not written", exc_info=True)

    run.__doc__ = action.__doc__
    return run


@_quietly
@transactional
def page_seen(application: Application, page: str) -> None:
    """A resident opened a question page of their draft: counted as started the first time for this idea."""
    if not _counted(application):
        return
    now = utcnow()
    added = db.session.execute(
        _insert(JourneyMark)
        .values(application_id=application.id, page=page, seen_at=now, continued=False)
        .on_conflict_do_nothing(index_elements=["application_id", "page"])
        .returning(JourneyMark.page)  # a row back only when it was added (rowcount is not told on every driver)
    ).first()
    if added is not None:
        _bump(application.pot_id, month_of(now), page, started=1)
    else:
        db.session.execute(
            sa.update(JourneyMark)
            .where(JourneyMark.application_id == application.id, JourneyMark.page == page)
            .values(seen_at=now)
        )


@_quietly
@transactional
def page_continued(application: Application, page: str) -> None:
    """A resident went on from a page (its answers saved): counted as continued the first time for this idea."""
    if not _counted(application):
        return
    now = utcnow()
    went_on = db.session.execute(
        sa.update(JourneyMark)
        .where(
            JourneyMark.application_id == application.id,
            JourneyMark.page == page,
            JourneyMark.continued.is_(False),
        )
        .values(continued=True, seen_at=now)
    )
    if went_on.rowcount == 1:  # type: ignore[attr-defined]
        _bump(application.pot_id, month_of(now), page, continued=1)
        return
    added = db.session.execute(  # sent without the page being opened first here (a form kept open since before)
        _insert(JourneyMark)
        .values(application_id=application.id, page=page, seen_at=now, continued=True)
        .on_conflict_do_nothing(index_elements=["application_id", "page"])
        .returning(JourneyMark.page)
    ).first()
    if added is not None:
        _bump(application.pot_id, month_of(now), page, started=1, continued=1)


def forget_marks(application_id: int) -> None:
    """A sent idea's marks are no longer needed (its pages are counted). Runs in the caller's transaction."""
    db.session.execute(sa.delete(JourneyMark).where(JourneyMark.application_id == application_id))


def last_seen(application_id: int) -> tuple[str, datetime] | None:
    """The page a draft was last seen on, and when (None if it has no marks: assisted, or from before counting)."""
    last = db.session.execute(
        sa.select(JourneyMark.page, JourneyMark.seen_at)
        .where(JourneyMark.application_id == application_id)
        .order_by(JourneyMark.seen_at.desc(), JourneyMark.page)
        .limit(1)
    ).first()
    return (last.page, last.seen_at) if last is not None else None


def count_left(pot_id: int, last: tuple[str, datetime] | None) -> None:
    """A draft went unsent (removed, or withdrawn): count the page it was last seen on, in the month it was seen
    there. Runs in the caller's transaction, which removed or withdrew it."""
    if last is not None:
        page, seen_at = last
        _bump(pot_id, month_of(seen_at), page, left_here=1)


@_quietly
@transactional
def idea_sent(application: Application) -> None:
    """The resident sent their idea from check your answers: that page is continued from, and the idea's marks go."""
    if not _counted(application):
        return
    went_on = db.session.execute(
        sa.update(JourneyMark)
        .where(
            JourneyMark.application_id == application.id,
            JourneyMark.page == CHECK_ANSWERS,
            JourneyMark.continued.is_(False),
        )
        .values(continued=True)
    )
    if went_on.rowcount == 1:  # type: ignore[attr-defined]
        _bump(application.pot_id, month_of(utcnow()), CHECK_ANSWERS, continued=1)
    forget_marks(application.id)
