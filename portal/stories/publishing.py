"""Programme officers reading, publishing and unpublishing stories; and the public pages' stories."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts.models import User
from portal.accounts.news import tell
from portal.applications.models import Application
from portal.common import audit
from portal.common.status import change_story_status
from portal.common.time import utcnow
from portal.common.transactions import transactional
from portal.domain.roles import Role
from portal.domain.stories import (
    PUBLIC_CONSENTS,
    Consent,
    StoryStatus,
    may_publish,
    proposed_name,
    story_is_public,
)
from portal.extensions import db
from portal.programme.models import Pot
from portal.stories.models import Story, StoryPhoto
from portal.stories.services import (
    StoryRefused,
    consent_of,
    email_the_resident,
    locked_story_by_id,
    name_waits,
    proposed_description,
    unpublish,
)

log = logging.getLogger(__name__)


PUBLIC_PAGE_SIZE = 10


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
    return [photo for photo in story.photos if proposed_description(photo) is not None]


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
    if name_waits(story):
        changes.append(WaitingChange("name", story.public_name, proposed_name(consent_of(story), story.first_name)))
    for number, photo in enumerate(story.photos, start=1):
        asked = proposed_description(photo)
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
    story = locked_story_by_id(story_id)
    if story is None:
        raise StoryRefused("no_story")
    accepting = story.status == StoryStatus.PUBLISHED.value
    if accepting and story.review_requested_at is None:
        return story
    if seen is not None and seen != resident_version(story):
        raise StoryRefused("changed_meanwhile")
    if not accepting and not may_publish(StoryStatus(story.status), consent_of(story)):
        raise StoryRefused("not_public")
    title_shown, text_shown, shown_photos, edited = _what_the_public_will_read(
        story, accepting, public_text=public_text, title=title, descriptions=descriptions or {}
    )
    if any(edited) and not edit_note.strip():
        raise StoryRefused("say_what_changed")
    if not accepting or any(edited):
        story.edit_note = edit_note.strip() if any(edited) else None
    story.public_text = text_shown if text_shown != _same_lines(story.what_happened or "") else None
    story.public_title = title_shown
    story.public_name = proposed_name(consent_of(story), story.first_name)
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


def _what_the_public_will_read(
    story: Story, accepting: bool, *, public_text: str, title: str | None, descriptions: dict[int, str]
) -> tuple[str, str, dict[int, str | None], list[bool]]:
    """The title, words and photo descriptions the officer's page gives (the resident's own where none is given),
    and for each whether the officer edited it. An edit is a change from the resident's words that was not public
    already (a change kept from before needs no new note)."""
    title_shown = (title if title is not None else story.application.idea_name or "").strip()
    text_shown = _same_lines(public_text)
    edited = [
        _same_lines(story.what_happened or "") != text_shown
        and (not accepting or story.public_text is None or _same_lines(story.public_text) != text_shown),
        title_shown != (story.application.idea_name or "") and (not accepting or title_shown != story.public_title),
    ]
    shown_photos: dict[int, str | None] = {}
    for photo in story.photos:
        asked = proposed_description(photo)
        shown = None if asked is None else descriptions.get(photo.id, asked).strip() or asked
        shown_photos[photo.id] = shown
        kept = accepting and not photo.review_requested and shown == photo.public_alt_text  # an earlier edit, kept
        edited.append(shown is not None and shown != asked and not kept)
    return title_shown, text_shown, shown_photos, edited


@transactional
def keep_public_version(story_id: int, officer: User) -> Story:
    """The officer does not publish a resident's waiting changes: the public keeps seeing the story as it is, and it
    leaves the list. (Anything more private was applied already; the resident can ask again.)"""
    _programme_officer(officer)
    story = locked_story_by_id(story_id)
    if story is None:
        raise StoryRefused("no_story")
    if story.review_requested_at is not None:
        story.review_requested_at = None
        for photo in story.photos:
            photo.review_requested = False
        audit.record("story.changes_not_published", actor_id=officer.id, object_type="story", object_id=story.id)
    return story


@transactional
def unpublish_story(story_id: int, officer: User) -> Story:
    """Take a story off the public pages (it stays with the programme)."""
    _programme_officer(officer)
    story = locked_story_by_id(story_id)
    if story is None:
        raise StoryRefused("no_story")
    if story.status == StoryStatus.PUBLISHED.value:
        unpublish(story, officer, reason="officer")
        email_the_resident(story.application, "unpublished")
    return story


def _tell_the_resident_what_changed(story: Story) -> None:
    application = story.application
    tell(application.applicant, "stories/edited", language=application.language, application=application, story=story)


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
