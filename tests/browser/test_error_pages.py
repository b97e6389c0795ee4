"""Error pages in plain English, in the site's layout, that pass the accessibility checks."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in_resident

pytestmark = pytest.mark.browser


def test_a_missing_page_says_so_in_plain_english(page):
    response = page.goto("/no-such-page")

    assert response.status == 404
    assert page.title() == "Page not found – Small Sparks"
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator("main")).to_contain_text("If you typed the web address, check it is correct.")
    page_text = page.locator("body").inner_text()
    assert "404" not in page_text and "Not Found" not in page_text, "no server jargon"
    expect(page.get_by_role("link", name="Go to the home page")).to_have_attribute("href", "/")
    assert_accessible(page, "the page-not-found page")


def test_a_resident_who_opens_a_staff_page_is_told_they_cannot_see_it(page, live_server):
    sign_in_resident(page, live_server, live_server.add_resident())

    response = page.goto("/programme/neighbourhoods")

    assert response.status == 403
    assert page.title() == "You cannot see this page – Small Sparks"
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot see this page")
    expect(page.locator("main")).to_contain_text("Your account does not let you see this page.")
    expect(page.locator("main")).not_to_contain_text("Add a neighbourhood")
    assert "403" not in page.locator("body").inner_text()
    assert_accessible(page, "the you-cannot-see-this-page page")
