"""Every error is a plain-English page in the portal's layout, never a stack trace."""

from __future__ import annotations

import pytest

from portal.common.access import public
from portal.domain.roles import Role
from tests.conftest import login_as, make_test_app, post_form
from tests.factories import UserFactory


def assert_plain_page(response, status, heading):
    html = response.get_data(as_text=True)
    assert response.status_code == status
    assert heading in html
    assert "Traceback" not in html
    assert 'class="govuk-footer"' in html


def test_400_for_a_form_without_its_token(client):
    assert_plain_page(
        client.post("/sign-in", data={"email": "a@example.org"}), 400, "Sorry, there is a problem with that request"
    )


def test_403_when_your_account_cannot_see_a_page(client):
    login_as(client, UserFactory(roles=[Role.RESIDENT]))
    assert_plain_page(client.get("/programme/neighbourhoods"), 403, "You cannot see this page")


def test_404_for_a_page_that_does_not_exist(client):
    assert_plain_page(client.get("/no-such-page"), 404, "Page not found")


def test_405_for_the_wrong_kind_of_request(client):
    assert_plain_page(client.get("/sign-out"), 405, "Sorry, you cannot do that here")


def test_413_for_a_body_that_is_too_big(client, app):
    body = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    assert_plain_page(client.post("/sign-in", data={"email": body}), 413, "That file is too big")


def test_429_after_too_many_tries(client):
    for _ in range(5):
        post_form(client, "/sign-in", {"email": "same@example.org"})
    assert_plain_page(post_form(client, "/sign-in", {"email": "same@example.org"}), 429, "Too many tries")


def test_500_is_a_kind_page_and_the_error_is_logged_without_personal_data(app, caplog):
    broken = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"])

    @broken.get("/boom")
    @public
    def boom():
        raise RuntimeError("kaboom")

    response = broken.test_client().get("/boom?email=hidden@example.org")
    assert_plain_page(response, 500, "Sorry, there is a problem with the service")
    assert "kaboom" not in response.get_data(as_text=True)
    assert "unexpected error on GET boom" in caplog.text
    assert "hidden@example.org" not in caplog.text


@pytest.mark.parametrize("language", ["cy", "ar"])
def test_error_pages_follow_the_chosen_language(client, language):
    post_form(client, "/language", {"language": language, "next": "/"})
    html = client.get("/no-such-page").get_data(as_text=True)
    assert f'lang="{language}"' in html
