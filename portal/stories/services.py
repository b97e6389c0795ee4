"""Outcome stories: inviting residents once their award is paid, saving a story as they go, photos, consent,
publishing by programme officers, and what the public may see."""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from blinker import Namespace
from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts.models import User
from portal.applications.models import Application
from portal.awards.models import Award
from portal.common import audit
from portal.common.email import send_email
from portal.common.jobs import enqueue_after_commit, job
from portal.common.rendering import rendering_context
from portal.common.status import change_photo_status, change_story_status
from portal.common.storage import StoredFileMissing, get_storage
from portal.common.time import utcnow
from portal.common.transactions import finish_reading, locked, transactional
from portal.domain.roles import Role
from portal.domain.states import AwardStatus
from portal.domain.stories import (
    FIVE_WAYS,
    MAX_PHOTOS,
    PUBLIC_CONSENTS,
    Consent,
    PhotoStatus,
    StoryStatus,
    after_a_change,
    first_name_of,
    may_publish,
    photo_is_public,
    proposed_name,
    public_name,
    story_is_public,
)
from portal.extensions import db
from portal.payments.services import award_paid
from portal.programme.models import Pot
from portal.stories.models import Story, StoryInvitation, StoryPhoto
from portal.stories.photos import PhotoRefused, inspect_photo, process_photo

PUBLIC_PAGE_SIZE = 10
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


def _check_teller(application: Application, person: User) -> None:
    """The resident whose idea it is, or the community builder who helped them with it, once the award is paid."""
    if person.id not in (application.applicant_id, application.assisted_by_id):
        raise StoryRefused("not_yours")
    if not award_is_paid(application):
        raise StoryRefused("not_paid_yet")


def _locked_application(application_id: int) -> Application | None:
    """The idea's row, locked: every change to its story starts here, so two requests at once (a double click on
    the first Continue, a send and a delete) take turns instead of making two stories or undoing each other."""
    return db.session.execute(
        locked(sa.select(Application).where(Application.id == application_id))
    ).scalar_one_or_none()


def story_for(application_id: int) -> Story | None:
    return db.session.execute(
        sa.select(Story).where(Story.application_id == application_id).options(selectinload(Story.photos))
    ).scalar_one_or_none()


def _locked_story(application_id: int) -> Story | None:
    return db.session.execute(
        locked(sa.select(Story).where(Story.application_id == application_id))
    ).scalar_one_or_none()


# Telling it --------------------------------------------------------------------------------------------------------


def _draft_to_change(application_id: int, person: User) -> Story:
    """The draft this person may change, made now if this is their first Continue; the idea's row is locked first.
    Raises StoryRefused when it is not theirs, not paid yet, or already sent."""
    application = _locked_application(application_id)
    if application is None:
        raise StoryRefused("not_yours")
    _check_teller(application, person)
    story = _locked_story(application_id)
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
    story = _draft_to_change(application_id, person)
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
    application = _locked_application(application_id)
    if application is None:
        raise StoryRefused("not_yours")
    _check_teller(application, person)
    story = _locked_story(application_id)
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
    application = _locked_application(application_id)
    if application is None or person.id not in (application.applicant_id, application.assisted_by_id):
        raise StoryRefused("not_yours")
    story = _locked_story(application_id)
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
        _unpublish(story, person, reason="consent_withdrawn")
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
    shown, waits = after_a_change(story.public_name, proposed_name(_consent(story), story.first_name))
    story.public_name = shown
    _note_what_waits(story)
    return waits and story.status == StoryStatus.PUBLISHED.value


def _name_waits(story: Story) -> bool:
    asked = proposed_name(_consent(story), story.first_name)
    return asked is not None and asked != story.public_name


def _review_photo(story: Story, photo: StoryPhoto, *, changed: bool) -> bool:
    """Apply the resident's answers about a photo to what the public sees, or leave them waiting for review (True).
    `changed`: the resident changed something about the photo just now (or it has just become ready). Only a photo
    whose answers changed since its review waits: an officer's earlier edit of its description is not a change."""
    asked = _proposed_description(photo)
    if asked is None:
        photo.public_alt_text, photo.review_requested = None, False
    elif changed and story.status == StoryStatus.PUBLISHED.value:
        photo.review_requested = after_a_change(photo.public_alt_text, asked)[1]
    _note_what_waits(story)
    return photo.review_requested


