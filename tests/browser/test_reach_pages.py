"""The reach pages, as a new user sees them on a phone 320 px wide with text at 200 %, in Welsh, Arabic and English
(switched by each page's own language switcher): a resident with only a mobile number adding an email address and a
mobile number, a community builder's letters to print and translations, a panel chair reading an Arabic idea beside
a builder's English translation, and a programme officer writing a pot's description in three languages that the
neighbourhood's public page then shows. On every page nothing scrolls sideways, no word is split across two lines,
and axe finds nothing."""

from __future__ import annotations

from datetime import date
from functools import partial
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from portal.domain.roles import Role
from portal.programme.services import slugify
from tests.browser.conftest import (
    DOUBLE_TEXT,
    assert_accessible,
    assert_fits_narrow_screen,
    sign_in_resident,
    sign_in_staff,
)
from tests.browser.panel_helpers import add_member, add_panel, add_sent_idea
from tests.browser.test_mobile_only import decide_yes, heading, sign_in_by_text
from tests.browser.test_narrow_screens import NARROW_BIG_TEXT, assert_double_text_fits

pytestmark = pytest.mark.browser

# The order the pages are read in: each switch is made on the page itself, ending back in English.
LANGUAGES = ("cy", "ar", "en")
ARABIC_IDEA = {
    "idea_name": "حديقة الشارع",
    "idea_description": "نزرع الزهور معًا أمام البيوت.",
    "brings_together": "الجيران في شارعنا.",
    "helps_area": "يصبح الشارع أجمل.",
    "when_text": "في الربيع",
    "where_text": "حديقة المجتمع",
}
POT_DESCRIPTIONS = {
    "en": "For ideas that bring neighbours together outdoors. Anyone living in the neighbourhood may ask.",
    "cy": "Ar gyfer syniadau sy'n dod â chymdogion at ei gilydd yn yr awyr agored. Gall unrhyw un sy'n byw yma ofyn.",
    "ar": "للأفكار التي تجمع الجيران في الهواء الطلق. يمكن لأي شخص يعيش في الحي أن يطلب.",
}


def in_language(live, code: str, message: str, /, **variables: str) -> str:
    """The portal's own words for `message` in the language `code`, as its catalogues translate them."""
    from flask_babel import force_locale, gettext

    with live.app.test_request_context(), force_locale(code):
        return gettext(message, **variables)


def phone(new_page):
    """A 320 px phone with text at 200 %."""
    page = new_page(**NARROW_BIG_TEXT)
    page.add_init_script(DOUBLE_TEXT)
    return page


def switch_language(page, live, language: str) -> None:
    """Press the language's button (signed in) or link (a visitor) in the page's own switcher; the same page comes
    back in that language (for a visitor, at that language's address for it)."""
    before = urlsplit(page.url)
    name = live.app.config["LANGUAGES"][language]
    switch = page.locator(".app-language-switch")
    switch.get_by_role("button", name=name, exact=True).or_(switch.get_by_role("link", name=name, exact=True)).click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    after = urlsplit(page.url)
    assert (without_language(after.path), after.query) == (without_language(before.path), before.query), (
        f"switching to {language} left {page.url} for {before.geturl()}"
    )


def without_language(path: str) -> str:
    """A path without the language it may begin with (/cy/stories is /stories in Welsh)."""
    first, _, rest = path[1:].partition("/")
    return f"/{rest}" if first in ("en", "cy", "ar") else path


def look(page, title: str, where: str) -> None:
    """The page is the one meant (its heading), and at 320 px with text at 200 % it fits, keeps words whole, and
    axe finds no problem."""
    expect(heading(page)).to_have_text(title)
    assert_double_text_fits(page, where)
    assert_fits_narrow_screen(page, where)
    assert_accessible(page, where)


# Seeding ----------------------------------------------------------------------------------------------------------


def arabic_idea(live, panel):
    """A sent idea written in Arabic, waiting for the panel."""
    from portal.applications.models import Application
    from portal.extensions import db

    idea = add_sent_idea(live, live.add_resident(), panel, ARABIC_IDEA["idea_name"], {"بذور": 2_000}, days_ago=0)
    with live.app.app_context():
        application = db.session.get(Application, idea.id)
        application.language = "ar"
        for name, text in ARABIC_IDEA.items():
            setattr(application, name, text)
        db.session.commit()
    return idea


def translate_into_english(live, idea_id: int, builder_email: str) -> None:
    from portal.accounts.services import get_user_by_email
    from portal.panels.translations import save_idea_translation

    texts = {"idea_name": "A street garden", "idea_description": "We plant flowers together outside our homes."}
    with live.app.app_context():
        save_idea_translation(idea_id, get_user_by_email(builder_email), "en", texts)


