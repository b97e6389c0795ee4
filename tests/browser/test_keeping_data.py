"""Keeping personal data only as long as needed, in a browser at 360 px: a programme officer sets how long each kind
of personal data is kept (first typing months the form refuses, with JavaScript on and off) and erases a resident
who asked, found by their email address; a resident makes a copy of everything the portal holds about them and
downloads it as a PDF and as JSON, with JavaScript on and off, bank details masked; the pages read in Welsh and
Arabic. axe checks every page, happy and in error, and nothing is too wide for the phone."""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from portal.domain.roles import Role
from tests.browser.conftest import (
    assert_accessible,
    assert_fits_narrow_screen,
    download_pdf,
    sign_in_resident,
    sign_in_staff,
)
from tests.browser.panel_helpers import add_panel, add_sent_idea
from tests.browser.test_application_journey import expect_errors
from tests.browser.test_mobile_only import PHONE_360, heading
from tests.browser.test_reach_pages import in_language, switch_language
from tests.browser.test_stories import paid_award

pytestmark = pytest.mark.browser

# The four rules, by their labels, in the order the page shows them, with the months a new programme starts with.
NOT_FUNDED = "Ideas not funded: months before the contact details go"
BANK_DETAILS = "Bank details: months after the payment before they go"
PRIVATE_STORIES = "Stories only the programme may see: months before their words and photos go"
SIGN_IN = "Sign-in links and codes: months before they go"
DEFAULT_MONTHS = {NOT_FUNDED: "12", BANK_DETAILS: "6", PRIVATE_STORIES: "36", SIGN_IN: "3"}
BETWEEN = "Enter a number of months between 1 and 120"
LIKE_12 = "Enter a number of months, like 12"

# What paid_award (tests/browser/test_stories.py) gave as the resident's bank account.
ACCOUNT_NUMBER = "00733445"
SORT_CODES = ("309430", "30-94-30", "30 94 30")


# Seeding and reading the live server's database ---------------------------------------------------------------


def rules_back_to_the_defaults(live) -> None:
    """No rules saved, as on a new programme (the database is shared by the whole session, and this file saves
    rules)."""
    from portal.extensions import db
    from portal.retention.models import RetentionRules

    with live.app.app_context():
        db.session.execute(sa.delete(RetentionRules))
        db.session.commit()


def rules_now(live) -> dict[str, int]:
    from dataclasses import asdict

    from portal.retention.rules import current_rules

    with live.app.app_context():
        return asdict(current_rules())


def a_resident_with_a_draft_and_a_sent_idea(live) -> tuple[str, str, int, int]:
    """A resident (with a name no other test uses) with one draft idea and one idea sent and waiting for the panel;
    returns their email address, name, the draft's id and the sent idea's id."""
    from portal.accounts.services import get_user_by_email
    from portal.extensions import db

    email = live.add_resident()
    name = live.unique("Rowan Resident")
    with live.app.app_context():
        get_user_by_email(email).name = name
        db.session.commit()
    draft_id = live.add_draft(
        email,
        live.add_open_pot(),
        {"applicant_type": "just_me", "idea_name": live.unique("Seed library")},
        {"Seed packets": 1_500},
    )
    sent = add_sent_idea(live, email, add_panel(live), live.unique("Street party"), {"Bunting": 4_500}, days_ago=2)
    return email, name, draft_id, sent.id


def user_id_of(live, email: str) -> int:
    from portal.accounts.services import get_user_by_email

    with live.app.app_context():
        return get_user_by_email(email).id


def account_of(live, user_id: int) -> dict:
    """What the database holds now of the person's account, and of their ideas."""
    from portal.accounts.models import User
    from portal.applications.models import Application
    from portal.extensions import db

    with live.app.app_context():
        user = db.session.get(User, user_id)
        ideas = db.session.execute(sa.select(Application).where(Application.applicant_id == user_id)).scalars()
        return {
            "name": user.name,
            "email": user.email,
            "erased": user.erased_at is not None,
            "ideas": {idea.id: (idea.status, idea.idea_name, idea.contact_name) for idea in ideas},
        }