def _proposed_description(photo: StoryPhoto) -> str | None:
    """The description the public would see if the resident's answers about the photo were accepted; None if they do
    not allow the photo to be public."""
    shareable = photo.status == PhotoStatus.READY.value and photo.may_share and not photo.shows_children
    return photo.alt_text if shareable else None


def _note_what_waits(story: Story, *, leaving: StoryPhoto | None = None) -> None:
    """A published story with a change waiting is on the officers' list (oldest first) until none waits. A story not
    published yet is reviewed as a whole when it is published."""
    waits = story.status == StoryStatus.PUBLISHED.value and (
        _name_waits(story) or any(p.review_requested for p in story.photos if p is not leaving)
    )
    if waits and story.review_requested_at is None:
        story.review_requested_at = utcnow()
        audit.record("story.review_requested", object_type="story", object_id=story.id)
    elif not waits:
        story.review_requested_at = None


@transactional
def delete_story(application_id: int, person: User) -> None:
    """The resident deletes their story and its photos; it is gone from every page, and nobody reminds them again."""
    application = _locked_application(application_id)
    if application is None or person.id not in (application.applicant_id, application.assisted_by_id):
        raise StoryRefused("not_yours")
    story = _locked_story(application_id)
    if story is None:
        return
    keys = [key for photo in story.photos for key in _keys_of(photo)]
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


# Photos ------------------------------------------------------------------------------------------------------------


def _keys_of(photo: StoryPhoto) -> list[str]:
    return [key for key in (photo.original_key, photo.large_key, photo.small_key) if key]


@dataclass(frozen=True)
class PhotoAnswers:
    alt_text: str
    may_share: bool
    shows_children: bool


def add_photo(application_id: int, person: User, data: bytes, answers: PhotoAnswers) -> StoryPhoto:
    """Check the upload by its content (cheap checks only), keep it under a generated name, and queue the slow work
    (decoding, turning upright, resizing, removing every bit of metadata) for after commit. Raises PhotoRefused or
    StoryRefused; a refused photo changes nothing else in the story.

    The upload (up to 10 MB, to a store that may be across a network) is written with no transaction open: the
    caller's reading transaction is ended first (on SQLite a form's request holds the database's write lock from
    its first read), and the photo's row is recorded in a short transaction after. If recording fails, the stored
    upload is removed again."""
    inspect_photo(data)  # before anything is stored: a refused file never reaches storage
    _check_room_for_a_photo(application_id, person)  # nor does one the story could not take
    finish_reading()
    key = f"originals/{secrets.token_hex(16)}"
    get_storage().put(key, data, "application/octet-stream")
    try:
        return _record_photo(application_id, person, key, answers)
    except BaseException:
        _remove_orphan(key)
        raise


def _check_room_for_a_photo(application_id: int, person: User) -> None:
    """The checks _record_photo makes again under lock, made first by reading only. Raises StoryRefused."""
    application = db.session.get(Application, application_id)
    if application is None:
        raise StoryRefused("not_yours")
    _check_teller(application, person)
    story = db.session.execute(
        sa.select(Story.id, Story.status).where(Story.application_id == application_id)
    ).one_or_none()
    if story is None:
        return
    if story.status != StoryStatus.DRAFT.value:
        raise StoryRefused("already_sent")
    count = db.session.scalar(sa.select(sa.func.count()).where(StoryPhoto.story_id == story.id)) or 0
    if count >= MAX_PHOTOS:
        raise StoryRefused("too_many_photos")


def _remove_orphan(key: str) -> None:
    """An upload whose row was never recorded: removed now, or by a job later if the store cannot be reached."""
    try:
        get_storage().delete(key)
    except Exception:
        log.exception("could not remove an upload that was not recorded; queued to try again")
        try:
            _queue_removal(key)
        except Exception:
            log.exception("could not queue the removal of %s", key)


@transactional
def _queue_removal(key: str) -> None:
    enqueue_after_commit(delete_stored_files, [key])


