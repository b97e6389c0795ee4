"""A story's photos: added, checked and processed by a job with nothing held open, described, removed, and served
to whoever may see them."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.applications.models import Application
from portal.common import audit
from portal.common.jobs import enqueue_after_commit, job
from portal.common.stalled import requeue_stalled
from portal.common.status import change_photo_status
from portal.common.storage import StoredFileMissing, get_storage
from portal.common.transactions import finish_reading, locked, transactional
from portal.domain.roles import Role
from portal.domain.stories import (
    MAX_PHOTOS,
    PhotoStatus,
    StoryStatus,
    photo_is_public,
    public_name,
)
from portal.extensions import db
from portal.stories.models import Story, StoryPhoto
from portal.stories.photos import PhotoRefused, inspect_photo, process_photo
from portal.stories.services import (
    ResidentChange,
    StoryRefused,
    check_teller,
    consent_of,
    delete_stored_files,
    draft_to_change,
    keys_of,
    locked_application,
    locked_story,
    locked_story_by_id,
    note_what_waits,
    review_photo,
    story_shown_less,
)

log = logging.getLogger(__name__)


# Photos ------------------------------------------------------------------------------------------------------------


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
    check_teller(application, person)
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
    story = draft_to_change(application_id, person)
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


@job(retries=1, retry_delay=60, schedule={"minute": "*/5"}, at_start=True)
def recover_stalled_photos() -> int:
    """Queue again every photo still being processed long after it was sent: its worker stopped, or the queue lost
    its job (common/stalled.py). Processing is safe to run twice."""
    return len(
        requeue_stalled(
            StoryPhoto, process_story_photo, abandoned=None, waiting=PhotoStatus.PROCESSING, since=StoryPhoto.created_at
        )
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
    story = locked_story_by_id(story_id) if story_id is not None else None
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
        review_photo(story, photo, changed=True)
    photo.original_key = None
    enqueue_after_commit(delete_stored_files, [original_key])
    return photo.status


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
    application = locked_application(application_id)
    photo = _photo_of(application_id, photo_id)
    if application is None or photo is None or person.id not in (application.applicant_id, application.assisted_by_id):
        raise StoryRefused("not_yours")
    story = locked_story(application_id)
    assert story is not None  # the photo is the story's
    before = (photo.alt_text, photo.may_share, photo.shows_children)
    photo.alt_text = answers.alt_text
    photo.may_share = answers.may_share
    photo.shows_children = answers.shows_children
    changed = before != (photo.alt_text, photo.may_share, photo.shows_children)
    waits = review_photo(story, photo, changed=changed)
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
    application = locked_application(application_id)
    photo = _photo_of(application_id, photo_id)
    if application is None or photo is None or person.id not in (application.applicant_id, application.assisted_by_id):
        raise StoryRefused("not_yours")
    keys, story_id = keys_of(photo), photo.story_id
    story = locked_story(application_id)
    if story is not None and photo.review_requested:
        note_what_waits(story, leaving=photo)  # its change no longer waits for anyone
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
        consent_of(story),
        PhotoStatus(photo.status),
        may_share=photo.may_share,
        shows_children=photo.shows_children,
        reviewed=photo.public_alt_text is not None,
    )


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
    return public_name(consent_of(story), story.public_name)


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