def month_fields(page) -> dict[str, object]:
    return {label: page.get_by_label(label, exact=True) for label in DEFAULT_MONTHS}


def fill_months(page, months: dict[str, str]) -> None:
    for label, value in months.items():
        page.get_by_label(label, exact=True).fill(value)


def banner(page):
    return page.locator(".govuk-notification-banner")


# 1. The rules ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_an_officer_changes_how_long_personal_data_is_kept(new_page, live_server, javascript):
    rules_back_to_the_defaults(live_server)
    page = new_page(java_script_enabled=javascript, **PHONE_360)
    sign_in_staff(page, live_server.add_staff(Role.PROGRAMME_OFFICER))

    page.goto("/programme/neighbourhoods")
    page.get_by_role("link", name="How long we keep personal data", exact=True).click()
    page.wait_for_url("**/programme/keeping-data")
    expect(heading(page)).to_have_text("How long we keep personal data")
    for label, field in month_fields(page).items():
        expect(field).to_have_value(DEFAULT_MONTHS[label])
    expect(page.locator("main")).to_contain_text("Drafts nobody came back to are removed after")
    expect(page.get_by_role("link", name="Back", exact=True)).to_have_attribute(
        "href", re.compile(r"/programme/neighbourhoods$")
    )
    assert_accessible(page, "how long we keep personal data")
    assert_fits_narrow_screen(page, "how long we keep personal data at 360 px")

    # Each kind of wrong answer: nothing, too few, words, too many. Each is named beside its own box.
    fill_months(page, {NOT_FUNDED: "", BANK_DETAILS: "0", PRIVATE_STORIES: "twelve", SIGN_IN: "121"})
    page.get_by_role("button", name="Save", exact=True).click()
    expect_errors(page, [LIKE_12, BETWEEN, LIKE_12, BETWEEN], javascript=javascript)  # words: say what a number is
    assert page.url.endswith("/programme/keeping-data"), page.url
    # What was typed stays, to be put right.
    expect(page.get_by_label(PRIVATE_STORIES, exact=True)).to_have_value("twelve")
    expect(page.get_by_label(SIGN_IN, exact=True)).to_have_value("121")
    assert rules_now(live_server) == {
        "not_funded_months": 12,
        "bank_details_months": 6,
        "private_story_months": 36,
        "sign_in_months": 3,
    }
    assert_accessible(page, "how long we keep personal data, with errors")
    assert_fits_narrow_screen(page, "how long we keep personal data with errors at 360 px")

    fill_months(page, {NOT_FUNDED: "24", BANK_DETAILS: " 6 ", PRIVATE_STORIES: "120", SIGN_IN: "1"})
    page.get_by_role("button", name="Save", exact=True).click()
    expect(banner(page)).to_contain_text("The rules have been saved. Tonight's run uses them.")
    assert page.url.endswith("/programme/keeping-data"), page.url
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    for label, value in {NOT_FUNDED: "24", BANK_DETAILS: "6", PRIVATE_STORIES: "120", SIGN_IN: "1"}.items():
        expect(page.get_by_label(label, exact=True)).to_have_value(value)
    assert rules_now(live_server) == {
        "not_funded_months": 24,
        "bank_details_months": 6,
        "private_story_months": 120,
        "sign_in_months": 1,
    }
    assert_accessible(page, "how long we keep personal data, saved")
    assert_fits_narrow_screen(page, "how long we keep personal data, saved, at 360 px")
    rules_back_to_the_defaults(live_server)


# 2. Erasing a resident ------------------------------------------------------------------------------------------


