"""Erasing a resident who asks: a programme officer finds them, sees what will go and what must stay, and erases.
What can go goes (drafts, their words, stories, contact details, bank details, their account's name and ways to
reach them); what must stay is kept without their name (a paid award's finance record: reference, idea, amount,
payment, the account's last two digits). They are told what was kept and why, before their ways to reach them go.
An award still being offered or paid must be finished or cancelled first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.accounts.models import PanelMembership, SignInToken, User, UserRole, new_session_token
from portal.accounts.news import can_be_told, tell
from portal.accounts.services import get_user_by_email, get_user_by_mobile
from portal.applications import journey_counts
from portal.applications.models import Application, Letter
from portal.applications.services import WRITTEN_ANSWERS
from portal.assetmap.models import Introduction, ResidentProfile
from portal.awards.models import Award
from portal.common import audit
from portal.common.jobs import enqueue_after_commit
from portal.common.status import change_application_status, set_status_where
from portal.common.time import utcnow
from portal.common.transactions import locked, transactional
from portal.domain.asset_map import IntroductionStatus
from portal.domain.mobiles import MobileRefused, shown, uk_mobile
from portal.domain.states import ApplicationStatus, AwardStatus
from portal.extensions import db
from portal.panels.models import Decision, IdeaTranslation, Interest, PanelView
from portal.payments.models import PayeeDetails
from portal.retention.models import DataCopy
from portal.retention.rules import clear_bank_details
from portal.stories.models import StillGoingCheck, Story
from portal.stories.services import delete_stored_files, keys_of, story_shown_less

SETTLED = (AwardStatus.PAID.value, AwardStatus.DECLINED.value, AwardStatus.CANCELLED.value)
WAITING = (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW, ApplicationStatus.QUESTION_ASKED)


class ErasureRefused(Exception):
    """'staff' (staff accounts are closed by whoever runs the portal), 'award_not_settled' (an award is still offered
    or being paid: finish or cancel it first), 'already_erased'."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ErasurePlan:
    """What erasing this resident would do, for the officer to read before they confirm."""

    user_id: int
    name: str
    found_by: str  # the email address, or the mobile number, the officer can check with them
    bank_details: bool  # they gave bank details for an award
    drafts: int  # removed outright
    ideas: int  # sent ideas: their words and contact details go
    finance_records: int  # paid awards: kept, without the name
    stories: int  # removed, with their photos
    panels: int  # panels they sit on: they come off
    can_be_told: bool
    refused: str | None  # why it cannot be done yet


def find_resident(typed: str) -> User | None:
    """Someone not erased, by email address or UK mobile number, or None."""
    typed = typed.strip()
    person = get_user_by_email(typed) if "@" in typed else None
    if person is None and "@" not in typed:
        try:
            person = get_user_by_mobile(uk_mobile(typed))
        except MobileRefused:
            person = None
    if person is None or person.erased_at is not None:
        return None
    return person  # staff too: their page says they are closed another way


def _ideas(user_id: int, *, lock: bool = False) -> list[Application]:
    query = sa.select(Application).where(Application.applicant_id == user_id).order_by(Application.id)
    return list(db.session.execute(locked(query) if lock else query).scalars())


def _awards(ideas: list[Application]) -> list[Award]:
    ids = [idea.id for idea in ideas]
    return list(db.session.execute(sa.select(Award).where(Award.application_id.in_(ids))).scalars()) if ids else []


def _refusal(person: User, awards: list[Award]) -> str | None:
    if person.is_staff:
        return "staff"
    if person.erased_at is not None:
        return "already_erased"
    if any(award.status not in SETTLED for award in awards):
        return "award_not_settled"
    return None


def erasure_plan(user_id: int) -> ErasurePlan | None:
    person = db.session.get(User, user_id)
    if person is None:
        return None
    ideas = _ideas(user_id)
    awards = _awards(ideas)
    paid = {award.application_id for award in awards if award.status == AwardStatus.PAID.value}
    given = (
        bool(awards)
        and db.session.execute(
            sa.select(PayeeDetails.id).where(PayeeDetails.award_id.in_([a.id for a in awards]))
        ).first()
        is not None
    )
    return ErasurePlan(
        user_id=user_id,
        name=person.name,
        found_by=person.email or (shown(person.mobile.reveal()) if person.mobile else ""),
        bank_details=given,
        drafts=sum(1 for idea in ideas if idea.status == ApplicationStatus.DRAFT.value),
        ideas=sum(1 for idea in ideas if idea.status != ApplicationStatus.DRAFT.value and idea.id not in paid),
        finance_records=len(paid),
        stories=sum(1 for idea in ideas if idea.story is not None),
        panels=len(person.panel_memberships),
        can_be_told=can_be_told(person),
        refused=_refusal(person, awards),
    )