@transactional
def _record_photo(application_id: int, person: User, key: str, answers: PhotoAnswers) -> StoryPhoto:
    story = _draft_to_change(application_id, person)
    count = db.session.scalar(sa.select(sa.func.count()).where(StoryPhoto.story_id == story.id)) or 0
    if count >= MAX_PHOTOS:
        raise StoryRefused("too_many_photos")
    photo = StoryPhoto(
        story_id=story.id,
        original_key=key,
        alt_text=answers.alt_text,
        may_share=answers.may_share,
        shows_children=answers.shows_children,
    )
    db.session.add(photo)
    db.session.flush()
    audit.record("story.photo_added", actor_id=person.id, object_type="story_photo", object_id=photo.id)
    enqueue_after_commit(process_story_photo, photo.id)
    return photo


@job(retries=3, retry_delay=30)
def process_story_photo(photo_id: int) -> str:
    """Make the large and small versions of an uploaded photo, with no metadata, then remove the upload. Safe to run
    twice: a photo already processed (or deleted meanwhile) is left alone. The store is read and written with no
    transaction open; the result is recorded in a short transaction after."""
    photo = db.session.get(StoryPhoto, photo_id)
    if photo is None or photo.status != PhotoStatus.PROCESSING.value or not photo.original_key:
        finish_reading()
        return "skipped"
    original_key = photo.original_key
    finish_reading()  # no transaction stays open during the slow work
    storage = get_storage()
    try:
        made = process_photo(storage.get(original_key))
    except StoredFileMissing:
        return "skipped"
    except PhotoRefused as refused:
        return _finish_photo(photo_id, original_key, refused=refused.reason)
    token = secrets.token_hex(16)
    large_key, small_key = f"photos/{token}-large.jpg", f"photos/{token}-small.jpg"
    storage.put(large_key, made.large, made.content_type)
    storage.put(small_key, made.small, made.content_type)
    return _finish_photo(
        photo_id, original_key, large_key=large_key, small_key=small_key, large=made.large_size, small=made.small_size
    )


@transactional
def _finish_photo(
    photo_id: int,
    original_key: str,
    *,
    refused: str | None = None,
    large_key: str | None = None,
    small_key: str | None = None,
    large: tuple[int, int] | None = None,
    small: tuple[int, int] | None = None,
) -> str:
    # The idea's and the story's rows first, in the order every other change to a story takes them.
    story_id = db.session.scalar(sa.select(StoryPhoto.story_id).where(StoryPhoto.id == photo_id))
    story = _locked_story_by_id(story_id) if story_id is not None else None
    photo = db.session.execute(locked(sa.select(StoryPhoto).where(StoryPhoto.id == photo_id))).scalar_one_or_none()
    if story is None or photo is None or photo.status != PhotoStatus.PROCESSING.value:
        # Deleted while it was being processed, or another worker finished first: what this run made is not needed.
        enqueue_after_commit(delete_stored_files, [key for key in (large_key, small_key) if key])
        return "skipped"
    if refused:
        change_photo_status(photo, PhotoStatus.REFUSED)
        photo.refused_reason = refused
    else:
        change_photo_status(photo, PhotoStatus.READY)
        photo.large_key, photo.small_key = large_key, small_key
        photo.large_width, photo.large_height = large or (None, None)
        photo.small_width, photo.small_height = small or (None, None)
        # Ready after its story was published: the public sees it only once an officer has.
        _review_photo(story, photo, changed=True)
    photo.original_key = None
    enqueue_after_commit(delete_stored_files, [original_key])
    return photo.status


@job(retries=5, retry_delay=60)
def delete_stored_files(keys: list[str]) -> int:
    """Remove stored files nobody refers to any more (a deleted photo or story, an upload once processed)."""
    storage = get_storage()
    for key in keys:
        storage.delete(key)
    return len(keys)


def _photo_of(application_id: int, photo_id: int) -> StoryPhoto | None:
    return db.session.execute(
        locked(
            sa.select(StoryPhoto)
            .join(Story, Story.id == StoryPhoto.story_id)
            .where(StoryPhoto.id == photo_id, Story.application_id == application_id)
        )
    ).scalar_one_or_none()


