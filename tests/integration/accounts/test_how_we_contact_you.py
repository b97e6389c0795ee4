"""A resident chooses how to hear from us (email, text or both) in "Your account", adds a mobile number by a texted
code, and news of their ideas then comes that way: sent, decided, a payment that failed, a story."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from portal.accounts.models import User
from portal.accounts.news import tell, ways_to_hear
from portal.accounts.services import mobile_lookup
from portal.applications.models import Application
from portal.common.email import OutboxMessage
from portal.common.transactions import transactional
from portal.domain.decisions import DecisionKind
from portal.domain.mobiles import HearBy
from portal.extensions import db
from portal.panels import services as panels
from tests.conftest import login_as, post_form
from tests.factories import PotFactory, UserFactory, make_chair, sent_idea

NUMBER, OTHER = "+447700900123", "+447700900456"


def texts_to(number: str = NUMBER) -> list[OutboxMessage]:
    rows = db.session.execute(
        sa.select(OutboxMessage).where(OutboxMessage.channel == "text").order_by(OutboxMessage.id)
    ).scalars()
    return [row for row in rows if row.to_mobile.reveal() == number]


def emails_to(address: str) -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).where(OutboxMessage.channel == "email", OutboxMessage.to_address == address)
    return list(db.session.execute(query).scalars())


def resident(email: str | None = "rosa@example.org", mobile: str | None = None, hear_by: HearBy = HearBy.EMAIL):
    person = UserFactory(email=email)
    if mobile:
        person.mobile, person.mobile_lookup = mobile, mobile_lookup(mobile)
    person.hear_by = hear_by.value
    db.session.commit()
    return person


def decide(person: User, kind=DecisionKind.YES) -> Application:
    pot = PotFactory()
    idea = sent_idea(pot, person, reference="ABCD-EFGH")
    chair = make_chair(pot)
    panels.declare_interest(idea.id, chair, has_interest=False, note="")
    panels.record_decision(idea.id, chair, kind=kind, reason="It brings the street together.")
    return idea


@pytest.mark.parametrize(
    ("email", "mobile", "hear_by", "expected"),
    [
        ("rosa@example.org", None, HearBy.EMAIL, (True, False)),
        ("rosa@example.org", None, HearBy.TEXT, (True, False)),  # no number: email after all
        (None, NUMBER, HearBy.EMAIL, (False, True)),  # no email: text after all
        ("rosa@example.org", NUMBER, HearBy.TEXT, (False, True)),
        ("rosa@example.org", NUMBER, HearBy.BOTH, (True, True)),
        (None, None, HearBy.EMAIL, (False, False)),  # a builder passes news on
    ],
)
def test_each_resident_hears_the_way_they_chose_among_the_ways_they_have(db_session, email, mobile, hear_by, expected):
    assert ways_to_hear(resident(email, mobile, hear_by)) == expected


def test_with_texts_off_nobody_is_texted(app, db_session):
    person = resident(None, NUMBER, HearBy.TEXT)
    app.config["TEXT_BACKEND"] = "off"
    try:
        assert ways_to_hear(person) == (False, False)
    finally:
        app.config["TEXT_BACKEND"] = "outbox"


def test_a_decision_reaches_a_resident_with_only_a_mobile_by_text(db_session):
    person = resident(None, NUMBER, HearBy.TEXT)
    decide(person)
    [text] = texts_to()
    assert "good news, your idea ABCD-EFGH can have £200" in text.body
    assert re.search(r"Sign in to accept it: http://localhost/ideas$", text.body)
    assert db.session.execute(sa.select(sa.func.count()).where(OutboxMessage.channel == "email")).scalar() == 0


def test_a_resident_who_chose_both_gets_an_email_and_a_text(db_session):
    person = resident("rosa@example.org", NUMBER, HearBy.BOTH)
    decide(person, DecisionKind.NOT_YET)
    assert len(emails_to("rosa@example.org")) == 1
    [text] = texts_to()
    assert "the panel said not yet to your idea ABCD-EFGH" in text.body


def test_news_by_text_is_in_the_residents_language(db_session):
    person = resident(None, NUMBER, HearBy.TEXT)
    with_language = transactional(lambda: tell(person, "stories/invitation", language="cy", application=idea))
    idea = decide(person)
    with_language()
    welsh = texts_to()[-1].body
    assert "syniad ABCD-EFGH" in welsh and "we have paid" not in welsh


def test_the_account_page_shows_how_we_contact_you(client):
    person = login_as(client, resident(None, NUMBER, HearBy.TEXT))
    html = client.get("/account").get_data(as_text=True)
    assert "You are signed in with the mobile number" in html and "07700 900123" in html
    assert "By text message" in html and "None" in html  # no email address
    assert "/account/how-we-contact-you" not in html  # one way only: nothing to choose
    assert person.email is None


def test_a_resident_with_both_chooses_and_changes_how_to_hear(client):
    person = login_as(client, resident("rosa@example.org", NUMBER, HearBy.EMAIL))
    assert "/account/how-we-contact-you" in client.get("/account").get_data(as_text=True)
    page = post_form(client, "/account/how-we-contact-you", {})
    assert "Select how you want to hear from us" in page.get_data(as_text=True)
    assert post_form(client, "/account/how-we-contact-you", {"hear_by": "both"}).status_code == 302
    db.session.refresh(person)
    assert person.hear_by == "both"
    assert "By email and text message" in client.get("/account").get_data(as_text=True)
    assert post_form(client, "/account/how-we-contact-you", {"hear_by": "pigeon"}).status_code == 200
    db.session.refresh(person)
    assert person.hear_by == "both"


def test_a_resident_adds_a_mobile_by_the_code_texted_to_it(client):
    person = login_as(client, resident("rosa@example.org"))
    response = post_form(client, "/account/mobile", {"number": "07700 900123"})
    assert response.headers["Location"] == "/account/mobile/code"
    [text] = texts_to()
    code = re.match(r"^(\d{6}) is your Small Sparks code to add this number", text.body).group(1)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert "That code is not right" in post_form(client, "/account/mobile/code", {"code": wrong}).get_data(True)
    db.session.refresh(person)
    assert person.mobile is None
    response = post_form(client, "/account/mobile/code", {"code": code})
    assert response.headers["Location"] == "/account/how-we-contact-you"
    db.session.refresh(person)
    assert person.mobile.reveal() == NUMBER and person.mobile_lookup == mobile_lookup(NUMBER)


def test_the_code_to_add_a_number_does_not_sign_anyone_in(client, app):
    login_as(client, resident("rosa@example.org"))
    post_form(client, "/account/mobile", {"number": "07700 900123"})
    code = re.match(r"^(\d{6})", texts_to()[-1].body).group(1)
    stranger = app.test_client()
    with stranger.session_transaction() as session:
        session["sign_in_mobile"] = NUMBER
    page = post_form(stranger, "/sign-in/check-your-phone", {"code": code}, token_from="/sign-in")
    assert page.status_code == 200 and "There is no code waiting for this number" in page.get_data(as_text=True)


def test_a_number_another_account_has_cannot_be_added(client):
    resident("someone@example.org", NUMBER, HearBy.TEXT)
    login_as(client, resident("rosa@example.org"))
    page = post_form(client, "/account/mobile", {"number": "+44 7700 900123"})
    assert "That number is already used by another account" in page.get_data(as_text=True)
    assert texts_to() == []


@pytest.mark.parametrize(
    ("typed", "explained"),
    [
        ("0113 496 0000", "That looks like a landline"),
        ("hello", "Enter a UK mobile number, like 07700 900123"),
        ("", "Enter your mobile number"),
    ],
)
def test_a_number_that_is_not_a_uk_mobile_is_explained_and_kept(client, typed, explained):
    login_as(client, resident("rosa@example.org"))
    page = post_form(client, "/account/mobile", {"number": typed})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and explained in html and f'value="{typed}"' in html


def draft_of(person: User) -> Application:
    idea = Application(pot_id=PotFactory().id, applicant_id=person.id, status="draft", language="en")
    db.session.add(idea)
    db.session.commit()
    return idea


def test_a_resident_with_only_a_mobile_is_offered_texts_not_email_on_their_idea(client):
    person = login_as(client, resident(None, NUMBER, HearBy.TEXT))
    idea = draft_of(person)
    page = client.get(f"/ideas/{idea.id}/contact").get_data(as_text=True)
    assert 'value="text"' in page and 'value="email"' not in page and 'value="builder"' in page
    refused = post_form(client, f"/ideas/{idea.id}/contact", {"contact_name": "Rosa", "contact_method": "email"})
    assert "Select how you would like to hear from us" in refused.get_data(as_text=True)
    saved = post_form(client, f"/ideas/{idea.id}/contact", {"contact_name": "Rosa", "contact_method": "text"})
    assert saved.status_code == 302
    assert "By text message" in client.get(f"/ideas/{idea.id}/check-your-answers").get_data(as_text=True)
    come_back = client.get(f"/ideas/{idea.id}/save-and-come-back-later").get_data(as_text=True)
    assert "sign in with your mobile number" in come_back and "Email me a link" not in come_back


def test_a_resident_with_email_and_mobile_may_choose_either(client):
    person = login_as(client, resident("rosa@example.org", NUMBER, HearBy.BOTH))
    page = client.get(f"/ideas/{draft_of(person).id}/contact").get_data(as_text=True)
    assert 'value="text"' in page and 'value="email"' in page and 'value="builder"' not in page


def test_the_sent_page_says_a_text_is_coming_to_a_resident_who_hears_by_text(client):
    person = login_as(client, resident(None, NUMBER, HearBy.TEXT))
    idea = decide(person)
    page = client.get(f"/ideas/{idea.id}/sent").get_data(as_text=True)
    assert "We have sent you a text with your reference." in page
    assert "We will text you when they do" in page and "We will email you" not in page
