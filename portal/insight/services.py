"""Programme insight: what the small sparks did, per neighbourhood and pot, for a chosen period, in a fixed number of
queries however many applications there are (each figure is counted by the database, grouped by pot).

The rule for money, the same on the dashboard and in the commissioner report: the money figures are those of the pots
open on any day of the period (a rolling pot is always open) — each pot's whole budget, everything awarded from it
and paid from it so far, and what is left to award (budget − awarded). So in every row, for a pot, a neighbourhood
or the whole selection, budget − awarded = left and paid ≤ awarded. Ideas, decisions and stories are counted by their
own dates within the period, from every pot of the neighbourhoods chosen."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from portal.applications.models import Application
from portal.awards.models import MONEY_HOLDING_AWARD_STATUSES, Award
from portal.common.page_cache import cache
from portal.common.pence import count_where, sum_pence
from portal.common.time import UK, utcnow
from portal.domain.payments import PaymentStatus
from portal.domain.periods import PERIOD_KEYS
from portal.domain.pots import open_during
from portal.domain.states import ApplicationStatus
from portal.domain.stories import StoryStatus
from portal.extensions import db
from portal.panels.models import Decision
from portal.payments.models import Payment
from portal.programme.models import Neighbourhood, Pot
from portal.stories.models import Story

# The periods' names, as the dashboard's choices and the report's heading say them (their dates: domain/periods.py).
PERIOD_NAMES = dict(
    zip(
        PERIOD_KEYS,
        (
            _l("Since the programme began"),
            _l("This financial year"),
            _l("Last financial year"),
            _l("The last 12 months"),
        ),
        strict=True,
    )
)

WAYS = ("way_connect", "way_be_active", "way_take_notice", "way_keep_learning", "way_give")
SENT = tuple(s.value for s in ApplicationStatus if s not in (ApplicationStatus.DRAFT, ApplicationStatus.EXPIRED))
OUTCOME_KINDS = ("yes", "yes_with_change", "not_yet")


@dataclass(frozen=True)
class Filters:
    start: date | None = None
    end: date | None = None
    neighbourhood_id: int | None = None
    pot_id: int | None = None
    neighbourhood_ids: tuple[int, ...] = ()  # several neighbourhoods (the commissioner report); empty: all

    def between(self, column: Any) -> list[Any]:
        """Conditions keeping a UTC timestamp column within the period, read as whole UK days."""
        conditions = []
        if self.start:
            conditions.append(column >= datetime.combine(self.start, time(), UK))
        if self.end:
            conditions.append(column < datetime.combine(self.end + timedelta(days=1), time(), UK))
        return conditions

    def days(self, column: Any) -> list[Any]:
        conditions = []
        if self.start:
            conditions.append(column >= self.start)
        if self.end:
            conditions.append(column <= self.end)
        return conditions


@dataclass
class Figures:
    """The numbers for one pot, or added up for a neighbourhood or the whole programme."""

    # Money, from the pots open in the period (see the module's docstring): budget − awarded = remaining.
    budget_pence: int = 0
    awarded_pence: int = 0  # awarded from those pots so far (offers not declined or cancelled)
    paid_pence: int = 0  # paid from those pots so far
    remaining_pence: int = 0  # left to award from those pots
    received: int = 0
    decided_yes: int = 0
    decided_not_yet: int = 0
    came_back: int = 0  # ideas sent again from a copy, after a "not yet"
    came_back_funded: int = 0  # of those, decided yes
    withdrawn: int = 0
    stories_shared: int = 0
    stories_published: int = 0
    groups_formed: int = 0
    ways: dict[str, int] = field(default_factory=lambda: dict.fromkeys(WAYS, 0))

    def add(self, other: Figures) -> None:
        for name in (
            "budget_pence",
            "awarded_pence",
            "paid_pence",
            "remaining_pence",
            "received",
            "decided_yes",
            "decided_not_yet",
            "came_back",
            "came_back_funded",
            "withdrawn",
            "stories_shared",
            "stories_published",
            "groups_formed",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for way in WAYS:
            self.ways[way] += other.ways[way]


@dataclass
class PotFigures:
    id: int
    name: str
    figures: Figures


@dataclass
class Place:
    id: int
    name: str
    figures: Figures
    pots: list[PotFigures]
    days_to_decision: float | None = None
    days_to_payment: float | None = None


@dataclass
class Dashboard:
    """Plain numbers (no database rows), so a dashboard can be kept in the cache and drawn in a PDF."""

    filters: Filters
    places: list[Place]
    total: Figures
    days_to_decision: float | None
    days_to_payment: float | None
    worked_out_at: datetime


KEEP_SECONDS = 300  # figures may be up to five minutes old; the page says when they were worked out


def dashboard(filters: Filters) -> Dashboard:
    """The dashboard for these filters, worked out at most every five minutes (at scale it takes a quarter of a
    second of database time; commissioners do not need it to the second)."""
    key = (
        f"insight:{filters.start}:{filters.end}:{filters.neighbourhood_id}:{filters.pot_id}:{filters.neighbourhood_ids}"
    )
    found = cache.get(key)
    if found is None:
        found = build(filters)
        cache.set(key, found, timeout=KEEP_SECONDS)
    return found


def _pots(filters: Filters) -> list[Pot]:
    query = sa.select(Pot).join(Neighbourhood).options(selectinload(Pot.neighbourhood))
    if filters.neighbourhood_id:
        query = query.where(Pot.neighbourhood_id == filters.neighbourhood_id)
    if filters.neighbourhood_ids:
        query = query.where(Pot.neighbourhood_id.in_(filters.neighbourhood_ids))
    if filters.pot_id:
        query = query.where(Pot.id == filters.pot_id)
    return list(db.session.scalars(query.order_by(Neighbourhood.name, Pot.name)))


def build(filters: Filters) -> Dashboard:
    pots = _pots(filters)
    pot_ids = [pot.id for pot in pots]
    figures = _money(pots, filters)
    _add_ideas(figures, pot_ids, filters)
    _add_stories(figures, pot_ids, filters)
    to_decision, to_payment = _median_days(filters, pot_ids)
    places: dict[int, Place] = {}
    total = Figures()
    for pot in pots:
        place = places.get(pot.neighbourhood_id)
        if place is None:
            place = places[pot.neighbourhood_id] = Place(pot.neighbourhood_id, pot.neighbourhood.name, Figures(), [])
        place.pots.append(PotFigures(pot.id, pot.name, figures[pot.id]))
        place.figures.add(figures[pot.id])
        total.add(figures[pot.id])
    for neighbourhood_id, place in places.items():
        place.days_to_decision = to_decision.get(neighbourhood_id)
        place.days_to_payment = to_payment.get(neighbourhood_id)
    return Dashboard(
        filters, list(places.values()), total, to_decision.get(None), to_payment.get(None), worked_out_at=utcnow()
    )


def _money(pots: list[Pot], filters: Filters) -> dict[int, Figures]:
    """Each pot's figures, with its budget, awarded, paid and left filled in."""
    # Money follows the pots open in the period; a pot that opens after it (or closed before it) counts nothing.
    money_pot_ids = [pot.id for pot in pots if open_during(pot.limits, filters.start, filters.end)]
    budgets = {pot.id: pot.budget_pence for pot in pots if pot.id in money_pot_ids}
    figures = {pot.id: Figures(budget_pence=budgets.get(pot.id, 0)) for pot in pots}
    holding = Award.status.in_(MONEY_HOLDING_AWARD_STATUSES)

    for pot_id, promised in db.session.execute(
        sa.select(Award.pot_id, sum_pence(Award.amount_pence))
        .where(holding, Award.pot_id.in_(money_pot_ids))
        .group_by(Award.pot_id)
    ):
        figures[pot_id].awarded_pence = promised

    for pot_id, pence in db.session.execute(
        sa.select(Award.pot_id, sum_pence(Payment.amount_pence))
        .join(Award, Award.id == Payment.award_id)
        .where(Payment.status == PaymentStatus.PAID.value, holding, Award.pot_id.in_(money_pot_ids))
        .group_by(Award.pot_id)
    ):
        figures[pot_id].paid_pence = pence
    for pot_figures in figures.values():
        pot_figures.remaining_pence = pot_figures.budget_pence - pot_figures.awarded_pence
    return figures


