"""The kind eligibility check in a browser at 360 px, with JavaScript on and off: "Start now" asks a pot's questions
before sign-in; "No" leads to a page that says why, names the community builder and lists other help; changing the
answer goes on to sign in. The questions read in Welsh and Arabic. axe checks every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, assert_fits_narrow_screen
from tests.browser.panel_helpers import add_panel
from tests.browser.test_mobile_only import PHONE_360, heading
from tests.browser.test_reach_pages import in_language, switch_language

pytestmark = pytest.mark.browser


def with_questions_and_other_help(live, panel) -> tuple[str, str]:
    """The pot asks two questions; the programme lists one piece of other help. Its English and Arabic titles (the
    live server's database is shared by the tests, so each is told apart by a suffix)."""
    from portal.extensions import db
    from portal.programme.models import Pot, ProgrammeText

    title = live.unique("Leeds Community Foundation")
    arabic = "مؤسسة ليدز المجتمعية" + title.removeprefix("Leeds Community Foundation")
    with live.app.app_context():
        pot = db.session.get(Pot, panel.pot_id)
        pot.eligibility_checks = ["lives_here", "not_already_paid"]
        db.session.add(
            ProgrammeText(
                kind="other_help",
                title=title,
                text="Grants for groups across Leeds.",
                url="https://www.leedscf.org.uk",
                other_languages={"ar": {"title": arabic}},
            )
        )
        db.session.commit()
    return title, arabic


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_no_shows_why_and_where_else_and_changing_the_answer_goes_on(new_page, live_server, javascript):
    panel = add_panel(live_server)
    title, _ = with_questions_and_other_help(live_server, panel)
    page = new_page(java_script_enabled=javascript, **PHONE_360)
    page.goto("/")
    page.get_by_role("link", name=panel.name, exact=True).click()
    page.get_by_role("button", name=f"Start now – {panel.pot_name}").click()
    expect(heading(page)).to_have_text(f"Do you live, work or volunteer in {panel.name}?")
    expect(page.locator(".govuk-caption-l")).to_have_text("Before you start: question 1 of 2")
    assert_accessible(page, "the first question")
    assert_fits_narrow_screen(page, "the first question at 360 px")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select yes, no or I'm not sure")
    assert_accessible(page, "the first question, unanswered")
    page.get_by_label("I'm not sure").check()
    page.get_by_role("button", name="Continue").click()
    expect(heading(page)).to_have_text("Is the money for things you have not bought yet?")
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Continue").click()

    expect(heading(page)).to_have_text("This money is not for this idea")
    main = page.locator("main")
    expect(main).to_contain_text("This money cannot pay for things that have already been bought.")
    expect(main).to_contain_text("Bea at the library, 0113 496 0000")
    expect(page.get_by_role("link", name=title)).to_have_attribute("href", "https://www.leedscf.org.uk")
    assert_accessible(page, "the page for someone a pot is not for")
    assert_fits_narrow_screen(page, "the exit page at 360 px")

    page.get_by_role("link", name="Change your answer").click()  # back to the start: nothing was kept
    expect(heading(page)).to_have_text(f"Do you live, work or volunteer in {panel.name}?")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()
    expect(heading(page)).to_contain_text("What is your email address or mobile number?")  # on, by signing in


def test_the_questions_and_the_exit_page_read_in_welsh_and_arabic(new_page, live_server):
    panel = add_panel(live_server)
    _, arabic = with_questions_and_other_help(live_server, panel)
    page = new_page(**PHONE_360)
    page.goto("/")
    page.get_by_role("link", name=panel.name, exact=True).click()
    page.get_by_role("button", name=f"Start now – {panel.pot_name}").click()
    for language in ("cy", "ar"):
        switch_language(page, live_server, language)
        expect(page.locator(".govuk-caption-l")).to_have_text(
            in_language(
                live_server, language, "Before you start: question %(number)s of %(count)s", number="1", count="2"
            )
        )
        expect(page.get_by_label(in_language(live_server, language, "I'm not sure"))).to_be_visible()
        assert_accessible(page, f"the first question in {language}")
        assert_fits_narrow_screen(page, f"the first question in {language}")
    page.get_by_label(in_language(live_server, "ar", "No"), exact=True).check()
    page.get_by_role("button", name=in_language(live_server, "ar", "Continue")).click()
    expect(heading(page)).to_have_text(in_language(live_server, "ar", "This money is not for this idea"))
    expect(page.get_by_role("link", name=arabic)).to_be_visible()  # the programme's Arabic title
    expect(page.locator("main")).to_contain_text(
        in_language(
            live_server,
            "ar",
            "This money is for people who live, work or volunteer in %(neighbourhood)s.",
            neighbourhood=panel.name,
        )
        .split(panel.name)[0]
        .strip()
    )
    assert_accessible(page, "the exit page in Arabic")
    assert_fits_narrow_screen(page, "the exit page in Arabic")
