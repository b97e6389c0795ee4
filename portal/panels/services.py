"""Interests, views and decisions on ideas, with the panel's rules enforced here for whoever is acting.

A yes makes an award (through the awards package) only if the pot has the money, under the pot's row lock, so a
pot is never overspent even when decisions happen at the same moment.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased, load_only, selectinload

from portal.accounts.models import PanelMembership, User
from portal.accounts.news import tell
from portal.applications.letters import queue_letter
from portal.applications.models import Application
from portal.awards.services import awarded_pence, make_award
from portal.common import audit
from portal.common.status import change_application_status
from portal.common.time import utcnow
from portal.common.transactions import locked, transactional
from portal.domain.budget import check_award_fits
from portal.domain.decisions import DecisionKind, DecisionRefused, ViewKind, decide
from portal.domain.panel_rules import (
    Idea,
    Person,
    check_may_decide,
    check_may_declare,
    check_may_give_view,
)
from portal.domain.roles import Role
from portal.domain.states import ApplicationStatus, InvalidTransition
from portal.extensions import db
from portal.panels.models import Decision, Interest, PanelView
from portal.programme.models import Neighbourhood, Pot
from portal.programme.texts import TextKind, get_text

DECIDABLE = (ApplicationStatus.SUBMITTED.value, ApplicationStatus.IN_REVIEW.value)
WAITING = (ApplicationStatus.SUBMITTED.value, ApplicationStatus.IN_REVIEW.value, ApplicationStatus.QUESTION_ASKED.value)
DECIDED = (ApplicationStatus.APPROVED.value, ApplicationStatus.NOT_YET.value)
HIDDEN_FROM_PANELS = (
    ApplicationStatus.DRAFT.value,
    ApplicationStatus.WITHDRAWN.value,
    ApplicationStatus.EXPIRED.value,
)
PER_PAGE = 25
MAX_PAGE = 10_000


def as_person(user: User) -> Person:
    """The acting person as the panel rules see them, read from the database (never from a stale session copy)."""
    memberships = db.session.execute(
        sa.select(PanelMembership.neighbourhood_id, PanelMembership.is_chair).where(PanelMembership.user_id == user.id)
    ).all()
    return Person(
        id=user.id,
        is_programme_officer=user.has_role(Role.PROGRAMME_OFFICER),
        panels=frozenset(n for n, _ in memberships),
        chairs=frozenset(n for n, is_chair in memberships if is_chair),
    )


def _idea_facts(application: Application) -> Idea:
    return Idea(
        neighbourhood_id=application.pot.neighbourhood_id,
        applicant_id=application.applicant_id,
        assisted_by_id=application.assisted_by_id,
    )


def _locked_application(application_id: int) -> Application:
    return db.session.execute(locked(sa.select(Application).where(Application.id == application_id))).scalar_one()


def _interest_of(application_id: int, user_id: int) -> Interest | None:
    return db.session.execute(
        sa.select(Interest).where(Interest.application_id == application_id, Interest.user_id == user_id)
    ).scalar_one_or_none()


def _has_interest(application_id: int, user_id: int) -> bool | None:
    interest = _interest_of(application_id, user_id)
    return None if interest is None else interest.has_interest


@transactional
def declare_interest(application_id: int, member: User, *, has_interest: bool, note: str) -> Interest:
    """Record a panel member's (or programme officer's) declaration on an idea; audited.

    An interest, once declared, cannot be withdrawn by the member. Raises DecisionRefused.
    """
    application = _locked_application(application_id)
    interest = _interest_of(application.id, member.id)
    check_may_declare(
        as_person(member),
        _idea_facts(application),
        had_interest=None if interest is None else interest.has_interest,
        has_interest=has_interest,
    )
    if has_interest and not note.strip():
        raise DecisionRefused("interest_note_needed")
    interest = interest or Interest(application_id=application.id, user_id=member.id)
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


@transactional
def correct_interest(application_id: int, officer: User, member_id: int) -> Interest:
    """A programme officer corrects a member's declared interest to "no interest" (a declaration made by mistake);
    audited with who corrected whose. Raises DecisionRefused('programme_officer_only') for anyone else."""
    application = _locked_application(application_id)
    if not officer.has_role(Role.PROGRAMME_OFFICER):
        raise DecisionRefused("programme_officer_only")
    interest = _interest_of(application.id, member_id)
    if interest is None:
        raise DecisionRefused("declare_first")
    interest.has_interest = False
    interest.note = ""
    audit.record(
        "panel.interest_corrected",
        actor_id=officer.id,
        object_type="application",
        object_id=application.id,
        member_id=member_id,
    )
    return interest


def interests_declared(application_id: int) -> list[tuple[Interest, str]]:
    """Every interest declared on the idea, with the member's name, for the programme officer."""
    rows = db.session.execute(
        sa.select(Interest, User.name)
        .join(User, User.id == Interest.user_id)
        .where(Interest.application_id == application_id, Interest.has_interest.is_(True))
        .order_by(User.name)
    ).all()
    return [(interest, name) for interest, name in rows]


