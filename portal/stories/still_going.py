"""Is it still going? Six and twelve months after an idea's award was paid, its resident gets one short, optional
question (yes, no, or it turned into something else, and a sentence) by the way they chose, answered without signing
in through a single-use link. A community builder can record the answer from a conversation, which is how a
resident we cannot reach is asked. An hourly job asks those due; the programme counts the answers."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

import sqlalchemy as sa

from portal.accounts.models import User
from portal.accounts.news import tell
from portal.applications.models import Application
from portal.assetmap.services import is_builder_here
from portal.awards.models import Award
from portal.common import audit
from portal.common.crypto import sha256_hex
from portal.common.jobs import job
from portal.common.time import utcnow
from portal.common.transactions import locked, transactional
from portal.domain.payments import PaymentStatus
from portal.domain.stories import STILL_GOING_MONTHS, StillGoing, YesNoNotSure, months_after
from portal.extensions import db
from portal.payments.models import Payment
from portal.programme.models import Pot
from portal.stories.models import StillGoingCheck, Story

MOST_WORDS = 500
# An idea paid long before this was built is asked at most once more: nobody hears about a year-old spark twice.
ASK_WITHIN_DAYS = 60


class StillGoingRefused(Exception):
    """reason: not_a_builder, answered, unknown"""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _paid_between(earliest: date, latest: date) -> sa.Select[tuple[int]]:
    """Ideas whose award was paid on a day in [earliest, latest]."""
    return (
        sa.select(Award.application_id)
        .join(Payment, Payment.award_id == Award.id)
        .where(Payment.status == PaymentStatus.PAID.value, Payment.paid_on.between(earliest, latest))
    )


def ask_due(today: date | None = None) -> int:
    """Ask every resident whose 6- or 12-month question is due (within ASK_WITHIN_DAYS of it), once each."""
    today = today or utcnow().date()
    asked = 0
    for months in STILL_GOING_MONTHS:
        latest = months_after(today, -months)
        earliest = latest - timedelta(days=ASK_WITHIN_DAYS)
        already = sa.select(StillGoingCheck.application_id).where(StillGoingCheck.months == months)
        due = _paid_between(earliest, latest).where(Award.application_id.not_in(already)).limit(500)
        for application_id in list(db.session.execute(due).scalars()):
            asked += _ask(application_id, months)
    return asked


@transactional
def _ask(application_id: int, months: int) -> int:
    application = db.session.execute(locked(sa.select(Application).where(Application.id == application_id))).scalar()
    exists = sa.select(StillGoingCheck.id).where(
        StillGoingCheck.application_id == application_id, StillGoingCheck.months == months
    )
    if application is None or application.personal_details_removed_at or db.session.scalar(exists):
        return 0
    token = secrets.token_urlsafe(16)
    check = StillGoingCheck(application_id=application_id, months=months, token_hash=sha256_hex(token))
    db.session.add(check)
    db.session.flush()
    check.told = tell(
        application.applicant,
        "stories/still_going",
        language=application.language,
        application=application,
        token=token,
        months=months,
    )
    audit.record("still_going.asked", object_type="application", object_id=application_id, months=months)
    return 1


@job(retries=2, retry_delay=300, schedule={"minute": "23"})
def ask_still_going() -> int:
    """Every hour: ask those whose six or twelve months have come."""
    return ask_due()


def check_for(token: str) -> StillGoingCheck | None:
    return db.session.execute(
        sa.select(StillGoingCheck).where(StillGoingCheck.token_hash == sha256_hex(token or ""))
    ).scalar_one_or_none()


def _save(check: StillGoingCheck, answer: StillGoing, words: str, by: User | None) -> None:
    check.answer, check.words = answer.value, (words or "").strip()[:MOST_WORDS]
    check.answered_at, check.recorded_by_id = utcnow(), by.id if by else None
    audit.record(
        "still_going.answered",
        actor_id=by.id if by else None,
        object_type="application",
        object_id=check.application_id,
        months=check.months,
        answer=answer.value,
    )


def _locked(check_id: int) -> StillGoingCheck:
    return db.session.execute(locked(sa.select(StillGoingCheck).where(StillGoingCheck.id == check_id))).scalar_one()


@transactional
def answer_by_link(token: str, answer: StillGoing, words: str) -> StillGoingCheck:
    """The resident's own answer, once: a link already used changes nothing (raises 'answered')."""
    found = check_for(token)
    if found is None:
        raise StillGoingRefused("unknown")
    check = _locked(found.id)
    if check.answer is not None:
        raise StillGoingRefused("answered")
    _save(check, answer, words, None)
    return check


def may_record(user: User, application: Application) -> bool:
    """Community builders of the idea's neighbourhood, and programme officers."""
    return is_builder_here(user, application.pot.neighbourhood_id)


@transactional
def record(builder: User, application_id: int, months: int, answer: StillGoing, words: str) -> StillGoingCheck:
    """A builder writes down the answer a resident gave them in conversation (once; a check not asked yet is made
    now, without a message)."""
    application = db.session.get(Application, application_id)
    if application is None or not may_record(builder, application):
        raise StillGoingRefused("not_a_builder")
    found = db.session.scalar(
        sa.select(StillGoingCheck.id).where(
            StillGoingCheck.application_id == application_id, StillGoingCheck.months == months
        )
    )
    if found is None:
        made = StillGoingCheck(
            application_id=application_id, months=months, token_hash=sha256_hex(secrets.token_urlsafe(16))
        )
        db.session.add(made)
        db.session.flush()
        found = made.id
    check = _locked(found)
    if check.answer is not None:
        raise StillGoingRefused("answered")
    _save(check, answer, words, builder)
    return check


def checks_of(application_id: int) -> dict[int, StillGoingCheck]:
    found = db.session.execute(sa.select(StillGoingCheck).where(StillGoingCheck.application_id == application_id))
    return {check.months: check for check in found.scalars()}


def paid_on(application_id: int) -> date | None:
    return db.session.scalar(
        sa.select(Payment.paid_on)
        .join(Award, Award.id == Payment.award_id)
        .where(Award.application_id == application_id, Payment.status == PaymentStatus.PAID.value)
    )


def answers(neighbourhood_id: int | None = None, *, groups_only: bool = False) -> dict[int, dict[str, int]]:
    """For 6 and 12 months: how many were asked, and how many answered yes, no or changed; in one neighbourhood or
    all; with groups_only, only ideas whose story says a group formed."""
    query = (
        sa.select(StillGoingCheck.months, StillGoingCheck.answer, sa.func.count())
        .join(Application, Application.id == StillGoingCheck.application_id)
        .group_by(StillGoingCheck.months, StillGoingCheck.answer)
    )
    if neighbourhood_id is not None:
        query = query.join(Pot, Pot.id == Application.pot_id).where(Pot.neighbourhood_id == neighbourhood_id)
    if groups_only:
        query = query.join(Story, Story.application_id == Application.id).where(
            Story.group_formed == YesNoNotSure.YES.value
        )
    found = {months: {"asked": 0, **{answer.value: 0 for answer in StillGoing}} for months in STILL_GOING_MONTHS}
    for months, answer, n in db.session.execute(query).tuples():
        found[months]["asked"] += n
        if answer:
            found[months][answer] += n
    return found