def _add_ideas(figures: dict[int, Figures], pot_ids: list[int], filters: Filters) -> None:
    """How many ideas each pot received in the period, and how many were decided yes, not yet, or withdrawn."""
    for pot_id, status, number in db.session.execute(
        sa.select(Application.pot_id, Application.status, sa.func.count())
        .where(
            Application.pot_id.in_(pot_ids), Application.status.in_(SENT), *filters.between(Application.submitted_at)
        )
        .group_by(Application.pot_id, Application.status)
    ):
        target = figures[pot_id]
        target.received += number
        if status == ApplicationStatus.APPROVED.value:
            target.decided_yes += number
        elif status == ApplicationStatus.NOT_YET.value:
            target.decided_not_yet += number
        elif status == ApplicationStatus.WITHDRAWN.value:
            target.withdrawn += number
    _add_came_back(figures, pot_ids, filters)


def _add_came_back(figures: dict[int, Figures], pot_ids: list[int], filters: Filters) -> None:
    """Of the ideas sent in the period, those that were a "not yet" idea tried again, and those of them funded."""
    for pot_id, status, number in db.session.execute(
        sa.select(Application.pot_id, Application.status, sa.func.count())
        .where(
            Application.pot_id.in_(pot_ids),
            Application.copied_from_id.is_not(None),
            Application.status.in_(SENT),
            *filters.between(Application.submitted_at),
        )
        .group_by(Application.pot_id, Application.status)
    ):
        figures[pot_id].came_back += number
        if status == ApplicationStatus.APPROVED.value:
            figures[pot_id].came_back_funded += number