@transactional
def give_view(application_id: int, member: User, *, view: ViewKind, comment: str) -> PanelView:
    """A member of the idea's panel who is free to judge it gives or changes their view, until it is decided.

    The idea's row is locked and its status moved compare-and-set, so a view never undoes a decision made at the
    same moment. Raises DecisionRefused.
    """
    application = _locked_application(application_id)
    check_may_give_view(as_person(member), _idea_facts(application), _has_interest(application.id, member.id))
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
        change_application_status(application, ApplicationStatus.IN_REVIEW)
    db.session.flush()
    audit.record(
        "panel.view_given", actor_id=member.id, object_type="application", object_id=application.id, view=view.value
    )
    return panel_view


def _a_not_yet_reason(reason_id: int | None) -> int | None:
    """The reason's id if it is one of the programme's reasons for "not yet" (a removed one is dropped)."""
    if reason_id is None:
        return None
    return reason_id if get_text(TextKind.NOT_YET_REASON, reason_id) is not None else None


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
    not_yet_reason_id: int | None = None,
) -> Decision:
    """Record a decision by whoever the panel's rule allows; a yes makes an award only if the pot has the money left.

    The idea's row and then the pot's row are locked (SELECT … FOR NO KEY UPDATE) while the money left is worked out and
    the award written, so decisions at the same moment are made one after another and the pot is never overspent.
    Raises DecisionRefused (a rule: who may decide, an interest, the fast-track limit, a missing reason),
    BudgetExceeded, or InvalidTransition (the idea was decided or withdrawn meanwhile).
    """
    application = _locked_application(application_id)
    if application.status not in DECIDABLE:
        raise InvalidTransition(application.status_enum, ApplicationStatus.APPROVED)
    outcome = decide(kind, application.total_pence, amount_pence=amount_pence, condition=condition, reason=reason)
    pot = db.session.execute(locked(sa.select(Pot).where(Pot.id == application.pot_id))).scalar_one()
    _check_may_decide(application, pot, decider, kind, award_pence=outcome.award_pence, fast_track=fast_track)
    if outcome.award_pence is not None:
        check_award_fits(pot.budget_pence, awarded_pence(pot.id), outcome.award_pence)
    change_application_status(application, outcome.status)
    decision = Decision(
        application_id=application.id,
        kind=kind.value,
        amount_pence=outcome.award_pence,
        condition=condition.strip(),
        reason=reason.strip(),
        decided_by_id=decider.id,
        fast_track=fast_track,
        not_yet_reason_id=_a_not_yet_reason(not_yet_reason_id) if kind is DecisionKind.NOT_YET else None,
    )
    db.session.add(decision)
    db.session.flush()
    if outcome.award_pence is not None:
        make_award(application, pot, decision.id, outcome.award_pence)
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


def _check_may_decide(
    application: Application,
    pot: Pot,
    decider: User,
    kind: DecisionKind,
    *,
    award_pence: int | None,
    fast_track: bool,
) -> None:
    """The panel's rules, with this idea's facts: raises DecisionRefused if this person may not decide it so."""
    neighbourhood = db.session.get(Neighbourhood, pot.neighbourhood_id)
    assert neighbourhood is not None  # noqa: S101 - a pot always has its neighbourhood (a foreign key)
    check_may_decide(
        as_person(decider),
        _idea_facts(application),
        _has_interest(application.id, decider.id),
        decisions_by=neighbourhood.decisions_by,
        fast_track=fast_track,
        award_pence=award_pence,
        fast_track_limit_pence=pot.fast_track_limit_pence,
        settles=kind is not DecisionKind.QUESTION,
        views_given=sum(tally(application.id).values()),
        views_needed=neighbourhood.views_needed,
    )


