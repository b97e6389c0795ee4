"""Payments in a real browser: a resident says how to be paid (a bank account, or another way), and two finance
officers pay, at phone and desktop sizes, with axe-core on every page and error state."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from portal.domain.roles import Role
from tests.browser.conftest import assert_accessible, assert_fits_narrow_screen, sign_in_resident, sign_in_staff
from tests.browser.panel_helpers import add_member, add_panel, add_sent_idea

pytestmark = pytest.mark.browser

DESKTOP = {"viewport": {"width": 1280, "height": 900}, "is_mobile": False, "has_touch": False}
PHONE_360 = {"viewport": {"width": 360, "height": 740}}


def decided_and_accepted(live, name):
    """An idea the panel said yes to; returns (resident's email, the idea)."""
    from portal.accounts.services import get_user_by_email
    from portal.domain.decisions import DecisionKind
    from portal.panels.services import declare_interest, record_decision

    panel = add_panel(live)
    chair = add_member(live, panel, "Chris Chair", chair=True)
    resident = live.add_resident()
    idea = add_sent_idea(live, resident, panel, name, {"Bulbs": 12_000}, days_ago=3)
    with live.app.app_context():
        person = get_user_by_email(chair)
        declare_interest(idea.id, person, has_interest=False, note="")
        record_decision(idea.id, person, kind=DecisionKind.YES, reason="Lovely.")
    return resident, idea


def award_id_of(live, idea):
    from portal.awards.services import award_for

    with live.app.app_context():
        return award_for(idea.id).id


def payment_of(live, idea):
    from portal.extensions import db
    from portal.payments.work import payment_history

    with live.app.app_context():
        history = payment_history(award_id_of(live, idea))
        result = [(p.status, p.finance_reference) for p in history]
        db.session.remove()
        return result


def fill_paid_today(page):
    group = page.get_by_role("group", name="When was it paid?")
    today = date.today()
    group.get_by_label("Day").fill(str(today.day))
    group.get_by_label("Month").fill(str(today.month))
    group.get_by_label("Year").fill(str(today.year))


def expect_error(page, message):
    expect(page.locator(".govuk-error-summary")).to_contain_text(message)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_resident_gives_bank_details_and_two_officers_pay_the_award(new_page, live_server, size):
    options = PHONE_360 if size == "phone" else DESKTOP
    resident_email, idea = decided_and_accepted(live_server, live_server.unique("Bulbs for the verge"))

    resident = new_page(**options)
    sign_in_resident(resident, live_server, resident_email)
    resident.get_by_role("link", name=re.compile("Accept your award")).click()
    resident.get_by_role("button", name="Accept the award").click()
    expect(resident.get_by_role("heading", level=1)).to_have_text("How do you want to be paid?")
    assert_accessible(resident, "how do you want to be paid")
    resident.get_by_role("button", name="Continue").click()
    expect_error(resident, "Select how you want to be paid")
    assert_accessible(resident, "how do you want to be paid, nothing chosen")
    resident.get_by_label("Into my bank account").check()
    resident.get_by_role("button", name="Continue").click()
    expect(resident.get_by_role("heading", level=1)).to_have_text("Your bank details")
    assert_accessible(resident, "bank details")
    resident.get_by_label("Name on the account").fill("Rae Resident")
    resident.get_by_label("Sort code").fill("30 94 3")
    resident.get_by_label("Account number").fill("00733445")
    resident.get_by_role("button", name="Continue").click()
    expect_error(resident, "Enter a valid sort code like 309430")
    expect(resident.get_by_label("Account number")).to_have_value("00733445")
    assert_accessible(resident, "bank details with a short sort code")
    resident.get_by_label("Sort code").fill("30-94-30")
    resident.get_by_role("button", name="Continue").click()
    expect(resident.get_by_role("heading", level=1)).to_have_text("How you will be paid")
    expect(resident.locator("main")).to_contain_text("••••••45")
    expect(resident.locator("main")).not_to_contain_text("00733445")
    assert_accessible(resident, "how you will be paid")
    if size == "phone":
        assert_fits_narrow_screen(resident, "how you will be paid at 360 px")

    award_path = f"/finance/awards/{award_id_of(live_server, idea)}"
    officer_a = new_page(**options)
    sign_in_staff(officer_a, live_server.add_staff(Role.FINANCE_OFFICER))
    expect(officer_a.get_by_role("heading", level=1)).to_have_text("Payments")
    assert_accessible(officer_a, "the payments list")
    officer_a.get_by_role("link", name=idea.name).click()
    assert officer_a.url.endswith(award_path)
    assert_accessible(officer_a, "an award due payment")
    officer_a.get_by_role("button", name="Show the full bank details").click()
    expect(officer_a.locator("main")).to_contain_text("00733445")
    expect(officer_a.locator("main")).to_contain_text("This view has been recorded in the audit log.")
    officer_a.get_by_role("button", name="Prepare the payment").click()
    expect(officer_a.locator(".govuk-notification-banner")).to_contain_text("The payment has been prepared.")
    # Not allowed: they prepared it. The page says so instead of offering a button that can only be refused.
    expect(officer_a.get_by_role("button", name="Authorise the payment")).to_have_count(0)
    expect(officer_a.locator("main")).to_contain_text(
        "You prepared this payment, so another finance officer must authorise it."
    )
    assert_accessible(officer_a, "a prepared payment its preparer may not authorise")
    if size == "phone":
        assert_fits_narrow_screen(officer_a, "a prepared payment at 360 px")

    officer_b = new_page(**options)
    sign_in_staff(officer_b, live_server.add_staff(Role.FINANCE_OFFICER))
    officer_b.goto(award_path)
    officer_b.get_by_role("button", name="Authorise the payment").click()
    expect(officer_b.locator(".govuk-notification-banner")).to_contain_text("The payment has been authorised.")
    officer_b.get_by_role("button", name="Record as paid").click()
    expect_error(officer_b, "Enter the date it was paid")
    assert_accessible(officer_b, "recording a payment, with nothing filled in")
    fill_paid_today(officer_b)
    officer_b.get_by_label("Reference in the finance system").fill("BACS-2026-001")
    officer_b.get_by_role("button", name="Record as paid").click()
    expect(officer_b.locator("main")).to_contain_text("finance system reference BACS-2026-001")
    assert payment_of(live_server, idea) == [("paid", "BACS-2026-001")]

    resident.goto("/ideas")
    expect(resident.locator(".govuk-summary-card").filter(has_text=idea.name)).to_contain_text("Paid")


def test_a_resident_without_a_bank_account_chooses_another_way(new_page, live_server):
    resident_email, idea = decided_and_accepted(live_server, live_server.unique("Knit and natter"))
    page = new_page(**PHONE_360)
    sign_in_resident(page, live_server, resident_email)
    page.goto(f"/ideas/{idea.id}/award")
    page.get_by_role("button", name="Accept the award").click()
    page.get_by_label("Another way, such as a prepaid card").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What would work for you? (optional)")
    assert_accessible(page, "another way to be paid")
    page.get_by_label("What would work for you? (optional)").fill("A prepaid card, please")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("main")).to_contain_text("A prepaid card, please")
    assert_fits_narrow_screen(page, "how you will be paid, another way, at 360 px")


