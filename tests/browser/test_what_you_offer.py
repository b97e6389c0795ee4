"""What a resident offers their neighbours, and the programme's log of changes to how institutions work, in a
browser at 360 px: a resident shares what they offer from "Your account" (error state first) and stops sharing; the
neighbourhood's community builder reads it with the interests people share and names a connector; a programme
officer adds to the log. axe checks every page; the resident's page reads in Welsh and Arabic."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.domain.roles import Role
from tests.browser.conftest import assert_accessible, assert_fits_narrow_screen, sign_in_resident, sign_in_staff
from tests.browser.panel_helpers import add_panel
from tests.browser.test_mobile_only import PHONE_360, heading
from tests.browser.test_reach_pages import in_language, switch_language
from tests.browser.test_whats_here import a_community_builder, panel_slug, working_in

pytestmark = pytest.mark.browser


def profile_of(live, email: str):
    from portal.accounts.services import get_user_by_email
    from portal.assetmap.models import ResidentProfile
    from portal.extensions import db

    with live.app.app_context():
        found = db.session.get(ResidentProfile, get_user_by_email(email).id)
        return None if found is None else (found.can_do, list(found.interests))


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_a_resident_shares_what_they_offer_and_their_builder_sees_it(new_page, live_server, javascript):
    panel = add_panel(live_server)
    slug = panel_slug(live_server, panel)
    email = live_server.add_resident()
    page = new_page(java_script_enabled=javascript, **PHONE_360)
    sign_in_resident(page, live_server, email)
    page.goto("/account")
    page.get_by_role(
        "link", name="Tell your community builders what you know, can do and care about (optional)"
    ).click()
    expect(heading(page)).to_have_text("What you can offer your neighbours")
    assert_accessible(page, "what you can offer")
    assert_fits_narrow_screen(page, "what you can offer at 360 px")

    page.get_by_label("What can you do? (optional)").fill("Fix bikes and teach others")
    page.get_by_label("Your interests (optional)").fill("Cycling, gardening")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose your neighbourhood")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Tick the box to share this")
    expect(page.get_by_label("What can you do? (optional)")).to_have_value("Fix bikes and teach others")
    assert_accessible(page, "what you can offer, with errors")
    assert profile_of(live_server, email) is None

    page.get_by_label(panel.name, exact=True).check()
    page.get_by_label("My neighbourhood's community builders may see this", exact=False).check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your community builders can see what you offer."
    )
    assert profile_of(live_server, email) == ("Fix bikes and teach others", ["cycling", "gardening"])

    builder_name = live_server.unique("Bea Builder")
    builder = a_community_builder(live_server, builder_name)
    working_in(live_server, builder, panel.neighbourhood_id)
    keeper = new_page(java_script_enabled=javascript, **PHONE_360)
    sign_in_staff(keeper, builder)
    keeper.goto(f"/neighbourhoods/{slug}/whats-here")
    keeper.get_by_role("link", name="What people here offer (only you can see this)").click()
    expect(heading(keeper)).to_have_text(f"What people in {panel.name} offer")
    expect(keeper.locator("main")).to_contain_text("Fix bikes and teach others")
    expect(keeper.locator("main")).to_contain_text("cycling, gardening")
    assert_accessible(keeper, "what people here offer")
    assert_fits_narrow_screen(keeper, "what people here offer at 360 px")
    keeper.get_by_label("Name a connector: their email address").fill(email)
    keeper.get_by_role("button", name="Name them a connector").click()
    expect(keeper.locator(".govuk-notification-banner")).to_contain_text("is a connector for")

    page.goto("/account/what-you-offer")
    page.get_by_role("button", name="Stop sharing what I offer").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have stopped sharing what you offer.")
    assert profile_of(live_server, email) is None


def test_what_you_can_offer_reads_in_welsh_and_arabic(new_page, live_server):
    add_panel(live_server)
    page = new_page(**PHONE_360)
    sign_in_resident(page, live_server, live_server.add_resident())
    page.goto("/account/what-you-offer")
    for language in ("cy", "ar"):
        switch_language(page, live_server, language)
        title = in_language(live_server, language, "What you can offer your neighbours")
        assert title != "What you can offer your neighbours"
        expect(heading(page)).to_have_text(title)
        assert_accessible(page, f"what you can offer in {language}")
        assert_fits_narrow_screen(page, f"what you can offer in {language} at 360 px")


def test_a_programme_officer_adds_a_change_to_how_institutions_work(new_page, live_server):
    page = new_page(**PHONE_360)
    sign_in_staff(page, live_server.add_staff(Role.PROGRAMME_OFFICER))
    page.goto("/insight")
    page.get_by_role("link", name="Changes to how institutions work").click()
    expect(heading(page)).to_have_text("Changes to how institutions work")
    page.get_by_role("button", name="Add to the log").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say what changed")
    assert_accessible(page, "the log, with errors")
    what = live_server.unique("The library opens on Saturdays")
    page.get_by_label("What changed?").fill(what)
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Add to the log").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The change has been added to the log.")
    expect(page.locator("main")).to_contain_text(what)
    assert_accessible(page, "the log")
    assert_fits_narrow_screen(page, "the log at 360 px")
