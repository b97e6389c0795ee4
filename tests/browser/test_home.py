"""The home page on a phone: what is open now, nothing fetched from elsewhere, and the language switch."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import assert_accessible, today_plus

pytestmark = pytest.mark.browser


def test_home_shows_the_programme_and_neighbourhoods_taking_ideas_and_asks_no_other_host(page, live_server):
    open_name = live_server.unique("Chapeltown")
    pot_name = live_server.unique("Summer pot")
    live_server.add_neighbourhood(open_name, pot_name=pot_name, max_award_pence=50_000)
    closed_name = live_server.unique("Seacroft")
    live_server.add_neighbourhood(
        closed_name, pot_name=live_server.unique("Old pot"), opens_on=today_plus(-60), closes_on=today_plus(-30)
    )
    hidden_name = live_server.unique("Harehills")
    live_server.add_neighbourhood(hidden_name, pot_name=live_server.unique("Quiet pot"), is_active=False)

    response = page.goto("/")

    assert response.status == 200
    assert "Small Sparks" in page.title()
    assert page.get_by_role("banner").get_by_role("link", name="Small Sparks").get_attribute("href") == "/"
    assert page.get_by_role("heading", level=1).inner_text() == "Get a small spark for your idea"
    taking_ideas = page.locator("main")
    assert taking_ideas.get_by_role("heading", name=open_name).is_visible()
    assert f"{pot_name}: ask for up to £500." in taking_ideas.inner_text()
    assert closed_name not in taking_ideas.inner_text(), "a neighbourhood whose only pot has closed is not shown"
    assert hidden_name not in taking_ideas.inner_text(), "a neighbourhood not shown to residents is not shown"
    assert_accessible(page, "the home page")

    requested = page.watch.requests
    # Under content-hashed names, so a phone keeps them (see tests/integration/pages/test_assets.py).
    assert any(re.search(r"/static/css/app\.[0-9a-f]{12}\.css$", url) for url in requested), requested
    assert any(re.search(r"/static/js/app\.[0-9a-f]{12}\.mjs$", url) for url in requested), requested
    assert page.watch.other_hosts() == [], "the home page must load everything from the portal itself"


def test_the_language_switch_changes_the_page_and_is_remembered(page):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("html").get_attribute("dir") == "ltr"

    page.get_by_role("link", name="Cymraeg").click()
    page.wait_for_url("**/cy/")
    html = page.locator("html")
    assert html.get_attribute("lang") == "cy"
    assert html.get_attribute("dir") == "ltr"
    assert page.get_by_role("heading", level=1).inner_text() == "Cael gwreichionen fach ar gyfer eich syniad"
    assert page.locator(".app-language-switch__current").inner_text() == "Cymraeg"
    assert_accessible(page, "the home page in Welsh")

    page.locator(".govuk-service-navigation__toggle").click()  # the menu, on a phone
    page.locator("header a[href$='/sign-in']").first.click()
    page.wait_for_url("**/cy/sign-in")
    assert page.locator("html").get_attribute("lang") == "cy", "the choice of Welsh is kept on the next page"
    assert page.get_by_label("Beth yw eich cyfeiriad e-bost neu rif eich ffôn symudol?").is_visible()
    assert page.get_by_role("button", name="Parhau").is_visible()

    page.get_by_role("link", name="العربية").click()
    page.wait_for_url("**/ar/sign-in")
    html = page.locator("html")
    assert html.get_attribute("lang") == "ar"
    assert html.get_attribute("dir") == "rtl"
    assert_accessible(page, "the sign-in page in Arabic")

    page.locator("header a[href$='/ar/']").first.click()
    page.wait_for_url("**/ar/")
    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl"), "Arabic is kept on the next page"
    assert page.get_by_role("heading", level=1).inner_text() == "احصل على شرارة صغيرة لفكرتك"
    assert_accessible(page, "the home page in Arabic")

    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/")
    assert (page.locator("html").get_attribute("lang"), page.locator("html").get_attribute("dir")) == ("en", "ltr")
