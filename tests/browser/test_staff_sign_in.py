"""Staff sign in on a phone with a password and then a one-time code, setting up the code at first sign-in."""

from __future__ import annotations

import pyotp
import pytest
from playwright.sync_api import expect

from portal.domain.roles import Role
from tests.browser.conftest import assert_accessible, code_the_server_refuses

pytestmark = pytest.mark.browser

CODE_LABEL = "Enter the 6-number code from your authenticator app"
WRONG_CODE = "That code is not right. Enter the code your app shows now."


def enter_password(page, email, password):
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Continue").click()


def enter_code(page, code):
    page.get_by_label(CODE_LABEL).fill(code)
    page.get_by_role("button", name="Continue").click()


def test_staff_sign_in_refuses_a_wrong_password_and_a_wrong_code_then_lets_the_right_ones_in(page, live_server):
    staff = live_server.add_staff(Role.FINANCE_OFFICER)
    page.goto("/staff/sign-in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff sign in")
    assert_accessible(page, "the staff sign-in page")

    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Show password").click()  # GOV.UK Frontend's password toggle
    expect(page.get_by_label("Password", exact=True)).to_have_attribute("type", "text")
    enter_password(page, staff.email, "not the password")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Your email address or password is not right")
    expect(page.locator("#password-error")).to_contain_text("Your email address or password is not right")
    expect(page.get_by_label("Email address")).to_have_value(staff.email)
    expect(page.get_by_label("Password", exact=True)).to_have_value("")  # a password is never sent back to the browser
    assert "not the password" not in page.content()
    assert page.title().startswith("Error: Staff sign in")
    assert_accessible(page, "the staff sign-in page with a wrong password")

    enter_password(page, staff.email, staff.password)

    page.wait_for_url("**/staff/enter-code")
    expect(page.get_by_role("heading", level=1)).to_have_text(CODE_LABEL)
    assert_accessible(page, "the one-time code page")
    page.goto("/account")
    assert "/sign-in" in page.url, "the password alone does not sign you in"
    page.goto("/staff/enter-code")

    wrong = staff.wrong_code()
    enter_code(page, wrong)

    expect(page.locator(".govuk-error-summary")).to_contain_text(WRONG_CODE)
    expect(page.locator("#code-error")).to_contain_text(WRONG_CODE)
    expect(page.get_by_label(CODE_LABEL)).to_have_value(wrong)
    assert_accessible(page, "the one-time code page with a wrong code")

    enter_code(page, staff.totp.now())

    page.wait_for_url("**/account")  # the page they asked for before signing in comes first
    main = page.locator("main")
    expect(main).to_contain_text(f"You are signed in as {staff.email}.")
    expect(main).to_contain_text("Prepare, authorise and record payments (finance officer)")


def test_a_first_time_staff_member_sets_up_their_authenticator_from_the_page(page, live_server):
    staff = live_server.add_staff(Role.PROGRAMME_OFFICER, with_code=False)
    page.goto("/staff/sign-in")
    enter_password(page, staff.email, staff.password)

    page.wait_for_url("**/staff/set-up-code")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    qr_code = page.get_by_role("img", name="QR code for your authenticator app")
    expect(qr_code).to_be_visible()
    expect(qr_code.locator("svg")).to_have_count(1)
    secret = page.locator("#secret").inner_text().strip()
    assert len(secret) >= 16 and secret.isalnum() and secret.isupper(), f"not a base32 key: {secret!r}"
    assert_accessible(page, "the authenticator set-up page")

    totp = pyotp.TOTP(secret)
    enter_code(page, code_the_server_refuses(totp))

    expect(page.locator(".govuk-error-summary")).to_contain_text(WRONG_CODE)
    assert page.locator("#secret").inner_text().strip() == secret, "the key stays the same until it is confirmed"
    expect(qr_code).to_be_visible()
    assert_accessible(page, "the authenticator set-up page with a wrong code")

    enter_code(page, totp.now())

    page.wait_for_url("**/programme/neighbourhoods")
    page.goto("/account")
    expect(page.locator("main")).to_contain_text(f"You are signed in as {staff.email}.")
    expect(page.locator("main")).to_contain_text("Set up neighbourhoods and pots (programme officer)")