@transactional
def update_photo(application_id: int, photo_id: int, person: User, answers: PhotoAnswers) -> ResidentChange:
    """Change a photo's description, or whether it may be shared or shows children. After the story is published, a
    photo newly marked as showing children, or not to be shared, leaves the public pages at once; a new description,
    or a photo newly allowed to be public, waits for a programme officer's review. Raises StoryRefused."""
    application = _locked_application(application_id)
    photo = _photo_of(application_id, photo_id)
    if application is None or photo is None or person.id not in (application.applicant_id, application.assisted_by_id):
        raise StoryRefused("not_yours")
    story = _locked_story(application_id)
    assert story is not None  # the photo is the story's
    before = (photo.alt_text, photo.may_share, photo.shows_children)
    photo.alt_text = answers.alt_text
    photo.may_share = answers.may_share
    photo.shows_children = answers.shows_children
    changed = before != (photo.alt_text, photo.may_share, photo.shows_children)
    waits = _review_photo(story, photo, changed=changed)
    audit.record(
        "story.photo_changed",
        actor_id=person.id,
        object_type="story_photo",
        object_id=photo.id,
        may_share=answers.may_share,
        shows_children=answers.shows_children,
        waits_for_review=waits,
    )
    story_shown_less.send(photo.story_id)
    return ResidentChange(waits)


@transactional
def delete_photo(application_id: int, photo_id: int, person: User) -> None:
    """The resident removes one photo, at any time; its stored files go after commit."""
    application = _locked_application(application_id)
    photo = _photo_of(application_id, photo_id)
    if application is None or photo is None or person.id not in (application.applicant_id, application.assisted_by_id):
        raise StoryRefused("not_yours")
    keys, story_id = _keys_of(photo), photo.story_id
    story = _locked_story(application_id)
    if story is not None and photo.review_requested:
        _note_what_waits(story, leaving=photo)  # its change no longer waits for anyone
    db.session.delete(photo)
    audit.record("story.photo_deleted", actor_id=person.id, object_type="story_photo", object_id=photo_id)
    story_shown_less.send(story_id)
    if keys:
        enqueue_after_commit(delete_stored_files, keys)


def photo_for_viewer(photo_id: int, viewer: User | None) -> StoryPhoto | None:
    """A photo, if this person may see it: the public only when the story is public and the photo may be; the
    resident and their builder always; programme officers for every sent story."""
    photo = db.session.execute(
        sa.select(StoryPhoto)
        .where(StoryPhoto.id == photo_id)
        .options(joinedload(StoryPhoto.story).joinedload(Story.application))
    ).scalar_one_or_none()
    if photo is None or photo.status != PhotoStatus.READY.value:
        return None
    story = photo.story
    if shown_to_public(story, photo):
        return photo
    if viewer is None or not viewer.is_authenticated:
        return None
    if viewer.id in (story.application.applicant_id, story.application.assisted_by_id):
        return photo
    if viewer.has_role(Role.PROGRAMME_OFFICER) and story.status != StoryStatus.DRAFT.value:
        return photo
    return None


def shown_to_public(story: Story, photo: StoryPhoto) -> bool:
    """Whether anyone at all may see this photo now (its story's consent, the photo's own answers, and an officer's
    review of it)."""
    return photo_is_public(
        StoryStatus(story.status),
        _consent(story),
        PhotoStatus(photo.status),
        may_share=photo.may_share,
        shows_children=photo.shows_children,
        reviewed=photo.public_alt_text is not None,
    )


def _consent(story: Story) -> Consent | None:
    return Consent(story.consent) if story.consent else None


@dataclass(frozen=True)
class PublicPhoto:
    """A photo as the public sees it: its description is the one a programme officer reviewed."""

    id: int
    alt_text: str
    large_key: str | None
    small_key: str | None
    large_width: int | None
    large_height: int | None
    small_width: int | None
    small_height: int | None


def public_photos(story: Story) -> list[PublicPhoto]:
    return [
        PublicPhoto(
            id=photo.id,
            alt_text=photo.public_alt_text or "",
            large_key=photo.large_key,
            small_key=photo.small_key,
            large_width=photo.large_width,
            large_height=photo.large_height,
            small_width=photo.small_width,
            small_height=photo.small_height,
        )
        for photo in story.photos
        if shown_to_public(story, photo)
    ]


def name_shown(story: Story) -> str | None:
    """The first name the public sees with a story: the reviewed one, while the resident still chooses to be named."""
    return public_name(_consent(story), story.public_name)


@dataclass(frozen=True)
class ServedPhoto:
    data: bytes
    public: bool  # anyone may see it now (so a browser may keep it and check again), or only those allowed