def a_letter_to_print(live, panel, chair_email: str, builder_email: str) -> str:
    """An idea the builder entered for a resident with neither email nor mobile, agreed in person and sent; the
    panel says yes, which queues a letter for the builder to print. Returns the idea's reference."""
    from portal.accounts.services import get_user_by_email
    from portal.applications import assisted, services
    from portal.extensions import db
    from portal.programme.models import Pot

    with live.app.app_context():
        builder = get_user_by_email(builder_email)
        pot = db.session.get(Pot, panel.pot_id)
        idea = assisted.start_assisted_application(
            builder, pot, "Mo Resident", None, "en", resident_address="12 Chapel Street\nLeeds\nLS7 3AA"
        )
        services.save_answers(
            idea,
            {
                "applicant_type": "just_me",
                "idea_name": live.unique("Bulb planting"),
                "idea_description": "Plant bulbs along the verge.",
                "brings_together": "Neighbours on Chapel Street.",
                "helps_area": "Flowers every spring.",
                "bring_hands": "I can dig.",
                "when_text": "October",
                "contact_name": "Mo Resident",
                "contact_method": "builder",
            },
        )
        services.add_cost_line(idea, "Bulbs", 3_000)
        sent = assisted.submit_with_spoken_agreement(idea, builder, date.today())
        idea_id, reference = sent.id, sent.reference
    decide_yes(live, panel, chair_email, idea_id)
    return reference


def letters_of(live, builder_email: str) -> list[tuple[str, str]]:
    """(kind, reference) of every letter the builder may print."""
    from portal.accounts.services import get_user_by_email
    from portal.applications.letters import letters_for

    with live.app.app_context():
        return [(letter.kind, letter.application.reference) for letter in letters_for(get_user_by_email(builder_email))]


# The people -------------------------------------------------------------------------------------------------------


def test_a_resident_with_only_a_mobile_adds_an_email_address_and_a_mobile_in_three_languages(new_page, live_server):
    live = live_server
    mobile = live.new_mobile()
    page = phone(new_page)
    sign_in_by_text(page, live, mobile, first_time=False)

    for language in LANGUAGES:
        t = partial(in_language, live, language)
        where = f"in {language} at 320 px with text at 200 %"
        page.goto("/account")
        switch_language(page, live, language)
        look(page, t("Your account"), f"your account, mobile only, {where}")
        expect(page.locator("main")).to_contain_text(mobile)
        expect(page.locator("main")).to_contain_text(t("By text message"))

        page.goto("/account/email")
        look(page, t("What is your email address?"), f"adding an email address {where}")
        page.get_by_role("button", name=t("Continue"), exact=True).click()
        expect(page.locator(".govuk-error-summary")).to_contain_text(t("Enter your email address"))
        look(page, t("What is your email address?"), f"adding an email address, with nothing typed, {where}")
        address = live.new_email("mobile-resident")
        page.get_by_role("textbox").fill(address)
        page.get_by_role("button", name=t("Continue"), exact=True).click()
        page.wait_for_url("**/account/email/code")
        look(page, t("Check your email"), f"the code for a new email address {where}")
        expect(page.locator("main")).to_contain_text(address)
        assert len(live.emails_to(address)) == 1, f"no code was emailed to {address}"

        page.goto("/account/mobile")
        look(page, t("What is your mobile number?"), f"adding a mobile number {where}")

    page.goto("/account")  # none of the codes was used: still only the mobile number
    expect(page.locator("main")).to_contain_text(f"You are signed in with the mobile number {mobile}.")


def test_a_community_builder_reads_letters_and_translates_an_arabic_idea_in_three_languages(new_page, live_server):
    live = live_server
    panel = add_panel(live)
    chair = add_member(live, panel, "Chris Chair", chair=True)
    builder = live.add_staff(Role.COMMUNITY_BUILDER)
    reference = a_letter_to_print(live, panel, chair, builder.email)
    assert letters_of(live, builder.email) == [("decision", reference)], "the panel's yes queued one letter"
    idea = arabic_idea(live, panel)
    page = phone(new_page)
    sign_in_staff(page, builder)

    # The builder translates the Arabic idea into English for the panel (in English, the page's first language).
    page.goto(f"/panels/translations/ideas/{idea.id}")
    expect(heading(page)).to_have_text("Translate an idea for the panel")
    expect(page.get_by_role("radio", name="English")).to_be_checked()
    page.get_by_label("Name of the idea, translated").fill("A street garden")
    page.get_by_label("What they want to do, translated").fill("We plant flowers together outside our homes.")
    page.get_by_role("button", name="Save the translation").click()
    page.wait_for_url("**/panels/translations")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The translation has been saved.")
    look(page, "Ideas in Welsh and Arabic", "the translations, one just saved, at 320 px with text at 200 %")

    for language in LANGUAGES:
        t = partial(in_language, live, language)
        where = f"in {language} at 320 px with text at 200 %"
        page.goto("/letters")
        switch_language(page, live, language)
        look(page, t("Letters to print"), f"the letters to print {where}")
        letter = page.locator(".govuk-summary-card").filter(has_text=reference)
        expect(letter.locator(".govuk-summary-card__title")).to_contain_text(t("The panel has decided"))
        expect(letter.get_by_role("button", name=t("Mark as posted or handed over"))).to_be_visible()

        page.goto("/panels/translations")
        look(page, t("Ideas in Welsh and Arabic"), f"ideas to translate {where}")
        card = page.locator(".govuk-summary-card").filter(has_text=idea.reference)
        expect(card.locator(".govuk-summary-card__title")).to_have_text(ARABIC_IDEA["idea_name"])
        expect(card).to_contain_text(t("Written in %(language)s", language=t("Arabic")))
        expect(card.get_by_role("link")).to_contain_text(t("Change the translation for the panel"))

        card.get_by_role("link").click()
        page.wait_for_url(f"**/panels/translations/ideas/{idea.id}")
        look(page, t("Translate an idea for the panel"), f"translating an Arabic idea {where}")
        expect(page.locator("main .govuk-inset-text").first).to_have_text(ARABIC_IDEA["idea_name"])
        expect(page.locator("textarea[name=idea_name]")).to_have_value("A street garden")


