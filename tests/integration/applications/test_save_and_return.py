"""Save and come back: a link by email back to the draft; old drafts get one reminder, then are removed."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from portal.applications.models import Application
from portal.common.time import utcnow
from portal.extensions import db
from tests.conftest import csrf_token, outbox, post_form
from tests.integration.applications.test_journey import start

LINK_RE = re.compile(r"http://localhost(/sign-in/link/[\w-]+)")


def test_save_and_come_back_emails_a_link_that_returns_to_the_draft(client, app):
    application, _ = start(client)
    post_form(client, f"/ideas/{application.id}/idea-name", {"idea_name": "Coffee morning"})
    url = f"/ideas/{application.id}/save-and-come-back-later"
    assert "Your answers are saved" in client.get(url).get_data(as_text=True)
    assert post_form(client, url, {}).status_code == 302
    link = LINK_RE.search(outbox("rosa@example.org")[-1].body).group(1)
    later = app.test_client()  # another day, another phone
    response = later.post(link, data={"csrf_token": csrf_token(later, link)})
    assert response.headers["Location"] == f"/ideas/{application.id}/check-your-answers"
    assert "Coffee morning" in later.get(response.headers["Location"]).get_data(as_text=True)


def age(application, days):
    application.updated_at = utcnow() - timedelta(days=days)
    db.session.commit()


def test_an_old_draft_gets_one_reminder(app, client):
    application, _ = start(client)
    age(application, app.config["DRAFT_KEEP_DAYS"] - app.config["DRAFT_REMINDER_DAYS_BEFORE"] + 1)
    runner = app.test_cli_runner()
    assert "Reminded 1 draft(s); removed 0" in runner.invoke(args=["drafts", "tidy"]).output
    assert "Reminded 0 draft(s); removed 0" in runner.invoke(args=["drafts", "tidy"]).output
    [reminder] = outbox("rosa@example.org")
    assert reminder.subject == "Your idea is not sent yet"


def test_a_fresh_draft_is_left_alone(app, client):
    start(client)
    assert "Reminded 0 draft(s); removed 0" in app.test_cli_runner().invoke(args=["drafts", "tidy"]).output


def test_a_draft_past_its_time_is_removed_but_sent_ideas_never_are(app, client):
    application, _ = start(client)
    age(application, app.config["DRAFT_KEEP_DAYS"] + 1)
    sent = Application(
        pot_id=application.pot_id,
        applicant_id=application.applicant_id,
        status="submitted",
        reference="ABCD-EFGH",
        updated_at=utcnow() - timedelta(days=999),
    )
    db.session.add(sent)
    db.session.commit()
    assert "removed 1" in app.test_cli_runner().invoke(args=["drafts", "tidy"]).output
    remaining = db.session.execute(sa.select(Application.status)).scalars().all()
    assert remaining == ["submitted"]


def test_a_resident_withdraws_an_idea_before_a_decision(client):
    application, _ = start(client)
    url = f"/ideas/{application.id}/withdraw"
    assert "Are you sure" in client.get(url).get_data(as_text=True)
    assert post_form(client, url, {}).headers["Location"] == "/ideas"
    db.session.refresh(application)
    assert application.status == "withdrawn"
    assert "Withdrawn" in client.get("/ideas").get_data(as_text=True)


def test_a_decided_idea_cannot_be_withdrawn(client):
    application, _ = start(client)
    application.status = "approved"
    db.session.commit()
    response = client.get(f"/ideas/{application.id}/withdraw")
    assert response.headers["Location"] == "/ideas"
    assert "cannot be withdrawn" in client.get("/ideas").get_data(as_text=True)
