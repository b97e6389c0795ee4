"""Starting, saving, costing and sending an application; each change in one unit of work."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, url_for
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts.models import User
from portal.accounts.news import can_be_told, tell
from portal.accounts.services import SignInRefused, send_sign_in_link
from portal.applications import journey, journey_counts
from portal.applications.models import Application, CostLine
from portal.assetmap.services import set_uses
from portal.awards.services import awarded_pence
from portal.common import audit
from portal.common.access import keep_for_request
from portal.common.crypto import decrypt, encrypt
from portal.common.status import change_application_status
from portal.common.time import utcnow
from portal.common.transactions import locked, transactional
from portal.domain.budget import BudgetExceeded, check_award_fits
from portal.domain.pots import is_open
from portal.domain.references import new_reference
from portal.domain.states import ApplicationStatus
from portal.extensions import db
from portal.programme.models import Neighbourhood, Pot, PotQuestion, QuestionAnswer

MAX_COST_LINES = 20

# The answers written in words, in the order the receipt shows them.
WRITTEN_ANSWERS = (
    "contact_name",
    "idea_name",
    "group_name",
    "idea_description",
    "brings_together",
    "helps_area",
    "bring_head",
    "bring_hands",
    "bring_heart",
    "help_from_others",
    "when_text",
    "where_text",
)
# The answers a resident may give on question pages; anything else is refused.
ANSWER_FIELDS = frozenset({*WRITTEN_ANSWERS, "applicant_type", "contact_method"})


class ApplicationProblem(Exception):
    """A rule stops this change; `reason` names it so the page can explain it plainly."""

    def __init__(self, reason: str, **details: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details


def get_neighbourhood_by_slug(slug: str) -> Neighbourhood | None:
    return db.session.execute(
        sa.select(Neighbourhood)
        .where(Neighbourhood.slug == slug, Neighbourhood.is_active.is_(True))
        .options(selectinload(Neighbourhood.pots))
    ).scalar_one_or_none()


def has_ideas(user_id: int) -> bool:
    """Whether this person has an idea of their own, sent or not (not one a community builder entered for others)."""
    return (
        db.session.execute(sa.select(Application.id).where(Application.applicant_id == user_id).limit(1)).first()
        is not None
    )


def get_application(application_id: int) -> Application | None:
    """The application with its pot, its neighbourhood and the pot's own questions (every page of it names the first
    two; the journey's back and next links count the questions), in one query."""
    pot = joinedload(Application.pot)
    return db.session.get(
        Application, application_id, options=[pot.joinedload(Pot.neighbourhood), pot.joinedload(Pot.questions)]
    )


def may_see_application(user: Any, application_id: int) -> bool:
    """Yours if you are the resident whose idea it is, or the community builder who entered it with you."""
    application = keep_for_request(get_application(application_id))
    return application is not None and user.id in (application.applicant_id, application.assisted_by_id)


IDEAS_PER_PAGE = 20


def list_applications_for(user: User, page: int = 1) -> Any:
    """One page of the resident's ideas, newest first, with what "Your ideas" shows of each, in a fixed number of
    queries however many ideas they have."""
    query = (
        sa.select(Application)
        .where(Application.applicant_id == user.id)
        .where(Application.status != ApplicationStatus.EXPIRED.value)
        .options(
            selectinload(Application.cost_lines),
            joinedload(Application.pot).joinedload(Pot.neighbourhood),
            selectinload(Application.decisions),
            selectinload(Application.award),  # with has_payee_details: the details themselves are not shown
            selectinload(Application.story),
        )
        .order_by(Application.created_at.desc(), Application.id.desc())
    )
    return db.paginate(query, page=page, per_page=IDEAS_PER_PAGE, error_out=False)


def pot_is_taking_ideas(pot: Pot, today: date | None = None) -> bool:
    return pot.neighbourhood.is_active and is_open(pot.limits, today or date.today())


