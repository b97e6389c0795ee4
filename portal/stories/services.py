"""Outcome stories, as the resident (or their community builder, with them) tells them: who may tell one, saving it
as they go, sending it, consent, and which later changes wait for a programme officer's review. Photos are in
photo_services.py, publishing and the public pages in publishing.py, invitations and reminders in invitations.py."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from blinker import Namespace
from flask import current_app
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.accounts.news import tell
from portal.applications.letters import queue_letter
from portal.applications.models import Application
from portal.common import audit
from portal.common.jobs import enqueue_after_commit, job
from portal.common.status import change_story_status
from portal.common.storage import get_storage
from portal.common.time import utcnow
from portal.common.transactions import locked, transactional
from portal.domain.states import AwardStatus
from portal.domain.stories import (
    FIVE_WAYS,
    PUBLIC_CONSENTS,
    Consent,
    PhotoStatus,
    StoryStatus,
    after_a_change,
    first_name_of,
    proposed_name,
)
from portal.extensions import db
from portal.stories.models import Story, StoryInvitation, StoryPhoto

log = logging.getLogger(__name__)

# Sent inside the unit of work that makes a story, or one of its photos, less public than it was (unpublished,
# consent withdrawn, deleted, a photo changed or removed), with the story's id: what holds copies of public stories
# (the commissioner reports) listens here and checks them, so stories need not know about them.
story_shown_less = Namespace().signal("story-shown-less")


class StoryRefused(Exception):
    """A story action the rules do not allow; `rule` names which, for a plain message on the page."""

    def __init__(self, rule: str) -> None:
        super().__init__(rule)
        self.rule = rule


# Who may tell it ---------------------------------------------------------------------------------------------------


def award_is_paid(application: Application) -> bool:
    return application.award is not None and application.award.status == AwardStatus.PAID.value


def check_teller(application: Application, person: User) -> None:
    """The resident whose idea it is, or the community builder who helped them with it, once the award is paid."""
    if person.id not in (application.applicant_id, application.assisted_by_id):
        raise StoryRefused("not_yours")
    if not award_is_paid(application):
        raise StoryRefused("not_paid_yet")


def locked_application(application_id: int) -> Application | None:
    """The idea's row, locked: every change to its story starts here, so two requests at once (a double click on
    the first Continue, a send and a delete) take turns instead of making two stories or undoing each other."""
    return db.session.execute(
        locked(sa.select(Application).where(Application.id == application_id))
    ).scalar_one_or_none()


def story_for(application_id: int) -> Story | None:
    return db.session.execute(
        sa.select(Story).where(Story.application_id == application_id).options(selectinload(Story.photos))
    ).scalar_one_or_none()


def locked_story(application_id: int) -> Story | None:
    return db.session.execute(
        locked(sa.select(Story).where(Story.application_id == application_id))
    ).scalar_one_or_none()


# Telling it --------------------------------------------------------------------------------------------------------


def draft_to_change(application_id: int, person: User) -> Story:
    """The draft this person may change, made now if this is their first Continue; the idea's row is locked first.
    Raises StoryRefused when it is not theirs, not paid yet, or already sent."""
    application = locked_application(application_id)
    if application is None:
        raise StoryRefused("not_yours")
    check_teller(application, person)
    story = locked_story(application_id)
    if story is None:
        story = Story(application_id=application_id)
        db.session.add(story)
        db.session.flush()
        audit.record("story.started", actor_id=person.id, object_type="story", object_id=story.id)
    elif story.status != StoryStatus.DRAFT.value:
        raise StoryRefused("already_sent")
    return story


@transactional
def save_story(application_id: int, person: User, **answers: Any) -> Story:
    """Save the answers of one question page into the draft (made on the first Continue). A sent story's words are
    the programme's to read now: they cannot change, though who may see it can. Raises StoryRefused."""
    story = draft_to_change(application_id, person)
    for name, value in answers.items():
        if name == "ways":
            chosen = set(value or ())
            for code, column in FIVE_WAYS:
                setattr(story, column, code in chosen)
        elif name == "first_name":
            story.first_name = first_name_of(value)
        elif name in _ANSWER_COLUMNS:
            setattr(story, name, value)
        else:
            raise ValueError(f"not a story answer: {name}")
    if story.went_to_plan == "yes":
        story.learned = None  # only asked when it did not all go to plan
    if "consent" in answers or "first_name" in answers:
        _name_them_as_they_told_us(story)
    return story


