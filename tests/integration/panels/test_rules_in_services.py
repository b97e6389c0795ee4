"""The panel's rules live in the services: called directly with the wrong person, each is refused."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.applications.models import Application, CostLine
from portal.awards.services import AwardRefused, accept_award
from portal.domain.decisions import DecisionKind, DecisionRefused, ViewKind
from portal.domain.roles import Role
from portal.extensions import db
from portal.panels import services
from portal.panels.models import Decision, Interest
from tests.factories import PotFactory, UserFactory, make_chair, make_staff
from tests.integration.panels.test_decisions import member_for, submitted_idea


def refused(rule, call, *args, **kwargs):
    with pytest.raises(DecisionRefused) as raised:
        call(*args, **kwargs)
    assert raised.value.rule == rule
    return raised.value


def no_decisions(idea):
    return db.session.execute(sa.select(Decision).where(Decision.application_id == idea.id)).first() is None


def test_a_member_who_is_not_the_chair_cannot_record_a_decision(db_session):
    pot = PotFactory()
    idea = submitted_idea(pot)
    member = member_for(pot)
    services.declare_interest(idea.id, member, has_interest=False, note="")
    refused("not_decider", services.record_decision, idea.id, member, kind=DecisionKind.YES, reason="Yes")
    assert no_decisions(idea)


def test_the_chair_of_another_panel_cannot_decide_here(db_session):
    pot, elsewhere = PotFactory(), PotFactory()
    idea = submitted_idea(pot)
    other_chair = make_chair(elsewhere)
    refused("not_on_panel", services.declare_interest, idea.id, other_chair, has_interest=False, note="")
    refused("not_decider", services.record_decision, idea.id, other_chair, kind=DecisionKind.YES, reason="Yes")
    refused("not_on_panel", services.give_view, idea.id, other_chair, view=ViewKind.SUPPORT, comment="")


def test_when_programme_officers_record_decisions_the_chair_cannot(db_session):
    pot = PotFactory()
    pot.neighbourhood.decisions_by = "programme_officer"
    db.session.commit()
    idea = submitted_idea(pot)
    chair = make_chair(pot)
    officer, _ = make_staff(Role.PROGRAMME_OFFICER)
    for person in (chair, officer):
        services.declare_interest(idea.id, person, has_interest=False, note="")
    refused("not_decider", services.record_decision, idea.id, chair, kind=DecisionKind.YES, reason="Yes")
    services.record_decision(idea.id, officer, kind=DecisionKind.YES, reason="Yes")
    db.session.refresh(idea)
    assert idea.status == "approved"


def test_a_programme_officer_cannot_decide_when_the_chair_does(db_session):
    pot = PotFactory()
    idea = submitted_idea(pot)
    officer, _ = make_staff(Role.PROGRAMME_OFFICER)
    services.declare_interest(idea.id, officer, has_interest=False, note="")
    refused("not_decider", services.record_decision, idea.id, officer, kind=DecisionKind.YES, reason="Yes")


def test_a_chair_cannot_decide_or_give_a_view_on_their_own_idea(db_session):
    pot = PotFactory()
    chair = make_chair(pot)
    idea = Application(
        pot_id=pot.id, applicant_id=chair.id, status="submitted", cost_lines=[CostLine(item="Tea", amount_pence=500)]
    )
    db.session.add(idea)
    db.session.commit()
    services.declare_interest(idea.id, chair, has_interest=False, note="")  # saying "no interest" changes nothing
    refused("own_idea", services.give_view, idea.id, chair, view=ViewKind.SUPPORT, comment="")
    refused("own_idea", services.record_decision, idea.id, chair, kind=DecisionKind.YES, reason="Mine")
    assert no_decisions(idea)


def test_a_builder_who_helped_with_an_idea_cannot_approve_it_on_the_fast_track(db_session):
    pot = PotFactory()
    helper, _ = make_staff(Role.COMMUNITY_BUILDER, Role.PROGRAMME_OFFICER)
    idea = submitted_idea(pot, pence=5_000)
    idea.assisted_by_id = helper.id
    db.session.commit()
    services.declare_interest(idea.id, helper, has_interest=False, note="")
    refused("own_idea", services.record_decision, idea.id, helper, kind=DecisionKind.YES, reason="x", fast_track=True)
    assert no_decisions(idea)


def test_a_declared_interest_cannot_be_withdrawn_to_unblock_a_decision(db_session):
    pot = PotFactory()
    idea = submitted_idea(pot)
    chair = make_chair(pot)
    services.declare_interest(idea.id, chair, has_interest=True, note="My neighbour")
    refused("interest_cannot_be_withdrawn", services.declare_interest, idea.id, chair, has_interest=False, note="")
    refused("has_interest", services.record_decision, idea.id, chair, kind=DecisionKind.YES, reason="Yes")
    [interest] = db.session.execute(sa.select(Interest)).scalars()
    assert interest.has_interest


def test_a_programme_officer_with_an_interest_cannot_approve_on_the_fast_track(db_session):
    pot = PotFactory(fast_track_limit_pence=10_000)
    idea = submitted_idea(pot, pence=5_000)
    officer, _ = make_staff(Role.PROGRAMME_OFFICER)
    refused(
        "declare_first", services.record_decision, idea.id, officer, kind=DecisionKind.YES, reason="x", fast_track=True
    )
    services.declare_interest(idea.id, officer, has_interest=True, note="My cousin's group")
    refused(
        "has_interest", services.record_decision, idea.id, officer, kind=DecisionKind.YES, reason="x", fast_track=True
    )
    assert no_decisions(idea)


def test_a_resident_cannot_use_the_fast_track(db_session):
    pot = PotFactory(fast_track_limit_pence=10_000)
    idea = submitted_idea(pot, pence=5_000)
    chair = make_chair(pot)
    services.declare_interest(idea.id, chair, has_interest=False, note="")
    refused(
        "fast_track_programme_officer_only",
        services.record_decision,
        idea.id,
        chair,
        kind=DecisionKind.YES,
        reason="x",
        fast_track=True,
    )


def test_only_the_resident_answers_the_panels_question_and_accepts_the_award(db_session):
    pot = PotFactory()
    idea = submitted_idea(pot)
    chair = make_chair(pot)
    services.declare_interest(idea.id, chair, has_interest=False, note="")
    services.record_decision(idea.id, chair, kind=DecisionKind.QUESTION, reason="Where?")
    stranger = UserFactory()
    refused("not_the_applicant", services.answer_question, idea.id, stranger, "Here")
    services.answer_question(idea.id, idea.applicant, "In the park")
    services.record_decision(idea.id, chair, kind=DecisionKind.YES, reason="Lovely")
    with pytest.raises(AwardRefused):
        accept_award(idea.id, stranger)
    assert accept_award(idea.id, idea.applicant).status == "accepted"


def test_the_chair_waits_for_the_views_the_panel_asks_for_but_may_ask_a_question(db_session):
    pot = PotFactory()
    pot.neighbourhood.views_needed = 2
    db.session.commit()
    idea = submitted_idea(pot)
    chair, member = make_chair(pot), member_for(pot)
    for person in (chair, member):
        services.declare_interest(idea.id, person, has_interest=False, note="")
    services.give_view(idea.id, chair, view=ViewKind.SUPPORT, comment="")
    refused("not_enough_views", services.record_decision, idea.id, chair, kind=DecisionKind.YES, reason="Yes")
    services.record_decision(idea.id, chair, kind=DecisionKind.QUESTION, reason="Where will it be?")
    services.answer_question(idea.id, idea.applicant, "In the park")
    services.give_view(idea.id, member, view=ViewKind.SUPPORT, comment="")
    services.record_decision(idea.id, chair, kind=DecisionKind.YES, reason="Yes")
    db.session.refresh(idea)
    assert idea.status == "approved"
