"""Where residents give up, for programme officers: a pot's question pages in journey order for a month, with how
many ideas opened each, went on from it, and were last seen there never sent; and the median time from starting an
idea to sending it. Counts only (portal/applications/journey_counts.py): no person, no idea, nothing finer than the
month."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.applications import journey
from portal.applications.journey_counts import CHECK_ANSWERS, month_of
from portal.applications.models import Application, JourneyCount
from portal.applications.pot_questions import SLUG
from portal.common.time import utcnow
from portal.extensions import db
from portal.programme.models import Neighbourhood, Pot, PotQuestion


@dataclass(frozen=True)
class PageFigures:
    page: str
    name: Any  # the page's title, translated when shown; a pot question's own wording
    started: int
    continued: int
    left_here: int

    @property
    def went_on_percent(self) -> int | None:
        # Halves round up, as people round (62.5 % is 63 %), in whole numbers only.
        return (200 * self.continued + self.started) // (2 * self.started) if self.started else None


@dataclass(frozen=True)
class JourneyFigures:
    pot: Pot
    month: str
    pages: list[PageFigures]
    ideas_sent: int
    median_to_send: timedelta | None

    @property
    def first_day(self) -> date:
        return first_day(self.month)


def first_day(month: str) -> date:
    return datetime.strptime(month, "%Y-%m").date()


def pot_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(
        sa.select(Pot.id, Neighbourhood.name, Pot.name)
        .join(Neighbourhood, Neighbourhood.id == Pot.neighbourhood_id)
        .order_by(Neighbourhood.name, Pot.name)
    )
    return [(pot_id, f"{place}: {pot}") for pot_id, place, pot in rows]


def months_counted(pot_id: int) -> list[str]:
    """The months with counts for the pot, newest first, and this month always."""
    found = db.session.execute(sa.select(JourneyCount.month).where(JourneyCount.pot_id == pot_id).distinct()).scalars()
    return sorted({month_of(utcnow()), *found}, reverse=True)


def _names(pot_id: int) -> list[tuple[str, Any]]:
    """Every page of the pot's journey, in order, with its name: the portal's questions, the pot's own (as they
    stand now), check your answers."""
    own = db.session.execute(
        sa.select(PotQuestion.wording)
        .where(PotQuestion.pot_id == pot_id, PotQuestion.retired_at.is_(None))
        .order_by(PotQuestion.position, PotQuestion.id)
    ).scalars()
    pages: list[tuple[str, Any]] = []
    for question in journey.QUESTIONS:
        if question.slug == "contact":
            pages.extend((f"{SLUG}{number}", wording) for number, wording in enumerate(own, 1))
        pages.append((question.slug, question.title))
    pages.append((CHECK_ANSWERS, _l("Check your answers")))
    return pages


def _median_to_send(pot_id: int, month: str) -> tuple[int, timedelta | None]:
    """How many residents' ideas in the pot were sent in the month, and the median time from starting to sending."""
    start = datetime.strptime(month, "%Y-%m").replace(tzinfo=utcnow().tzinfo)
    end = (start + timedelta(days=32)).replace(day=1)
    rows = db.session.execute(
        sa.select(Application.created_at, Application.submitted_at).where(
            Application.pot_id == pot_id,
            Application.assisted_by_id.is_(None),
            Application.submitted_at >= start,
            Application.submitted_at < end,
        )
    ).all()
    spans = [(sent - started).total_seconds() for started, sent in rows]
    return len(spans), timedelta(seconds=round(statistics.median(spans))) if spans else None


def journey_figures(pot_id: int, month: str) -> JourneyFigures | None:
    """The figures of a pot's journey for a month ("2026-12"); None for a pot that is not there."""
    pot = db.session.get(Pot, pot_id)
    if pot is None:
        return None
    counted = {
        row.page: row
        for row in db.session.execute(
            sa.select(JourneyCount).where(JourneyCount.pot_id == pot_id, JourneyCount.month == month)
        ).scalars()
    }
    names = _names(pot_id)
    named = {page for page, _ in names}
    names += [(page, page) for page in sorted(counted) if page not in named]  # a page since removed
    pages = [
        PageFigures(page, name, row.started, row.continued, row.left_here)
        if (row := counted.get(page))
        else PageFigures(page, name, 0, 0, 0)
        for page, name in names
    ]
    sent, median = _median_to_send(pot_id, month)
    return JourneyFigures(pot, month, pages, sent, median)