def may_record_decisions(user: User, neighbourhood: Neighbourhood) -> bool:
    """Whether to offer this person the decision form (the service checks again when they use it)."""
    if neighbourhood.decisions_by == "programme_officer":
        return user.has_role(Role.PROGRAMME_OFFICER)
    return neighbourhood.id in as_person(user).chairs


def list_queue(neighbourhood_id: int, statuses: tuple[str, ...], page: int, oldest_first: bool) -> Any:
    """One page of the neighbourhood's ideas in these statuses, with their costs; a fixed number of queries. Ideas
    waiting are ordered by when they were sent (oldest first); decided ones by their latest decision (newest first),
    read from the decisions newest first, so a page costs the same however many ideas were decided before."""
    in_queue = sa.and_(Pot.neighbourhood_id == neighbourhood_id, Application.status.in_(statuses))
    query = (
        sa.select(Application)
        .join(Pot, Application.pot_id == Pot.id)
        .where(in_queue)
        .options(
            # What the queue shows of each idea (its name, what it asks for, how long it has waited), not its answers.
            load_only(
                Application.id,
                Application.idea_name,
                Application.language,
                Application.status,
                Application.submitted_at,
                Application.assisted_by_id,
            ),
            selectinload(Application.cost_lines),
        )
    )
    if oldest_first:
        query = query.order_by(Application.submitted_at.asc(), Application.id)
    else:
        later = aliased(Decision)
        query = (
            query.join(Decision, Decision.application_id == Application.id)
            .where(
                ~sa.exists().where(
                    later.application_id == Decision.application_id,
                    sa.tuple_(later.decided_at, later.id) > sa.tuple_(Decision.decided_at, Decision.id),
                )
            )
            .order_by(Decision.decided_at.desc(), Decision.id.desc())
        )
    found = db.paginate(query, page=min(max(page, 1), MAX_PAGE), per_page=PER_PAGE, error_out=False, count=False)
    # Counted without the ordering's joins: every idea in these statuses is in the list once.
    found.total = db.session.scalar(
        sa.select(sa.func.count(Application.id)).join(Pot, Application.pot_id == Pot.id).where(in_queue)
    )
    return found


def get_idea_on_panel(neighbourhood_id: int, application_id: int) -> Application | None:
    """A sent idea in one of this neighbourhood's pots, or None (drafts are never shown to panels)."""
    application = db.session.get(Application, application_id)
    if application is None or application.pot.neighbourhood_id != neighbourhood_id:
        return None
    if application.status in HIDDEN_FROM_PANELS:
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
    """Queue the decision by email or text, as the resident chose, in their language; a letter to print for a
    resident we can reach neither way."""
    told = tell(
        application.applicant,
        "panels/decision",
        language=application.language,
        application=application,
        decision=decision,
    )
    if not told:
        queue_letter(application, "decision", decision.id)


def latest_decision(application_id: int) -> Decision | None:
    return db.session.execute(
        sa.select(Decision)
        .where(Decision.application_id == application_id)
        .order_by(Decision.decided_at.desc(), Decision.id.desc())
        .limit(1)
    ).scalar_one_or_none()


@transactional
def answer_question(application_id: int, resident: User, answer: str) -> None:
    """The resident answers the panel's question; the idea goes back to the panel's queue.

    Only the resident whose idea it is may answer; answering twice (a double click) changes nothing.
    Raises DecisionRefused.
    """
    current = _locked_application(application_id)
    if resident.id != current.applicant_id:
        raise DecisionRefused("not_the_applicant")
    if current.status != ApplicationStatus.QUESTION_ASKED.value:
        return  # answered already (a double click) or no longer waiting
    question = latest_decision(current.id)
    if question is None or question.kind != DecisionKind.QUESTION.value:
        raise DecisionRefused("no_question")
    question.answer = answer.strip()
    question.answered_at = utcnow()
    change_application_status(current, ApplicationStatus.SUBMITTED)
    audit.record("application.question_answered", actor_id=resident.id, object_type="application", object_id=current.id)
