"""Sessions are renewed at sign-in, ended by sign-out, and end by themselves when idle."""

from __future__ import annotations

from portal.common.time import utcnow
from portal.domain.roles import Role
from tests.conftest import csrf_token, login_as, post_form
from tests.factories import UserFactory, make_staff


def test_sign_out_ends_the_session_even_for_a_copied_cookie(client, app):
    user = login_as(client, UserFactory())
    with client.session_transaction() as session:
        copied = dict(session)
    post_form(client, "/sign-out", {}, token_from="/account")
    assert client.get("/account").status_code == 302
    thief = app.test_client()
    with thief.session_transaction() as session:
        session.update(copied)
    assert thief.get("/account").status_code == 302, "the old session must not work after sign-out"
    assert user.session_token not in copied["_user_id"]


def test_sign_out_needs_a_post_with_a_csrf_token(client):
    login_as(client, UserFactory())
    assert client.get("/sign-out").status_code == 405
    assert client.post("/sign-out").status_code == 400
    assert client.get("/account").status_code == 200


def test_a_new_session_is_made_at_sign_in(client):
    staff, totp = make_staff(Role.PROGRAMME_OFFICER, email="renew@example.org")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    post_form(client, "/staff/sign-in", {"email": "renew@example.org", "password": "correct horse battery staple"})
    post_form(client, "/staff/enter-code", {"code": totp.now()})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert "_user_id" in session


def test_an_idle_session_ends_with_a_message(client, app):
    login_as(client, UserFactory())
    with client.session_transaction() as session:
        session["last_active"] = int(utcnow().timestamp()) - app.config["IDLE_TIMEOUT_MINUTES"] * 60 - 5
    response = client.get("/account")
    assert response.headers["Location"] == "/sign-in"
    page = client.get("/sign-in").get_data(as_text=True)
    assert "You were signed out because you had not done anything for a while" in page
    assert client.get("/account").status_code == 302


def test_an_active_session_carries_on(client, app):
    login_as(client, UserFactory())
    with client.session_transaction() as session:
        session["last_active"] = int(utcnow().timestamp()) - app.config["IDLE_TIMEOUT_MINUTES"] * 60 + 30
    assert client.get("/account").status_code == 200


def test_sign_in_returns_you_to_the_page_you_wanted(client):
    staff, totp = make_staff(Role.PROGRAMME_OFFICER, email="back@example.org")
    assert client.get("/programme/neighbourhoods").headers["Location"] == "/sign-in?next=/programme/neighbourhoods"
    client.get("/sign-in?next=/programme/neighbourhoods")
    post_form(client, "/staff/sign-in", {"email": "back@example.org", "password": "correct horse battery staple"})
    response = post_form(client, "/staff/enter-code", {"code": totp.now()})
    assert response.headers["Location"] == "/programme/neighbourhoods"


def test_signed_in_pages_carry_the_idle_warning(client, app):
    login_as(client, UserFactory())
    html = client.get("/account").get_data(as_text=True)
    assert f'data-idle-timeout-seconds="{app.config["IDLE_TIMEOUT_MINUTES"] * 60}"' in html
    assert 'id="idle-warning"' in html and "You will be signed out soon" in html


def test_public_pages_for_signed_out_people_have_no_idle_warning(client):
    assert 'id="idle-warning"' not in client.get("/").get_data(as_text=True)


def test_stay_signed_in_renews_the_idle_clock(client, app):
    login_as(client, UserFactory())
    token = csrf_token(client, "/account")
    almost = int(utcnow().timestamp()) - app.config["IDLE_TIMEOUT_MINUTES"] * 60 + 60
    with client.session_transaction() as session:
        session["last_active"] = almost
    response = client.post(
        "/keep-signed-in", data={"csrf_token": token, "next": "/account"}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 204
    with client.session_transaction() as session:
        assert session["last_active"] > almost + 30
