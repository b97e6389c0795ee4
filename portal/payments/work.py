"""What finance officers see: the awards on their way to being paid, in four work lists, and one award with its
payments and the people who handled them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, load_only

from portal.accounts.models import User
from portal.applications.models import Application
from portal.awards.models import Award
from portal.common.paging import paginate_rows
from portal.domain.payments import (
    PaymentState,
    PaymentStatus,
    payment_state,
)
from portal.domain.states import AwardStatus
from portal.extensions import db
from portal.payments.models import PayeeDetails, Payment
from portal.payments.services import live_payment, payee_details_for
from portal.programme.models import Neighbourhood, Pot

# What finance sees --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AwardToPay:
    award: Award
    application: Application
    details: PayeeDetails | None
    payment: Payment | None

    @property
    def state(self) -> PaymentState:
        """Where the award is on its way to being paid, as finance names it everywhere."""
        return payment_state(self.award.status, self.details is not None)


# The finance officer's work, in four lists: where an award is on its way to being paid.
WORK_LISTS = ("due", "to_authorise", "to_record", "waiting_for_details")
WORK_PER_PAGE = 25
WORK_OVERVIEW = 10  # the payments page shows the oldest few of each list, with a link to the whole list
_WORK_STATUS = {
    "due": AwardStatus.ACCEPTED,
    "waiting_for_details": AwardStatus.ACCEPTED,
    "to_authorise": AwardStatus.PAYMENT_PREPARED,
    "to_record": AwardStatus.PAYMENT_AUTHORISED,
}


def count_payment_work() -> dict[str, int]:
    """How many awards are in each of the finance officer's lists, in one query, from the awards' index alone."""
    counts = dict.fromkeys(WORK_LISTS, 0)
    rows = db.session.execute(
        sa.select(Award.status, Award.has_payee_details, sa.func.count())
        .where(Award.status.in_({status.value for status in _WORK_STATUS.values()}))
        .group_by(Award.status, Award.has_payee_details)
    )
    for status, with_details, number in rows:
        if status == AwardStatus.ACCEPTED.value:
            counts["due" if with_details else "waiting_for_details"] += number
        else:
            counts["to_authorise" if status == AwardStatus.PAYMENT_PREPARED.value else "to_record"] += number
    return counts


def list_payment_work(name: str, page: int = 1, per_page: int = WORK_PER_PAGE, count: bool = True) -> Any:
    """One page of one of the finance officer's lists, oldest acceptance first, as AwardToPay items, in one query
    (two with `count`): the award, its idea with pot and neighbourhood, its payee details and its live payment."""
    live = sa.and_(
        Payment.award_id == Award.id,
        Payment.status.in_([PaymentStatus.PREPARED.value, PaymentStatus.AUTHORISED.value]),
    )
    query = (
        sa.select(Award, Application, PayeeDetails, Payment)
        .join(Application, Application.id == Award.application_id)
        .outerjoin(PayeeDetails, PayeeDetails.award_id == Award.id)
        .outerjoin(Payment, live)
        .where(Award.status == _WORK_STATUS[name].value)
        .options(
            # What the lists show of each idea: its name and reference (not its answers, decoded for nothing).
            load_only(Application.id, Application.reference, Application.idea_name, Application.pot_id),
            joinedload(Application.pot).joinedload(Pot.neighbourhood),
        )
        .order_by(Award.accepted_at, Award.id)
    )
    if name in ("due", "waiting_for_details"):
        query = query.where(Award.has_payee_details.is_(name == "due"))
    found = paginate_rows(query, page, per_page, count=count)
    found.items = [AwardToPay(*row) for row in found.items]
    return found


def get_award_to_pay(award_id: int) -> AwardToPay | None:
    award = db.session.get(Award, award_id)
    if award is None:
        return None
    application = db.session.get(Application, award.application_id)
    assert application is not None
    return AwardToPay(award, application, payee_details_for(award.id), live_payment(award.id))


def payment_history(award_id: int) -> list[Payment]:
    """Every payment of the award, oldest first, failed and cancelled ones included."""
    return list(
        db.session.execute(sa.select(Payment).where(Payment.award_id == award_id).order_by(Payment.id)).scalars()
    )


def people_named(ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return {
        user_id: name for user_id, name in db.session.execute(sa.select(User.id, User.name).where(User.id.in_(wanted)))
    }


def neighbourhood_of(application: Application) -> Neighbourhood:
    return application.pot.neighbourhood
