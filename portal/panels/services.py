"""Interests, views and decisions on ideas; awards made so that a pot is never overspent, even at the same moment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from portal.accounts.models import User
from portal.applications.models import Application
from portal.common import audit
from portal.common.transactions import locked, transactional
from portal.domain.budget import check_award_fits
from portal.domain.decisions import DecisionKind, DecisionRefused, ViewKind, decide, may_fast_track
from portal.domain.roles import Role
from portal.domain.states import ApplicationStatus, InvalidTransition, move_application
from portal.extensions import db
from portal.panels.models import MONEY_HOLDING_AWARD_STATUSES, Award, Decision, Interest, PanelView
from portal.programme.models import Pot

DECIDABLE = (ApplicationStatus.SUBMITTED.value, ApplicationStatus.IN_REVIEW.value)


def awarded_pence(pot_id: int) -> int:
    """Money promised from this pot: every award still holding money, each counted once."""
    total = db.session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(Award.amount_pence), 0)).where(
            Award.pot_id == pot_id, Award.status.in_(MONEY_HOLDING_AWARD_STATUSES)
        )
    ).scalar_one()
    return int(total)


@dataclass(frozen=True)
class Funded:
    """What a neighbourhood has funded so far, in numbers only: ideas are not public until their story is."""

    ideas: int
    smallest_pence: int
    largest_pence: int


def funded_in(neighbourhood_id: int) -> Funded:
    count, smallest, largest = db.session.execute(
        sa.select(sa.func.count(Award.id), sa.func.min(Award.amount_pence), sa.func.max(Award.amount_pence))
        .join(Pot, Pot.id == Award.pot_id)
        .where(Pot.neighbourhood_id == neighbourhood_id, Award.status.in_(MONEY_HOLDING_AWARD_STATUSES))
    ).one()
    return Funded(int(count), int(smallest or 0), int(largest or 0))


def remaining_pence(pot: Pot) -> int:
    return pot.budget_pence - awarded_pence(pot.id)


def _interest_of(application_id: int, user_id: int) -> Interest | None:
    return db.session.execute(
        sa.select(Interest).where(Interest.application_id == application_id, Interest.user_id == user_id)
    ).scalar_one_or_none()


@transactional
def declare_interest(application: Application, member: User, *, has_interest: bool, note: str) -> Interest:
    """Record (or change) a panel member's declaration on an idea; audited."""
    if has_interest and not note.strip():
        raise DecisionRefused("interest_note_needed")
    interest = _interest_of(application.id, member.id) or Interest(application_id=application.id, user_id=member.id)
    interest.has_interest = has_interest
    interest.note = note.strip() if has_interest else ""
    db.session.add(interest)
    db.session.flush()
    audit.record(
        "panel.interest_declared",
        actor_id=member.id,
        object_type="application",
        object_id=application.id,
        has_interest=has_interest,
    )
    return interest


def _must_be_free_of_interest(application: Application, member: User) -> None:
    interest = _interest_of(application.id, member.id)
    if interest is None:
        raise DecisionRefused("declare_first")
    if interest.has_interest:
        raise DecisionRefused("has_interest")


@transactional
def give_view(application: Application, member: User, *, view: ViewKind, comment: str) -> PanelView:
    """A member without an interest gives or changes their view, until the idea is decided."""
    _must_be_free_of_interest(application, member)
    if application.status not in DECIDABLE:
        raise DecisionRefused("already_decided")
    existing = db.session.execute(
        sa.select(PanelView).where(PanelView.application_id == application.id, PanelView.user_id == member.id)
    ).scalar_one_or_none()
    panel_view = existing or PanelView(application_id=application.id, user_id=member.id)
    panel_view.view = view.value
    panel_view.comment = comment.strip()
    db.session.add(panel_view)
    if application.status == ApplicationStatus.SUBMITTED.value:
        application.status = move_application(ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW).value
    db.session.flush()
    audit.record(
        "panel.view_given", actor_id=member.id, object_type="application", object_id=application.id, view=view.value
    )
    return panel_view


