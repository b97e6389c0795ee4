"""Introductions between neighbours, in a browser at 360 px: a community builder finds two residents who shared an
interest on the neighbourhood's people page and asks them both (first ticking only one, which is explained and
kept); each resident answers through the link in their own email without signing in, with JavaScript on and off,
and nobody's name reaches the other, on the page or by email, until both have said yes; when the second says no,
the first hears only that it is not this time. The answer page reads in Welsh and Arabic. axe checks every page,
happy and in error, because residents open these links from a message on whatever phone they have."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, assert_fits_narrow_screen, sign_in_staff
from tests.browser.test_application_journey import expect_errors
from tests.browser.test_mobile_only import PHONE_360, heading
from tests.browser.test_reach_pages import in_language, switch_language
from tests.browser.test_whats_here import a_community_builder, working_in

pytestmark = pytest.mark.browser

ASKED_SUBJECT = "Would you like to meet a neighbour?"
ACCEPTED_SUBJECT = "You both said yes: meet your neighbour"
NOT_NOW_SUBJECT = "Your neighbour cannot meet this time"
YES = "Yes, share my name with them"
NO = "No, thank you"
SEND = "Send my answer"


# Seeding and reading the live server's database ---------------------------------------------------------------


def a_neighbourhood(live) -> tuple[int, str, str]:
    """(id, name, slug) of a neighbourhood shown to residents."""
    from portal.extensions import db
    from portal.programme.models import Neighbourhood

    name = live.unique("Harehills")
    neighbourhood_id = live.add_neighbourhood(name)
    with live.app.app_context():
        return neighbourhood_id, name, db.session.get(Neighbourhood, neighbourhood_id).slug


def a_resident_sharing(live, neighbourhood_id: int, name: str, interests: list[str]) -> str:
    """A resident (who hears by email) with a name no other test uses, who shared these interests with the
    neighbourhood's community builders; their email address."""
    from portal.accounts.services import get_user_by_email
    from portal.assetmap.models import ResidentProfile
    from portal.extensions import db

    email = live.add_resident()
    with live.app.app_context():
        person = get_user_by_email(email)
        person.name = name
        db.session.add(
            ResidentProfile(
                user_id=person.id, neighbourhood_id=neighbourhood_id, can_do="Grow vegetables", interests=interests
            )
        )
        db.session.commit()
    return email


def introduced_by_the_service(live, neighbourhood_id: int, first: str, second: str, interest: str) -> None:
    """The builder's asking, done through the portal's own service (the pages that do it are tested above)."""
    from portal.accounts.services import create_user, get_user_by_email
    from portal.assetmap.introductions import introduce
    from portal.domain.roles import Role

    with live.app.app_context():
        officer = create_user(live.new_email("introducer"), "Pat Officer", {Role.PROGRAMME_OFFICER})
        introduce(
            officer, neighbourhood_id, get_user_by_email(first).id, get_user_by_email(second).id, interest=interest
        )


def introductions_in(live, neighbourhood_id: int) -> list[tuple[str, dict[str, str | None], str]]:
    """(status, {each resident's email: their answer}, interest) of every introduction in the neighbourhood, oldest
    first."""
    from portal.assetmap.models import Introduction
    from portal.extensions import db

    with live.app.app_context():
        rows = db.session.execute(
            sa.select(Introduction).where(Introduction.neighbourhood_id == neighbourhood_id).order_by(Introduction.id)
        ).scalars()
        return [
            (row.status, {row.first.email: row.first_answer, row.second.email: row.second_answer}, row.interest)
            for row in rows
        ]


def the_only_email(live, address: str, subject: str) -> str:
    """The body of the one email with this subject to address (there must be exactly one)."""
    bodies = [body for sent_subject, body in live.emails_to(address) if sent_subject == subject]
    assert len(bodies) == 1, f"{address} got {len(bodies)} emails titled {subject!r}: {live.emails_to(address)}"
    return bodies[0]