def _remove_story(story: Story) -> list[str]:
    keys = [key for photo in story.photos for key in keys_of(photo)]
    story_shown_less.send(story.id)
    db.session.delete(story)
    return keys


def _erase_idea(idea: Application, paid: bool, now: datetime) -> None:
    """A sent idea: contact details go; its words go too unless a paid award's finance record needs them (the idea's
    name and what the money was for stay with the reference)."""
    if idea.status in {status.value for status in WAITING}:
        change_application_status(idea, ApplicationStatus.WITHDRAWN)
    idea.contact_name = None
    idea.contact_phone_encrypted = None
    idea.personal_details_removed_at = now
    db.session.execute(sa.update(Decision).where(Decision.application_id == idea.id).values(answer=None))
    db.session.execute(sa.delete(Letter).where(Letter.application_id == idea.id))
    db.session.execute(sa.update(StillGoingCheck).where(StillGoingCheck.application_id == idea.id).values(words=""))
    if paid:
        return
    for name in WRITTEN_ANSWERS:
        setattr(idea, name, "" if name == "idea_name" else None)
    idea.question_answers = []
    for line in idea.cost_lines:
        line.item = ""
    db.session.execute(sa.delete(IdeaTranslation).where(IdeaTranslation.application_id == idea.id))


def _erase_bank_details(award_ids: list[int], now: datetime) -> None:
    if award_ids:
        found = sa.select(PayeeDetails.id).where(PayeeDetails.award_id.in_(award_ids))
        clear_bank_details(list(db.session.execute(found).scalars()), now)


def _erase_account(person: User, now: datetime) -> None:
    lookup, email = person.mobile_lookup, person.email
    gone = [SignInToken.for_user_id == person.id]
    if email:
        gone.append(SignInToken.email == email)
    if lookup:
        gone.append(SignInToken.mobile_lookup == lookup)
    db.session.execute(sa.delete(SignInToken).where(sa.or_(*gone)))
    db.session.execute(sa.delete(DataCopy).where(DataCopy.user_id == person.id))
    db.session.execute(sa.delete(ResidentProfile).where(ResidentProfile.user_id == person.id))
    theirs = sa.or_(Introduction.first_id == person.id, Introduction.second_id == person.id)
    # Still counted; never answered now.
    set_status_where(Introduction, [theirs], IntroductionStatus.ASKED, IntroductionStatus.DECLINED, settled_at=now)
    db.session.execute(sa.update(Introduction).where(theirs).values(interest=""))
    db.session.execute(sa.update(PanelView).where(PanelView.user_id == person.id).values(comment=""))
    db.session.execute(sa.update(Interest).where(Interest.user_id == person.id).values(note=""))
    db.session.execute(sa.delete(PanelMembership).where(PanelMembership.user_id == person.id))
    db.session.execute(sa.delete(UserRole).where(UserRole.user_id == person.id))
    person.name = ""
    person.email = None
    person.mobile = None
    person.mobile_lookup = None
    person.postal_address = None
    person.password_hash = None
    person.is_active_account = False
    person.session_token = new_session_token()  # signed out everywhere
    person.erased_at = now


@transactional
def erase_resident(officer: User, user_id: int) -> ErasurePlan:
    """Erase the resident (see the module's rules); returns what was done. Raises ErasureRefused."""
    person = db.session.execute(locked(sa.select(User).where(User.id == user_id))).scalar_one()
    ideas = _ideas(user_id, lock=True)
    awards = _awards(ideas)
    if (refused := _refusal(person, awards)) is not None:
        raise ErasureRefused(refused)
    plan = erasure_plan(user_id)
    assert plan is not None
    told = tell(person, "retention/erased", language=person.language or "en", plan=plan)  # before the ways go
    now = utcnow()
    paid = {award.application_id for award in awards if award.status == AwardStatus.PAID.value}
    keys: list[str] = []
    for idea in ideas:
        if idea.story is not None:
            keys += _remove_story(idea.story)
        if idea.status == ApplicationStatus.DRAFT.value:
            journey_counts.count_left(idea.pot_id, journey_counts.last_seen(idea.id))
            journey_counts.forget_marks(idea.id)
            db.session.delete(idea)
        else:
            _erase_idea(idea, idea.id in paid, now)
    _erase_bank_details([award.id for award in awards], now)
    _erase_account(person, now)
    if keys:
        enqueue_after_commit(delete_stored_files, keys)
    audit.record(
        "resident.erased",
        actor_id=officer.id,
        object_type="user",
        object_id=user_id,
        drafts=plan.drafts,
        ideas=plan.ideas,
        finance_records_kept=plan.finance_records,
        stories=plan.stories,
        told=told,
    )
    return plan