def awards_due(live, count):
    """`count` accepted awards with bank details, due payment; returns the ideas."""
    from portal.accounts.services import get_user_by_email
    from portal.domain.roles import PaymentMethod
    from portal.payments.services import BankDetails, save_payee_details

    ideas = []
    for n in range(count):
        resident_email, idea = decided_and_accepted(live, live.unique(f"Garden {n}"))
        with live.app.app_context():
            from portal.awards.services import accept_award

            resident = get_user_by_email(resident_email)
            accept_award(idea.id, resident)
            save_payee_details(
                idea.id,
                resident,
                PaymentMethod.BANK_TRANSFER,
                bank=BankDetails("Rae Resident", "309430", f"1234567{n}"),
            )
        ideas.append(idea)
    return ideas


def download(page, link_name):
    with page.expect_download() as made:
        page.get_by_role("link", name=link_name).click()
    return made.value.suggested_filename, made.value.path().read_bytes()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_one_officer_prepares_a_run_another_authorises_it_and_the_files_download(new_page, live_server, size):
    import csv
    import io

    from pypdf import PdfReader

    options = PHONE_360 if size == "phone" else DESKTOP
    ideas = awards_due(live_server, 2)

    officer_a = new_page(**options)
    sign_in_staff(officer_a, live_server.add_staff(Role.FINANCE_OFFICER))
    officer_a.get_by_role("link", name="Put due payments in a run").click()
    expect(officer_a.get_by_role("heading", level=1)).to_have_text("Put due payments in a run")
    officer_a.get_by_role("button", name="Prepare these payments as a run").click()
    expect_error(officer_a, "Select at least one payment for the run")
    assert_accessible(officer_a, "a new run with nothing chosen")
    for idea in ideas:
        officer_a.get_by_label(re.compile(re.escape(idea.name))).check()
    officer_a.get_by_role("button", name="Prepare these payments as a run").click()
    expect(officer_a.locator(".govuk-notification-banner")).to_contain_text(
        "Another finance officer must now authorise it."
    )
    run_url = officer_a.url
    expect(officer_a.get_by_role("button", name="Authorise the run")).to_have_count(0)  # they prepared it
    expect(officer_a.locator(".govuk-inset-text")).to_contain_text("You prepared this run")
    assert_accessible(officer_a, "a run its preparer may not authorise")
    if size == "phone":
        assert_fits_narrow_screen(officer_a, "a payment run at 360 px")

    officer_b = new_page(**options)
    sign_in_staff(officer_b, live_server.add_staff(Role.FINANCE_OFFICER))
    officer_b.goto(run_url)
    officer_b.get_by_role("button", name="Authorise the run").click()
    expect(officer_b.locator(".govuk-notification-banner")).to_contain_text("The run has been authorised.")
    assert_accessible(officer_b, "an authorised run")

    officer_b.get_by_label("The payment schedule (PDF), bank details masked").check()
    officer_b.get_by_role("button", name="Make the file").click()
    expect(officer_b.get_by_role("heading", level=1)).to_have_text("Payment schedule (PDF)")
    expect(officer_b.locator("main")).to_contain_text("The file is ready.")  # the job has run
    assert_accessible(officer_b, "a file that is ready")
    name, content = download(officer_b, "Download the file")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert name.endswith("-schedule.pdf") and "••••••" in text and "12345670" not in text

    officer_b.goto(run_url)
    officer_b.get_by_label("A CSV file for the finance system, bank details in full").check()
    officer_b.get_by_role("button", name="Make the file").click()
    name, content = download(officer_b, "Download the file")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert name.endswith(".csv") and {row["account_number"] for row in rows} == {"12345670", "12345671"}

    officer_b.goto(run_url)
    fill_paid_today(officer_b)
    officer_b.get_by_label("Reference in the finance system").fill("BACS-RUN-7")
    officer_b.get_by_role("button", name="Record the run as paid").click()
    expect(officer_b.locator(".govuk-notification-banner")).to_contain_text("recorded as paid")
    for idea in ideas:
        assert payment_of(live_server, idea) == [("paid", "BACS-RUN-7")]
