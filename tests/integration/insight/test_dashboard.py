"""The programme dashboard: the right figures for the period and neighbourhood chosen, a fixed number of queries at
any size, charts with their data, and only programme officers and viewers see it."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import sqlalchemy as sa

from portal.accounts.models import User
from portal.applications.models import Application
from portal.common.page_cache import cache
from portal.common.time import utcnow
from portal.demo.scale import build
from portal.domain.periods import period_dates
from portal.domain.roles import Role
from portal.extensions import db
from portal.insight import services
from portal.panels.models import Decision
from portal.stories.models import Story
from tests.conftest import count_queries, login_as
from tests.factories import UserFactory, make_staff
from tests.integration.insight.helpers import published_story
from tests.integration.payments.helpers import accepted_award
from tests.integration.stories.helpers import paid_award


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_the_figures_add_up_for_a_small_programme(db_session):
    paid = paid_award()  # £200 awarded and paid, in its own pot
    accepted = accepted_award(pence=9_000)  # £90 awarded, not paid
    # Sent four days before the decision, so the usual time to a decision is four days.
    for case in (paid, accepted):
        decision = db.session.scalar(sa.select(Decision).where(Decision.application_id == case.application.id))
        case.application.submitted_at = decision.decided_at - timedelta(days=4)
    pot = accepted.application.pot
    resident = UserFactory()
    for status in ("not_yet", "withdrawn", "submitted"):
        db.session.add(Application(pot_id=pot.id, applicant_id=resident.id, status=status, submitted_at=utcnow()))
    db.session.add(Application(pot_id=pot.id, applicant_id=resident.id, status="draft"))  # not sent: not counted
    db.session.commit()

    board = services.build(services.Filters())
    total = board.total
    assert (total.awarded_pence, total.paid_pence) == (29_000, 20_000)
    assert total.remaining_pence == total.budget_pence - 29_000
    assert (total.received, total.decided_yes, total.decided_not_yet, total.withdrawn) == (5, 2, 1, 1)
    assert board.days_to_decision == 4.0
    assert board.days_to_payment is not None and board.days_to_payment >= 0
    by_place = {place.id: place for place in board.places}
    assert by_place[pot.neighbourhood_id].figures.received == 4

    # A period before anything happened counts no ideas; its money is that of the pots open then (these pots open in
    # 2020), so it is the same as today's.
    old = services.build(services.Filters(start=date(2020, 4, 1), end=date(2021, 3, 31)))
    assert (old.total.received, old.total.decided_yes) == (0, 0)
    assert (old.total.budget_pence, old.total.awarded_pence, old.total.remaining_pence) == (
        total.budget_pence,
        29_000,
        total.remaining_pence,
    )
    # A period before the pots opened counts no money at all.
    before = services.build(services.Filters(start=date(2018, 4, 1), end=date(2019, 3, 31)))
    assert (before.total.budget_pence, before.total.awarded_pence, before.total.paid_pence) == (0, 0, 0)
    # One neighbourhood only.
    one = services.build(services.Filters(neighbourhood_id=pot.neighbourhood_id))
    assert [place.id for place in one.places] == [pot.neighbourhood_id] and one.total.received == 4


def test_stories_groups_and_the_five_ways_are_counted(db_session):
    _, story_id = published_story(photos=0)
    story = db.session.get(Story, story_id)
    story.group_formed, story.way_connect, story.way_give = "yes", True, True
    db.session.commit()
    total = services.build(services.Filters()).total
    assert (total.stories_shared, total.stories_published, total.groups_formed) == (1, 1, 1)
    assert total.ways == {
        "way_connect": 1,
        "way_be_active": 0,
        "way_take_notice": 0,
        "way_keep_learning": 0,
        "way_give": 1,
    }


def test_financial_years_start_in_april():
    assert period_dates("this-financial-year", date(2026, 11, 28)) == (date(2026, 4, 1), date(2027, 3, 31))
    assert period_dates("this-financial-year", date(2027, 2, 1)) == (date(2026, 4, 1), date(2027, 3, 31))
    assert period_dates("last-financial-year", date(2026, 11, 28)) == (date(2025, 4, 1), date(2026, 3, 31))
    assert period_dates("all") == (None, None)


def dashboard_queries(client) -> int:
    with client.application.app_context():
        cache.clear()
    db.session.close()
    with count_queries() as statements:
        assert client.get("/insight").status_code == 200
    return len(statements)


def test_the_dashboard_makes_the_same_few_queries_at_600_and_2400_applications(client):
    build(600)
    viewer, _ = make_staff(Role.VIEWER)
    login_as(client, viewer)
    small = dashboard_queries(client)
    build(1_800)
    assert dashboard_queries(client) == small <= 12


def test_the_page_shows_charts_with_their_data_and_no_one_s_name(client):
    paid = paid_award()
    viewer, _ = make_staff(Role.VIEWER)
    login_as(client, viewer)
    with client.application.app_context():
        cache.clear()
    page = text(client.get("/insight"))
    assert page.count('role="img"') == 3 and page.count("<title id=") == 3 and page.count("<desc id=") == 3
    assert "£200" in page and paid.application.pot.neighbourhood.name in page
    assert paid.resident.name not in page and paid.resident.email not in page
    assert paid.application.idea_name not in page
    # The bar for a neighbourhood is labelled with its amount, and the table after the charts has the same figure.
    assert re.search(r"<text[^>]*>£200</text>", page)
    chosen = text(
        client.get(f"/insight?period=last-financial-year&neighbourhood={paid.application.pot.neighbourhood_id}")
    )
    assert 'value="last-financial-year" selected' in chosen
    assert text(client.get("/insight?period=nonsense&neighbourhood=abc")).count("Since the programme began") >= 1


def test_only_programme_officers_and_viewers_see_the_dashboard(client):
    for role in (Role.PROGRAMME_OFFICER, Role.VIEWER):
        login_as(client, make_staff(role)[0])
        assert client.get("/insight").status_code == 200
    for role in (Role.FINANCE_OFFICER, Role.COMMUNITY_BUILDER):
        login_as(client, make_staff(role)[0])
        assert client.get("/insight").status_code == 403
    login_as(client, UserFactory())
    assert client.get("/insight").status_code == 403
    viewer = db.session.scalar(sa.select(User).join(User.role_rows).where(sa.text("user_roles.role = 'viewer'")))
    login_as(client, viewer)
    for page in ("/finance", "/programme/neighbourhoods", "/programme/stories"):
        assert client.get(page).status_code == 403, page


def test_programme_officers_see_the_months_texts_and_their_estimated_cost(client, app):
    from portal.common.email import OutboxMessage, send_text
    from portal.common.transactions import transactional

    @transactional
    def texts() -> None:
        send_text("+447700900123", "Short and plain.")  # 1 fragment
        send_text("+447700900124", "ŵ" * 100)  # Welsh ŵ: Unicode, 2 fragments
        send_text("+447700900125", "Sent last month.")

    texts()
    last_month = utcnow().replace(day=1) - timedelta(days=1)
    db.session.execute(
        sa.update(OutboxMessage).where(OutboxMessage.body == "Sent last month.").values(sent_at=last_month)
    )
    db.session.commit()
    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    page = html.unescape(client.get("/insight").get_data(as_text=True))
    price = app.config["TEXT_FRAGMENT_PENCE"]
    assert "Texts this month" in page
    assert "2 texts sent to residents, 3 fragments." in page
    assert f"Estimated cost: £{3 * price / 100:.2f}" in page
    login_as(client, make_staff(Role.VIEWER)[0])
    assert "Texts this month" not in client.get("/insight").get_data(as_text=True)
