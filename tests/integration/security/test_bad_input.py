"""Security review, bad input (low): line breaks in one-line fields, in next= addresses, huge page numbers and
amounts thousands of digits long."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.applications.models import Application
from portal.domain.decisions import DecisionKind
from portal.extensions import db
from portal.panels import services as panels
from tests.conftest import csrf_token, login_as, outbox, post_form
from tests.factories import PotFactory, UserFactory, make_chair
from tests.integration.applications.test_journey import answer_everything, start


def test_a_line_break_in_an_ideas_name_is_not_kept_and_the_decision_email_still_goes(client):
    application, _ = start(client)
    answer_everything(client, application)
    post_form(client, f"/ideas/{application.id}/idea-name", {"idea_name": "x\r\nBcc: victim@example.org"})
    post_form(client, f"/ideas/{application.id}/check-your-answers", {"declaration": "y"})
    db.session.refresh(application)
    assert application.idea_name == "x  Bcc: victim@example.org"
    chair = make_chair(application.pot)
    panels.declare_interest(application.id, chair, has_interest=False, note="")
    panels.record_decision(application.id, chair, kind=DecisionKind.YES, reason="Lovely")
    decision_email = outbox("rosa@example.org")[-1]
    assert decision_email.status == "sent"
    assert "\n" not in decision_email.subject and "\r" not in decision_email.subject


def test_an_old_idea_name_with_a_line_break_does_not_stop_its_email(client):
    pot = PotFactory()
    resident = UserFactory(email="old@example.org")
    idea = Application(pot_id=pot.id, applicant_id=resident.id, status="submitted", idea_name="Tea\nBcc: x@y.z")
    db.session.add(idea)
    db.session.commit()
    chair = make_chair(pot)
    panels.declare_interest(idea.id, chair, has_interest=False, note="")
    panels.record_decision(idea.id, chair, kind=DecisionKind.NOT_YET, reason="Not this time")
    [email] = outbox("old@example.org")
    assert "\n" not in email.subject


@pytest.mark.parametrize("character", ["\u202e", "\u202a", "\u2066", "\u2069"])
def test_bidi_overrides_are_taken_out_of_one_line_answers(client, character):
    application, _ = start(client)
    post_form(client, f"/ideas/{application.id}/idea-name", {"idea_name": f"Tea{character}gpj.exe"})
    db.session.refresh(application)
    assert application.idea_name == "Teagpj.exe"


def test_long_answers_keep_their_line_breaks(client):
    application, _ = start(client)
    post_form(client, f"/ideas/{application.id}/what-you-want-to-do", {"idea_description": "Tea.\r\nThen cake."})
    db.session.refresh(application)
    assert "\n" in application.idea_description


@pytest.mark.parametrize("bad_next", ["/ideas\r\nSet-Cookie: x=1", "/\n", "/\x7f"])
def test_a_next_address_with_a_line_break_on_the_language_switch_goes_home_not_500(client, bad_next):
    response = post_form(client, "/language", {"language": "cy", "next": bad_next}, token_from="/")
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_a_next_address_with_a_line_break_on_sign_in_neither_fails_nor_uses_up_the_link(app, client):
    UserFactory(email="rosa@example.org")
    client.get("/sign-in?next=/ideas%0d%0aSet-Cookie:%20x=1")
    post_form(client, "/sign-in", {"email": "rosa@example.org"})
    import re

    link = re.search(r"http://localhost(/sign-in/link/[\w-]+)", outbox("rosa@example.org")[0].body).group(1)
    response = client.post(link, data={"csrf_token": csrf_token(client, link)})
    assert response.status_code == 302 and response.headers["Location"] == "/ideas"
    assert "\n" not in response.headers["Location"]


@pytest.mark.parametrize("page", ["99999999999999999999999", "-5", "0", "abc"])
def test_a_huge_or_odd_page_number_on_the_panel_page_is_clamped(client, page):
    pot = PotFactory()
    login_as(client, make_chair(pot))
    for argument in ("page", "decided"):
        response = client.get(f"/panels/{pot.neighbourhood_id}?{argument}={page}")
        assert response.status_code == 200, (argument, page)


def test_an_amount_thousands_of_digits_long_gets_the_usual_plain_message(client):
    application, _ = start(client)
    url = f"/ideas/{application.id}/costs"
    page = post_form(client, url, {"item": "Tea", "amount": "9" * 4400}).get_data(as_text=True)
    assert "Enter a smaller amount" in page
    assert "Exceeds the limit" not in page and "integer" not in page


def test_a_decision_amount_thousands_of_digits_long_gets_the_usual_plain_message(client):
    pot = PotFactory()
    chair = make_chair(pot)
    idea = Application(pot_id=pot.id, applicant_id=UserFactory().id, status="submitted", idea_name="Tea")
    db.session.add(idea)
    db.session.commit()
    login_as(client, chair)
    url = f"/panels/{pot.neighbourhood_id}/ideas/{idea.id}"
    data = {"kind": "yes_with_change", "amount": "1" * 4400, "reason": "Less"}
    page = post_form(client, f"{url}/decision", data, token_from=url).get_data(as_text=True)
    assert "Enter a smaller amount" in page
    assert db.session.execute(sa.select(Application.status).where(Application.id == idea.id)).scalar() == "submitted"
