"""Residents sign in without a password: an emailed single-use link, or the short code in the same email."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from portal.accounts.models import SignInToken, User
from portal.common.time import utcnow
from portal.domain.roles import Role
from portal.extensions import db
from tests.conftest import csrf_token, outbox, post_form
from tests.factories import UserFactory, make_staff

LINK_RE = re.compile(r"http://localhost(/sign-in/link/[\w-]+)")
CODE_RE = re.compile(r"sign-in page: (\d{6})")


def request_link(client, email="new.neighbour@example.org"):
    response = post_form(client, "/sign-in", {"email": email})
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in/check-your-email"
    message = outbox(email.lower())[-1]
    return LINK_RE.search(message.body).group(1), CODE_RE.search(message.body).group(1)


def test_a_new_resident_signs_in_by_the_emailed_link_and_gets_an_account(client):
    link, _ = request_link(client)
    page = client.get(link)
    assert page.status_code == 200
    assert "Sign in to Small Sparks" in page.get_data(as_text=True)
    response = client.post(link, data={"csrf_token": csrf_token(client, link)})
    assert response.status_code == 302
    user = db.session.execute(sa.select(User).where(User.email == "new.neighbour@example.org")).scalar_one()
    assert user.roles == {Role.RESIDENT}
    assert "new.neighbour@example.org" in client.get("/account").get_data(as_text=True)


def test_opening_the_link_does_not_use_it_up(client):
    link, _ = request_link(client)
    client.get(link)
    client.get(link)
    response = client.post(link, data={"csrf_token": csrf_token(client, link)})
    assert response.status_code == 302


def test_a_link_works_only_once(client, app):
    link, _ = request_link(client)
    token = csrf_token(client, link)
    assert client.post(link, data={"csrf_token": token}).status_code == 302
    other = app.test_client()
    page = other.get(link)
    assert page.status_code == 400
    assert "already been used" in page.get_data(as_text=True)


def test_a_link_runs_out_after_30_minutes(client):
    link, _ = request_link(client)
    row = db.session.execute(sa.select(SignInToken)).scalars().all()[-1]
    assert timedelta(minutes=29) < row.expires_at - row.created_at <= timedelta(minutes=30)
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.flush()
    page = client.get(link)
    assert page.status_code == 400
    assert "run out" in page.get_data(as_text=True)


def test_an_unknown_link_gets_a_plain_message_not_an_error(client):
    page = client.get("/sign-in/link/made-up-token")
    assert page.status_code == 400
    assert "does not work" in page.get_data(as_text=True)


def test_a_resident_can_type_the_code_instead(client):
    _, code = request_link(client, "coder@example.org")
    response = post_form(client, "/sign-in/check-your-email", {"code": code})
    assert response.status_code == 302
    assert "coder@example.org" in client.get("/account").get_data(as_text=True)


def test_a_wrong_code_is_explained_on_the_same_page_and_kept(client):
    request_link(client, "typo@example.org")
    page = post_form(client, "/sign-in/check-your-email", {"code": "000000"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "There is a problem" in html
    assert "That code is not right" in html
    assert "<title>Error:" in html
    assert 'value="000000"' in html


def test_after_five_wrong_codes_the_code_stops_working(client):
    _, code = request_link(client, "guesser@example.org")
    for _ in range(5):
        post_form(client, "/sign-in/check-your-email", {"code": "999999" if code != "999999" else "111111"})
    page = post_form(client, "/sign-in/check-your-email", {"code": code})
    assert "too many times" in page.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_a_code_that_is_not_six_numbers_gets_a_clear_message(client):
    request_link(client)
    page = post_form(client, "/sign-in/check-your-email", {"code": "12ab"})
    assert "The code is 6 numbers" in page.get_data(as_text=True)
    assert 'value="12ab"' in page.get_data(as_text=True)


def test_an_email_address_in_the_wrong_format_is_explained_and_kept(client):
    page = post_form(client, "/sign-in", {"email": "not-an-email"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Enter an email address in the correct format" in html
    assert 'value="not-an-email"' in html
    assert outbox() == []


def test_an_empty_email_address_is_explained(client):
    html = post_form(client, "/sign-in", {"email": "  "}).get_data(as_text=True)
    assert "Enter your email address or mobile number" in html


def test_a_staff_account_cannot_sign_in_by_link(client):
    staff, _ = make_staff(Role.FINANCE_OFFICER, email="finance@example.org")
    link, _ = request_link(client, "finance@example.org")
    response = client.post(link, data={"csrf_token": csrf_token(client, link)})
    assert response.status_code == 400
    assert "signs in with a password" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_an_existing_resident_keeps_their_account(client):
    resident = UserFactory(email="known@example.org")
    link, _ = request_link(client, "KNOWN@example.org")
    client.post(link, data={"csrf_token": csrf_token(client, link)})
    assert db.session.execute(sa.select(sa.func.count(User.id)).where(User.email == "known@example.org")).scalar() == 1
    assert resident.last_sign_in_at is not None


def test_the_database_never_holds_a_usable_link_or_code(client):
    link, code = request_link(client)
    row = db.session.execute(sa.select(SignInToken)).scalars().all()[-1]
    token = link.rsplit("/", 1)[1]
    assert token not in (row.token_hash, row.code_hash)
    assert code not in row.code_hash


def test_sending_links_is_rate_limited_per_address(client):
    for _ in range(5):
        assert post_form(client, "/sign-in", {"email": "flood@example.org"}).status_code == 302
    response = post_form(client, "/sign-in", {"email": "flood@example.org"})
    assert response.status_code == 429
    assert "Too many tries" in response.get_data(as_text=True)
    assert len(outbox("flood@example.org")) == 5
