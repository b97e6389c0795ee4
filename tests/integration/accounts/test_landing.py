"""After signing in, each person lands where their work is, and the account page links everything it lists."""

from __future__ import annotations

import re

import pytest

from portal.domain.roles import Role
from tests.conftest import csrf_token, login_as, post_form
from tests.factories import NeighbourhoodFactory, UserFactory, make_staff

LINK_RE = re.compile(r"http://localhost(/sign-in/link/[\w-]+)")


def sign_in_by_link(client, email):
    from tests.conftest import outbox

    post_form(client, "/sign-in", {"email": email})
    link = LINK_RE.search(outbox(email)[-1].body).group(1)
    return client.post(link, data={"csrf_token": csrf_token(client, link)})


def test_a_resident_lands_on_their_ideas(client):
    UserFactory(email="rosa@example.org")
    assert sign_in_by_link(client, "rosa@example.org").headers["Location"] == "/ideas"


def test_a_member_of_one_panel_lands_on_that_panel(client):
    place = NeighbourhoodFactory()
    UserFactory(email="pat@example.org", roles=[Role.RESIDENT, Role.PANEL_MEMBER], panels=[place])
    assert sign_in_by_link(client, "pat@example.org").headers["Location"] == f"/panels/{place.id}"


def test_a_member_of_several_panels_lands_on_the_list_of_them(client):
    places = [NeighbourhoodFactory(), NeighbourhoodFactory()]
    UserFactory(email="pat@example.org", roles=[Role.RESIDENT, Role.PANEL_MEMBER], panels=places)
    assert sign_in_by_link(client, "pat@example.org").headers["Location"] == "/panels"


@pytest.mark.parametrize(
    ("roles", "landing"),
    [
        ([Role.PROGRAMME_OFFICER], "/programme/neighbourhoods"),
        ([Role.COMMUNITY_BUILDER], "/assisted"),
        ([Role.COMMUNITY_BUILDER, Role.PROGRAMME_OFFICER], "/programme/neighbourhoods"),
        ([Role.FINANCE_OFFICER], "/finance"),
    ],
)
def test_staff_land_where_their_work_is(client, roles, landing):
    staff, totp = make_staff(*roles)
    post_form(client, "/staff/sign-in", {"email": staff.email, "password": "correct horse battery staple"})
    response = post_form(client, "/staff/enter-code", {"code": totp.now()})
    assert response.headers["Location"] == landing


def test_a_page_asked_for_before_signing_in_still_comes_first(client):
    UserFactory(email="rosa@example.org")
    client.get("/sign-in?next=/ideas/12/check-your-answers")
    assert sign_in_by_link(client, "rosa@example.org").headers["Location"] == "/ideas/12/check-your-answers"


def test_the_account_page_links_every_thing_it_says_you_can_do(client):
    place = NeighbourhoodFactory()
    login_as(client, UserFactory(roles=[Role.RESIDENT, Role.PANEL_MEMBER], panels=[place]))
    page = client.get("/account").get_data(as_text=True)
    assert '<a class="govuk-link" href="/ideas">Share your ideas for small sparks</a>' in page
    assert '<a class="govuk-link" href="/panels">Decide on ideas for your neighbourhood (panel member)</a>' in page
