"""Staff sign in with a password (argon2) and a time-based one-time code, set up at first sign-in."""

from __future__ import annotations

import re

import pyotp

from portal.accounts.services import password_hasher
from portal.domain.roles import Role
from portal.extensions import db
from tests.conftest import post_form
from tests.factories import STAFF_PASSWORD, UserFactory, make_staff


def sign_in_with_password(client, email, password=STAFF_PASSWORD):
    return post_form(client, "/staff/sign-in", {"email": email, "password": password})


def test_staff_passwords_are_stored_with_argon2(db_session):
    staff, _ = make_staff(Role.PROGRAMME_OFFICER)
    assert staff.password_hash.startswith("$argon2id$")
    assert password_hasher.verify(staff.password_hash, STAFF_PASSWORD)


def test_staff_sign_in_needs_the_password_and_then_the_code(client):
    staff, totp = make_staff(Role.PROGRAMME_OFFICER, email="po@example.org")
    response = sign_in_with_password(client, "po@example.org")
    assert response.headers["Location"] == "/staff/enter-code"
    assert client.get("/account").status_code == 302, "the password alone must not sign you in"
    response = post_form(client, "/staff/enter-code", {"code": totp.now()})
    assert response.status_code == 302
    assert "po@example.org" in client.get("/account").get_data(as_text=True)


def test_a_wrong_password_is_explained_and_the_email_kept_but_not_the_password(client):
    make_staff(Role.FINANCE_OFFICER, email="fo@example.org")
    page = sign_in_with_password(client, "fo@example.org", "wrong password")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Your email address or password is not right" in html
    assert 'value="fo@example.org"' in html
    assert "wrong password" not in html


def test_an_unknown_email_gets_the_same_message_as_a_wrong_password(client):
    html = sign_in_with_password(client, "nobody@example.org").get_data(as_text=True)
    assert "Your email address or password is not right" in html


def test_a_resident_cannot_use_staff_sign_in(client):
    UserFactory(email="res@example.org", password_hash=password_hasher.hash(STAFF_PASSWORD))
    html = sign_in_with_password(client, "res@example.org").get_data(as_text=True)
    assert "Your email address or password is not right" in html


def test_a_wrong_one_time_code_is_refused(client):
    make_staff(Role.FINANCE_OFFICER, email="fo2@example.org")
    sign_in_with_password(client, "fo2@example.org")
    page = post_form(client, "/staff/enter-code", {"code": "000000"})
    assert "That code is not right" in page.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_a_one_time_code_cannot_be_used_twice(client, app):
    staff, totp = make_staff(Role.FINANCE_OFFICER, email="fo3@example.org")
    code = totp.now()
    sign_in_with_password(client, "fo3@example.org")
    assert post_form(client, "/staff/enter-code", {"code": code}).status_code == 302
    other = app.test_client()
    sign_in_with_password(other, "fo3@example.org")
    page = post_form(other, "/staff/enter-code", {"code": code})
    assert "That code is not right" in page.get_data(as_text=True)


def test_first_sign_in_sets_up_the_authenticator(client):
    staff, _ = make_staff(Role.COMMUNITY_BUILDER, email="new.builder@example.org", with_code=False)
    response = sign_in_with_password(client, "new.builder@example.org")
    assert response.headers["Location"] == "/staff/set-up-code"
    page = client.get("/staff/set-up-code").get_data(as_text=True)
    assert "<svg" in page
    secret = re.search(r'id="secret">([A-Z2-7]+)<', page).group(1)
    assert staff.totp_secret_encrypted and secret not in staff.totp_secret_encrypted, "the key is stored encrypted"
    response = post_form(client, "/staff/set-up-code", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    db.session.refresh(staff)
    assert staff.totp_confirmed_at is not None


def test_the_code_pages_need_a_password_first(client):
    assert client.get("/staff/enter-code").headers["Location"] == "/staff/sign-in"
    assert client.get("/staff/set-up-code").headers["Location"] == "/staff/sign-in"


def test_staff_password_attempts_are_rate_limited(client):
    make_staff(Role.FINANCE_OFFICER, email="target@example.org")
    statuses = [sign_in_with_password(client, "target@example.org", f"guess {n}").status_code for n in range(11)]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