def meet_link(live, address: str) -> str:
    """The single-use link in the email asking this resident whether they would like to meet."""
    body = the_only_email(live, address, ASKED_SUBJECT)
    found = re.findall(re.escape(live.url) + r"/meet/[A-Za-z0-9_-]+", body)
    assert len(found) == 1, f"the email to {address} should hold one link to {live.url}/meet/…:\n{body}"
    return found[0]


# Reading the pages ----------------------------------------------------------------------------------------------


def banner(page):
    return page.locator(".govuk-notification-banner")


def answer(page, choice: str) -> None:
    page.get_by_role("radio", name=choice, exact=True).check()
    page.get_by_role("button", name=SEND, exact=True).click()


def expect_asked(page, interest: str, *nobody: str) -> None:
    """The page asks the question, speaks of the shared interest, and names none of these people."""
    expect(heading(page)).to_have_text("Would you like to meet a neighbour?")
    expect(page.locator("main")).to_contain_text(f"also shared an interest in {interest}")
    expect(page.get_by_role("group", name="Would you like to meet them?")).to_be_visible()
    for text in nobody:
        expect(page.locator("body")).not_to_contain_text(text)


# 1. Both say yes ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_a_builder_introduces_two_neighbours_who_learn_each_others_names_only_when_both_say_yes(
    new_page, live_server, javascript
):
    live = live_server
    neighbourhood_id, place, slug = a_neighbourhood(live)
    rae_name, sol_name = live.unique("Rae Rowan"), live.unique("Sol Sorrel")
    rae = a_resident_sharing(live, neighbourhood_id, rae_name, ["gardening", "choir"])
    sol = a_resident_sharing(live, neighbourhood_id, sol_name, ["gardening"])
    builder = a_community_builder(live, live.unique("Bea Builder"))
    working_in(live, builder, neighbourhood_id)
    people_path = f"/neighbourhoods/{slug}/people"

    # The builder's people page lists both, and what they share.
    keeper = new_page(java_script_enabled=javascript, **PHONE_360)
    sign_in_staff(keeper, builder)
    keeper.goto(people_path)
    expect(heading(keeper)).to_have_text(f"What people in {place} offer")
    expect(keeper.locator("main .govuk-summary-card__title")).to_have_count(2)
    for name in (rae_name, sol_name):
        expect(keeper.locator("main .govuk-summary-card__title", has_text=name)).to_have_count(1)
    expect(keeper.locator("main")).to_contain_text("gardening: 2 people")
    expect(keeper.get_by_role("heading", name="Introductions")).to_have_count(0)
    assert_accessible(keeper, "what people here offer, before any introduction")
    assert_fits_narrow_screen(keeper, "what people here offer at 360 px")

    keeper.get_by_role("link", name="Introduce two neighbours", exact=True).click()
    keeper.wait_for_url(f"**{people_path}/introduce")
    expect(heading(keeper)).to_have_text("Introduce two neighbours")
    # Only the interest both share is offered.
    expect(keeper.get_by_role("group", name="Which interest do they share?").get_by_role("radio")).to_have_count(1)
    expect(keeper.get_by_role("radio", name="gardening", exact=True)).not_to_be_checked()
    people = keeper.get_by_role("group", name="Who would you like to introduce?")
    expect(people.get_by_role("checkbox")).to_have_count(2)
    expect(keeper.get_by_role("link", name="Back", exact=True)).to_have_attribute(
        "href", re.compile(rf"{re.escape(people_path)}$")
    )
    assert_accessible(keeper, "introduce two neighbours")
    assert_fits_narrow_screen(keeper, "introduce two neighbours at 360 px")

    # One person ticked, and no interest: both problems are named at once, the tick kept, nobody asked.
    keeper.get_by_role("checkbox", name=rae_name, exact=True).check()
    keeper.get_by_role("button", name="Ask them both", exact=True).click()
    expect_errors(keeper, ["Choose the interest they share", "Choose two people"], javascript=javascript)
    expect(keeper.get_by_role("checkbox", name=rae_name, exact=True)).to_be_checked()
    expect(keeper.get_by_role("checkbox", name=sol_name, exact=True)).not_to_be_checked()
    assert_accessible(keeper, "introduce two neighbours, with one person ticked")
    assert_fits_narrow_screen(keeper, "introduce two neighbours, with errors, at 360 px")
    assert introductions_in(live, neighbourhood_id) == []
    assert live.emails_to(rae) == [] and live.emails_to(sol) == []

    keeper.get_by_role("radio", name="gardening", exact=True).check()
    keeper.get_by_role("checkbox", name=sol_name, exact=True).check()
    keeper.get_by_role("button", name="Ask them both", exact=True).click()
    keeper.wait_for_url(f"**{people_path}")
    expect(banner(keeper)).to_contain_text(
        "We have asked them both. Each learns who the other is only if both say yes."
    )
    expect(keeper.locator("main ul.govuk-list > li", has_text=rae_name)).to_contain_text("Waiting for answers")
    assert_accessible(keeper, "what people here offer, just after asking")
    assert introductions_in(live, neighbourhood_id) == [("asked", {rae: None, sol: None}, "gardening")]

    # Each hears by email, through a link of their own, without the other's name or address.
    rae_link, sol_link = meet_link(live, rae), meet_link(live, sol)
    assert rae_link != sol_link
    for address, other_name, other_address in ((rae, sol_name, sol), (sol, rae_name, rae)):
        body = the_only_email(live, address, ASKED_SUBJECT)
        assert "gardening" in body
        assert other_name not in body and other_address not in body, body
        assert other_name.split()[0] not in body, body  # not even their first name

    # Rae opens her link, not signed in: asked, nobody named; sending nothing is explained.
    rae_page = new_page(java_script_enabled=javascript, **PHONE_360)
    rae_page.goto(rae_link)
    expect_asked(rae_page, "gardening", sol_name, rae_name, sol)
    expect(rae_page.get_by_role("radio", name=YES, exact=True)).not_to_be_checked()
    expect(rae_page.get_by_role("radio", name=NO, exact=True)).not_to_be_checked()
    assert_accessible(rae_page, "would you like to meet a neighbour")
    assert_fits_narrow_screen(rae_page, "would you like to meet a neighbour at 360 px")
    rae_page.get_by_role("button", name=SEND, exact=True).click()
    expect_errors(rae_page, ["Choose yes or no"], javascript=javascript)
    expect_asked(rae_page, "gardening", sol_name)
    assert_accessible(rae_page, "would you like to meet a neighbour, sent empty")
    assert_fits_narrow_screen(rae_page, "would you like to meet a neighbour, sent empty, at 360 px")
    assert introductions_in(live, neighbourhood_id) == [("asked", {rae: None, sol: None}, "gardening")]

    answer(rae_page, YES)
    expect(heading(rae_page)).to_have_text("Thank you")
    expect(rae_page.locator("main")).to_contain_text("We are waiting for your neighbour's answer.")
    expect(rae_page.locator("body")).not_to_contain_text(sol_name)
    expect(rae_page.get_by_role("button", name=SEND)).to_have_count(0)
    assert_accessible(rae_page, "thank you, waiting for the neighbour")
    assert_fits_narrow_screen(rae_page, "thank you, waiting for the neighbour, at 360 px")
    assert introductions_in(live, neighbourhood_id) == [("asked", {rae: "yes", sol: None}, "gardening")]
    assert [subject for subject, _ in live.emails_to(rae)] == [ASKED_SUBJECT]  # nothing more until both agree

    # Sol opens his, in a browser of his own: still nobody named, though Rae has said yes.
    sol_page = new_page(java_script_enabled=javascript, **PHONE_360)
    sol_page.goto(sol_link)
    expect_asked(sol_page, "gardening", rae_name, sol_name, rae)
    assert_accessible(sol_page, "would you like to meet a neighbour, the second resident")
    answer(sol_page, YES)
    expect(heading(sol_page)).to_have_text("You both said yes")
    expect(sol_page.locator("main")).to_contain_text("We have sent you your neighbour's name and how to reach them")
    expect(sol_page.locator("body")).not_to_contain_text(rae_name)  # names go by email, not on an open link
    assert_accessible(sol_page, "you both said yes")
    assert_fits_narrow_screen(sol_page, "you both said yes at 360 px")

    # Now each has the other's name and how to reach them, and the interest is no longer kept.
    to_rae = the_only_email(live, rae, ACCEPTED_SUBJECT)
    to_sol = the_only_email(live, sol, ACCEPTED_SUBJECT)
    assert f"Your neighbour is {sol_name}." in to_rae and sol in to_rae, to_rae
    assert f"Your neighbour is {rae_name}." in to_sol and rae in to_sol, to_sol
    assert introductions_in(live, neighbourhood_id) == [("accepted", {rae: "yes", sol: "yes"}, "")]

    # Rae's link, opened again, says so and asks nothing; it cannot be answered twice.
    rae_page.goto(rae_link)
    expect(heading(rae_page)).to_have_text("You both said yes")
    expect(rae_page.get_by_role("radio")).to_have_count(0)

    keeper.goto(people_path)
    introduction = keeper.locator("main ul.govuk-list > li", has_text=rae_name)
    expect(introduction).to_have_count(1)
    expect(introduction).to_contain_text(sol_name)
    expect(introduction.locator("strong")).to_have_text("Both said yes")
    assert_accessible(keeper, "what people here offer, with an introduction both said yes to")
    assert_fits_narrow_screen(keeper, "what people here offer, with an introduction, at 360 px")