@transactional
def start_application(user: User, pot: Pot, language: str, unsure: list[str] | None = None) -> Application:
    """Start (or carry on) this resident's idea in this pot; raises ApplicationProblem('pot_closed'). `unsure`: the
    eligibility checks they were not sure about, a note for the panel."""
    if not pot_is_taking_ideas(pot):
        raise ApplicationProblem("pot_closed")
    existing = db.session.execute(
        sa.select(Application)
        .where(
            Application.applicant_id == user.id,
            Application.pot_id == pot.id,
            Application.status == ApplicationStatus.DRAFT.value,
        )
        .order_by(Application.id.desc())
        .limit(1)
    ).scalar()
    if existing is not None:  # a double click, or coming back: carry on rather than start twice
        if unsure:
            existing.eligibility_unsure = sorted(set(existing.eligibility_unsure or []) | set(unsure))
        return existing
    application = Application(
        pot_id=pot.id,
        applicant_id=user.id,
        language=language,
        contact_name=user.name or None,
        eligibility_unsure=list(unsure or []),
    )
    db.session.add(application)
    db.session.flush()
    audit.record("application.started", actor_id=user.id, object_type="application", object_id=application.id)
    return application


# What a copy made to try again keeps: the resident's own answers (not its reference, status, or anything decided).
COPIED_ANSWERS = (*sorted(ANSWER_FIELDS), "contact_phone_encrypted", "language")


@transactional
def try_again(application: Application, user: User) -> Application:
    """A new draft in the same pot from a copy of an idea the panel said "not yet" to, for the resident to change and
    send afresh; the same draft again if they already started one. Raises ApplicationProblem('not_not_yet') for an
    idea not in "not yet", or ('pot_closed') when its pot is not taking ideas."""
    if application.status != ApplicationStatus.NOT_YET.value:
        raise ApplicationProblem("not_not_yet")
    if not pot_is_taking_ideas(application.pot):
        raise ApplicationProblem("pot_closed")
    started = db.session.execute(
        sa.select(Application).where(
            Application.copied_from_id == application.id, Application.status == ApplicationStatus.DRAFT.value
        )
    ).scalar()
    if started is not None:
        return started
    copy = Application(
        pot_id=application.pot_id,
        applicant_id=application.applicant_id,
        assisted_by_id=application.assisted_by_id,
        copied_from_id=application.id,
        cost_lines=[CostLine(item=line.item, amount_pence=line.amount_pence) for line in application.cost_lines],
        question_answers=[
            QuestionAnswer(question_id=a.question_id, answer=a.answer) for a in _answers_to_questions_now(application)
        ],
        **{name: getattr(application, name) for name in COPIED_ANSWERS},
    )
    db.session.add(copy)
    db.session.flush()
    audit.record(
        "application.tried_again",
        actor_id=user.id,
        object_type="application",
        object_id=copy.id,
        copied_from=application.id,
    )
    return copy


def locked_draft(application: Application) -> Application:
    """The idea's row, locked for this unit of work and read afresh, if it is still a draft.

    A save and a send of the same idea (two tabs, a builder and the resident) take the same lock, so a sent idea
    never changes: whichever comes second sees the other's result. Raises ApplicationProblem('already_sent')."""
    locked_copy = db.session.execute(
        locked(sa.select(Application).where(Application.id == application.id))
    ).scalar_one()
    db.session.expire(locked_copy, ["cost_lines"])  # the lines too may have changed while we waited
    if locked_copy.status != ApplicationStatus.DRAFT.value:
        raise ApplicationProblem("already_sent")
    return locked_copy


@transactional
def save_answers(
    application: Application,
    answers: dict[str, Any],
    contact_phone: str | None = None,
    map_uses: list[int] | None = None,
) -> None:
    """Keep the answers from one question page (and, from "Will anyone else help?", what the idea will use from its
    neighbourhood's map); raises ApplicationProblem('already_sent') once sent."""
    application = locked_draft(application)
    if map_uses is not None:
        set_uses(application.id, application.pot.neighbourhood_id, map_uses)
    unknown = set(answers) - ANSWER_FIELDS
    if unknown:
        raise ValueError(f"not an answer: {sorted(unknown)}")
    for name, value in answers.items():
        setattr(application, name, value or None)
    if "contact_method" in answers:
        application.contact_phone_encrypted = encrypt(contact_phone) if contact_phone else None
    if answers.get("applicant_type") == "just_me":
        application.group_name = None
    application.updated_at = utcnow()


