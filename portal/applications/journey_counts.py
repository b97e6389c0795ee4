"""Where residents give up: each question page a resident is sent to (opens), and goes on from, counted once an idea
for its pot and month (JourneyCount); when a draft is removed or withdrawn unsent, the page it was last sent to is
counted as where it was left. A draft's own marks (JourneyMark) are working notes only, gone with the draft or once
it is sent.

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


def _seen(application: Application, page: str, now: datetime) -> None:
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


def _continued(application: Application, page: str, now: datetime) -> None:
    went_on = db.session.execute(
        sa.update(JourneyMark)
        .where(
            JourneyMark.application_id == application.id,
            JourneyMark.page == page,
            JourneyMark.continued.is_(False),
        )
        .values(continued=True)
    )
    if went_on.rowcount == 1:  # type: ignore[attr-defined]
        _bump(application.pot_id, month_of(now), page, continued=1)
        return
    added = db.session.execute(  # sent on from a page it was never sent to here (a form kept open since before)
        _insert(JourneyMark)
        .values(application_id=application.id, page=page, seen_at=now, continued=True)
        .on_conflict_do_nothing(index_elements=["application_id", "page"])
        .returning(JourneyMark.page)
    ).first()
    if added is not None:
        _bump(application.pot_id, month_of(now), page, started=1, continued=1)


@_quietly
@transactional
def page_seen(application: Application, page: str) -> None:
    """A resident was sent to a question page of their draft (after starting it, or saving the page before): counted
    as opened the first time for this idea."""
    if _counted(application):
        _seen(application, page, utcnow())


@_quietly
@transactional
def moved_on(left: tuple[Application, str] | None, sent_to: tuple[Application, str] | None) -> None:
    """One save, counted in one short transaction: the page the resident left went on (the first time for the idea),
    and the page they were sent to was opened."""
    now = utcnow()
    if left is not None and _counted(left[0]):
        _continued(left[0], left[1], now)
    if sent_to is not None and _counted(sent_to[0]):
        _seen(sent_to[0], sent_to[1], now)


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