def serve_photo(photo_id: int, size: str, viewer: User | None) -> ServedPhoto | None:
    """A photo's bytes for this viewer, or None if they may not see it (or it is gone). The store is read with no
    transaction open: what is needed is gathered first and the reading transaction ended."""
    photo = photo_for_viewer(photo_id, viewer)
    if photo is None or size not in ("large", "small"):
        finish_reading()
        return None
    key = photo.large_key if size == "large" else photo.small_key
    public = shown_to_public(photo.story, photo)
    finish_reading()
    try:
        return ServedPhoto(get_storage().get(key or ""), public)
    except (StoredFileMissing, ValueError):
        return None


# Publishing --------------------------------------------------------------------------------------------------------


def _programme_officer(person: User) -> None:
    if not person.has_role(Role.PROGRAMME_OFFICER):
        raise StoryRefused("programme_officers_only")


STORIES_PER_PAGE = 20
LATEST_PUBLISHED = 10


def list_stories_to_read(page: int = 1) -> dict[str, Any]:
    """One page of the sent stories waiting to be read (oldest first), the published ones with a resident's change
    waiting for review (oldest change first), and the latest published ones, in a fixed number of queries however
    many there are."""
    query = sa.select(Story).options(
        joinedload(Story.application).joinedload(Application.pot).joinedload(Pot.neighbourhood),
        selectinload(Story.photos),
    )
    waiting = db.paginate(
        query.where(Story.status == StoryStatus.SENT.value).order_by(Story.sent_at, Story.id),
        page=page,
        per_page=STORIES_PER_PAGE,
        error_out=False,
    )
    changed = db.session.execute(
        query.where(Story.review_requested_at.is_not(None), Story.status == StoryStatus.PUBLISHED.value)
        .order_by(Story.review_requested_at, Story.id)
        .limit(STORIES_PER_PAGE)
    ).scalars()
    published = db.session.execute(
        query.where(Story.status == StoryStatus.PUBLISHED.value)
        .order_by(Story.published_at.desc(), Story.id.desc())
        .limit(LATEST_PUBLISHED)
    ).scalars()
    return {"waiting": waiting, "changed": list(changed), "published": list(published)}


def get_sent_story(story_id: int) -> Story | None:
    """A story a programme officer may read: any that was sent (drafts stay the resident's own)."""
    story = db.session.execute(
        sa.select(Story).where(Story.id == story_id).options(selectinload(Story.photos))
    ).scalar_one_or_none()
    return story if story is not None and story.status != StoryStatus.DRAFT.value else None


def _same_lines(text: str) -> str:
    """Text as a reader sees it: a browser sends line breaks as CRLF, so those alone are not an edit."""
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n"))


def resident_version(story: Story) -> str:
    """A fingerprint of everything the resident decides about what the public may see. The officer's page carries
    it, so a publication never approves a change the officer did not see (the resident changed something while the
    page was open)."""
    parts = [
        story.status,
        story.consent,
        story.first_name,
        story.what_happened,
        story.application.idea_name,
        [(p.id, p.status, p.alt_text, p.may_share, p.shows_children) for p in story.photos],
    ]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:32]


def photos_to_review(story: Story) -> list[StoryPhoto]:
    """The photos that would be public if the story were published now: the officer checks each one's description."""
    return [photo for photo in story.photos if _proposed_description(photo) is not None]


@dataclass(frozen=True)
class WaitingChange:
    """One thing a resident changed after publication that waits for review: what it is (`kind`: "name",
    "photo_shown" or "photo_description"), which photo (counted from 1), what the public sees now and what the
    resident asks for."""

    kind: str
    now: str | None
    asked: str | None
    photo_number: int | None = None


def waiting_changes(story: Story) -> list[WaitingChange]:
    """What a programme officer must review on a published story: each change of the resident's since the last
    review that would make something more public or change its words."""
    if story.status != StoryStatus.PUBLISHED.value or story.review_requested_at is None:
        return []
    changes = []
    if _name_waits(story):
        changes.append(WaitingChange("name", story.public_name, proposed_name(_consent(story), story.first_name)))
    for number, photo in enumerate(story.photos, start=1):
        asked = _proposed_description(photo)
        if not photo.review_requested or asked is None:
            continue
        if photo.public_alt_text is None:
            changes.append(WaitingChange("photo_shown", None, asked, number))
        else:
            changes.append(WaitingChange("photo_description", photo.public_alt_text, asked, number))
    return changes


