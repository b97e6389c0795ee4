"""Awards: how much of a pot is promised, making an award inside a decision, and the resident accepting it."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.applications.models import Application
from portal.awards.models import MONEY_HOLDING_AWARD_STATUSES, Award
from portal.common import audit
from portal.common.pence import Pence, sum_pence
from portal.common.status import change_award_status
from portal.common.time import utcnow
from portal.common.transactions import finish_reading, locked, transactional
from portal.domain.states import AwardStatus
from portal.extensions import db
from portal.programme.models import Pot


class AwardRefused(Exception):
    """Someone other than the resident tried to act on their award; `rule` names why."""

    def __init__(self, rule: str) -> None:
        super().__init__(rule)
        self.rule = rule


def awarded_pence(pot_id: int) -> int:
    """Money promised from this pot: every award still holding money, each counted once."""
    return db.session.execute(
        sa.select(sum_pence(Award.amount_pence)).where(
            Award.pot_id == pot_id, Award.status.in_(MONEY_HOLDING_AWARD_STATUSES)
        )
    ).scalar_one()


def remaining_pence(pot: Pot) -> int:
    return pot.budget_pence - awarded_pence(pot.id)


def money_left_in_pots(neighbourhood_id: int) -> list[tuple[Pot, int]]:
    """Each pot of the neighbourhood with the money left in it, in one query."""
    promised = sum_pence(Award.amount_pence)
    rows = db.session.execute(
        sa.select(Pot, sa.type_coerce(Pot.budget_pence - promised, Pence()))
        .outerjoin(Award, sa.and_(Award.pot_id == Pot.id, Award.status.in_(MONEY_HOLDING_AWARD_STATUSES)))
        .where(Pot.neighbourhood_id == neighbourhood_id)
        .group_by(Pot.id)
        .order_by(Pot.name)
    ).all()
    return [(pot, left) for pot, left in rows]


@dataclass(frozen=True)
class Funded:
    """What a neighbourhood has funded so far, in numbers only: ideas are not public until their story is."""

    ideas: int
    smallest_pence: int
    largest_pence: int


def funded_in(neighbourhood_id: int) -> Funded:
    count, smallest, largest = db.session.execute(
        sa.select(sa.func.count(Award.id), sa.func.min(Award.amount_pence), sa.func.max(Award.amount_pence))
        .join(Pot, Pot.id == Award.pot_id)
        .where(Pot.neighbourhood_id == neighbourhood_id, Award.status.in_(MONEY_HOLDING_AWARD_STATUSES))
    ).one()
    return Funded(int(count), int(smallest or 0), int(largest or 0))


def make_award(application: Application, pot: Pot, decision_id: int, amount_pence: int) -> Award:
    """Write the award a yes decision makes. The caller holds the pot's row lock and has checked the money fits;
    the unique application_id means an idea can never have two awards."""
    award = Award(application_id=application.id, pot_id=pot.id, decision_id=decision_id, amount_pence=amount_pence)
    db.session.add(award)
    db.session.flush()
    return award


def award_for(application_id: int) -> Award | None:
    return db.session.execute(sa.select(Award).where(Award.application_id == application_id)).scalar_one_or_none()


@transactional
def accept_award(application_id: int, resident: User) -> Award:
    """The resident accepts the offer, which moves the award on to payment; accepting twice changes nothing.

    Only the resident whose idea it is may accept (not the community builder who helped): raises AwardRefused.
    """
    applicant_id = db.session.execute(
        sa.select(Application.applicant_id).where(Application.id == application_id)
    ).scalar_one()
    if resident.id != applicant_id:
        raise AwardRefused("not_the_applicant")
    award = db.session.execute(locked(sa.select(Award).where(Award.application_id == application_id))).scalar_one()
    if award.status == AwardStatus.ACCEPTED.value:
        return award
    change_award_status(award, AwardStatus.ACCEPTED)
    award.accepted_at = utcnow()
    audit.record("award.accepted", actor_id=resident.id, object_type="award", object_id=award.id)
    return award


@dataclass(frozen=True)
class AwardLetter:
    """What an award letter shows, as plain values: it is drawn after the reading transaction has ended."""

    reference: str
    language: str
    contact_name: str
    idea_name: str
    neighbourhood: str
    pot: str
    host_organisation: str
    amount_pence: int
    fast_track: bool
    reason: str | None
    condition: str | None


def award_letter_for(application_id: int) -> AwardLetter | None:
    """The award letter of an idea that has an award (None otherwise), read in one go; the reading transaction then
    ends, so the PDF can be drawn with nothing held open."""
    row = db.session.execute(
        sa.select(Award, Application)
        .join(Application, Application.id == Award.application_id)
        .where(Award.application_id == application_id)
        .options(joinedload(Award.decision), joinedload(Application.pot).joinedload(Pot.neighbourhood))
    ).first()
    letter = None
    if row is not None:
        award, application = row
        decision = award.decision
        letter = AwardLetter(
            reference=application.reference or "",
            language=application.language,
            contact_name=application.contact_name or "",
            idea_name=application.idea_name or "",
            neighbourhood=application.pot.neighbourhood.name,
            pot=application.pot.name,
            host_organisation=application.pot.neighbourhood.host_organisation,
            amount_pence=award.amount_pence,
            fast_track=bool(decision and decision.fast_track),
            reason=decision.reason if decision else None,
            condition=decision.condition if decision else None,
        )
    finish_reading()
    return letter
