"""Outcome stories: their life, who may see them, and which photos may ever be public.

Pure rules, no Flask and no database. A story is never required for anything; these rules only decide what a
story's consent allows.
"""

from __future__ import annotations

import calendar
from datetime import date
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


class StillGoing(StrEnum):
    """The answer, six or twelve months after an award was paid, to "Is it still going?"."""

    YES = "yes"
    NO = "no"
    CHANGED = "changed"  # it turned into something else


STILL_GOING_MONTHS = (6, 12)


def months_after(day: date, months: int) -> date:
    """The same day of the month, `months` later (the month's last day when it is shorter: 31 August + 6 → 28 or
    29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


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
    status: StoryStatus,
    consent: Consent | None,
    photo: PhotoStatus,
    *,
    may_share: bool,
    shows_children: bool,
    reviewed: bool,
) -> bool:
    """A photo is public only in a public story, once processed, when the resident confirmed they may share it, never
    when it shows children, and only once a programme officer has seen it as it would be shown (`reviewed`). The
    resident's answers and the review must both allow it: the more private of the two wins."""
    return (
        story_is_public(status, consent)
        and photo is PhotoStatus.READY
        and may_share
        and not shows_children
        and reviewed
    )


FIRST_NAME_LENGTH = 40


def first_name_of(name: str | None) -> str | None:
    """The first word of a name ("Amina Khan" → "Amina"), which is all the public is ever shown; None if empty."""
    words = (name or "").split()
    return words[0][:FIRST_NAME_LENGTH] if words else None


def proposed_name(consent: Consent | None, first_name: str | None) -> str | None:
    """The name the resident asks to be shown with their story: their first name if they chose it, otherwise none."""
    return first_name_of(first_name) if consent is Consent.PUBLIC_NAMED else None


def public_name(consent: Consent | None, reviewed_name: str | None) -> str | None:
    """The name the public sees: the reviewed first name, and only while the resident still chooses to be named."""
    return first_name_of(reviewed_name) if consent is Consent.PUBLIC_NAMED else None


def after_a_change(public_now: str | None, proposed: str | None) -> tuple[str | None, bool]:
    """What the public sees once a resident changes something after sending their story, and whether the change
    waits for a programme officer's review. `public_now` is what is public (None: nothing); `proposed` what the
    resident now asks for (None: nothing public).

    Making something private (proposed None) applies at once. Anything else that differs from what is public (a
    photo or a name shown that was not, a new description or name) waits: the public keeps seeing what it saw.
    """
    if proposed is None:
        return None, False
    return public_now, proposed != public_now
