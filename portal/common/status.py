"""Every status change is compare-and-set: the UPDATE names the status it expects, so a change that lost a race to
another request changes nothing and says so, instead of overwriting what the other request decided."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from portal.domain.asset_map import IntroductionStatus, move_introduction
from portal.domain.background import FileStatus, MailStatus, move_file, move_mail
from portal.domain.payments import PaymentStatus, RunStatus, move_payment, move_run
from portal.domain.states import (
    ApplicationStatus,
    AwardStatus,
    InvalidTransition,
    move_application,
    move_award,
)
from portal.domain.stories import PhotoStatus, StoryStatus, move_photo, move_story
from portal.extensions import db


class StatusChangedMeanwhile(InvalidTransition):
    """Someone else changed the status between this request reading it and changing it."""


def _compare_and_set(row: Any, expected: StrEnum, target: StrEnum) -> None:
    model = type(row)
    db.session.flush()  # anything else this unit of work changed goes first
    result = db.session.execute(
        sa.update(model)
        .where(model.id == row.id, model.status == expected.value)
        .values(status=target.value)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise StatusChangedMeanwhile(expected, target)
    set_committed_value(row, "status", target.value)


def change_application_status(application: Any, target: ApplicationStatus) -> None:
    """Move an application from the status this request read to target, if the state table allows it and nobody
    moved it meanwhile. Raises InvalidTransition, or StatusChangedMeanwhile when another request got there first."""
    expected = ApplicationStatus(application.status)
    move_application(expected, target)
    _compare_and_set(application, expected, target)


def change_award_status(award: Any, target: AwardStatus) -> None:
    """As change_application_status, for an award."""
    expected = AwardStatus(award.status)
    move_award(expected, target)
    _compare_and_set(award, expected, target)


def change_payment_status(payment: Any, target: PaymentStatus) -> None:
    """As change_application_status, for a payment."""
    expected = PaymentStatus(payment.status)
    move_payment(expected, target)
    _compare_and_set(payment, expected, target)


def change_run_status(run: Any, target: RunStatus) -> None:
    """As change_application_status, for a payment run."""
    expected = RunStatus(run.status)
    move_run(expected, target)
    _compare_and_set(run, expected, target)


def change_story_status(story: Any, target: StoryStatus) -> None:
    """As change_application_status, for an outcome story."""
    expected = StoryStatus(story.status)
    move_story(expected, target)
    _compare_and_set(story, expected, target)


def change_photo_status(photo: Any, target: PhotoStatus) -> None:
    """As change_application_status, for a story's photo."""
    expected = PhotoStatus(photo.status)
    move_photo(expected, target)
    _compare_and_set(photo, expected, target)


def change_introduction_status(introduction: Any, target: IntroductionStatus) -> None:
    """As change_application_status, for an introduction between two residents."""
    expected = IntroductionStatus(introduction.status)
    move_introduction(expected, target)
    _compare_and_set(introduction, expected, target)


# Work done in the background, claimed and finished by id -----------------------------------------------------------

_TABLES: dict[type[StrEnum], Callable[[Any, Any], Any]] = {
    FileStatus: move_file,
    MailStatus: move_mail,
    IntroductionStatus: move_introduction,
}


def set_status_where(
    model: Any, conditions: Iterable[Any], expected: StrEnum | Iterable[StrEnum], target: StrEnum, **values: Any
) -> int:
    """Move every row of model matching conditions whose status is one of expected to target (with values), in one
    UPDATE that names the statuses it expects. Each expected → target move must be in the state table (raises
    InvalidTransition otherwise, before the database is asked). Returns how many rows moved: 0 when another worker
    or request got there first, which a job takes as "nothing to do"."""
    expecting = [expected] if isinstance(expected, StrEnum) else list(expected)
    move = _TABLES[type(target)]
    for current in expecting:
        move(current, target)
    result = db.session.execute(
        sa.update(model)
        .where(*conditions, model.status.in_([current.value for current in expecting]))
        .values(status=target.value, **values)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def claim_status(
    model: Any, row_id: int, expected: StrEnum | Iterable[StrEnum], target: StrEnum, **values: Any
) -> bool:
    """As set_status_where, for the one row with this id: True if this caller moved it."""
    return set_status_where(model, [model.id == row_id], expected, target, **values) == 1
