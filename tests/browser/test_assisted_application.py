"""A community builder writes an idea down with a resident on a phone. It stays the resident's idea: they check it
and send it from an emailed link, or, with no email address, the builder records the day they said yes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.domain.roles import Role
from tests.browser.conftest import (
    IdeaAnswers,
    answer_every_question,
    assert_accessible,
    follow_sign_in_link,
    sign_in_staff,
    today_plus,
)

pytestmark = pytest.mark.browser

REFERENCE = re.compile(r"^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}$")
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"
AGREED_ON = "When did they tell you they agree?"
CHECK_THEIR_ANSWERS = "Check their answers before sending their idea"


def heading(page):
    return page.get_by_role("heading", level=1)


def expect_errors(page, messages):
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(messages)
    expect(page.locator(".govuk-error-message")).to_have_count(len(messages))
    assert page.title().startswith("Error: "), page.title()


def fill_date(page, legend, day):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def start_an_idea_with(page, pot, name, email):
    page.get_by_role("link", name="Start an idea with a resident").click()
    expect(heading(page)).to_have_text("Start an idea with a resident")
    page.get_by_label(f"{pot.neighbourhood}: {pot.name}").check()
    page.get_by_label("The resident's name").fill(name)
    page.get_by_label("The resident's email address (optional)").fill(email)
    page.get_by_role("button", name="Start", exact=True).click()
    expect(page.locator(".govuk-caption-l")).to_have_text(f"{pot.neighbourhood} · Entered with {name}")


def test_a_community_builder_writes_an_idea_down_and_the_resident_sends_it(new_page, live_server):
    pot = live_server.add_open_pot()
    builder = live_server.add_staff(Role.COMMUNITY_BUILDER)
    page = new_page()
    sign_in_staff(page, builder)
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Ideas you helped with").click()
    expect(heading(page)).to_have_text("Ideas you helped with")
    assert_accessible(page, "ideas you helped with, none yet")

    page.get_by_role("link", name="Start an idea with a resident").click()
    expect(heading(page)).to_have_text("Start an idea with a resident")
    assert_accessible(page, "start an idea with a resident")
    page.get_by_label("The resident's email address (optional)").fill("ayesha at home")
    page.get_by_role("button", name="Start", exact=True).click()
    expect_errors(page, ["Select a pot", "Enter the resident's name", EMAIL_FORMAT])
    expect(page.get_by_label("The resident's email address (optional)")).to_have_value("ayesha at home")
    assert_accessible(page, "start an idea with a resident, with mistakes")

    resident_email = live_server.new_email("ayesha")
    page.get_by_label(f"{pot.neighbourhood}: {pot.name}").check()
    page.get_by_label("The resident's name").fill("Ayesha Khan")
    page.get_by_label("The resident's email address (optional)").fill(resident_email)
    page.get_by_role("button", name="Start", exact=True).click()
    expect(page.locator(".govuk-caption-l")).to_have_text(f"{pot.neighbourhood} · Entered with Ayesha Khan")

    idea = IdeaAnswers(idea_name="Homework club at the mosque", costs=(("Snacks for a term", "80"),))
    answer_every_question(
        page,
        idea,
        lambda name: assert_accessible(page, f"'{name}', entered with a resident"),
        check_heading=CHECK_THEIR_ANSWERS,
    )
    expect(page.get_by_role("heading", name="The resident's agreement")).to_be_visible()
    expect(page.locator("main")).to_contain_text("This stays Ayesha Khan's idea.")
    assert_accessible(page, "check your answers, entered with a resident")
    expect(page.get_by_role("group", name=AGREED_ON)).to_have_count(0)  # they agree by email, not by word of mouth
    page.get_by_role("button", name="Email them a link to check and send it", exact=True).click()
    expect(heading(page)).to_have_text("Ideas you helped with")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "We have emailed the resident a link to check and send their idea."
    )
    row = page.get_by_role("row").filter(has_text="Homework club at the mosque")
    expect(row.get_by_role("cell")).to_have_text(
        ["Homework club at the mosque Assisted", "Ayesha Khan", "Not sent yet · waiting for the resident to check it"]
    )
    assert_accessible(page, "ideas you helped with, one waiting for the resident")
    (waiting,) = live_server.applications_of(resident_email)
    assert (waiting.status, waiting.consent_method, waiting.reference) == ("draft", "email", None)

    # The resident, on their own phone.
    resident = new_page()
    follow_sign_in_link(resident, live_server.sign_in_email(resident_email).link)
    resident.wait_for_url(f"**/ideas/{waiting.id}/confirm")
    expect(heading(resident)).to_have_text("Check the idea your community builder wrote down with you")
    expect(resident.locator("main")).to_contain_text("Sam Staff wrote this down with you.")
    expect(resident.locator("main .govuk-summary-list")).to_contain_text("Homework club at the mosque")
    expect(resident.locator("main .govuk-summary-list")).to_contain_text("Snacks for a term: £80")
    expect(resident.get_by_role("link", name=re.compile("^Change"))).to_have_count(0)
    assert_accessible(resident, "the resident's check of an idea entered with them")
    resident.get_by_role("button", name="Yes, this is my idea. Send it").click()

    resident.wait_for_url(f"**/ideas/{waiting.id}/sent")
    expect(resident.locator(".govuk-panel__title")).to_have_text("Your idea has been sent")
    reference = resident.locator(".govuk-panel__body strong").inner_text().strip()
    assert REFERENCE.match(reference), reference
    assert_accessible(resident, "the idea-sent page, for the resident")
    (sent,) = live_server.applications_of(resident_email)
    assert (sent.status, sent.reference, sent.resident_confirmed) == ("submitted", reference, True)
    assert [subject for subject, _ in live_server.emails_to(resident_email)][-1] == f"We have your idea: {reference}"


def test_a_community_builder_records_the_spoken_agreement_of_a_resident_with_no_email(new_page, live_server):
    pot = live_server.add_open_pot()
    builder = live_server.add_staff(Role.COMMUNITY_BUILDER)
    page = new_page()
    sign_in_staff(page, builder)
    page.goto("/assisted")
    start_an_idea_with(page, pot, "Joe Bloggs", "")

    idea = IdeaAnswers(
        idea_name="Allotment open day",
        costs=(("Seeds and pots", "35"),),
        contact_method="By phone (a community builder will call you)",
        phone="07700 900 982",
    )
    answer_every_question(page, idea, check_heading=CHECK_THEIR_ANSWERS)
    assert_accessible(page, "check your answers for a resident with no email")

    expect(page.get_by_text("Email them a link")).to_have_count(0)
    page.get_by_role("button", name="Send their idea", exact=True).click()
    expect_errors(page, ["Enter the date they told you they agree"])
    assert_accessible(page, "the agreement with no date")

    tomorrow = today_plus(1)
    fill_date(page, AGREED_ON, tomorrow)
    page.get_by_role("button", name="Send their idea", exact=True).click()
    expect_errors(page, ["The date they agreed must be today or in the past"])
    agreed_on = page.get_by_role("group", name=AGREED_ON)
    expect(agreed_on.get_by_label("Day")).to_have_value(str(tomorrow.day))
    expect(agreed_on.get_by_label("Month")).to_have_value(str(tomorrow.month))
    expect(agreed_on.get_by_label("Year")).to_have_value(str(tomorrow.year))
    assert_accessible(page, "the agreement dated tomorrow")
    (draft,) = live_server.applications_assisted_by(builder.email)
    assert (draft.status, draft.consent_method) == ("draft", None)

    today = today_plus(0)
    fill_date(page, AGREED_ON, today)
    page.get_by_role("button", name="Send their idea", exact=True).click()
    page.wait_for_url(f"**/ideas/{draft.id}/sent")
    expect(page.locator(".govuk-panel__title")).to_have_text("Their idea has been sent")
    reference = page.locator(".govuk-panel__body strong").inner_text().strip()
    assert REFERENCE.match(reference), reference
    expect(page.locator("main")).to_contain_text("Joe Bloggs has no email address, so we have not sent them anything.")
    expect(page.locator("main")).not_to_contain_text("We have sent you an email")
    assert_accessible(page, "the idea-sent page, for the community builder")

    (sent,) = live_server.applications_assisted_by(builder.email)
    assert (sent.status, sent.reference, sent.consent_method, sent.consent_given_on) == (
        "submitted",
        reference,
        "spoken",
        today,
    )
    page.get_by_role("link", name="See the ideas you helped with").click()
    expect(heading(page)).to_have_text("Ideas you helped with")
    row = page.get_by_role("row").filter(has_text="Allotment open day")
    expect(row.get_by_role("cell")).to_have_text(
        ["Allotment open day Assisted", "Joe Bloggs (no email: you pass on updates)", "Sent"]
    )
    assert_accessible(page, "ideas you helped with, one sent")