# 2. One says no ---------------------------------------------------------------------------------------------------


def test_when_the_second_says_no_the_first_hears_only_that_it_is_not_this_time(new_page, live_server):
    live = live_server
    neighbourhood_id, place, slug = a_neighbourhood(live)
    ada_name, ben_name = live.unique("Ada Aspen"), live.unique("Ben Birch")
    ada = a_resident_sharing(live, neighbourhood_id, ada_name, ["choir"])
    ben = a_resident_sharing(live, neighbourhood_id, ben_name, ["choir", "cycling"])
    introduced_by_the_service(live, neighbourhood_id, ada, ben, "choir")

    ada_page = new_page(**PHONE_360)
    ada_page.goto(meet_link(live, ada))
    expect_asked(ada_page, "choir", ben_name)
    answer(ada_page, YES)
    expect(heading(ada_page)).to_have_text("Thank you")

    ben_page = new_page(java_script_enabled=False, **PHONE_360)
    ben_page.goto(meet_link(live, ben))
    expect_asked(ben_page, "choir", ada_name)
    answer(ben_page, NO)
    expect(heading(ben_page)).to_have_text("Thank you for telling us")
    expect(ben_page.locator("main")).to_contain_text("We have not shared your name.")
    expect(ben_page.locator("body")).not_to_contain_text(ada_name)
    assert_accessible(ben_page, "thank you for telling us (no)")
    assert_fits_narrow_screen(ben_page, "thank you for telling us at 360 px")

    # Ada hears that it is not this time, and not who said no; Ben hears nothing more.
    to_ada = the_only_email(live, ada, NOT_NOW_SUBJECT)
    assert "Your neighbour cannot meet this time" in to_ada, to_ada
    assert ben_name not in to_ada and ben not in to_ada and ben_name.split()[0] not in to_ada, to_ada
    assert [subject for subject, _ in live.emails_to(ben)] == [ASKED_SUBJECT]
    assert all(subject != ACCEPTED_SUBJECT for subject, _ in live.emails_to(ada))
    assert introductions_in(live, neighbourhood_id) == [("declined", {ada: "yes", ben: "no"}, "")]

    ada_page.reload()
    expect(heading(ada_page)).to_have_text("This introduction has ended")
    expect(ada_page.locator("main")).to_contain_text("Your neighbour cannot meet this time")
    expect(ada_page.locator("body")).not_to_contain_text(ben_name)
    expect(ada_page.get_by_role("radio")).to_have_count(0)
    assert_accessible(ada_page, "this introduction has ended")
    assert_fits_narrow_screen(ada_page, "this introduction has ended at 360 px")

    # The builder's list says so.
    builder = a_community_builder(live, live.unique("Bea Builder"))
    working_in(live, builder, neighbourhood_id)
    keeper = new_page(**PHONE_360)
    sign_in_staff(keeper, builder)
    keeper.goto(f"/neighbourhoods/{slug}/people")
    expect(heading(keeper)).to_have_text(f"What people in {place} offer")
    expect(keeper.locator("main ul.govuk-list > li", has_text=ada_name).locator("strong")).to_have_text("Not this time")


