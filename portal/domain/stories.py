"""Outcome stories: their life, who may see them, and which photos may ever be public.

Pure rules, no Flask and no database. A story is never required for anything; these rules only decide what a
story's consent allows.
"""

from __future__ import annotations

from enum import StrEnum

from portal.domain.states import InvalidTransition


class StoryStatus(StrEnum):
    DRAFT = "draft"  # saved on every Continue, not sent yet
    SENT = "sent"  # sent to the programme; waiting to be read (or unpublished again)
    PUBLISHED = "published"  # on the public pages, because the resident allowed it


STORY_MOVES: dict[StoryStatus, frozenset[StoryStatus]] = {
    StoryStatus.DRAFT: frozenset({StoryStatus.SENT}),
    StoryStatus.SENT: frozenset({StoryStatus.PUBLISHED}),
    # Unpublished by the officer, or at once when the resident withdraws public consent.
    StoryStatus.PUBLISHED: frozenset({StoryStatus.SENT}),
}


class Consent(StrEnum):
    """Who the resident allows to see their story."""

    PROGRAMME = "programme"  # only the people running the programme
    PUBLIC_NAMED = "public_named"  # the public, with their first name
    PUBLIC_ANONYMOUS = "public_anonymous"  # the public, without a name


PUBLIC_CONSENTS = frozenset({Consent.PUBLIC_NAMED, Consent.PUBLIC_ANONYMOUS})


class WentToPlan(StrEnum):
    YES = "yes"
    PARTLY = "partly"
    NO = "no"  # "it didn't go to plan" is a normal answer, with no penalty


class YesNoNotSure(StrEnum):
    YES = "yes"
    NO = "no"
    NOT_SURE = "not_sure"


class PhotoStatus(StrEnum):
    PROCESSING = "processing"  # uploaded; being checked, resized and stripped in the background
    READY = "ready"
    REFUSED = "refused"  # could not be used (damaged, or not a photo after all); the reason is kept


PHOTO_MOVES: dict[PhotoStatus, frozenset[PhotoStatus]] = {
    PhotoStatus.PROCESSING: frozenset({PhotoStatus.READY, PhotoStatus.REFUSED}),
    PhotoStatus.READY: frozenset(),
    PhotoStatus.REFUSED: frozenset(),
}

# The Five Ways to Wellbeing, in the order people know them: (code, story column).
FIVE_WAYS: tuple[tuple[str, str], ...] = (
    ("connect", "way_connect"),
    ("be_active", "way_be_active"),
    ("take_notice", "way_take_notice"),
    ("keep_learning", "way_keep_learning"),
    ("give", "way_give"),
)

MAX_PHOTOS = 5


def move_story(current: StoryStatus, target: StoryStatus) -> StoryStatus:
    """Return target if the table allows current → target; raises InvalidTransition otherwise."""
    if target not in STORY_MOVES[current]:
        raise InvalidTransition(current, target)
    return target


def move_photo(current: PhotoStatus, target: PhotoStatus) -> PhotoStatus:
    """Return target if the table allows current → target; raises InvalidTransition otherwise."""
    if target not in PHOTO_MOVES[current]:
        raise InvalidTransition(current, target)
    return target


def may_publish(status: StoryStatus, consent: Consent | None) -> bool:
    """A sent story may be published only when the resident chose the public."""
    return status is StoryStatus.SENT and consent in PUBLIC_CONSENTS


def story_is_public(status: StoryStatus, consent: Consent | None) -> bool:
    """The public sees a story only while it is published and the resident's consent still says public."""
    return status is StoryStatus.PUBLISHED and consent in PUBLIC_CONSENTS


def photo_is_public(
    status: StoryStatus, consent: Consent | None, photo: PhotoStatus, *, may_share: bool, shows_children: bool
) -> bool:
    """A photo is public only in a public story, once processed, when the resident confirmed they may share it, and
    never when it shows children."""
    return story_is_public(status, consent) and photo is PhotoStatus.READY and may_share and not shows_children


def public_name(consent: Consent | None, full_name: str) -> str | None:
    """The name shown with a public story: the first name when the resident chose it, otherwise none."""
    if consent is not Consent.PUBLIC_NAMED:
        return None
    first = full_name.split()
    return first[0] if first else None
