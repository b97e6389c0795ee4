"""A resident signs in on a phone with the emailed link or the emailed code, with and without JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"


def ask_for_a_link(page, email):
    page.get_by_label("What is your email address or mobile number?").fill(email)
    page.get_by_role("button", name="Continue").click()


def test_a_resident_signs_in_with_the_emailed_link(page, live_server):
    email = live_server.new_email("resident")
    page.goto("/sign-in")
    assert page.title() == "Sign in – Small Sparks"
    assert_accessible(page, "the sign-in page")

    ask_for_a_link(page, "not-an-email")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()  # GOV.UK Frontend's script moves focus to the summary
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link", name=EMAIL_FORMAT)).to_have_attribute("href", "#email")
    expect(page.locator("#email-error")).to_contain_text(EMAIL_FORMAT)
    expect(page.get_by_label("What is your email address or mobile number?")).to_have_value("not-an-email")
    assert page.title().startswith("Error: Sign in")
    assert live_server.emails_to("not-an-email") == []
    assert_accessible(page, "the sign-in page with an error")

    page.get_by_label("What is your email address or mobile number?").fill(email.upper())
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url("**/sign-in/check-your-email")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.locator("main")).to_contain_text(f"We have sent a link to {email}.")
    assert_accessible(page, "the check-your-email page")

    sent = live_server.sign_in_email(email)
    assert sent.subject == "Your link to sign in to Small Sparks"
    page.goto(sent.link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Small Sparks")
    assert_accessible(page, "the page that confirms a sign-in link")
    page.get_by_role("button", name="Sign in").click()

    # A resident lands where their work is: their ideas (none yet, so a way to find a neighbourhood).
    page.wait_for_url("**/ideas")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your ideas")
    expect(page.get_by_role("link", name="Find a neighbourhood taking ideas")).to_be_visible()
    # On a phone the navigation folds behind a "Menu" button.
    sign_out = page.get_by_role("button", name="Sign out")
    expect(sign_out).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    expect(sign_out).to_be_visible()
    assert_accessible(page, "the resident's ideas with the menu open")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your account").click()
    expect(page.locator("main")).to_contain_text(f"You are signed in as {email}.")
    expect(page.get_by_role("link", name="Share your ideas for small sparks")).to_have_attribute("href", "/ideas")
    assert_accessible(page, "the account page")

    page.goto(sent.link)
    expect(page.locator("main")).to_contain_text("That sign-in link has already been used. Ask for a new one.")
    assert_accessible(page, "the page for a used sign-in link")


def test_a_resident_signs_in_with_the_emailed_code_after_a_wrong_one(page, live_server):
    email = live_server.add_resident()
    page.goto("/sign-in")
    ask_for_a_link(page, email)
    page.wait_for_url("**/sign-in/check-your-email")
    code = live_server.sign_in_email(email).code
    wrong = next(candidate for candidate in ("123456", "654321") if candidate != code)

    page.get_by_label("Enter the code from the email").fill(wrong)
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("That code is not right. Check the email and try again.")
    expect(page.locator("#code-error")).to_contain_text("That code is not right")
    expect(page.get_by_label("Enter the code from the email")).to_have_value(wrong)
    assert page.title().startswith("Error: Check your email")
    assert_accessible(page, "the check-your-email page with a wrong code")

    page.get_by_label("Enter the code from the email").fill(f"{code[:3]} {code[3:]}")  # as people copy it
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url("**/ideas")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your ideas")


def test_a_resident_signs_in_without_javascript(new_page, live_server):
    page = new_page(java_script_enabled=False)
    email = live_server.new_email("no-script")
    page.goto("/sign-in")
    assert "js-enabled" not in (page.locator("body").get_attribute("class") or ""), "JavaScript must be off"

    ask_for_a_link(page, "still not an email")
    expect(page.locator(".govuk-error-summary")).to_contain_text(EMAIL_FORMAT)
    expect(page.get_by_label("What is your email address or mobile number?")).to_have_value("still not an email")

    page.get_by_label("What is your email address or mobile number?").fill(email)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/sign-in/check-your-email")

    # Read the email as a newcomer would: on the development outbox page, following the link it shows.
    page.goto("/dev/outbox")
    message = page.locator(".govuk-summary-card").filter(has_text=f"To {email}")
    expect(message).to_have_count(1)
    message.get_by_role("link", name=live_server.url + "/sign-in/link/").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Small Sparks")
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url("**/ideas")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your ideas")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(live_server.url + "/")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have signed out.")
    page.goto("/account")
    assert page.url.startswith(live_server.url + "/sign-in"), "after signing out, the account page asks you to sign in"
