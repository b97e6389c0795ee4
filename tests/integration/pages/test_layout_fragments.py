"""The layout's header and footer are drawn once a process and reused (portal/common/fragments.py): a page with them
kept is exactly the page drawn afresh, with this request's own token and address put in."""

from __future__ import annotations

import html
import re

import pytest

from portal.common import fragments, navigation
from portal.domain.roles import Role
from tests.conftest import login_as, post_form
from tests.factories import PotFactory, UserFactory, make_staff

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def drawn_afresh(client, address: str) -> str:
    fragments._kept.clear()
    navigation._links.clear()
    return drawn(client, address)


def drawn(client, address: str) -> str:
    """The page, its CSRF tokens put as one mark: a token carries the second it was signed in, so two requests a
    second apart hold different ones (each is checked to be there and the person's own elsewhere)."""
    page = client.get(address).get_data(as_text=True)
    return TOKEN.sub('name="csrf_token" value="(this request\'s token)"', page)


@pytest.mark.parametrize(
    ("who", "addresses"),
    [
        (None, ["/", "/cy/", "/ar/privacy", "/sign-in"]),
        (Role.RESIDENT, ["/ideas", "/cy/ideas", "/account", "/ar/account"]),
        (Role.PROGRAMME_OFFICER, ["/programme/neighbourhoods", "/cy/programme/neighbourhoods", "/insight"]),
        (Role.FINANCE_OFFICER, ["/finance", "/ar/finance"]),
    ],
)
def test_a_page_with_its_header_and_footer_kept_is_the_page_drawn_afresh(client, who, addresses):
    PotFactory(name="Summer pot")
    if who is Role.RESIDENT:
        login_as(client, UserFactory())
    elif who is not None:
        login_as(client, make_staff(who)[0])
    for address in addresses:
        fresh = drawn_afresh(client, address)
        for _ in range(2):
            assert drawn(client, address) == fresh, address


def test_each_person_gets_their_own_token_in_the_kept_header_and_it_works(client, app):
    first, second = UserFactory(), UserFactory()
    login_as(client, first)
    other = app.test_client()
    login_as(other, second)
    mine = TOKEN.findall(client.get("/account").get_data(as_text=True))
    theirs = TOKEN.findall(other.get("/account").get_data(as_text=True))
    assert mine and theirs and set(mine).isdisjoint(theirs)
    assert client.post("/sign-out", data={"csrf_token": mine[0]}).status_code == 302
    assert client.get("/account").status_code == 302, "signed out with the token the kept header carried"


def test_the_language_switch_comes_back_to_this_page_with_its_address_escaped(client):
    login_as(client, UserFactory())
    page = client.get('/ideas?page=1&x="><b>').get_data(as_text=True)
    assert '"><b>' not in page
    nexts = re.findall(r'name="next" value="([^"]*)"', page)
    assert html.unescape(nexts[0]) == '/ideas?page=1&x="><b>'
    visitor_page = client.application.test_client().get('/privacy?x="><b>').get_data(as_text=True)
    assert '"><b>' not in visitor_page and 'href="/cy/privacy?x=&#34;&gt;&lt;b&gt;"' in visitor_page


def test_the_menu_marks_this_page_in_every_language(client):
    login_as(client, UserFactory())
    for address in ("/ideas", "/cy/ideas", "/ar/ideas"):
        page = client.get(address).get_data(as_text=True)
        active = re.findall(r'govuk-service-navigation__item--active">\s*<a [^>]*href="([^"]+)"', page)
        assert active == [address], (address, active)


def test_signing_out_from_a_kept_header_in_welsh(client):
    login_as(client, UserFactory())
    response = post_form(client, "/cy/sign-out", {}, token_from="/cy/account")
    assert response.status_code == 302
