"""P2: every list page shows a page at a time, in a bounded number of SQL queries (at most 12) that does not grow
with the data. Measured on the scale dataset itself, at two sizes."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from portal.accounts.models import PanelMembership, User, UserRole
from portal.applications.models import Application
from portal.common.time import utcnow
from portal.demo.scale import build
from portal.extensions import db
from portal.panels.models import Decision
from tests.conftest import count_queries, login_as
from tests.factories import PotFactory, UserFactory, make_chair

PUBLIC = ("/stories",)
FINANCE = ("/finance", "/finance?show=due", "/finance?show=waiting_for_details", "/finance?show=due&page=2")
PROGRAMME = ("/programme/stories", "/programme/neighbourhoods", "/programme/stories?page=2")


def newest_scale(kind: str) -> User:
    return db.session.scalar(
        sa.select(User).where(User.email.like(f"scale-%-{kind}@scale.example")).order_by(User.id.desc())
    )


def queries_for(client, user, url) -> int:
    if user is None:
        with client.session_transaction() as session:
            session.clear()
    else:
        login_as(client, user)
    db.session.close()  # each count starts from an empty session, as a request does
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def counts(client) -> dict[str, int]:
    finance, programme = newest_scale("finance-a"), newest_scale("programme")
    chair, neighbourhood = db.session.execute(
        sa.select(User, PanelMembership.neighbourhood_id)
        .join(PanelMembership, PanelMembership.user_id == User.id)
        .where(User.email.like("scale-%"), PanelMembership.is_chair.is_(True))
        .order_by(User.id)
    ).first()
    found = {url: queries_for(client, None, url) for url in PUBLIC}
    found |= {url: queries_for(client, finance, url) for url in FINANCE}
    found |= {url: queries_for(client, programme, url) for url in PROGRAMME}
    for url in (f"/panels/{neighbourhood}", f"/panels/{neighbourhood}?decided=2"):
        found[url] = queries_for(client, chair, url)
    return found


def test_every_list_page_makes_the_same_few_queries_at_600_and_2400_applications(client):
    build(600)
    small = counts(client)
    build(1_800)
    large = counts(client)
    assert large == small
    assert max(small.values()) <= 12, small


def test_finance_lists_show_the_oldest_and_page_through_the_rest(client):
    build(2_400)
    login_as(client, newest_scale("finance-a"))
    overview = client.get("/finance").get_data(as_text=True)
    due = int(re.search(r"Due payment \((\d+)\)", overview).group(1))
    assert due > 25 and f"See all {due}" in overview
    assert overview.count('href="/finance/awards/') <= 4 * 10
    first = client.get("/finance?show=due").get_data(as_text=True)
    assert first.count('href="/finance/awards/') == 25 and f"Page 1 of {-(-due // 25)}" in first
    assert "?show=due&amp;page=2" in first
    new_run = client.get("/finance/runs/new").get_data(as_text=True)
    assert new_run.count('name="awards"') == min(due, 100)
    if due > 100:
        assert f"{due} awards are due payment" in new_run


def test_the_panel_lists_decided_ideas_by_their_latest_decision_newest_first(client):
    pot = PotFactory()
    chair = make_chair(pot)
    resident = UserFactory()
    now = utcnow()
    # Decided long ago, then asked again and decided yesterday: it comes first.
    order = [("Decided long ago", [30]), ("Decided last week", [7]), ("Decided again yesterday", [40, 1])]
    for name, days_ago in order:
        idea = Application(pot_id=pot.id, applicant_id=resident.id, status="approved", idea_name=name)
        idea.submitted_at = now - timedelta(days=50)
        db.session.add(idea)
        db.session.flush()
        for days in days_ago:
            db.session.add(
                Decision(
                    application_id=idea.id,
                    kind="yes",
                    condition="",
                    reason="Good",
                    decided_by_id=chair.id,
                    fast_track=False,
                    decided_at=now - timedelta(days=days),
                )
            )
    db.session.commit()
    login_as(client, chair)
    page = client.get(f"/panels/{pot.neighbourhood_id}").get_data(as_text=True)
    decided = page.split("Decided ideas, newest first", 1)[1]
    positions = [decided.index(name) for name in ("Decided again yesterday", "Decided last week", "Decided long ago")]
    assert positions == sorted(positions)
    assert decided.count("Decided again yesterday") == 1  # one row, however many decisions it had


def test_your_ideas_is_paged_newest_first(client):
    pot = PotFactory()
    resident = UserFactory()
    now = utcnow()
    db.session.execute(
        sa.insert(Application),
        [
            {
                "pot_id": pot.id,
                "applicant_id": resident.id,
                "status": "draft",
                "idea_name": f"Idea number {i}",
                "created_at": now - timedelta(minutes=i),
                "updated_at": now,
                "language": "en",
            }
            for i in range(45)
        ],
    )
    db.session.commit()
    login_as(client, resident)
    first = client.get("/ideas").get_data(as_text=True)
    assert "Idea number 0<" in first and "Idea number 19<" in first and "Idea number 20<" not in first
    assert "Page 1 of 3" in first
    assert "Find a neighbourhood taking ideas" in first  # a way to start another idea, above the list
    third = client.get("/ideas?page=3").get_data(as_text=True)
    assert "Idea number 44<" in third and "Idea number 39<" not in third
    assert client.get("/ideas?page=zebra").status_code == 200


def test_a_role_only_sees_its_list_pages(client):
    build(300)
    programme = newest_scale("programme")
    login_as(client, programme)
    assert client.get("/finance?show=due").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserRole)) > 0