def _add_stories(figures: dict[int, Figures], pot_ids: list[int], filters: Filters) -> None:
    """How many stories each pot's ideas shared in the period, published, new groups, and the five ways."""
    shared = Story.status.in_([StoryStatus.SENT.value, StoryStatus.PUBLISHED.value])
    story_columns = [
        sa.func.count(),
        count_where(Story.status == StoryStatus.PUBLISHED.value),
        count_where(Story.group_formed == "yes"),
        *(count_where(getattr(Story, way).is_(True)) for way in WAYS),
    ]
    for pot_id, count, published, groups, *ways in db.session.execute(
        sa.select(Application.pot_id, *story_columns)
        .join(Application, Application.id == Story.application_id)
        .where(shared, Application.pot_id.in_(pot_ids), *filters.between(Story.sent_at))
        .group_by(Application.pot_id)
    ):
        target = figures[pot_id]
        target.stories_shared, target.stories_published, target.groups_formed = count, published, groups
        target.ways = dict(zip(WAYS, ways, strict=True))


Medians = dict[int | None, float]  # by neighbourhood id; None for the whole selection


def _median_days(filters: Filters, pot_ids: list[int]) -> tuple[Medians, Medians]:
    """Median days from sending to the decision, and from the decision to the payment, by neighbourhood and in
    all: two queries. PostgreSQL works the medians out itself (percentile_cont); SQLite, which has no median, returns
    one number per idea and they are taken here."""
    decided = (
        sa.select(Decision.application_id, sa.func.min(Decision.decided_at).label("decided_at"))
        .where(Decision.kind.in_(OUTCOME_KINDS))
        .group_by(Decision.application_id)
        .subquery()
    )
    decisions = (
        sa.select(Pot.neighbourhood_id, Application.submitted_at, decided.c.decided_at)
        .join(decided, decided.c.application_id == Application.id)
        .join(Pot, Pot.id == Application.pot_id)
        .where(Application.pot_id.in_(pot_ids), Application.submitted_at.is_not(None))
        .where(*filters.between(decided.c.decided_at))
    )
    payments = (
        sa.select(Pot.neighbourhood_id, Decision.decided_at, Payment.paid_on)
        .join(Award, Award.id == Payment.award_id)
        .join(Decision, Decision.id == Award.decision_id)
        .join(Pot, Pot.id == Award.pot_id)
        .where(Payment.status == PaymentStatus.PAID.value, Award.pot_id.in_(pot_ids), Payment.paid_on.is_not(None))
        .where(*filters.days(Payment.paid_on))
    )
    if db.engine.dialect.name == "postgresql":
        return _postgres_medians(decisions, payments)
    to_decision: dict[int, list[float]] = defaultdict(list)
    for neighbourhood_id, sent, decided_at in db.session.execute(decisions):
        to_decision[neighbourhood_id].append(_days(sent, decided_at))
    to_payment: dict[int, list[float]] = defaultdict(list)
    for neighbourhood_id, decided_at, paid_on in db.session.execute(payments):
        to_payment[neighbourhood_id].append(max(0.0, (paid_on - _as_utc(decided_at).astimezone(UK).date()).days))
    return _medians(to_decision), _medians(to_payment)


def _medians(days: dict[int, list[float]]) -> Medians:
    found: Medians = {key: round(statistics.median(values), 1) for key, values in days.items() if values}
    everything = [d for values in days.values() for d in values]
    if everything:
        found[None] = round(statistics.median(everything), 1)
    return found


def _postgres_medians(decisions: Any, payments: Any) -> tuple[Medians, Medians]:
    def medians(rows: Any, days: Any) -> Medians:
        sub = rows.subquery()
        median = sa.func.percentile_cont(0.5).within_group(days(sub))
        query = sa.select(sub.c.neighbourhood_id, median).group_by(sa.func.rollup(sub.c.neighbourhood_id))
        return {key: round(float(value), 1) for key, value in db.session.execute(query) if value is not None}

    to_decision = medians(
        decisions,
        lambda sub: sa.func.greatest(sa.func.extract("epoch", sub.c.decided_at - sub.c.submitted_at) / 86_400, 0),
    )
    uk_day = sa.func.date(sa.func.timezone("Europe/London", Decision.decided_at))
    payments = payments.add_columns(uk_day.label("decided_on"))
    to_payment = medians(payments, lambda sub: sa.func.greatest(sub.c.paid_on - sub.c.decided_on, 0))
    return to_decision, to_payment


def _as_utc(moment: datetime) -> datetime:
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _days(start: datetime, end: datetime) -> float:
    return max(0.0, (_as_utc(end) - _as_utc(start)).total_seconds() / 86_400)


def neighbourhood_choices() -> list[tuple[int, str]]:
    return list(
        db.session.execute(sa.select(Neighbourhood.id, Neighbourhood.name).order_by(Neighbourhood.name)).tuples()
    )
