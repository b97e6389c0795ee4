"""A resident with a mobile phone and no email address, at 360 px, with JavaScript on and off: signs in by a texted
code, sends an idea, signs out, comes back by another texted code, hears the panel's decision by text, accepts the
award, says how to be paid, and hears by text that it is paid. axe checks every page on the way."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from portal.domain.roles import Role
from tests.browser.conftest import (
    IdeaAnswers,
    answer_every_question,
    assert_accessible,
    assert_fits_narrow_screen,
    signed_in,
)
from tests.browser.panel_helpers import add_member, add_panel

pytestmark = pytest.mark.browser

PHONE_360 = {"viewport": {"width": 360, "height": 740}}


def heading(page):
    return page.get_by_role("heading", level=1)


def sign_in_by_text(page, live, mobile: str, *, first_time: bool) -> None:
    """The sign-in page's one box takes the number; the code comes by text."""
    page.goto("/sign-in")
    if first_time:
        assert_accessible(page, "the sign-in page")
    page.get_by_label("What is your email address or mobile number?").fill(mobile)
    page.get_by_role("button", name="Continue").click()
    expect(heading(page)).to_have_text("Check your phone")
    expect(page.locator("main")).to_contain_text(mobile)
    if first_time:
        assert_accessible(page, "check your phone")
        assert_fits_narrow_screen(page, "check your phone at 360 px")
        page.get_by_label("Enter the code from the text").fill("000000")
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("That code is not right")
        assert_accessible(page, "check your phone, with a wrong code")
    code = re.match(r"^(\d{6}) is your Small Sparks sign-in code", live.texts_to(mobile)[-1]).group(1)
    page.get_by_label("Enter the code from the text").fill(code)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(signed_in)


def decide_yes(live, panel, chair_email: str, idea_id: int) -> None:
    from portal.accounts.services import get_user_by_email
    from portal.domain.decisions import DecisionKind
    from portal.panels.services import declare_interest, record_decision

    with live.app.app_context():
        chair = get_user_by_email(chair_email)
        declare_interest(idea_id, chair, has_interest=False, note="")
        record_decision(idea_id, chair, kind=DecisionKind.YES, reason="A lovely idea for the street.")


def pay(live, idea_id: int) -> None:
    """Two finance officers prepare, authorise and record the payment (their pages are tested elsewhere)."""
    from portal.accounts.services import get_user_by_email
    from portal.awards.services import award_for
    from portal.payments.services import authorise_payment, prepare_payment, record_paid

    first, second = (live.add_staff(Role.FINANCE_OFFICER).email for _ in range(2))
    with live.app.app_context():
        award = award_for(idea_id)
        payment = prepare_payment(award.id, get_user_by_email(first))
        authorise_payment(payment.id, get_user_by_email(second))
        record_paid(payment.id, get_user_by_email(second), paid_on=date.today(), finance_reference="BACS-TEXT-1")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_a_resident_with_only_a_mobile_applies_hears_by_text_and_is_paid(new_page, live_server, javascript):
    panel = add_panel(live_server)
    chair = add_member(live_server, panel, "Chris Chair", chair=True)
    mobile = live_server.new_mobile()
    page = new_page(java_script_enabled=javascript, **PHONE_360)

    sign_in_by_text(page, live_server, mobile, first_time=True)
    page.goto("/account")
    expect(page.locator("main")).to_contain_text(f"You are signed in with the mobile number {mobile}.")
    expect(page.locator("main")).to_contain_text("By text message")
    assert_accessible(page, "your account, mobile only")
    assert_fits_narrow_screen(page, "your account at 360 px")

    # The idea, sent: its contact page offers texts and no email.
    page.goto("/")
    page.get_by_role("link", name=panel.name, exact=True).click()
    page.get_by_role("button", name=f"Start now – {panel.pot_name}").click()
    page.get_by_role("button", name="Start", exact=True).click()
    idea_name = live_server.unique("Street piano")

    def on_page(title: str) -> None:
        if title == "How can we reach you?":
            expect(page.get_by_label("By email")).to_have_count(0)
            assert_accessible(page, "how can we reach you, mobile only")
            page.get_by_label("Your name").fill("Rae Resident")  # nobody has told us it yet

    answer_every_question(page, IdeaAnswers(idea_name=idea_name, contact_method="By text message"), on_page)
    expect(page.locator("main")).to_contain_text("By text message")
    page.get_by_label("This is my idea.").check()
    page.get_by_role("button", name="Send your idea").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Your idea has been sent")
    expect(page.locator("main")).to_contain_text("We have sent you a text with your reference.")
    assert_accessible(page, "your idea has been sent, by text")
    reference = page.locator(".govuk-panel__body strong").inner_text().strip()
    assert any(f"we have your idea {reference}" in text for text in live_server.texts_to(mobile))
    idea_id = int(re.search(r"/ideas/(\d+)/sent", page.url).group(1))

    # Signed out, and back by a new texted code.
    if javascript:  # on a phone the navigation folds behind "Menu"
        page.get_by_role("button", name="Menu").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have signed out.")
    sign_in_by_text(page, live_server, mobile, first_time=False)

    # The panel says yes: the news comes by text; the award is accepted and the bank details given.
    decide_yes(live_server, panel, chair, idea_id)
    assert f"good news, your idea {reference} can have £45" in live_server.texts_to(mobile)[-1]
    page.goto("/ideas")
    page.get_by_role("link", name=re.compile("Accept your award")).click()
    page.get_by_role("button", name="Accept the award").click()
    expect(heading(page)).to_have_text("How do you want to be paid?")
    page.get_by_label("Into my bank account").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Name on the account").fill("Rae Resident")
    page.get_by_label("Sort code").fill("30-94-30")
    page.get_by_label("Account number").fill("00733445")
    page.get_by_role("button", name="Continue").click()
    expect(heading(page)).to_have_text("How you will be paid")
    assert_accessible(page, "how you will be paid, mobile only")

    # Paid: the invitation to tell the story comes by text, and the idea says so.
    pay(live_server, idea_id)
    assert f"we have paid your award for idea {reference}" in live_server.texts_to(mobile)[-1]
    page.goto("/ideas")
    expect(page.locator(".govuk-summary-card").filter(has_text=idea_name)).to_contain_text("Paid")
    assert_accessible(page, "your ideas, paid")
    assert_fits_narrow_screen(page, "your ideas at 360 px")
