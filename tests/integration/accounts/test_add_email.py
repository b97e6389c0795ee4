"""A resident who signed up with a mobile number adds an email address (or a resident changes theirs) by a code
emailed to it: the code is bound to the person and the address, works once, and can never sign anyone in."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa

from portal.accounts.models import User
from portal.common.audit import AuditEvent
from portal.domain.mobiles import HearBy
from portal.extensions import db
from tests.conftest import login_as, post_form
from tests.factories import UserFactory
from tests.integration.accounts.test_how_we_contact_you import NUMBER, emails_to, resident


def code_in(address: str) -> str:
    [*_, email] = emails_to(address)
    found = re.search(r"\b(\d{6})\b", email.body)
    assert found, email.body
    return found.group(1)


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_a_mobile_only_resident_adds_an_email_and_then_chooses_how_to_hear(client):
    person = resident(email=None, mobile=NUMBER, hear_by=HearBy.TEXT)
    login_as(client, person)
    account = page(client.get("/account"))
    assert 'href="/account/email">Add<span class="govuk-visually-hidden"> an email address' in account
    asked = post_form(client, "/account/email", {"address": " Rosa@Example.org "})
    assert asked.headers["Location"] == "/account/email/code"
    waiting = page(client.get("/account/email/code"))
    assert 'We have sent a code to <span class="govuk-!-text-break-word">rosa@example.org</span>.' in waiting
    code = code_in("rosa@example.org")
    added = post_form(client, "/account/email/code", {"code": code})
    assert added.headers["Location"] == "/account/how-we-contact-you"  # two ways now: choose
    db.session.refresh(person)
    assert person.email == "rosa@example.org" and person.hear_by == HearBy.TEXT.value  # until they choose
    assert post_form(client, "/account/how-we-contact-you", {"hear_by": "both"}).status_code == 302
    db.session.refresh(person)
    assert person.hear_by == "both"
    actions = db.session.execute(sa.select(AuditEvent.action)).scalars().all()
    assert "user.email_added" in actions


def test_a_wrong_code_is_explained_and_the_address_is_not_added(client):
    person = resident(email=None, mobile=NUMBER, hear_by=HearBy.TEXT)
    login_as(client, person)
    post_form(client, "/account/email", {"address": "rosa@example.org"})
    right = code_in("rosa@example.org")
    wrong = "000000" if right != "000000" else "111111"
    shown = page(post_form(client, "/account/email/code", {"code": wrong}))
    assert "That code is not right. Check the email and try again." in shown
    db.session.refresh(person)
    assert person.email is None


def test_an_address_another_account_has_is_refused_on_the_page(client):
    UserFactory(email="taken@example.org")
    person = resident(email=None, mobile=NUMBER, hear_by=HearBy.TEXT)
    login_as(client, person)
    shown = page(post_form(client, "/account/email", {"address": "taken@example.org"}))
    assert "That email address is already used by another account." in shown
    assert 'value="taken@example.org"' in shown  # what was typed is kept
    assert emails_to("taken@example.org") == []


def test_a_badly_typed_address_is_explained(client):
    login_as(client, resident(email=None, mobile=NUMBER, hear_by=HearBy.TEXT))
    shown = page(post_form(client, "/account/email", {"address": "rosa at example"}))
    assert "Enter an email address in the correct format, like name@example.com" in shown
    assert 'value="rosa at example"' in shown


def test_the_code_to_add_an_address_cannot_sign_anyone_in(client):
    """The add-email code goes to an address no account has: were it taken as a sign-in code, it would make an
    account for that address."""
    stranger = client.application.test_client()
    post_form(stranger, "/sign-in", {"email": "new@example.org"})  # a sign-in code for the address, then…
    sign_in_code = code_in("new@example.org")
    login_as(client, resident(email=None, mobile=NUMBER, hear_by=HearBy.TEXT))
    post_form(client, "/account/email", {"address": "new@example.org"})  # …the newer code to add it
    code = code_in("new@example.org")
    assert code != sign_in_code
    shown = page(post_form(stranger, "/sign-in/check-your-email", {"code": code}))
    assert "That code is not right" in shown
    assert db.session.execute(sa.select(User).where(User.email == "new@example.org")).scalar() is None


def test_a_resident_changes_their_email_address(client):
    person = resident(email="old@example.org")
    login_as(client, person)
    assert 'href="/account/email">Change<span class="govuk-visually-hidden"> email address' in page(
        client.get("/account")
    )
    post_form(client, "/account/email", {"address": "new@example.org"})
    done = post_form(client, "/account/email/code", {"code": code_in("new@example.org")})
    assert done.headers["Location"] == "/account"  # one way to hear: nothing to choose
    db.session.refresh(person)
    assert person.email == "new@example.org"
    assert "user.email_changed" in db.session.execute(sa.select(AuditEvent.action)).scalars().all()


def test_without_a_waiting_address_the_code_page_sends_you_to_start(client):
    login_as(client, resident())
    assert client.get("/account/email/code").headers["Location"] == "/account/email"
