"""The panel's pages: the queue, an idea as the panel sees it, interests, views and decisions."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from portal.accounts.models import PanelMembership
from portal.applications.models import Application, CostLine
from portal.awards.models import Award
from portal.common.time import utcnow
from portal.domain.roles import Role
from portal.extensions import db
from tests.conftest import count_queries, login_as, post_form
from tests.factories import PotFactory, UserFactory, make_staff


def idea(pot, name="Street party", pence=10_000, days_ago=1, **fields):
    resident = UserFactory()
    application = Application(
        pot_id=pot.id,
        applicant_id=resident.id,
        status="submitted",
        idea_name=name,
        submitted_at=utcnow() - timedelta(days=days_ago),
        contact_name="Secret Name",
        idea_description="We will share food.",
        cost_lines=[CostLine(item="Food", amount_pence=pence)],
        **fields,
    )
    db.session.add(application)
    db.session.commit()
    return application


def member(client, pot, chair=False):
    user = UserFactory(roles=[Role.RESIDENT, Role.PANEL_MEMBER])
    db.session.add(PanelMembership(user_id=user.id, neighbourhood_id=pot.neighbourhood_id, is_chair=chair))
    db.session.commit()
    return login_as(client, user)


def test_the_queue_shows_waiting_ideas_oldest_first_and_the_money_left(client):
    pot = PotFactory(budget_pence=100_000)
    idea(pot, "Newer idea", days_ago=2)
    idea(pot, "Older idea", days_ago=9)
    member(client, pot)
    html = client.get(f"/panels/{pot.neighbourhood_id}").get_data(as_text=True)
    assert html.index("Older idea") < html.index("Newer idea")
    assert "9 days" in html and "£1,000" in html


def test_the_queue_uses_the_same_number_of_queries_for_10_ideas_as_for_1000(client):
    pot = PotFactory()
    resident = UserFactory()
    member(client, pot)

    def add(n):
        rows = [
            {
                "pot_id": pot.id,
                "applicant_id": resident.id,
                "status": "submitted",
                "idea_name": f"Idea {i}",
                "submitted_at": utcnow(),
                "created_at": utcnow(),
                "updated_at": utcnow(),
                "language": "en",
            }
            for i in range(n)
        ]
        db.session.execute(sa.insert(Application), rows)
        db.session.commit()

    def queries():
        with count_queries() as statements:
            assert client.get(f"/panels/{pot.neighbourhood_id}").status_code == 200
        return len(statements)

    add(10)
    ten = queries()
    add(990)
    assert queries() == ten
    assert ten <= 12


def test_the_panel_never_sees_contact_details(client):
    pot = PotFactory()
    application = idea(pot)
    member(client, pot)
    html = client.get(f"/panels/{pot.neighbourhood_id}/ideas/{application.id}").get_data(as_text=True)
    assert "We will share food." in html and "£100" in html
    assert "Secret Name" not in html and application.applicant.email not in html


def test_a_member_with_an_interest_cannot_give_a_view(client):
    pot = PotFactory()
    application = idea(pot)
    member(client, pot)
    url = f"/panels/{pot.neighbourhood_id}/ideas/{application.id}"
    html = post_form(client, f"{url}/interest", {"has_interest": "yes", "note": ""}, token_from=url).get_data(
        as_text=True
    )
    assert "Say what your interest is" in html
    post_form(client, f"{url}/interest", {"has_interest": "yes", "note": "My neighbour"}, token_from=url)
    page = client.get(url).get_data(as_text=True)
    assert "Save your view" not in page
    html = post_form(client, f"{url}/view", {"view": "support"}, token_from=url).get_data(as_text=True)
    assert "You declared an interest in this idea" in html


def test_a_member_gives_a_view(client):
    pot = PotFactory()
    application = idea(pot)
    member(client, pot)
    url = f"/panels/{pot.neighbourhood_id}/ideas/{application.id}"
    post_form(client, f"{url}/interest", {"has_interest": "no"}, token_from=url)
    response = post_form(client, f"{url}/view", {"view": "support", "comment": "Lovely"}, token_from=url)
    assert response.status_code == 302
    db.session.refresh(application)
    assert application.status == "in_review"


def test_the_chair_records_a_decision_with_a_reason(client):
    pot = PotFactory()
    application = idea(pot)
    member(client, pot, chair=True)
    url = f"/panels/{pot.neighbourhood_id}/ideas/{application.id}"
    post_form(client, f"{url}/interest", {"has_interest": "no"}, token_from=url)
    html = post_form(client, f"{url}/decision", {"kind": "yes", "reason": ""}, token_from=url).get_data(as_text=True)
    assert "Enter the reason for the decision" in html
    html = post_form(
        client, f"{url}/decision", {"kind": "yes_with_change", "reason": "Good", "amount": ""}, token_from=url
    ).get_data(as_text=True)
    assert "enter a lower amount or a condition" in html
    response = post_form(
        client,
        f"{url}/decision",
        {"kind": "yes_with_change", "reason": "Good, a bit less", "amount": "80"},
        token_from=url,
    )
    assert response.headers["Location"] == f"/panels/{pot.neighbourhood_id}"
    assert db.session.execute(sa.select(Award.amount_pence)).scalar_one() == 8_000


def test_a_member_who_is_not_the_chair_cannot_record_decisions(client):
    pot = PotFactory()
    application = idea(pot)
    member(client, pot)
    url = f"/panels/{pot.neighbourhood_id}/ideas/{application.id}"
    post_form(client, f"{url}/interest", {"has_interest": "no"}, token_from=url)
    page = post_form(client, f"{url}/decision", {"kind": "yes", "reason": "x"}, token_from=url)
    assert page.status_code == 200
    assert "The panel&#39;s rules say someone else records decisions on this panel" in page.get_data(as_text=True)
    db.session.refresh(application)
    assert application.status == "submitted"


def test_a_programme_officer_approves_a_small_idea_on_the_fast_track(client):
    pot = PotFactory(fast_track_limit_pence=10_000)
    application = idea(pot, pence=10_000)
    officer, _ = make_staff(Role.PROGRAMME_OFFICER)
    login_as(client, officer)
    url = f"/panels/{pot.neighbourhood_id}/ideas/{application.id}"
    assert "Approve on the fast track" in client.get(url).get_data(as_text=True)
    post_form(client, f"{url}/interest", {"has_interest": "no"}, token_from=url)
    post_form(
        client, f"{url}/decision", {"kind": "yes", "reason": "Small and clear", "fast_track": "yes"}, token_from=url
    )
    db.session.refresh(application)
    assert application.status == "approved"
    login_as(client, UserFactory(roles=[Role.RESIDENT, Role.PANEL_MEMBER], panels=[pot.neighbourhood]))
    assert "approved on the fast track" in client.get(url).get_data(as_text=True)


def test_a_panel_of_another_neighbourhood_cannot_see_the_idea(client):
    pot = PotFactory()
    application = idea(pot)
    other = PotFactory()
    member(client, other)
    assert client.get(f"/panels/{pot.neighbourhood_id}/ideas/{application.id}").status_code == 404
    assert client.get(f"/panels/{other.neighbourhood_id}/ideas/{application.id}").status_code == 404


def test_the_idea_page_has_no_repeated_ids(client):
    import collections
    import re

    pot = PotFactory()
    application = idea(pot)
    member(client, pot, chair=True)
    url = f"/panels/{pot.neighbourhood_id}/ideas/{application.id}"
    post_form(client, f"{url}/interest", {"has_interest": "no"}, token_from=url)
    html = client.get(url).get_data(as_text=True)
    counts = collections.Counter(re.findall(r'\sid="([^"]+)"', html))
    assert [name for name, n in counts.items() if n > 1] == []
    assert "save-view" in counts and "record-decision" in counts


def test_decision_dates_are_shown_in_uk_time(client):
    from datetime import UTC, datetime

    from portal.panels.models import Decision

    pot = PotFactory()
    application = idea(pot)
    db.session.add(
        Decision(
            application_id=application.id,
            kind="question",
            reason="Where?",
            decided_by_id=application.applicant_id,
            decided_at=datetime(2026, 3, 29, 23, 15, tzinfo=UTC),  # 00:15 on 30 March, the first day of summer time
        )
    )
    db.session.commit()
    member(client, pot)
    page = client.get(f"/panels/{pot.neighbourhood_id}/ideas/{application.id}").get_data(as_text=True)
    assert "30 March 2026" in page and "29 March" not in page