def test_an_officer_erases_a_resident_found_by_email(new_page, live_server):
    email, name, draft_id, sent_id = a_resident_with_a_draft_and_a_sent_idea(live_server)
    user_id = user_id_of(live_server, email)
    page = new_page(**PHONE_360)
    sign_in_staff(page, live_server.add_staff(Role.PROGRAMME_OFFICER))

    page.goto("/programme/keeping-data")
    page.get_by_role("link", name="Erase a resident who asks", exact=True).click()
    page.wait_for_url("**/programme/erase-a-resident")
    expect(heading(page)).to_have_text("Erase a resident who asks")
    expect(page.get_by_role("link", name="Back", exact=True)).to_have_attribute(
        "href", re.compile(r"/programme/keeping-data$")
    )
    assert_accessible(page, "erase a resident who asks")
    assert_fits_narrow_screen(page, "erase a resident who asks at 360 px")

    who = page.get_by_label("Their email address or mobile number", exact=True)
    page.get_by_role("button", name="Find them", exact=True).click()
    expect_errors(page, ["Enter their email address or mobile number"], javascript=True)
    assert_accessible(page, "erase a resident who asks, nothing typed")

    unknown = live_server.new_email("nobody")
    who.fill(unknown)
    page.get_by_role("button", name="Find them", exact=True).click()
    expect_errors(page, ["We cannot find a resident with that email address or mobile number"], javascript=True)
    expect(who).to_have_value(unknown)
    assert_accessible(page, "erase a resident who asks, nobody found")
    assert_fits_narrow_screen(page, "erase a resident who asks, nobody found, at 360 px")

    # Typed as an officer might copy it from an email: capitals and a space at the end.
    who.fill(f"{email.upper()} ")
    page.get_by_role("button", name="Find them", exact=True).click()
    page.wait_for_url(f"**/programme/erase-a-resident/{user_id}")
    expect(heading(page)).to_have_text(f"Erase {name}?")
    main = page.locator("main")
    expect(main.get_by_role("heading", name="What goes", exact=True)).to_be_visible()
    expect(main.get_by_role("heading", name="What we must keep", exact=True)).to_be_visible()
    expect(main).to_contain_text("1 idea not sent yet")
    expect(main).to_contain_text("The words of 1 idea they sent, and its contact details")
    expect(main).to_contain_text("Nothing that names them.")
    expect(main).to_contain_text("We tell them what we kept and why")
    confirm = page.get_by_label("They asked us to erase them, and we have checked it is them", exact=True)
    expect(confirm).not_to_be_checked()
    erase = page.get_by_role("button", name="Erase this resident", exact=True)
    expect(erase).to_have_class(re.compile(r"\bgovuk-button--warning\b"))  # red
    expect(page.get_by_role("link", name="Cancel", exact=True)).to_have_attribute(
        "href", re.compile(r"/programme/erase-a-resident$")
    )
    assert_accessible(page, "erase this resident?")
    assert_fits_narrow_screen(page, "erase this resident? at 360 px")

    # Not confirmed: nothing happens.
    erase.click()
    expect_errors(page, ["Confirm they asked, and that you checked it is them"], javascript=True)
    assert page.url.endswith(f"/programme/erase-a-resident/{user_id}"), page.url
    expect(heading(page)).to_have_text(f"Erase {name}?")
    assert account_of(live_server, user_id)["erased"] is False
    assert_accessible(page, "erase this resident?, not confirmed")
    assert_fits_narrow_screen(page, "erase this resident?, not confirmed, at 360 px")

    page.get_by_label("They asked us to erase them, and we have checked it is them", exact=True).check()
    page.get_by_role("button", name="Erase this resident", exact=True).click()
    page.wait_for_url("**/programme/erase-a-resident")
    expect(banner(page)).to_contain_text("The resident has been erased. We have told them what we kept and why.")
    expect(heading(page)).to_have_text("Erase a resident who asks")
    expect(page.get_by_label("Their email address or mobile number", exact=True)).to_have_value("")
    assert_accessible(page, "erase a resident who asks, after erasing one")
    assert_fits_narrow_screen(page, "erase a resident who asks, after erasing one, at 360 px")

    # In the database: the account has no name or email, the draft is gone, the sent idea is withdrawn and wordless.
    account = account_of(live_server, user_id)
    assert account["erased"] is True
    assert account["email"] is None
    assert account["name"] == ""
    assert draft_id not in account["ideas"]
    assert account["ideas"][sent_id] == ("withdrawn", "", None)
    assert [subject for subject, _ in live_server.emails_to(email)][-1] == "We have erased what we held about you"

    # Erased, they cannot be found again, and the old page sends the officer back.
    page.get_by_label("Their email address or mobile number", exact=True).fill(email)
    page.get_by_role("button", name="Find them", exact=True).click()
    expect_errors(page, ["We cannot find a resident with that email address or mobile number"], javascript=True)
    page.goto(f"/programme/erase-a-resident/{user_id}")
    page.wait_for_url("**/programme/erase-a-resident")
    expect(banner(page)).to_contain_text("This resident has already been erased.")
    assert_accessible(page, "erase a resident who asks, already erased")


