"""A programme officer sets up a neighbourhood and a pot on a phone, putting mistakes right on the same page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.domain.roles import Role
from tests.browser.conftest import assert_accessible, sign_in_staff, today_plus

pytestmark = pytest.mark.browser


def fill_date(page, legend, day):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def expect_values(page, values):
    for label, value in values.items():
        expect(page.get_by_label(label, exact=True)).to_have_value(value)


def test_a_programme_officer_adds_a_neighbourhood_and_a_pot(page, live_server):
    sign_in_staff(page, live_server.add_staff(Role.PROGRAMME_OFFICER))
    page.goto("/programme/neighbourhoods")
    expect(page.get_by_role("heading", level=1)).to_have_text("Neighbourhoods")
    assert_accessible(page, "the list of neighbourhoods")

    # A neighbourhood: an empty form first.
    page.get_by_role("link", name="Add a neighbourhood").click()
    page.wait_for_url("**/programme/neighbourhoods/new")
    expect(page.get_by_label("Show this neighbourhood to residents")).to_be_checked()
    assert_accessible(page, "the add-a-neighbourhood form")
    page.get_by_role("button", name="Save").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Enter the neighbourhood's name",
            "Enter a short description",
            "Enter the host organisation",
            "Enter how residents can reach the community builder",
        ]
    )
    expect(page.locator(".govuk-error-message")).to_have_count(4)  # each beside its own field
    expect(page.get_by_label("How many weeks does the panel usually take to decide?")).to_have_value("2")
    assert page.title().startswith("Error: Add a neighbourhood")
    assert_accessible(page, "the add-a-neighbourhood form with errors")

    name = live_server.unique("Meanwood")
    page.get_by_label("Name", exact=True).fill(f"  {name}  ")
    page.get_by_label("Short description", exact=True).fill("Streets around the park and the beck.")
    page.get_by_label("Host organisation").fill("Meanwood Community Centre")
    contact = "Bea at the library, 0113 496 0000, Tuesday mornings"
    page.get_by_label("How residents can reach the community builder", exact=True).fill(contact)
    page.get_by_label("How many weeks does the panel usually take to decide?").fill("3")
    page.get_by_role("button", name="Save").click()

    page.wait_for_url("**/programme/neighbourhoods")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"{name} has been saved.")
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()

    # A pot with a badly written amount and a most-per-idea larger than the budget: both explained at once.
    page.get_by_role("link", name=f"Add a pot to {name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Add a pot to {name}")
    assert_accessible(page, "the add-a-pot form")
    pot_name = live_server.unique("Spring sparks")
    opens_on, closes_on = today_plus(-1), today_plus(365)
    page.get_by_label("Name of the pot", exact=True).fill(pot_name)
    page.get_by_label("Budget").fill("1,000")
    page.get_by_label("Most one idea can get").fill("2,000")
    page.get_by_label("Fast-track limit").fill("12.345")
    fill_date(page, "Opens on", opens_on)
    fill_date(page, "Closes on", closes_on)
    page.get_by_label("Into a bank account").check()
    page.get_by_label("To the host organisation on a group's behalf").check()
    page.get_by_role("button", name="Save").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_text(
        [
            "The most one idea can get must not be more than the budget",
            "Enter an amount in pounds and pence, like 250 or 1,250.50",
        ]
    )
    expect(page.locator("#max_award-error")).to_contain_text("must not be more than the budget")
    expect(page.locator("#fast_track_limit-error")).to_contain_text("Enter an amount in pounds and pence")
    typed = {"Name of the pot": pot_name, "Budget": "1,000", "Most one idea can get": "2,000"}
    expect_values(page, {**typed, "Fast-track limit": "12.345"})
    expect(page.get_by_role("group", name="Opens on").get_by_label("Year")).to_have_value(str(opens_on.year))
    expect(page.get_by_label("Into a bank account")).to_be_checked()
    expect(page.get_by_label("To the host organisation on a group's behalf")).to_be_checked()
    expect(page.get_by_label("To a named person on a group's behalf")).not_to_be_checked()
    assert_accessible(page, "the add-a-pot form with a badly written amount")

    page.get_by_label("Fast-track limit").fill("0")
    page.get_by_role("button", name="Save").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_text(["The most one idea can get must not be more than the budget"])
    expect(page.locator("#max_award-error")).to_contain_text("must not be more than the budget")
    expect_values(page, {**typed, "Fast-track limit": "0"})
    assert_accessible(page, "the add-a-pot form with a most-per-idea larger than the budget")

    page.get_by_label("Budget").fill("£5,000")
    page.get_by_label("Most one idea can get").fill("500")
    page.get_by_role("button", name="Save").click()

    page.wait_for_url("**/programme/neighbourhoods")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"{pot_name} has been saved.")
    table = page.get_by_role("table", name=f"Pots in {name}")
    row = table.get_by_role("row").filter(has_text=pot_name)
    expect(row.get_by_role("cell")).to_have_text(
        [
            pot_name,
            "£5,000",
            "£500",
            f"{opens_on:%-d %b %Y} – {closes_on:%-d %b %Y}",  # dates as people write them, not 27/11/2026
            f"0 questions in {pot_name}",  # the pot's own questions: none yet
        ]
    )
    assert_accessible(page, "the list of neighbourhoods with the new pot")
    row.get_by_role("link", name=f"0 questions in {pot_name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Questions of your own for {pot_name}")
    expect(page.get_by_role("link", name="Add a question")).to_be_visible()
    page.go_back()

    # Residents now see it on the home page.
    page.goto("/")
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"{pot_name}: ask for up to £500.")
    expect(page.locator("main")).to_contain_text(f"{name}: {contact}")