_ANSWER_COLUMNS = frozenset(
    {"what_happened", "went_to_plan", "learned", "people_count", "group_formed", "still_going", "consent"}
)


def known_first_name(application: Application) -> str | None:
    """The first name a resident already told us: the name they gave on their idea ("Your name"), else their
    account's. A resident who signed in by email may never have filled their account's name."""
    return first_name_of(application.contact_name) or first_name_of(application.applicant.name)


def _name_them_as_they_told_us(story: Story) -> None:
    """A resident who chose to be named, without saying the name to show, is named as they told us on their idea.
    Raises StoryRefused("first_name_needed") if we know no name for them."""
    if story.consent == Consent.PUBLIC_NAMED.value and not story.first_name:
        story.first_name = known_first_name(story.application)
        if not story.first_name:
            raise StoryRefused("first_name_needed")


def ways_of(story: Story) -> list[str]:
    return [code for code, column in FIVE_WAYS if getattr(story, column)]


def missing_answers(story: Story | None) -> list[str]:
    """What must be answered before sending: what happened, and who may see it. Everything else is optional."""
    if story is None:
        return ["what_happened", "consent"]
    return [name for name in ("what_happened", "consent") if not getattr(story, name)]


@transactional
def send_story(application_id: int, person: User, *, agreed_on: date | None = None) -> Story:
    """Send the draft to the programme. A community builder sends it with and for the resident, giving the day the
    resident agreed. Sending twice changes nothing. Raises StoryRefused."""
    application = locked_application(application_id)
    if application is None:
        raise StoryRefused("not_yours")
    check_teller(application, person)
    story = locked_story(application_id)
    if story is not None and story.status != StoryStatus.DRAFT.value:
        return story
    if story is None or missing_answers(story):
        raise StoryRefused("not_finished")
    builder = person.id != application.applicant_id
    if builder and agreed_on is None:
        raise StoryRefused("agreement_needed")
    change_story_status(story, StoryStatus.SENT)
    story.sent_at = utcnow()
    story.sent_by_id = person.id
    story.agreement = "spoken" if builder else "resident"
    story.agreed_on = agreed_on if builder else None
    audit.record("story.sent", actor_id=person.id, object_type="story", object_id=story.id, consent=story.consent)
    return story


@dataclass(frozen=True)
class ResidentChange:
    """What became of a resident's change to a sent story: applied at once, or waiting for a programme officer."""

    waits_for_review: bool


@transactional
def change_consent(
    application_id: int, person: User, consent: Consent, first_name: str | None = None
) -> ResidentChange:
    """The resident changes who may see their story (and the first name shown, if they chose to be named), at any
    time. Anything more private applies at once: withdrawing public consent takes a published story off every public
    page, and choosing no name hides it. Anything more public (a name shown, or a new name) waits for a programme
    officer's review while the public keeps seeing the story as it was. Raises StoryRefused."""
    application = locked_application(application_id)
    if application is None or person.id not in (application.applicant_id, application.assisted_by_id):
        raise StoryRefused("not_yours")
    story = locked_story(application_id)
    if story is None:
        raise StoryRefused("no_story")
    before = story.consent
    story.consent = consent.value
    if consent is not Consent.PUBLIC_NAMED:
        story.first_name = None  # kept only while it is to be shown
    elif first_name_of(first_name):
        story.first_name = first_name_of(first_name)
    _name_them_as_they_told_us(story)
    if story.status == StoryStatus.PUBLISHED.value and consent not in PUBLIC_CONSENTS:
        unpublish(story, person, reason="consent_withdrawn")
    waits = _review_name(story)
    audit.record(
        "story.consent_changed",
        actor_id=person.id,
        object_type="story",
        object_id=story.id,
        before=before,
        after=consent.value,
        waits_for_review=waits,
    )
    return ResidentChange(waits)


# After a story is published, the public sees what a programme officer reviewed: the story's title and words, the
# first name shown, and each photo's description (a photo with none is not public). A resident's change that makes
# anything more private changes these at once; one that would make anything more public waits for review.


def _review_name(story: Story) -> bool:
    """Apply the resident's choice of name to what the public sees, or leave it waiting for review (True)."""
    shown, waits = after_a_change(story.public_name, proposed_name(consent_of(story), story.first_name))
    story.public_name = shown
    note_what_waits(story)
    return waits and story.status == StoryStatus.PUBLISHED.value


def name_waits(story: Story) -> bool:
    asked = proposed_name(consent_of(story), story.first_name)
    return asked is not None and asked != story.public_name