# 3. A copy of your data -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_a_resident_makes_and_downloads_a_copy_of_their_data(new_page, live_server, javascript):
    paid = paid_award(live_server, live_server.unique("Bulbs for the verge"))
    email = paid.resident_email
    page = new_page(java_script_enabled=javascript, **PHONE_360)
    sign_in_resident(page, live_server, email)

    page.goto("/account")
    expect(heading(page)).to_have_text("Your account")
    page.get_by_role("link", name="Download everything we hold about you", exact=True).click()
    page.wait_for_url("**/account/your-data")
    expect(heading(page)).to_have_text("Your data")
    expect(page.locator("main")).to_contain_text("We show only the last two digits of a bank account.")
    expect(page.get_by_role("heading", name="Copies you made")).to_have_count(0)
    expect(page.get_by_role("link", name="Back", exact=True)).to_have_attribute("href", re.compile(r"/account$"))
    assert_accessible(page, "your data")
    assert_fits_narrow_screen(page, "your data at 360 px")

    page.get_by_role("button", name="Make a copy of my data", exact=True).click()
    page.wait_for_url(re.compile(r"/account/your-data/\d+$"))
    copy_url = page.url
    expect(heading(page)).to_have_text("A copy of your data")
    # The live server runs background jobs at once, after the request commits: the copy is ready when the page opens.
    expect(page.locator("main")).to_contain_text("Your copy is ready.")
    expect(page.get_by_role("button", name="Check again")).to_have_count(0)
    assert_accessible(page, "a copy of your data, ready")
    assert_fits_narrow_screen(page, "a copy of your data, ready, at 360 px")

    name, text = download_pdf(page, "Download it to read (PDF)")
    assert name == "your-small-sparks-data.pdf", name
    assert "Everything we hold about you" in text, text[:500]
    assert "Rae Resident" in text, f"the PDF does not name the resident:\n{text[:800]}"
    assert paid.idea.reference in text, f"the PDF does not show the idea {paid.idea.reference}:\n{text[:800]}"
    assert ACCOUNT_NUMBER not in text

    with page.expect_download() as made:
        page.get_by_role("link", name="Download it for other systems (JSON)", exact=True).click()
    assert made.value.suggested_filename == "your-small-sparks-data.json", made.value.suggested_filename
    raw = made.value.path().read_text(encoding="utf-8")
    data = json.loads(raw)
    assert {"made_at", "account", "ideas", "awards_and_payments"} <= set(data), list(data)
    assert data["account"][0]["email"] == email
    assert data["account"][0]["name"] == "Rae Resident"
    assert [idea["reference"] for idea in data["ideas"]] == [paid.idea.reference]
    (money,) = data["awards_and_payments"]
    assert money["reference"] == paid.idea.reference
    assert money["account_ending"] == ACCOUNT_NUMBER[-2:]
    for secret in (ACCOUNT_NUMBER, *SORT_CODES):
        assert secret not in raw, f"the JSON holds {secret!r}"
    assert page.url == copy_url  # downloading leaves the page where it was

    # Back on "Your data", the copy is listed, to come back to within the week.
    page.get_by_role("link", name="Back", exact=True).click()
    page.wait_for_url("**/account/your-data")
    expect(page.get_by_role("heading", name="Copies you made")).to_be_visible()
    copies = page.locator("main ul.govuk-list a")
    expect(copies).to_have_count(1)
    expect(copies).to_have_attribute("href", re.compile(re.escape(copy_url.removeprefix(live_server.url)) + "$"))
    assert_accessible(page, "your data, with a copy made")
    assert_fits_narrow_screen(page, "your data, with a copy made, at 360 px")