def description_to_check(story: Story, photo: StoryPhoto) -> str:
    """The description an officer starts from: the resident's, unless an officer already changed it for the public
    and the resident has not changed it since."""
    published = story.status == StoryStatus.PUBLISHED.value
    if published and photo.public_alt_text is not None and not photo.review_requested:
        return photo.public_alt_text
    return photo.alt_text


@transactional
def publish_story(
    story_id: int,
    officer: User,
    *,
    public_text: str,
    edit_note: str = "",
    title: str | None = None,
    descriptions: dict[int, str] | None = None,
    seen: str | None = None,
) -> Story:
    """Publish a sent story the resident allowed the public to see, or accept a resident's changes to a published
    one. The officer may take personal details out of the words, the title and the photos' descriptions first; then
    they say what they changed, and the resident is told. What is published is what the officer reviewed: the
    title, words and descriptions given (the resident's own where none is given), the first name the resident
    chose, and the photos they allow.

    `seen` is the resident_version the officer's page showed: if the resident changed anything since, nothing is
    published (StoryRefused "changed_meanwhile"). Publishing twice changes nothing. Raises StoryRefused."""
    _programme_officer(officer)
    story = _locked_story_by_id(story_id)
    if story is None:
        raise StoryRefused("no_story")
    accepting = story.status == StoryStatus.PUBLISHED.value
    if accepting and story.review_requested_at is None:
        return story
    if seen is not None and seen != resident_version(story):
        raise StoryRefused("changed_meanwhile")
    if not accepting and not may_publish(StoryStatus(story.status), _consent(story)):
        raise StoryRefused("not_public")
    descriptions = descriptions or {}
    title_shown = (title if title is not None else story.application.idea_name or "").strip()
    text_shown = _same_lines(public_text)
    # An edit is a change from the resident's words that was not public already (a change kept from before needs no
    # new note).
    edited = [
        _same_lines(story.what_happened or "") != text_shown
        and (not accepting or story.public_text is None or _same_lines(story.public_text) != text_shown),
        title_shown != (story.application.idea_name or "") and (not accepting or title_shown != story.public_title),
    ]
    shown_photos: dict[int, str | None] = {}
    for photo in story.photos:
        asked = _proposed_description(photo)
        shown = None if asked is None else descriptions.get(photo.id, asked).strip() or asked
        shown_photos[photo.id] = shown
        kept = accepting and not photo.review_requested and shown == photo.public_alt_text  # an earlier edit, kept
        edited.append(shown is not None and shown != asked and not kept)
    if any(edited) and not edit_note.strip():
        raise StoryRefused("say_what_changed")
    if not accepting or any(edited):
        story.edit_note = edit_note.strip() if any(edited) else None
    story.public_text = text_shown if text_shown != _same_lines(story.what_happened or "") else None
    story.public_title = title_shown
    story.public_name = proposed_name(_consent(story), story.first_name)
    for photo in story.photos:
        photo.public_alt_text, photo.review_requested = shown_photos[photo.id], False
    story.review_requested_at = None
    if accepting:
        audit.record("story.changes_published", actor_id=officer.id, object_type="story", object_id=story.id)
    else:
        change_story_status(story, StoryStatus.PUBLISHED)
        story.published_at = utcnow()
        story.published_by_id = officer.id
        audit.record(
            "story.published", actor_id=officer.id, object_type="story", object_id=story.id, edited=any(edited)
        )
    if any(edited):
        _tell_the_resident_what_changed(story)
    return story


@transactional
def keep_public_version(story_id: int, officer: User) -> Story:
    """The officer does not publish a resident's waiting changes: the public keeps seeing the story as it is, and it
    leaves the list. (Anything more private was applied already; the resident can ask again.)"""
    _programme_officer(officer)
    story = _locked_story_by_id(story_id)
    if story is None:
        raise StoryRefused("no_story")
    if story.review_requested_at is not None:
        story.review_requested_at = None
        for photo in story.photos:
            photo.review_requested = False
        audit.record("story.changes_not_published", actor_id=officer.id, object_type="story", object_id=story.id)
    return story


def _locked_story_by_id(story_id: int) -> Story | None:
    """Lock in the same order as the resident's changes (the idea's row, then the story's), so an officer publishing
    while the resident withdraws consent waits for them rather than deadlocking."""
    application_id = db.session.scalar(sa.select(Story.application_id).where(Story.id == story_id))
    if application_id is None:
        return None
    _locked_application(application_id)
    return db.session.execute(locked(sa.select(Story).where(Story.id == story_id))).scalar_one_or_none()