@transactional
def save_question_answer(application: Application, question: PotQuestion, answer: str | None) -> None:
    """Keep the answer to one of the pot's own questions (an empty one clears it); raises
    ApplicationProblem('already_sent') once sent."""
    application = locked_draft(application)
    found = next((a for a in application.question_answers if a.question_id == question.id), None)
    if not answer:
        if found is not None:
            application.question_answers.remove(found)
    elif found is None:
        application.question_answers.append(QuestionAnswer(question_id=question.id, answer=answer))
    else:
        found.answer = answer
    application.updated_at = utcnow()


def _answers_to_questions_now(application: Application) -> list[QuestionAnswer]:
    """The answers to the pot's questions as they stand now (not to a version since changed or removed)."""
    current = {question.id for question in application.pot.questions}
    return [answer for answer in application.question_answers if answer.question_id in current]


def contact_phone(application: Application) -> str:
    return decrypt(application.contact_phone_encrypted) if application.contact_phone_encrypted else ""


@transactional
def add_cost_line(application: Application, item: str, amount_pence: int) -> None:
    """Add one cost; raises ApplicationProblem if sent, if there are too many lines, or over the maximum award."""
    application = locked_draft(application)
    if len(application.cost_lines) >= MAX_COST_LINES:
        raise ApplicationProblem("too_many_costs", limit=MAX_COST_LINES)
    if amount_pence <= 0:
        raise ApplicationProblem("cost_not_positive")
    if application.total_pence + amount_pence > application.pot.max_award_pence:
        raise ApplicationProblem("over_max_award", max_award_pence=application.pot.max_award_pence)
    application.cost_lines.append(CostLine(item=item, amount_pence=amount_pence))
    application.updated_at = utcnow()


@transactional
def remove_cost_line(application: Application, cost_line_id: int) -> None:
    """Take one cost out; raises ApplicationProblem('already_sent') once sent."""
    application = locked_draft(application)
    application.cost_lines[:] = [line for line in application.cost_lines if line.id != cost_line_id]
    application.updated_at = utcnow()


def check_costs(application: Application) -> None:
    """The total must be more than zero and no more than the pot's maximum award; raises ApplicationProblem."""
    if application.total_pence <= 0:
        raise ApplicationProblem("no_costs")
    if application.total_pence > application.pot.max_award_pence:
        raise ApplicationProblem("over_max_award", max_award_pence=application.pot.max_award_pence)


def missing_answers(application: Application) -> list[str]:
    """The question pages still to answer before the application can be sent, in journey order."""
    return [step.slug for step in journey.missing(application)]


@transactional
def submit_application(application_id: int, actor: User) -> Application:
    """Send a draft to the panel, once. A second call (double click, retry) returns the same application.

    Raises ApplicationProblem for missing answers, a closed pot, costs out of bounds or a pot with no money left.
    """
    application = db.session.execute(
        locked(sa.select(Application).where(Application.id == application_id))
    ).scalar_one()
    if application.status != ApplicationStatus.DRAFT.value:
        return application  # already sent: nothing to do twice
    if application.is_assisted and application.consent_method is None and application.resident_confirmed_at is None:
        raise ApplicationProblem("no_agreement")
    if missing_answers(application):
        raise ApplicationProblem("missing_answers")
    if not pot_is_taking_ideas(application.pot):
        raise ApplicationProblem("pot_closed")
    check_costs(application)
    try:
        check_award_fits(application.pot.budget_pence, awarded_pence(application.pot_id), application.total_pence)
    except BudgetExceeded as error:
        raise ApplicationProblem("pot_empty") from error
    # Sent with the answers to the questions it was sent with: none to a version the programme has since replaced.
    application.question_answers = _answers_to_questions_now(application)
    change_application_status(application, ApplicationStatus.SUBMITTED)
    application.submitted_at = utcnow()
    application.reference = _unused_reference()
    audit.record(
        "application.submitted",
        actor_id=actor.id,
        object_type="application",
        object_id=application.id,
        total_pence=application.total_pence,
        pot_id=application.pot_id,
    )
    _send_confirmation(application)
    return application


