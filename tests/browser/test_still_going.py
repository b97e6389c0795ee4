"""Is it still going?, in a browser at 360 px: six months after an idea's award was paid, the hourly job asks its
resident by email; the resident opens the single-use link without signing in, with JavaScript on and off, sends it
empty (explained, the sentence they typed kept), then says it turned into something else, and the link, opened
again, only thanks them. The question reads in Welsh and Arabic. The neighbourhood's community builder reads the
six-month answer and writes down the twelve-month one from a conversation, marked as recorded by a builder. axe
checks every page, happy and in error: the resident meets this page once, from a message, months after they last
used the portal."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from portal.domain.stories import months_after
from tests.browser.conftest import assert_accessible, assert_fits_narrow_screen, sign_in_staff
from tests.browser.test_application_journey import expect_errors
from tests.browser.test_mobile_only import PHONE_360, heading
from tests.browser.test_reach_pages import in_language, switch_language
from tests.browser.test_stories import PaidIdea, paid_award
from tests.browser.test_whats_here import a_community_builder, working_in

pytestmark = pytest.mark.browser

SUBJECT = "Is your small spark still going?"
NOTHING_CHOSEN = "Choose yes, no, or that it turned into something else"
SENTENCE = "Tell us in a sentence (optional)"
ANSWERS = ("Yes, it is still going", "No, it has stopped", "It turned into something else")
IN_THEIR_WORDS = "The bulb planting became a gardening club that meets every Saturday."


# Seeding and reading the live server's database ---------------------------------------------------------------


def paid_and_asked(live, name: str) -> tuple[PaidIdea, date]:
    """An idea whose award was paid today, and the hourly job run as it would six months later; the idea and the
    day it was paid."""
    from portal.extensions import db
    from portal.stories.still_going import ask_due, paid_on

    paid = paid_award(live, live.unique(name))
    with live.app.app_context():
        paid_day = paid_on(paid.idea.id)
        assert paid_day is not None, "the award is not paid"
        asked = ask_due(months_after(paid_day, 6))
        db.session.commit()
    assert asked >= 1, "the job asked nobody"
    return paid, paid_day


def still_going_link(live, address: str) -> str:
    """The single-use link in the one "still going?" email to address."""
    bodies = [body for subject, body in live.emails_to(address) if subject == SUBJECT]
    assert len(bodies) == 1, f"{address} got {len(bodies)} emails titled {SUBJECT!r}"
    found = re.findall(re.escape(live.url) + r"/still-going/[A-Za-z0-9_-]+", bodies[0])
    assert len(found) == 1, f"the email should hold one link to {live.url}/still-going/…:\n{bodies[0]}"
    return found[0]


def checks_of(live, application_id: int) -> dict[int, tuple[str | None, str, bool]]:
    """{months: (answer, words, recorded by a builder)} of every check of the idea, as the database holds them."""
    from portal.extensions import db
    from portal.stories.models import StillGoingCheck

    with live.app.app_context():
        rows = db.session.execute(
            sa.select(StillGoingCheck).where(StillGoingCheck.application_id == application_id)
        ).scalars()
        return {row.months: (row.answer, row.words, row.recorded_by_id is not None) for row in rows}


def neighbourhood_id_of(live, slug: str) -> int:
    from portal.extensions import db
    from portal.programme.models import Neighbourhood

    with live.app.app_context():
        return db.session.execute(sa.select(Neighbourhood.id).where(Neighbourhood.slug == slug)).scalar_one()


def day(when: date) -> str:
    """A date as the pages write it: 20 May 2027."""
    return f"{when.day} {when:%B %Y}"


def expect_the_question(page, paid: PaidIdea) -> None:
    expect(heading(page)).to_have_text("Is it still going?")
    expect(page.locator("main .govuk-caption-l")).to_have_text(paid.idea.name)
    expect(page.locator("main")).to_contain_text("It is 6 months since your small spark was paid.")
    expect(page.get_by_role("radio")).to_have_count(len(ANSWERS))
    for answer in ANSWERS:
        expect(page.get_by_role("radio", name=answer, exact=True)).not_to_be_checked()


# 1. The resident answers by their link ------------------------------------------------------------------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_a_resident_says_by_their_link_that_it_turned_into_something_else(new_page, live_server, javascript):
    live = live_server
    paid, _paid_day = paid_and_asked(live, "Bulb planting")
    link = still_going_link(live, paid.resident_email)
    assert checks_of(live, paid.idea.id) == {6: (None, "", False)}

    page = new_page(java_script_enabled=javascript, **PHONE_360)
    page.goto(link)
    expect_the_question(page, paid)
    assert page.url == link, f"the link led to {page.url}, not to the question"  # no signing in
    assert_accessible(page, "is it still going")
    assert_fits_narrow_screen(page, "is it still going at 360 px")

    # Sent with a sentence but no answer: explained, the sentence kept, nothing saved.
    page.get_by_label(SENTENCE).fill(IN_THEIR_WORDS)
    page.get_by_role("button", name="Send", exact=True).click()
    expect_errors(page, [NOTHING_CHOSEN], javascript=javascript)
    expect(page.get_by_label(SENTENCE)).to_have_value(IN_THEIR_WORDS)
    expect(heading(page)).to_have_text("Is it still going?")
    assert_accessible(page, "is it still going, sent without an answer")
    assert_fits_narrow_screen(page, "is it still going, sent without an answer, at 360 px")
    assert checks_of(live, paid.idea.id) == {6: (None, "", False)}

    page.get_by_role("radio", name="It turned into something else", exact=True).check()
    page.get_by_role("button", name="Send", exact=True).click()
    expect(heading(page)).to_have_text("Thank you")
    expect(page.locator("main")).to_contain_text("We have your answer.")
    expect(page.get_by_role("radio")).to_have_count(0)
    assert_accessible(page, "is it still going, thank you")
    assert_fits_narrow_screen(page, "is it still going, thank you, at 360 px")
    assert checks_of(live, paid.idea.id) == {6: ("changed", IN_THEIR_WORDS, False)}

    # The link works once: opened again, in another browser, it only thanks them.
    again = new_page(java_script_enabled=javascript, **PHONE_360)
    again.goto(link)
    expect(heading(again)).to_have_text("Thank you")
    expect(again.get_by_role("radio")).to_have_count(0)
    expect(again.get_by_role("button", name="Send", exact=True)).to_have_count(0)
    assert_accessible(again, "is it still going, the link opened again")
    assert checks_of(live, paid.idea.id) == {6: ("changed", IN_THEIR_WORDS, False)}


def test_a_link_that_was_never_sent_does_not_work(new_page, live_server):
    page = new_page(**PHONE_360)
    response = page.goto("/still-going/not-a-link-we-sent")
    assert response.status == 404
    expect(heading(page)).to_have_text("This link does not work")
    assert_accessible(page, "a still-going link that does not work")
    assert_fits_narrow_screen(page, "a still-going link that does not work at 360 px")


# 2. In Welsh and Arabic -------------------------------------------------------------------------------------------


def test_the_question_reads_in_welsh_and_arabic(new_page, live_server):
    live = live_server
    paid, _paid_day = paid_and_asked(live, "Street party")
    page = new_page(**PHONE_360)
    page.goto(still_going_link(live, paid.resident_email))
    expect_the_question(page, paid)
    for language in ("cy", "ar"):
        switch_language(page, live, language)
        title = in_language(live, language, "Is it still going?")
        assert title != "Is it still going?"
        expect(heading(page)).to_have_text(title)
        expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
        expect(page.get_by_role("group", name=title)).to_be_visible()
        for answer in ANSWERS:
            translated = in_language(live, language, answer)
            assert translated != answer
            expect(page.get_by_role("radio", name=translated, exact=True)).to_be_visible()
        sentence = in_language(live, language, SENTENCE)
        assert sentence != SENTENCE
        expect(page.get_by_label(sentence)).to_be_visible()
        expect(page.locator("main")).not_to_contain_text("small spark was paid")
        assert_accessible(page, f"is it still going in {language}")
        assert_fits_narrow_screen(page, f"is it still going in {language} at 360 px")

        send = in_language(live, language, "Send")
        assert send != "Send"
        page.get_by_role("button", name=send, exact=True).click()
        error = in_language(live, language, NOTHING_CHOSEN)
        assert error != NOTHING_CHOSEN
        expect(page.locator(".govuk-error-summary")).to_contain_text(error)
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert_accessible(page, f"is it still going in {language}, sent without an answer")
        assert_fits_narrow_screen(page, f"is it still going in {language}, sent without an answer, at 360 px")
    assert checks_of(live, paid.idea.id) == {6: (None, "", False)}


# 3. A community builder writes down an answer -----------------------------------------------------------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_a_community_builder_reads_the_six_month_answer_and_writes_down_the_twelve_month_one(
    new_page, live_server, javascript
):
    from portal.domain.stories import StillGoing
    from portal.stories.still_going import answer_by_link

    live = live_server
    paid, paid_day = paid_and_asked(live, "Community orchard")
    token = still_going_link(live, paid.resident_email).rsplit("/", 1)[1]
    with live.app.app_context():
        answer_by_link(token, StillGoing.CHANGED, IN_THEIR_WORDS)
    builder = a_community_builder(live, live.unique("Bea Builder"))
    working_in(live, builder, neighbourhood_id_of(live, paid.slug))
    checks_path = f"/ideas/{paid.idea.id}/still-going"

    page = new_page(java_script_enabled=javascript, **PHONE_360)
    sign_in_staff(page, builder)
    page.goto(checks_path)
    expect(heading(page)).to_have_text("Is it still going?")
    expect(page.locator("main .govuk-caption-l")).to_have_text(paid.idea.name)
    expect(page.locator("main")).to_contain_text(f"Paid on {day(paid_day)}.")
    expect(page.get_by_role("link", name="Back", exact=True)).to_have_attribute(
        "href", re.compile(rf"/neighbourhoods/{re.escape(paid.slug)}/ideas$")
    )
    six = page.locator("main h2:has-text('After 6 months') + dl")
    expect(six).to_contain_text("It turned into something else")
    expect(six).to_contain_text(IN_THEIR_WORDS)
    expect(six).not_to_contain_text("recorded by a community builder")
    expect(page.get_by_role("link", name="Write down their answer after 6 months")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(f"We will ask on {day(months_after(paid_day, 12))}.")
    assert_accessible(page, "is it still going, for a builder")
    assert_fits_narrow_screen(page, "is it still going, for a builder, at 360 px")

    page.get_by_role("link", name="Write down their answer after 12 months", exact=True).click()
    page.wait_for_url(f"**{checks_path}/12")
    expect(heading(page)).to_have_text("Write down their answer")
    expect(page.locator("main")).to_contain_text("What the resident told you, 12 months after their award was paid.")
    expect(page.get_by_role("link", name="Back", exact=True)).to_have_attribute(
        "href", re.compile(rf"{re.escape(checks_path)}$")
    )
    assert_accessible(page, "write down their answer")
    assert_fits_narrow_screen(page, "write down their answer at 360 px")

    page.get_by_label("What they said, in a sentence (optional)").fill("They still meet every Tuesday.")
    page.get_by_role("button", name="Save their answer", exact=True).click()
    expect_errors(page, [NOTHING_CHOSEN], javascript=javascript)
    expect(page.get_by_label("What they said, in a sentence (optional)")).to_have_value(
        "They still meet every Tuesday."
    )
    assert_accessible(page, "write down their answer, saved without an answer")
    assert_fits_narrow_screen(page, "write down their answer, with an error, at 360 px")
    assert 12 not in checks_of(live, paid.idea.id)

    page.get_by_role("radio", name="Yes, it is still going", exact=True).check()
    page.get_by_role("button", name="Save their answer", exact=True).click()
    page.wait_for_url(f"**{checks_path}")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Thank you. The answer is recorded.")
    twelve = page.locator("main h2:has-text('After 12 months') + dl")
    expect(twelve).to_contain_text("Yes, it is still going")
    expect(twelve).to_contain_text("They still meet every Tuesday.")
    expect(twelve).to_contain_text("recorded by a community builder")
    expect(page.locator("main dd", has_text="recorded by a community builder")).to_have_count(1)
    expect(page.get_by_role("link", name=re.compile(r"^Write down their answer"))).to_have_count(0)
    assert_accessible(page, "is it still going, for a builder, after writing down an answer")
    assert_fits_narrow_screen(page, "is it still going, for a builder, after writing down an answer, at 360 px")
    assert checks_of(live, paid.idea.id) == {
        6: ("changed", IN_THEIR_WORDS, False),
        12: ("yes", "They still meet every Tuesday.", True),
    }