def test_a_meet_link_that_was_never_sent_does_not_work(new_page, live_server):
    page = new_page(**PHONE_360)
    response = page.goto("/meet/not-a-link-we-sent")
    assert response.status == 404
    expect(heading(page)).to_have_text("This link does not work")
    expect(page.get_by_role("radio")).to_have_count(0)
    assert_accessible(page, "a meet link that does not work")
    assert_fits_narrow_screen(page, "a meet link that does not work at 360 px")


# 3. In Welsh and Arabic -------------------------------------------------------------------------------------------


def test_the_answer_page_reads_in_welsh_and_arabic(new_page, live_server):
    live = live_server
    neighbourhood_id, _place, _slug = a_neighbourhood(live)
    cai = a_resident_sharing(live, neighbourhood_id, live.unique("Cai Cedar"), ["football"])
    dee = a_resident_sharing(live, neighbourhood_id, live.unique("Dee Daisy"), ["football"])
    introduced_by_the_service(live, neighbourhood_id, cai, dee, "football")

    page = new_page(**PHONE_360)
    page.goto(meet_link(live, cai))
    expect_asked(page, "football")
    for language in ("cy", "ar"):
        switch_language(page, live, language)
        title = in_language(live, language, "Would you like to meet a neighbour?")
        assert title != "Would you like to meet a neighbour?"
        expect(heading(page)).to_have_text(title)
        expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
        question = in_language(live, language, "Would you like to meet them?")
        assert question != "Would you like to meet them?"
        expect(page.get_by_role("group", name=question)).to_be_visible()
        for choice in (YES, NO):
            translated = in_language(live, language, choice)
            assert translated != choice
            expect(page.get_by_role("radio", name=translated, exact=True)).to_be_visible()
        send = in_language(live, language, SEND)
        assert send != SEND
        assert_accessible(page, f"would you like to meet a neighbour in {language}")
        assert_fits_narrow_screen(page, f"would you like to meet a neighbour in {language} at 360 px")

        page.get_by_role("button", name=send, exact=True).click()
        error = in_language(live, language, "Choose yes or no")
        assert error != "Choose yes or no"
        expect(page.locator(".govuk-error-summary")).to_contain_text(error)
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
        assert_accessible(page, f"would you like to meet a neighbour in {language}, sent empty")
        assert_fits_narrow_screen(page, f"would you like to meet a neighbour in {language}, sent empty, at 360 px")

    # Answered in Arabic: the thank-you page is in Arabic too.
    page.get_by_role("radio", name=in_language(live, "ar", YES), exact=True).check()
    page.get_by_role("button", name=in_language(live, "ar", SEND), exact=True).click()
    expect(heading(page)).to_have_text(in_language(live, "ar", "Thank you"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert_accessible(page, "thank you in ar")
    assert_fits_narrow_screen(page, "thank you in ar at 360 px")
    assert introductions_in(live, neighbourhood_id) == [("asked", {cai: "yes", dee: None}, "football")]