def _unused_reference() -> str:
    for _ in range(10):
        reference = new_reference()
        if db.session.execute(sa.select(Application.id).where(Application.reference == reference)).first() is None:
            return reference
    raise RuntimeError("could not find an unused reference")  # 31^7 choices: practically unreachable


def _send_confirmation(application: Application) -> None:
    # A resident we cannot reach: their community builder passes on the news.
    tell(application.applicant, "applications/sent", language=application.language, application=application)


def send_return_link(application: Application, user: User) -> None:
    """Email the resident a sign-in link that brings them back to this draft."""
    if not user.email:
        raise ApplicationProblem("no_email")
    send_link(user.email, url_for("applications.check_answers", application_id=application.id))


def send_link(email: str, next_path: str) -> None:
    try:
        send_sign_in_link(email, next_path=next_path)
    except SignInRefused as refused:
        raise ApplicationProblem("too_many_links") from refused


@transactional
def tidy_drafts(now: Any = None) -> tuple[int, int]:
    """Remind residents once about drafts nearing DRAFT_KEEP_DAYS untouched, and remove drafts past it.

    Returns (reminded, removed). Safe to run twice, even at the same moment: each removal and each reminder is a
    compare-and-set on the draft (still a draft, still untouched, not yet reminded), so only one run acts on it.
    """
    now = now or utcnow()
    keep = timedelta(days=current_app.config["DRAFT_KEEP_DAYS"])
    remind_at = keep - timedelta(days=current_app.config["DRAFT_REMINDER_DAYS_BEFORE"])
    is_draft = Application.status == ApplicationStatus.DRAFT.value
    removed = 0
    for application_id, pot_id in db.session.execute(
        sa.select(Application.id, Application.pot_id).where(is_draft, Application.updated_at < now - keep)
    ).all():
        last = journey_counts.last_seen(application_id)
        gone = db.session.execute(
            sa.delete(Application)
            .where(Application.id == application_id, is_draft, Application.updated_at < now - keep)
            .execution_options(synchronize_session=False)
        )
        if gone.rowcount == 1:  # type: ignore[attr-defined]
            journey_counts.count_left(pot_id, last)
            journey_counts.forget_marks(application_id)
            audit.record("application.draft_removed", object_type="application", object_id=application_id)
            removed += 1
    reminded = 0
    due = sa.select(Application).where(
        is_draft, Application.updated_at < now - remind_at, Application.reminder_sent_at.is_(None)
    )
    for application in db.session.execute(due.options(selectinload(Application.applicant))).scalars().all():
        if not can_be_told(application.applicant):
            continue  # entered by a community builder for a resident we cannot reach: the builder follows up
        claimed = db.session.execute(
            sa.update(Application)
            .where(Application.id == application.id, is_draft, Application.reminder_sent_at.is_(None))
            .values(reminder_sent_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            continue  # another run reminded them a moment ago
        days = current_app.config["DRAFT_REMINDER_DAYS_BEFORE"]
        tell(
            application.applicant,
            "applications/draft_reminder",
            language=application.language,
            application=application,
            days=days,
        )
        reminded += 1
    return reminded, removed


@transactional
def withdraw_application(application_id: int, actor: User) -> None:
    """The resident takes their idea back before a decision; only the resident whose idea it is may.

    The row is locked and the status moved compare-and-set, so a withdrawal never undoes a decision made at the same
    moment. Raises ApplicationProblem('not_the_applicant'), or InvalidTransition once the idea is decided.
    """
    application = db.session.execute(
        locked(sa.select(Application).where(Application.id == application_id))
    ).scalar_one()
    if actor.id != application.applicant_id:
        raise ApplicationProblem("not_the_applicant")
    if application.status == ApplicationStatus.DRAFT.value:  # never sent: count where it was left
        journey_counts.count_left(application.pot_id, journey_counts.last_seen(application.id))
        journey_counts.forget_marks(application.id)
    change_application_status(application, ApplicationStatus.WITHDRAWN)
    audit.record("application.withdrawn", actor_id=actor.id, object_type="application", object_id=application.id)
