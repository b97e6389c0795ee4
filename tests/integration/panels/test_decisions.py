"""Interests, views and decisions through the services, on the suite's database."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.accounts.models import User
from portal.applications.models import Application, CostLine
from portal.awards.models import Award
from portal.awards.services import accept_award, remaining_pence
from portal.common.audit import AuditEvent
from portal.domain.budget import BudgetExceeded
from portal.domain.decisions import DecisionKind, DecisionRefused, ViewKind
from portal.domain.roles import Role
from portal.domain.states import InvalidTransition
from portal.extensions import db
from portal.panels import services
from tests.factories import PotFactory, UserFactory, make_chair, make_staff


def submitted_idea(pot, pence=10_000):
    resident = UserFactory()
    application = Application(
        pot_id=pot.id,
        applicant_id=resident.id,
        status="submitted",
        reference=None,
        cost_lines=[CostLine(item="Things", amount_pence=pence)],
    )
    db.session.add(application)
    db.session.commit()
    return application


def member_for(pot):
    return UserFactory(roles=[Role.RESIDENT, Role.PANEL_MEMBER], panels=[pot.neighbourhood])


def test_a_member_with_an_interest_cannot_give_a_view_or_decide(db_session):
    pot = PotFactory()
    idea = submitted_idea(pot)
    member = make_chair(pot)
    services.declare_interest(idea.id, member, has_interest=True, note="She is my sister")
    with pytest.raises(DecisionRefused) as refused:
        services.give_view(idea.id, member, view=ViewKind.SUPPORT, comment="")
    assert refused.value.rule == "has_interest"
    with pytest.raises(DecisionRefused) as refused:
        services.record_decision(idea.id, member, kind=DecisionKind.YES, reason="Good")
    assert refused.value.rule == "has_interest"
    assert db.session.execute(
        sa.select(AuditEvent.action).where(AuditEvent.action == "panel.interest_declared")
    ).first()


def test_an_interest_needs_a_note_and_a_view_needs_a_declaration_first(db_session):
    pot = PotFactory()
    idea = submitted_idea(pot)
    member = member_for(pot)
    with pytest.raises(DecisionRefused) as refused:
        services.give_view(idea.id, member, view=ViewKind.SUPPORT, comment="")
    assert refused.value.rule == "declare_first"
    with pytest.raises(DecisionRefused) as refused:
        services.declare_interest(idea.id, member, has_interest=True, note=" ")
    assert refused.value.rule == "interest_note_needed"


def test_views_can_change_until_the_decision_and_the_chair_sees_the_tally(db_session):
    pot = PotFactory()
    idea = submitted_idea(pot)
    members = [make_chair(pot), member_for(pot), member_for(pot)]
    for member, view in zip(members, [ViewKind.SUPPORT, ViewKind.SUPPORT, ViewKind.QUESTION], strict=True):
        services.declare_interest(idea.id, member, has_interest=False, note="")
        services.give_view(idea.id, member, view=view, comment="")
    services.give_view(idea.id, members[2], view=ViewKind.SUPPORT, comment="Changed my mind")
    assert services.tally(idea.id) == {"support": 3, "not_yet": 0, "question": 0}
    assert idea.status == "in_review"
    services.record_decision(idea.id, members[0], kind=DecisionKind.YES, reason="Everyone likes it")
    with pytest.raises(DecisionRefused) as refused:
        services.give_view(idea.id, members[1], view=ViewKind.NOT_YET, comment="")
    assert refused.value.rule == "already_decided"


def test_a_yes_makes_one_award_and_the_pot_has_that_much_less(db_session):
    pot = PotFactory(budget_pence=50_000, max_award_pence=20_000)
    idea = submitted_idea(pot, 15_000)
    chair = make_chair(pot)
    services.declare_interest(idea.id, chair, has_interest=False, note="")
    services.record_decision(
        idea.id,
        chair,
        kind=DecisionKind.YES_WITH_CHANGE,
        amount_pence=12_000,
        reason="A bit less for the hall",
        condition="",
    )
    [award] = db.session.execute(sa.select(Award)).scalars().all()
    assert (award.amount_pence, award.status) == (12_000, "offered")
    assert remaining_pence(pot) == 38_000
    with pytest.raises(InvalidTransition):
        services.record_decision(idea.id, chair, kind=DecisionKind.YES, reason="Again")


def test_a_decision_that_would_overspend_is_refused(db_session):
    pot = PotFactory(budget_pence=20_000, max_award_pence=15_000)
    first, second = submitted_idea(pot, 15_000), submitted_idea(pot, 10_000)
    chair = make_chair(pot)
    for idea in (first, second):
        services.declare_interest(idea.id, chair, has_interest=False, note="")
    services.record_decision(first.id, chair, kind=DecisionKind.YES, reason="Yes")
    with pytest.raises(BudgetExceeded) as refused:
        services.record_decision(second.id, chair, kind=DecisionKind.YES, reason="Yes")
    assert refused.value.remaining_pence == 5_000
    db.session.refresh(second)
    assert second.status == "submitted"


def test_fast_track_is_for_programme_officers_within_the_limit(db_session):
    pot = PotFactory(fast_track_limit_pence=5_000)
    small, large = submitted_idea(pot, 5_000), submitted_idea(pot, 5_001)
    officer, _ = make_staff(Role.PROGRAMME_OFFICER)
    for idea in (small, large):
        services.declare_interest(idea.id, officer, has_interest=False, note="")
    decision = services.record_decision(
        small.id, officer, kind=DecisionKind.YES, reason="Small and clear", fast_track=True
    )
    assert decision.fast_track
    with pytest.raises(DecisionRefused) as refused:
        services.record_decision(large.id, officer, kind=DecisionKind.YES, reason="Too big", fast_track=True)
    assert refused.value.rule == "over_fast_track_limit"
    member = make_chair(pot)
    with pytest.raises(DecisionRefused) as refused:
        services.record_decision(large.id, member, kind=DecisionKind.YES, reason="x", fast_track=True)
    assert refused.value.rule == "fast_track_programme_officer_only"


def test_every_step_of_a_panels_work_is_in_the_audit_log_and_the_chain_holds(db_session):
    from portal.common import audit
    from portal.programme import services as programme

    pot = PotFactory()
    officer, _ = make_staff(Role.PROGRAMME_OFFICER)
    programme.add_panel_member(officer.id, pot.neighbourhood, email="chair@example.org", name="Chair", is_chair=True)
    programme.add_panel_member(officer.id, pot.neighbourhood, email="gone@example.org", name="Gone", is_chair=False)
    gone = db.session.execute(sa.select(User).where(User.email == "gone@example.org")).scalar_one()
    programme.remove_panel_member(officer.id, pot.neighbourhood, gone.id)
    programme.save_panel_rules(officer.id, pot.neighbourhood, views_needed=1, decisions_by="chair")
    chair = db.session.execute(sa.select(User).where(User.email == "chair@example.org")).scalar_one()
    idea = submitted_idea(pot)
    services.declare_interest(idea.id, chair, has_interest=False, note="")
    services.give_view(idea.id, chair, view=ViewKind.QUESTION, comment="Where?")
    services.record_decision(idea.id, chair, kind=DecisionKind.QUESTION, reason="Where will it happen?")
    services.answer_question(idea.id, idea.applicant, "In the park")
    services.record_decision(idea.id, chair, kind=DecisionKind.YES, reason="Lovely")
    accept_award(idea.id, idea.applicant)

    events = db.session.execute(sa.select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
    actions = [event.action for event in events if event.action.startswith(("panel.", "application.", "award."))]
    assert actions == [
        "panel.member_added",
        "panel.member_added",
        "panel.member_removed",
        "panel.rules_changed",
        "panel.interest_declared",
        "panel.view_given",
        "panel.decision_recorded",
        "application.question_answered",
        "panel.decision_recorded",
        "award.accepted",
    ]
    by_action = {event.action: event for event in events}
    assert by_action["award.accepted"].actor_id == idea.applicant_id
    assert by_action["panel.view_given"].actor_id == chair.id
    assert audit.verify() == []
    assert "Where will it happen" not in str([event.details for event in events])  # no free text in the log