def _unpublish(story: Story, person: User, *, reason: str) -> None:
    change_story_status(story, StoryStatus.SENT)
    story.published_at = None
    story.review_requested_at = None  # published again only after a whole new review
    for photo in story.photos:
        photo.review_requested = False
    audit.record("story.unpublished", actor_id=person.id, object_type="story", object_id=story.id, reason=reason)
    story_shown_less.send(story.id)


@transactional
def unpublish_story(story_id: int, officer: User) -> Story:
    """Take a story off the public pages (it stays with the programme)."""
    _programme_officer(officer)
    story = _locked_story_by_id(story_id)
    if story is None:
        raise StoryRefused("no_story")
    if story.status == StoryStatus.PUBLISHED.value:
        _unpublish(story, officer, reason="officer")
        _email_the_resident(story.application, "unpublished")
    return story


def _base_url() -> str:
    return str(current_app.config["SERVER_BASE_URL"]).rstrip("/")


def _tell_the_resident_what_changed(story: Story) -> None:
    application = story.application
    if not application.applicant.email:
        return
    with rendering_context(), force_locale(application.language):
        subject = render_template("stories/email/edited_subject.txt", application=application).strip()
        body = render_template("stories/email/edited.txt", application=application, story=story, base_url=_base_url())
    send_email(application.applicant.email, subject, body)


# The public pages --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoryPage:
    stories: list[Story]
    page: int
    pages: int
    total: int


def list_public_stories(page: int = 1, neighbourhood_id: int | None = None) -> StoryPage:
    """Published stories the public may see, newest first, a page at a time, in a fixed number of queries."""
    where = [Story.status == StoryStatus.PUBLISHED.value, Story.consent.in_([c.value for c in PUBLIC_CONSENTS])]
    if neighbourhood_id is not None:
        where.append(
            Story.application_id.in_(
                sa.select(Application.id)
                .join(Pot, Pot.id == Application.pot_id)
                .where(Pot.neighbourhood_id == neighbourhood_id)
            )
        )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Story).where(*where)) or 0
    pages = max(1, -(-total // PUBLIC_PAGE_SIZE))
    page = min(max(1, page), pages)
    stories = db.session.execute(
        sa.select(Story)
        .where(*where)
        .options(
            joinedload(Story.application).joinedload(Application.pot).joinedload(Pot.neighbourhood),
            joinedload(Story.application).joinedload(Application.applicant),
            selectinload(Story.photos),
        )
        .order_by(Story.published_at.desc(), Story.id.desc())
        .limit(PUBLIC_PAGE_SIZE)
        .offset((page - 1) * PUBLIC_PAGE_SIZE)
    ).scalars()
    return StoryPage(list(stories), page, pages, total)


def get_public_story(story_id: int) -> Story | None:
    story = db.session.execute(
        sa.select(Story)
        .where(Story.id == story_id)
        .options(joinedload(Story.application).joinedload(Application.applicant), selectinload(Story.photos))
    ).scalar_one_or_none()
    if story is None or not story_is_public(
        StoryStatus(story.status), Consent(story.consent) if story.consent else None
    ):
        return None
    return story


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
    application = _locked_application(application_id)
    exists = db.session.scalar(sa.select(StoryInvitation.id).where(StoryInvitation.application_id == application_id))
    if application is None or exists:
        return 0
    invitation = StoryInvitation(application_id=application_id, invited_at=now)
    db.session.add(invitation)
    db.session.flush()
    _email_the_resident(application, "invitation")
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
    application = _locked_application(application_id)
    if application is not None:
        _email_the_resident(application, "reminder")
    audit.record("story.reminded", object_type="application", object_id=application_id)
    return 1


def _email_the_resident(application: Application, kind: str) -> None:
    if not application.applicant.email:
        return
    with rendering_context(), force_locale(application.language):
        subject = render_template(f"stories/email/{kind}_subject.txt", application=application).strip()
        body = render_template(f"stories/email/{kind}.txt", application=application, base_url=_base_url())
    send_email(application.applicant.email, subject, body)


@transactional
def turn_off_reminders(application_id: int, person: User) -> None:
    """The resident asks not to be reminded about telling their story."""
    application = _locked_application(application_id)
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