def test_a_panel_chair_reads_an_arabic_idea_beside_its_english_translation_in_three_languages(new_page, live_server):
    live = live_server
    panel = add_panel(live)
    chair = add_member(live, panel, "Chris Chair", chair=True)
    idea = arabic_idea(live, panel)
    translate_into_english(live, idea.id, live.add_staff(Role.COMMUNITY_BUILDER).email)
    path = f"/panels/{panel.neighbourhood_id}/ideas/{idea.id}"
    page = phone(new_page)
    sign_in_resident(page, live, chair)
    page.goto(path)

    for language in LANGUAGES:
        t = partial(in_language, live, language)
        switch_language(page, live, language)
        look(page, ARABIC_IDEA["idea_name"], f"an Arabic idea, translated, in {language} at 320 px with text at 200 %")
        written_in = page.locator(".govuk-summary-list__row").filter(has=page.locator("dt", has_text=t("Written in")))
        expect(written_in.locator("dd")).to_have_text(t("Arabic"))  # no "a builder can translate it": one has
        expect(page.locator("main")).to_contain_text(ARABIC_IDEA["idea_description"])
        translation = t("A translation into %(language)s", language=t("English"))
        expect(page.get_by_role("heading", level=2, name=translation)).to_be_visible()
        expect(page.locator("main")).to_contain_text("We plant flowers together outside our homes.")


def test_a_programme_officer_describes_a_pot_in_three_languages_and_residents_read_it(new_page, live_server):
    live = live_server
    panel = add_panel(live)
    pot_form = f"/programme/neighbourhoods/{panel.neighbourhood_id}/pots/{panel.pot_id}"
    public = f"/neighbourhoods/{slugify(panel.name)}"
    officer = phone(new_page)
    sign_in_staff(officer, live.add_staff(Role.PROGRAMME_OFFICER))

    officer.goto(pot_form)
    look(officer, f"Change {panel.pot_name}", "the pot form, no description yet, at 320 px with text at 200 %")
    officer.get_by_label("Short description (optional)", exact=True).fill(POT_DESCRIPTIONS["en"])
    officer.get_by_label("Short description in Welsh (optional)", exact=True).fill(POT_DESCRIPTIONS["cy"])
    officer.get_by_label("Short description in Arabic (optional)", exact=True).fill(POT_DESCRIPTIONS["ar"])
    officer.get_by_role("button", name="Save", exact=True).click()
    officer.wait_for_url("**/programme/neighbourhoods")
    expect(officer.locator(".govuk-notification-banner")).to_contain_text(f"{panel.pot_name} has been saved.")

    visitor = phone(new_page)
    visitor.goto(public)
    for language in LANGUAGES:
        t = partial(in_language, live, language)
        where = f"in {language} at 320 px with text at 200 %"
        officer.goto(pot_form)
        switch_language(officer, live, language)
        look(officer, t("Change %(name)s", name=panel.pot_name), f"the pot form {where}")
        for label, text_language in (
            ("Short description (optional)", "en"),
            ("Short description in Welsh (optional)", "cy"),
            ("Short description in Arabic (optional)", "ar"),
        ):
            expect(officer.get_by_label(t(label), exact=True)).to_have_value(POT_DESCRIPTIONS[text_language])

        switch_language(visitor, live, language)
        look(visitor, panel.name, f"the neighbourhood's public page {where}")
        pot = visitor.locator("main h2", has_text=panel.pot_name)
        expect(pot).to_be_visible()
        description = pot.locator("xpath=following-sibling::p[1]")
        expect(description).to_have_text(POT_DESCRIPTIONS[language])
        expect(description).not_to_have_attribute("lang", "en")  # in the page's own language, not the English