# 4. In Welsh and Arabic ---------------------------------------------------------------------------------------


def test_your_data_and_the_rules_read_in_welsh_and_arabic(new_page, live_server):
    email = live_server.add_resident()
    page = new_page(**PHONE_360)
    sign_in_resident(page, live_server, email)
    page.goto("/account/your-data")
    expect(heading(page)).to_have_text("Your data")

    # Welsh: the page, then a copy made in Welsh, whose PDF is in Welsh too.
    switch_language(page, live_server, "cy")
    title = in_language(live_server, "cy", "Your data")
    assert title != "Your data"
    expect(heading(page)).to_have_text(title)
    make = in_language(live_server, "cy", "Make a copy of my data")
    expect(page.get_by_role("button", name=make, exact=True)).to_be_visible()
    assert_accessible(page, "your data in Welsh")
    assert_fits_narrow_screen(page, "your data in Welsh at 360 px")
    page.get_by_role("button", name=make, exact=True).click()
    page.wait_for_url(re.compile(r"/account/your-data/\d+$"))
    expect(heading(page)).to_have_text(in_language(live_server, "cy", "A copy of your data"))
    expect(page.locator("main")).to_contain_text(in_language(live_server, "cy", "Your copy is ready."))
    assert_accessible(page, "a copy of your data in Welsh")
    assert_fits_narrow_screen(page, "a copy of your data in Welsh at 360 px")
    _, text = download_pdf(page, in_language(live_server, "cy", "Download it to read (PDF)"))
    welsh_title = in_language(live_server, "cy", "Everything we hold about you")
    assert welsh_title != "Everything we hold about you"
    assert welsh_title in text, text[:500]

    # Arabic: right to left.
    page.goto("/account/your-data")
    switch_language(page, live_server, "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    title = in_language(live_server, "ar", "Your data")
    assert title != "Your data"
    expect(heading(page)).to_have_text(title)
    expect(page.get_by_role("button", name=in_language(live_server, "ar", "Make a copy of my data"))).to_be_visible()
    expect(page.get_by_role("heading", name=in_language(live_server, "ar", "Copies you made"))).to_be_visible()
    assert_accessible(page, "your data in Arabic")
    assert_fits_narrow_screen(page, "your data in Arabic at 360 px")

    # The rules, as a programme officer reads them.
    officer = new_page(**PHONE_360)
    sign_in_staff(officer, live_server.add_staff(Role.PROGRAMME_OFFICER))
    officer.goto("/programme/keeping-data")
    expect(heading(officer)).to_have_text("How long we keep personal data")
    for language in ("cy", "ar"):
        switch_language(officer, live_server, language)
        expect(officer.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
        title = in_language(live_server, language, "How long we keep personal data")
        assert title != "How long we keep personal data"
        expect(heading(officer)).to_have_text(title)
        for label in DEFAULT_MONTHS:
            expect(officer.get_by_label(in_language(live_server, language, label), exact=True)).to_be_visible()
        save = in_language(live_server, language, "Save")
        expect(officer.get_by_role("button", name=save, exact=True)).to_be_visible()
        expect(
            officer.get_by_role("link", name=in_language(live_server, language, "Erase a resident who asks"))
        ).to_be_visible()
        assert_accessible(officer, f"how long we keep personal data in {language}")
        assert_fits_narrow_screen(officer, f"how long we keep personal data in {language} at 360 px")

        # An error reads in the language too.
        officer.get_by_label(in_language(live_server, language, SIGN_IN), exact=True).fill("0")
        officer.get_by_role("button", name=save, exact=True).click()
        between = in_language(
            live_server, language, "Enter a number of months between %(few)s and %(most)s", few="1", most="120"
        )
        assert between != BETWEEN
        expect(officer.locator(".govuk-error-summary")).to_contain_text(between)
        expect(officer.locator("html")).to_have_attribute("lang", language)
        assert_accessible(officer, f"how long we keep personal data in {language}, with an error")
        assert_fits_narrow_screen(officer, f"how long we keep personal data in {language} with an error at 360 px")
