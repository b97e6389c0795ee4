"""The life of an application and of an award: every state, and every move allowed between them, in one table."""

from __future__ import annotations

from enum import StrEnum


class InvalidTransition(ValueError):
    """A move the rules do not allow, such as deciding an idea that was withdrawn."""

    def __init__(self, current: StrEnum, target: StrEnum) -> None:
        super().__init__(f"cannot move from {current} to {target}")
        self.current = current
        self.target = target


class ApplicationStatus(StrEnum):
    DRAFT = "draft"  # not sent yet
    SUBMITTED = "submitted"  # sent, waiting for the panel
    IN_REVIEW = "in_review"  # the panel is looking at it
    QUESTION_ASKED = "question_asked"  # the panel asked the resident something
    APPROVED = "approved"  # yes, or yes with a change: an award exists
    NOT_YET = "not_yet"  # not this time, with a kind reason
    WITHDRAWN = "withdrawn"  # the resident took it back before a decision
    EXPIRED = "expired"  # a draft nobody came back to


APPLICATION_MOVES: dict[ApplicationStatus, frozenset[ApplicationStatus]] = {
    ApplicationStatus.DRAFT: frozenset(
        {ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN, ApplicationStatus.EXPIRED}
    ),
    ApplicationStatus.SUBMITTED: frozenset(
        {
            ApplicationStatus.IN_REVIEW,
            ApplicationStatus.QUESTION_ASKED,
            ApplicationStatus.APPROVED,
            ApplicationStatus.NOT_YET,
            ApplicationStatus.WITHDRAWN,
        }
    ),
    ApplicationStatus.IN_REVIEW: frozenset(
        {
            ApplicationStatus.QUESTION_ASKED,
            ApplicationStatus.APPROVED,
            ApplicationStatus.NOT_YET,
            ApplicationStatus.WITHDRAWN,
        }
    ),
    # The resident's answer puts the idea back in the panel's queue.
    ApplicationStatus.QUESTION_ASKED: frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN}),
    ApplicationStatus.APPROVED: frozenset(),
    ApplicationStatus.NOT_YET: frozenset(),
    ApplicationStatus.WITHDRAWN: frozenset(),
    ApplicationStatus.EXPIRED: frozenset(),
}


class AwardStatus(StrEnum):
    OFFERED = "offered"  # waiting for the resident to accept
    ACCEPTED = "accepted"  # due payment once payee details are in
    PAYMENT_PREPARED = "payment_prepared"
    PAYMENT_AUTHORISED = "payment_authorised"
    PAID = "paid"
    DECLINED = "declined"  # the resident said no thanks
    CANCELLED = "cancelled"  # withdrawn by the programme before payment


AWARD_MOVES: dict[AwardStatus, frozenset[AwardStatus]] = {
    AwardStatus.OFFERED: frozenset({AwardStatus.ACCEPTED, AwardStatus.DECLINED, AwardStatus.CANCELLED}),
    AwardStatus.ACCEPTED: frozenset({AwardStatus.PAYMENT_PREPARED, AwardStatus.CANCELLED}),
    # A prepared payment can be sent back (for example when bank details change) before it is authorised.
    AwardStatus.PAYMENT_PREPARED: frozenset(
        {AwardStatus.PAYMENT_AUTHORISED, AwardStatus.ACCEPTED, AwardStatus.CANCELLED}
    ),
    # Payee details changed after authorisation withdraw it (back to prepared); a failed payment is due again.
    AwardStatus.PAYMENT_AUTHORISED: frozenset({AwardStatus.PAID, AwardStatus.ACCEPTED, AwardStatus.PAYMENT_PREPARED}),
    AwardStatus.PAID: frozenset(),
    AwardStatus.DECLINED: frozenset(),
    AwardStatus.CANCELLED: frozenset(),
}


def move_application(current: ApplicationStatus, target: ApplicationStatus) -> ApplicationStatus:
    """Return target if the table allows current → target; raises InvalidTransition otherwise."""
    if target not in APPLICATION_MOVES[current]:
        raise InvalidTransition(current, target)
    return target


def move_award(current: AwardStatus, target: AwardStatus) -> AwardStatus:
    """Return target if the table allows current → target; raises InvalidTransition otherwise. Paid is final."""
    if target not in AWARD_MOVES[current]:
        raise InvalidTransition(current, target)
    return target