@transactional
def record_decision(
    application_id: int,
    decider: User,
    *,
    kind: DecisionKind,
    reason: str,
    amount_pence: int | None = None,
    condition: str = "",
    fast_track: bool = False,
) -> Decision:
    """Record a decision; a yes makes an award only if the pot has the money left.

    The pot's row is locked (SELECT … FOR UPDATE) while the money left is worked out and the award written, so
    decisions at the same moment are made one after another and the pot is never overspent. Raises
    DecisionRefused (a rule, such as an interest or a missing reason), BudgetExceeded, or InvalidTransition.
    """
    application = db.session.execute(
        locked(sa.select(Application).where(Application.id == application_id))
    ).scalar_one()
    if application.status not in DECIDABLE:
        raise InvalidTransition(application.status_enum, ApplicationStatus.APPROVED)
    if fast_track:
        if not decider.has_role(Role.PROGRAMME_OFFICER):
            raise DecisionRefused("fast_track_programme_officer_only")
    else:
        _must_be_free_of_interest(application, decider)
    outcome = decide(kind, application.total_pence, amount_pence=amount_pence, condition=condition, reason=reason)
    pot = db.session.execute(locked(sa.select(Pot).where(Pot.id == application.pot_id))).scalar_one()
    if fast_track and (
        outcome.award_pence is None or not may_fast_track(outcome.award_pence, pot.fast_track_limit_pence)
    ):
        raise DecisionRefused("over_fast_track_limit")
    if outcome.award_pence is not None:
        check_award_fits(pot.budget_pence, awarded_pence(pot.id), outcome.award_pence)
    application.status = move_application(application.status_enum, outcome.status).value
    decision = Decision(
        application_id=application.id,
        kind=kind.value,
        amount_pence=outcome.award_pence,
        condition=condition.strip(),
        reason=reason.strip(),
        decided_by_id=decider.id,
        fast_track=fast_track,
    )
    db.session.add(decision)
    db.session.flush()
    if outcome.award_pence is not None:
        db.session.add(
            Award(
                application_id=application.id, pot_id=pot.id, decision_id=decision.id, amount_pence=outcome.award_pence
            )
        )
        db.session.flush()
    audit.record(
        "panel.decision_recorded",
        actor_id=decider.id,
        object_type="application",
        object_id=application.id,
        kind=kind.value,
        award_pence=outcome.award_pence,
        fast_track=fast_track,
    )
    _tell_the_resident(application, decision)
    return decision


WAITING = (ApplicationStatus.SUBMITTED.value, ApplicationStatus.IN_REVIEW.value, ApplicationStatus.QUESTION_ASKED.value)
DECIDED = (ApplicationStatus.APPROVED.value, ApplicationStatus.NOT_YET.value)
PER_PAGE = 25


def pots_with_money_left(neighbourhood_id: int) -> list[tuple[Pot, int]]:
    """Each pot of the neighbourhood with the money left in it, in one query."""
    promised = sa.func.coalesce(sa.func.sum(Award.amount_pence), 0)
    rows = db.session.execute(
        sa.select(Pot, Pot.budget_pence - promised)
        .outerjoin(Award, sa.and_(Award.pot_id == Pot.id, Award.status.in_(MONEY_HOLDING_AWARD_STATUSES)))
        .where(Pot.neighbourhood_id == neighbourhood_id)
        .group_by(Pot.id)
        .order_by(Pot.name)
    ).all()
    return [(pot, int(left)) for pot, left in rows]


def list_queue(neighbourhood_id: int, statuses: tuple[str, ...], page: int, oldest_first: bool) -> Any:
    """One page of the neighbourhood's ideas in these statuses, with their costs; a fixed number of queries."""
    from sqlalchemy.orm import selectinload

    order = Application.submitted_at.asc() if oldest_first else Application.submitted_at.desc()
    query = (
        sa.select(Application)
        .join(Pot, Application.pot_id == Pot.id)
        .where(Pot.neighbourhood_id == neighbourhood_id, Application.status.in_(statuses))
        .options(selectinload(Application.cost_lines), selectinload(Application.pot))
        .order_by(order, Application.id)
    )
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def get_idea_on_panel(neighbourhood_id: int, application_id: int) -> Application | None:
    """A sent idea in one of this neighbourhood's pots, or None (drafts are never shown to panels)."""
    application = db.session.get(Application, application_id)
    if application is None or application.pot.neighbourhood_id != neighbourhood_id:
        return None
    if application.status in (
        ApplicationStatus.DRAFT.value,
        ApplicationStatus.WITHDRAWN.value,
        ApplicationStatus.EXPIRED.value,
    ):
        return None
    return application


