"""Inviting a resident to tell their story once their award is paid, with at most one gentle reminder they can
turn off: a job every hour."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from portal.accounts.models import User
from portal.applications.models import Application
from portal.awards.models import Award
from portal.common import audit
from portal.common.jobs import job
from portal.common.time import utcnow
from portal.common.transactions import locked, transactional
from portal.domain.states import AwardStatus
from portal.domain.stories import (
    StoryStatus,
)
from portal.extensions import db
from portal.payments.services import award_paid
from portal.stories.models import Story, StoryInvitation
from portal.stories.services import StoryRefused, email_the_resident, locked_application

log = logging.getLogger(__name__)


# Invitations -------------------------------------------------------------------------------------------------------


def invite_and_remind(now: Any = None) -> tuple[int, int]:
    """Invite, once, every resident whose award has been paid; remind, once, those who have not sent a story after
    STORY_REMINDER_DAYS, unless they turned reminders off. Returns (invited, reminded)."""
    now = now or utcnow()
    invited = 0
    paid = db.session.execute(
        sa.select(Application.id)
        .join(Award, Award.application_id == Application.id)
        .outerjoin(StoryInvitation, StoryInvitation.application_id == Application.id)
        .where(Award.status == AwardStatus.PAID.value, StoryInvitation.id.is_(None))
        .order_by(Application.id)
        .limit(500)
    ).scalars()
    for application_id in list(paid):
        invited += _invite(application_id, now)
    reminded = 0
    due = now - timedelta(days=int(current_app.config["STORY_REMINDER_DAYS"]))
    waiting = db.session.execute(
        sa.select(StoryInvitation.application_id)
        .outerjoin(Story, Story.application_id == StoryInvitation.application_id)
        .where(
            StoryInvitation.invited_at <= due,
            StoryInvitation.reminded_at.is_(None),
            StoryInvitation.reminders_off.is_(False),
            sa.or_(Story.id.is_(None), Story.status == StoryStatus.DRAFT.value),
        )
        .order_by(StoryInvitation.application_id)
        .limit(500)
    ).scalars()
    for application_id in list(waiting):
        reminded += _remind(application_id, now)
    return invited, reminded


@award_paid.connect
def _invite_when_paid(award: Award, application_id: int) -> None:
    """The moment an award is recorded paid, in the same unit of work: the resident hears the money has gone, and is
    invited to tell their story."""
    _invite(application_id, utcnow())


@transactional
def _invite(application_id: int, now: Any) -> int:
    application = locked_application(application_id)
    exists = db.session.scalar(sa.select(StoryInvitation.id).where(StoryInvitation.application_id == application_id))
    if application is None or exists:
        return 0
    invitation = StoryInvitation(application_id=application_id, invited_at=now)
    db.session.add(invitation)
    db.session.flush()
    email_the_resident(application, "invitation")
    audit.record("story.invited", object_type="application", object_id=application_id)
    return 1


@transactional
def _remind(application_id: int, now: Any) -> int:
    invitation = db.session.execute(
        locked(sa.select(StoryInvitation).where(StoryInvitation.application_id == application_id))
    ).scalar_one_or_none()
    if invitation is None or invitation.reminded_at is not None or invitation.reminders_off:
        return 0
    invitation.reminded_at = now
    application = locked_application(application_id)
    if application is not None:
        email_the_resident(application, "reminder")
    audit.record("story.reminded", object_type="application", object_id=application_id)
    return 1


@transactional
def turn_off_reminders(application_id: int, person: User) -> None:
    """The resident asks not to be reminded about telling their story."""
    application = locked_application(application_id)
    if application is None or person.id not in (application.applicant_id, application.assisted_by_id):
        raise StoryRefused("not_yours")
    invitation = db.session.execute(
        locked(sa.select(StoryInvitation).where(StoryInvitation.application_id == application_id))
    ).scalar_one_or_none()
    if invitation is None:
        invitation = StoryInvitation(application_id=application_id, reminders_off=True)
        db.session.add(invitation)
    invitation.reminders_off = True
    audit.record("story.reminders_off", actor_id=person.id, object_type="application", object_id=application_id)


def reminders_are_off(application_id: int) -> bool:
    return bool(
        db.session.scalar(
            sa.select(StoryInvitation.reminders_off).where(StoryInvitation.application_id == application_id)
        )
    )


@job(retries=2, retry_delay=300, schedule={"minute": "7"})
def invite_story_tellers() -> tuple[int, int]:
    """Every hour: send the one gentle reminder when it is due, and invite anyone a payment did not (an award paid
    before stories existed)."""
    return invite_and_remind()
