"""Security review, panel rules (medium): each attack is made through the pages, as the attacker would."""

from __future__ import annotations

import sqlalchemy as sa

from portal.applications.models import Application, CostLine
from portal.common.audit import AuditEvent
from portal.domain.roles import Role
from portal.extensions import db
from portal.panels.models import Decision, Interest
from tests.conftest import login_as, post_form
from tests.factories import PotFactory, UserFactory, make_chair, make_staff


def sent_idea(pot, applicant, pence=5_000, assisted_by=None):
    idea = Application(
        pot_id=pot.id,
        applicant_id=applicant.id,
        assisted_by_id=assisted_by.id if assisted_by else None,
        status="submitted",
        idea_name="My own idea",
        cost_lines=[CostLine(item="Tea", amount_pence=pence)],
    )
    db.session.add(idea)
    db.session.commit()
    return idea


def decisions(idea):
    return db.session.execute(sa.select(Decision).where(Decision.application_id == idea.id)).scalars().all()


def idea_url(idea):
    return f"/panels/{idea.pot.neighbourhood_id}/ideas/{idea.id}"


def test_a_chair_cannot_approve_their_own_idea(client):
    pot = PotFactory()
    chair = make_chair(pot)
    idea = sent_idea(pot, chair)
    login_as(client, chair)
    url = idea_url(idea)
    assert "This is your idea, or you helped with it" in client.get(url).get_data(as_text=True)
    post_form(client, f"{url}/interest", {"has_interest": "no"}, token_from=url)
    page = post_form(client, f"{url}/decision", {"kind": "yes", "reason": "Mine is great"}, token_from=url)
    assert "This is your idea, or you helped with it" in page.get_data(as_text=True)
    assert decisions(idea) == []
    db.session.refresh(idea)
    assert idea.status == "submitted"


def test_a_declared_interest_cannot_be_changed_back_to_no_to_unblock_the_decision(client):
    pot = PotFactory()
    chair = make_chair(pot)
    idea = sent_idea(pot, UserFactory())
    login_as(client, chair)
    url = idea_url(idea)
    post_form(client, f"{url}/interest", {"has_interest": "yes", "note": "My sister"}, token_from=url)
    page = post_form(client, f"{url}/interest", {"has_interest": "no"}, token_from=url)
    assert "you cannot change it to no" in page.get_data(as_text=True)
    post_form(client, f"{url}/decision", {"kind": "yes", "reason": "Lovely"}, token_from=url)
    assert decisions(idea) == []
    assert db.session.execute(sa.select(Interest.has_interest)).scalar_one() is True


def test_a_programme_officer_may_correct_a_declared_interest_and_it_is_audited(client):
    pot = PotFactory()
    chair = make_chair(pot)
    idea = sent_idea(pot, UserFactory())
    login_as(client, chair)
    url = idea_url(idea)
    post_form(client, f"{url}/interest", {"has_interest": "yes", "note": "Clicked the wrong one"}, token_from=url)
    correct = f"{url}/interests/{chair.id}/correct"
    post_form(client, correct, {}, token_from=url)  # the member cannot correct their own
    assert db.session.execute(sa.select(Interest.has_interest)).scalar_one() is True

    officer, _ = make_staff(Role.PROGRAMME_OFFICER)
    login_as(client, officer)
    page = client.get(url).get_data(as_text=True)
    assert "Clicked the wrong one" in page and "Change to no interest" in page
    from tests.conftest import csrf_token

    client.post(correct, data={"correct-csrf_token": csrf_token(client, url)})
    assert db.session.execute(sa.select(Interest.has_interest)).scalar_one() is False
    event = db.session.execute(
        sa.select(AuditEvent).where(AuditEvent.action == "panel.interest_corrected")
    ).scalar_one()
    assert event.actor_id == officer.id and f'"member_id":{chair.id}' in event.details


def test_a_programme_officer_with_an_interest_cannot_approve_on_the_fast_track(client):
    pot = PotFactory(fast_track_limit_pence=10_000)
    idea = sent_idea(pot, UserFactory())
    officer, _ = make_staff(Role.PROGRAMME_OFFICER)
    login_as(client, officer)
    url = idea_url(idea)
    post_form(client, f"{url}/interest", {"has_interest": "yes", "note": "A friend's group"}, token_from=url)
    page = post_form(
        client, f"{url}/decision", {"kind": "yes", "reason": "Quick", "fast_track": "yes"}, token_from=url
    ).get_data(as_text=True)
    assert "You declared an interest in this idea" in page
    assert decisions(idea) == []


def test_a_builder_who_helped_cannot_give_a_view_or_decide(client):
    pot = PotFactory()
    helper, _ = make_staff(Role.COMMUNITY_BUILDER, Role.PROGRAMME_OFFICER)
    from portal.accounts.models import PanelMembership

    db.session.add(PanelMembership(user_id=helper.id, neighbourhood_id=pot.neighbourhood_id, is_chair=True))
    db.session.commit()
    idea = sent_idea(pot, UserFactory(), assisted_by=helper)
    login_as(client, helper)
    url = idea_url(idea)
    post_form(client, f"{url}/interest", {"has_interest": "no"}, token_from=url)
    view = post_form(client, f"{url}/view", {"view": "support"}, token_from=url).get_data(as_text=True)
    decide = post_form(client, f"{url}/decision", {"kind": "yes", "reason": "x"}, token_from=url).get_data(as_text=True)
    fast = post_form(
        client, f"{url}/decision", {"kind": "yes", "reason": "x", "fast_track": "yes"}, token_from=url
    ).get_data(as_text=True)
    for page in (view, decide, fast):
        assert "This is your idea, or you helped with it" in page
    assert decisions(idea) == []