def interest_of(application_id: int, user_id: int) -> Interest | None:
    return _interest_of(application_id, user_id)


def view_of(application_id: int, user_id: int) -> PanelView | None:
    return db.session.execute(
        sa.select(PanelView).where(PanelView.application_id == application_id, PanelView.user_id == user_id)
    ).scalar_one_or_none()


def decisions_on(application_id: int) -> list[Decision]:
    return list(
        db.session.execute(
            sa.select(Decision).where(Decision.application_id == application_id).order_by(Decision.decided_at)
        ).scalars()
    )


def may_record_decisions(user: User, neighbourhood: Any) -> bool:
    """The panel's rule says who records decisions: its chair, or a programme officer."""
    if neighbourhood.decisions_by == "programme_officer":
        return user.has_role(Role.PROGRAMME_OFFICER)
    return any(m.neighbourhood_id == neighbourhood.id and m.is_chair for m in user.panel_memberships)


def tally(application_id: int) -> dict[str, Any]:
    """How many members gave each view, for the chair."""
    rows = db.session.execute(
        sa.select(PanelView.view, sa.func.count())
        .where(PanelView.application_id == application_id)
        .group_by(PanelView.view)
    ).all()
    counts = {kind.value: 0 for kind in ViewKind}
    counts.update({view: count for view, count in rows})
    return counts


def _tell_the_resident(application: Application, decision: Decision) -> None:
    """Email the decision and its reason in the resident's language (a builder passes it on if they have no email)."""
    from flask import current_app, render_template
    from flask_babel import force_locale

    from portal.common.email import rendering_context, send_email

    if not application.applicant.email:
        return
    with rendering_context(), force_locale(application.language):
        subject = render_template("panels/email/decision_subject.txt", application=application).strip()
        body = render_template(
            "panels/email/decision.txt",
            application=application,
            decision=decision,
            base_url=current_app.config["SERVER_BASE_URL"].rstrip("/"),
        )
    send_email(application.applicant.email, subject, body)


def latest_decision(application_id: int) -> Decision | None:
    return db.session.execute(
        sa.select(Decision)
        .where(Decision.application_id == application_id)
        .order_by(Decision.decided_at.desc(), Decision.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def award_for(application_id: int) -> Award | None:
    return db.session.execute(sa.select(Award).where(Award.application_id == application_id)).scalar_one_or_none()


@transactional
def accept_award(application: Application, resident: User) -> Award:
    """The resident accepts the offer, which moves the award on to payment; accepting twice changes nothing."""
    from portal.common.time import utcnow
    from portal.domain.states import AwardStatus, move_award

    award = db.session.execute(locked(sa.select(Award).where(Award.application_id == application.id))).scalar_one()
    if award.status == AwardStatus.ACCEPTED.value:
        return award
    award.status = move_award(AwardStatus(award.status), AwardStatus.ACCEPTED).value
    award.accepted_at = utcnow()
    audit.record("award.accepted", actor_id=resident.id, object_type="award", object_id=award.id)
    return award


@transactional
def answer_question(application: Application, resident: User, answer: str) -> None:
    """The resident answers the panel's question; the idea goes back to the panel's queue."""
    from portal.common.time import utcnow

    current = db.session.execute(locked(sa.select(Application).where(Application.id == application.id))).scalar_one()
    if current.status != ApplicationStatus.QUESTION_ASKED.value:
        return  # answered already (a double click) or no longer waiting
    question = latest_decision(current.id)
    if question is None or question.kind != DecisionKind.QUESTION.value:
        raise DecisionRefused("no_question")
    question.answer = answer.strip()
    question.answered_at = utcnow()
    current.status = move_application(ApplicationStatus.QUESTION_ASKED, ApplicationStatus.SUBMITTED).value
    audit.record("application.question_answered", actor_id=resident.id, object_type="application", object_id=current.id)