def review_photo(story: Story, photo: StoryPhoto, *, changed: bool) -> bool:
    """Apply the resident's answers about a photo to what the public sees, or leave them waiting for review (True).
    `changed`: the resident changed something about the photo just now (or it has just become ready). Only a photo
    whose answers changed since its review waits: an officer's earlier edit of its description is not a change."""
    asked = proposed_description(photo)
    if asked is None:
        photo.public_alt_text, photo.review_requested = None, False
    elif changed and story.status == StoryStatus.PUBLISHED.value:
        photo.review_requested = after_a_change(photo.public_alt_text, asked)[1]
    note_what_waits(story)
    return photo.review_requested


def proposed_description(photo: StoryPhoto) -> str | None:
    """The description the public would see if the resident's answers about the photo were accepted; None if they do
    not allow the photo to be public."""
    shareable = photo.status == PhotoStatus.READY.value and photo.may_share and not photo.shows_children
    return photo.alt_text if shareable else None


def note_what_waits(story: Story, *, leaving: StoryPhoto | None = None) -> None:
    """A published story with a change waiting is on the officers' list (oldest first) until none waits. A story not
    published yet is reviewed as a whole when it is published."""
    waits = story.status == StoryStatus.PUBLISHED.value and (
        name_waits(story) or any(p.review_requested for p in story.photos if p is not leaving)
    )
    if waits and story.review_requested_at is None:
        story.review_requested_at = utcnow()
        audit.record("story.review_requested", object_type="story", object_id=story.id)
    elif not waits:
        story.review_requested_at = None


@transactional
def delete_story(application_id: int, person: User) -> None:
    """The resident deletes their story and its photos; it is gone from every page, and nobody reminds them again."""
    application = locked_application(application_id)
    if application is None or person.id not in (application.applicant_id, application.assisted_by_id):
        raise StoryRefused("not_yours")
    story = locked_story(application_id)
    if story is None:
        return
    keys = [key for photo in story.photos for key in keys_of(photo)]
    story_id = story.id
    db.session.delete(story)
    db.session.execute(
        sa.update(StoryInvitation)
        .where(StoryInvitation.application_id == application_id)
        .values(reminders_off=True)
        .execution_options(synchronize_session=False)
    )
    audit.record("story.deleted", actor_id=person.id, object_type="story", object_id=story_id, photos=len(keys))
    story_shown_less.send(story_id)
    if keys:
        enqueue_after_commit(delete_stored_files, keys)


# Shared by the story's modules ------------------------------------------------------------------------------------


def consent_of(story: Story) -> Consent | None:
    return Consent(story.consent) if story.consent else None


def keys_of(photo: StoryPhoto) -> list[str]:
    return [key for key in (photo.original_key, photo.large_key, photo.small_key) if key]


@job(retries=5, retry_delay=60)
def delete_stored_files(keys: list[str]) -> int:
    """Remove stored files nobody refers to any more (a deleted photo or story, an upload once processed)."""
    storage = get_storage()
    for key in keys:
        storage.delete(key)
    return len(keys)


def unpublish(story: Story, person: User, *, reason: str) -> None:
    change_story_status(story, StoryStatus.SENT)
    story.published_at = None
    story.review_requested_at = None  # published again only after a whole new review
    for photo in story.photos:
        photo.review_requested = False
    audit.record("story.unpublished", actor_id=person.id, object_type="story", object_id=story.id, reason=reason)
    story_shown_less.send(story.id)


def locked_story_by_id(story_id: int) -> Story | None:
    """Lock in the same order as the resident's changes (the idea's row, then the story's), so an officer publishing
    while the resident withdraws consent waits for them rather than deadlocking."""
    application_id = db.session.scalar(sa.select(Story.application_id).where(Story.id == story_id))
    if application_id is None:
        return None
    locked_application(application_id)
    return db.session.execute(locked(sa.select(Story).where(Story.id == story_id))).scalar_one_or_none()


def email_the_resident(application: Application, kind: str) -> None:
    """Queue news about their story by email or text, as the resident chose; the invitation, which says the award is
    paid, becomes a letter to print for a resident we can reach neither way."""
    told = tell(application.applicant, f"stories/{kind}", language=application.language, application=application)
    if not told and kind == "invitation":
        queue_letter(application, "paid")


def base_url() -> str:
    return str(current_app.config["SERVER_BASE_URL"]).rstrip("/")
