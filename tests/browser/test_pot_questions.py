"""A pot's own questions in a browser at 360 px, with JavaScript on and off: a programme officer adds a choice question
in English, Welsh and Arabic, told how easy it is to read as they type (or, without JavaScript, after saving), and
removes it again; a resident answers a pot's questions, one a page between "When and where?" and "How can we reach
you?", puts a missing answer right and sees every answer on check your answers; the question pages read in Welsh and
Arabic. axe checks every page, happy and in error."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.domain.roles import Role
from tests.browser.conftest import assert_accessible, assert_fits_narrow_screen, sign_in_resident, sign_in_staff
from tests.browser.panel_helpers import add_panel
from tests.browser.test_application_journey import expect_errors, summary_rows
from tests.browser.test_mobile_only import PHONE_360, heading
from tests.browser.test_reach_pages import in_language, switch_language

pytestmark = pytest.mark.browser

HARD_WORDING = "Describe the anticipated participation outcomes for beneficiaries"
PLAIN_WORDING = "When would you like to meet?"
HINT = "Pick the time that suits you best."
OPTIONS = ("Morning", "Afternoon", "Evening")
WELSH = {
    "wording": "Pryd hoffech chi gwrdd?",
    "hint": "Dewiswch yr amser sy'n addas i chi.",
    "choices": "Bore\nPrynhawn\nNos",
}
ARABIC = {"wording": "متى تود أن نلتقي؟", "hint": "اختر الوقت الذي يناسبك.", "choices": "صباحًا\nبعد الظهر\nمساءً"}

# The pot's questions a resident answers: one choice (required), a longer answer (required, with no Arabic wording)
# and yes or no (optional).
LONG_WORDING = "What will people do on the day?"
LONG_WELSH = "Beth fydd pobl yn ei wneud ar y diwrnod?"
YES_NO_WORDING = "Have you run an event like this before?"
YES_NO_WELSH = "Ydych chi wedi cynnal digwyddiad fel hwn o'r blaen?"
YES_NO_ARABIC = "هل نظمت فعالية كهذه من قبل؟"


def questions_of(live, pot_id: int) -> list[dict]:
    """The pot's questions as they stand now, as the live server's database holds them (each language's options as
    the list residents are shown: the Welsh and Arabic options are kept as typed, line ends and all)."""
    from portal.domain.pot_questions import choices_from
    from portal.programme.questions import questions_of as find

    def options_as_lists(versions: dict) -> dict:
        return {
            language: {name: choices_from(text) if name == "choices" else text for name, text in texts.items()}
            for language, texts in versions.items()
        }

    with live.app.app_context():
        return [
            {
                "kind": q.kind,
                "wording": q.wording,
                "hint": q.hint,
                "choices": q.choices,
                "optional": q.optional,
                "other_languages": options_as_lists(q.other_languages),
            }
            for q in find(pot_id)
        ]


def with_own_questions(live, pot_id: int) -> list[int]:
    """Three questions of the pot's own, written straight into the database; their ids, in order."""
    from portal.extensions import db
    from portal.programme.models import PotQuestion

    rows = [
        PotQuestion(
            pot_id=pot_id,
            position=1,
            kind="choice",
            wording=PLAIN_WORDING,
            hint=HINT,
            choices="\n".join(OPTIONS),
            optional=False,
            other_languages={"cy": dict(WELSH), "ar": dict(ARABIC)},
        ),
        PotQuestion(
            pot_id=pot_id,
            position=2,
            kind="long_text",
            wording=LONG_WORDING,
            optional=False,
            other_languages={"cy": {"wording": LONG_WELSH}},  # no Arabic: Arabic readers see the English
        ),
        PotQuestion(
            pot_id=pot_id,
            position=3,
            kind="yes_no",
            wording=YES_NO_WORDING,
            optional=True,
            other_languages={"cy": {"wording": YES_NO_WELSH}, "ar": {"wording": YES_NO_ARABIC}},
        ),
    ]
    with live.app.app_context():
        db.session.add_all(rows)
        db.session.commit()
        return [row.id for row in rows]


def answers_of(live, application_id: int) -> dict[int, str]:
    """{question id: answer} the idea holds."""
    from portal.extensions import db
    from portal.programme.models import QuestionAnswer

    with live.app.app_context():
        rows = db.session.query(QuestionAnswer).filter_by(application_id=application_id)
        return {row.question_id: row.answer for row in rows}


def a_draft_up_to_when_and_where(live) -> tuple[str, int, list[int]]:
    """A resident with a draft on a pot with three questions of its own, answered up to "When and where?"."""
    pot = live.add_open_pot()
    question_ids = with_own_questions(live, pot.pot_id)
    email = live.add_resident()
    answers = {
        "applicant_type": "just_me",
        "idea_name": live.unique("Picnic in the park"),
        "idea_description": "A picnic for the street.",
        "brings_together": "Neighbours who have not met.",
        "helps_area": "People will know who lives next door.",
    }
    application_id = live.add_draft(email, pot, answers, {"Tea and cake": 4_500})
    return email, application_id, question_ids


def wording_check(page):
    return page.locator(".app-wording-check")


def expect_field_errors(page, by_field: dict[str, str], *, javascript: bool) -> None:
    """The error summary names exactly these problems, each linking to its field, and each field shows its own.

    Not their order: the summary lists "What kind of answer?" before "The question", although the question comes
    first on the page (the form class declares `kind` first)."""
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    if javascript:
        expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    expect(links).to_have_count(len(by_field))
    for field, message in by_field.items():
        expect(summary.get_by_role("link", name=message, exact=True)).to_have_attribute("href", f"#{field}")
        expect(page.locator(f"#{field}-error")).to_have_text(f"Error: {message}")
    expect(page.locator(".govuk-error-message")).to_have_count(len(by_field))
    assert page.title().startswith("Error: "), page.title()


# A programme officer writes a question ----------------------------------------------------------------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_an_officer_adds_a_choice_question_in_three_languages_and_removes_it(new_page, live_server, javascript):
    panel = add_panel(live_server)
    page = new_page(java_script_enabled=javascript, **PHONE_360)
    sign_in_staff(page, live_server.add_staff(Role.PROGRAMME_OFFICER))

    page.goto("/programme/neighbourhoods")
    row = page.get_by_role("table", name=f"Pots in {panel.name}").get_by_role("row").filter(has_text=panel.pot_name)
    row.get_by_role("link", name=f"0 questions in {panel.pot_name}", exact=True).click()
    assert page.url.endswith(f"/programme/neighbourhoods/{panel.neighbourhood_id}/pots/{panel.pot_id}/questions")
    expect(heading(page)).to_have_text(f"Questions of your own for {panel.pot_name}")
    expect(page.locator("main")).to_contain_text("This pot has no questions of its own.")
    assert_accessible(page, "a pot's questions, none yet")
    assert_fits_narrow_screen(page, "a pot's questions at 360 px")

    page.get_by_role("link", name="Add a question").click()  # a link styled as a button
    expect(heading(page)).to_have_text("Add a question")
    expect(wording_check(page)).to_have_attribute("aria-live", "polite")
    expect(wording_check(page)).to_be_empty()
    assert_accessible(page, "the add-a-question form")
    assert_fits_narrow_screen(page, "the add-a-question form at 360 px")

    # Saved empty: both problems named, each beside its field.
    page.get_by_role("button", name="Save").click()
    expect_field_errors(
        page, {"wording": "Enter the question", "kind": "Choose what kind of answer"}, javascript=javascript
    )
    expect(wording_check(page)).to_be_empty()  # nothing written, nothing to check
    assert_accessible(page, "the add-a-question form, saved empty")
    assert_fits_narrow_screen(page, "the add-a-question form with errors at 360 px")

    wording = page.get_by_label("The question", exact=True)
    hint = page.get_by_label("A hint under the question (optional)")
    wording.fill(HARD_WORDING)
    if javascript:
        # A moment after typing stops, the check shows under the fields, before anything is saved.
        expect(wording_check(page)).to_contain_text("Hard to read")
        expect(wording_check(page)).to_contain_text("Reading age 29.")
        expect(wording_check(page)).to_contain_text("Long words to change: anticipated, participation, beneficiaries")
        expect(wording_check(page)).to_contain_text("Words we never use")
        expect(wording_check(page)).to_contain_text("Change these words: beneficiaries")
        assert_accessible(page, "the add-a-question form, checking hard wording")
    else:
        # Without JavaScript the check comes back with the form: sent with one option only.
        expect(wording_check(page)).to_be_empty()
        page.get_by_role("radio", name="One choice from a list", exact=True).check()
        page.get_by_label("The options, one on each line (only for one choice from a list)").fill("Morning")
        page.get_by_role("button", name="Save").click()
        expect_field_errors(page, {"choices": "Enter at least 2 options, one on each line"}, javascript=False)
        expect(page.get_by_label("The question", exact=True)).to_have_value(HARD_WORDING)
        expect(wording_check(page)).to_contain_text("Hard to read")
        expect(wording_check(page)).to_contain_text("beneficiaries")
        expect(wording_check(page)).to_contain_text("Change these words: beneficiaries")
        assert_accessible(page, "the add-a-question form, too few options")

    wording.fill(PLAIN_WORDING)
    hint.fill(HINT)
    if javascript:
        expect(wording_check(page)).to_contain_text("Easy to read")
        expect(wording_check(page)).not_to_contain_text("Hard to read")
        expect(wording_check(page)).not_to_contain_text("beneficiaries")
    page.get_by_role("radio", name="One choice from a list", exact=True).check()
    page.get_by_label("The options, one on each line (only for one choice from a list)").fill(
        "\n".join(OPTIONS) + "\n\nmorning\n"  # a blank line and a repeat are dropped
    )
    page.get_by_label("The question, in Welsh (optional)").fill(WELSH["wording"])
    page.get_by_label("The options, in Welsh (optional)").fill("Bore\nNos")  # one short
    page.get_by_label("The question, in Arabic (optional)").fill(ARABIC["wording"])
    page.get_by_label("The options, in Arabic (optional)").fill(ARABIC["choices"])
    page.get_by_role("button", name="Save").click()

    # Two Welsh options for three English ones: said beside the Welsh options; everything typed is kept, and the
    # check of the (now plain) wording comes back with the form, with JavaScript or without.
    expect_field_errors(
        page, {"choices_cy": "Give as many options in Welsh as in English, in the same order"}, javascript=javascript
    )
    expect(page.get_by_label("The question", exact=True)).to_have_value(PLAIN_WORDING)
    expect(page.get_by_role("radio", name="One choice from a list", exact=True)).to_be_checked()
    expect(page.get_by_label("The options, one on each line (only for one choice from a list)")).to_have_value(
        re.compile(r"Afternoon\s+Evening")
    )
    expect(page.get_by_label("The question, in Arabic (optional)")).to_have_value(ARABIC["wording"])
    expect(wording_check(page)).to_contain_text("Easy to read")
    expect(wording_check(page)).not_to_contain_text("Hard to read")
    assert_accessible(page, "the add-a-question form, too few Welsh options")
    assert_fits_narrow_screen(page, "the add-a-question form, too few Welsh options, at 360 px")
    page.get_by_label("The options, in Welsh (optional)").fill(WELSH["choices"])
    page.get_by_role("button", name="Save").click()

    page.wait_for_url(f"**/pots/{panel.pot_id}/questions")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"Your question has been added: “{PLAIN_WORDING}”"
    )
    card = page.locator(".govuk-summary-card")
    expect(card).to_have_count(1)
    expect(card.locator(".govuk-summary-card__title")).to_have_text(PLAIN_WORDING)
    expect(card).to_contain_text("One choice from a list")
    expect(card.locator(".govuk-summary-list__value .govuk-list li")).to_have_text(list(OPTIONS))
    expect(card).to_contain_text("Easy to read")
    expect(card).to_contain_text("Reading age 5.")
    expect(card).not_to_contain_text("Hard to read")
    expect(card).to_contain_text("In Welsh: yes · In Arabic: yes")
    assert_accessible(page, "a pot's questions, with one")
    assert_fits_narrow_screen(page, "a pot's questions, with one, at 360 px")
    assert questions_of(live_server, panel.pot_id) == [
        {
            "kind": "choice",
            "wording": PLAIN_WORDING,
            "hint": HINT,
            "choices": "\n".join(OPTIONS),
            "optional": False,
            "other_languages": {
                "cy": {"wording": WELSH["wording"], "choices": WELSH["choices"].splitlines()},
                "ar": {"wording": ARABIC["wording"], "choices": ARABIC["choices"].splitlines()},
            },
        }
    ]

    page.goto("/programme/neighbourhoods")
    expect(page.get_by_role("link", name=f"1 question in {panel.pot_name}", exact=True)).to_be_visible()

    # Removed, after asking.
    page.get_by_role("link", name=f"1 question in {panel.pot_name}", exact=True).click()
    page.get_by_role("link", name="Remove question 1").click()
    expect(heading(page)).to_have_text("Remove this question?")
    expect(page.locator(".govuk-inset-text")).to_have_text(PLAIN_WORDING)
    assert_accessible(page, "remove this question?")
    assert_fits_narrow_screen(page, "remove this question? at 360 px")
    page.get_by_role("button", name="Remove").click()
    page.wait_for_url(f"**/pots/{panel.pot_id}/questions")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"This question has been removed: “{PLAIN_WORDING}”"
    )
    expect(page.locator(".govuk-summary-card")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("This pot has no questions of its own.")
    assert questions_of(live_server, panel.pot_id) == []


def test_a_hard_question_saved_without_javascript_says_so_on_the_list(new_page, live_server):
    """Without JavaScript nothing is checked as it is typed: the list says how hard the saved question reads."""
    panel = add_panel(live_server)
    page = new_page(java_script_enabled=False, **PHONE_360)
    sign_in_staff(page, live_server.add_staff(Role.PROGRAMME_OFFICER))
    page.goto(f"/programme/neighbourhoods/{panel.neighbourhood_id}/pots/{panel.pot_id}/questions/new")
    page.get_by_label("The question", exact=True).fill(HARD_WORDING)
    page.get_by_role("radio", name="A longer answer, a few sentences", exact=True).check()
    page.get_by_label("Residents may leave this question out").check()
    page.get_by_role("button", name="Save").click()

    page.wait_for_url(f"**/pots/{panel.pot_id}/questions")
    card = page.locator(".govuk-summary-card")
    expect(card).to_contain_text("A longer answer, a few sentences (optional)")
    expect(card).to_contain_text("Hard to read")
    expect(card).to_contain_text("Long words to change: anticipated, participation, beneficiaries")
    expect(card).to_contain_text("Change these words: beneficiaries")
    expect(card).to_contain_text("In Welsh: not yet · In Arabic: not yet")
    assert_accessible(page, "a pot's questions, with a hard one")
    assert_fits_narrow_screen(page, "a pot's questions, with a hard one, at 360 px")


# A resident answers them ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_a_resident_answers_the_pots_questions_and_sees_them_on_check_your_answers(new_page, live_server, javascript):
    email, application_id, (choice_id, long_id, yes_no_id) = a_draft_up_to_when_and_where(live_server)
    page = new_page(java_script_enabled=javascript, **PHONE_360)
    sign_in_resident(page, live_server, email)
    page.goto(f"/ideas/{application_id}/when-and-where")
    expect(heading(page)).to_have_text("When and where?")
    page.get_by_label("Roughly when will it happen?").fill("In June")
    page.get_by_role("button", name="Continue", exact=True).click()

    # The first of the pot's questions: one choice, required.
    page.wait_for_url(f"**/ideas/{application_id}/pot-questions/1")
    expect(heading(page)).to_have_text(PLAIN_WORDING)
    expect(page.locator(".govuk-hint")).to_have_text(HINT)
    expect(page.get_by_role("radio")).to_have_count(3)
    for option in OPTIONS:
        expect(page.get_by_label(option, exact=True)).not_to_be_checked()
    expect(page.get_by_role("link", name="Back", exact=True)).to_have_attribute(
        "href", re.compile(rf"/ideas/{application_id}/when-and-where$")
    )
    assert_accessible(page, "the pot's first question")
    assert_fits_narrow_screen(page, "the pot's first question at 360 px")
    page.get_by_role("button", name="Continue", exact=True).click()
    expect_errors(page, ["Select an answer"], javascript=javascript)
    assert page.url.endswith(f"/ideas/{application_id}/pot-questions/1"), page.url
    assert_accessible(page, "the pot's first question, unanswered")
    assert_fits_narrow_screen(page, "the pot's first question with an error at 360 px")
    page.get_by_label("Evening", exact=True).check()
    page.get_by_role("button", name="Continue", exact=True).click()

    # The second: a longer answer, required; only spaces will not do.
    page.wait_for_url(f"**/ideas/{application_id}/pot-questions/2")
    expect(heading(page)).to_have_text(LONG_WORDING)
    answer = page.get_by_label(LONG_WORDING, exact=True)
    answer.fill("   ")
    page.get_by_role("button", name="Continue", exact=True).click()
    expect_errors(page, ["Enter an answer"], javascript=javascript)
    assert_accessible(page, "the pot's second question, left empty")
    picnic = "A picnic, then a walk round the park."
    page.get_by_label(LONG_WORDING, exact=True).fill(picnic)
    page.get_by_role("button", name="Continue", exact=True).click()

    # The third: yes or no, optional, so it may be left out.
    page.wait_for_url(f"**/ideas/{application_id}/pot-questions/3")
    expect(heading(page)).to_have_text(f"{YES_NO_WORDING} (optional)")
    expect(page.get_by_label("Yes", exact=True)).to_be_visible()
    expect(page.get_by_label("No", exact=True)).to_be_visible()
    assert_accessible(page, "the pot's optional yes-or-no question")
    page.get_by_role("button", name="Continue", exact=True).click()

    expect(heading(page)).to_have_text("How can we reach you?")
    expect(page.get_by_role("link", name="Back", exact=True)).to_have_attribute(
        "href", re.compile(rf"/ideas/{application_id}/pot-questions/3$")
    )
    page.get_by_label("By email").check()
    page.get_by_role("button", name="Continue", exact=True).click()

    expect(heading(page)).to_have_text("Check your answers before sending your idea")
    rows = summary_rows(page)
    assert rows[PLAIN_WORDING] == "Evening"
    assert rows[LONG_WORDING] == picnic
    assert rows[YES_NO_WORDING] == "Not given"
    keys = list(rows)
    assert keys.index("When") < keys.index(PLAIN_WORDING) < keys.index(LONG_WORDING) < keys.index(YES_NO_WORDING)
    assert keys.index(YES_NO_WORDING) < keys.index("How to reach you"), keys  # before the contact details
    assert answers_of(live_server, application_id) == {choice_id: "3", long_id: picnic}
    assert_accessible(page, "check your answers with the pot's questions")
    assert_fits_narrow_screen(page, "check your answers at 360 px")

    # Changing an answer goes back to its page, keeps the answer given, and returns to check your answers.
    page.get_by_role("link", name=f"Change {PLAIN_WORDING}").click()
    page.wait_for_url(re.compile(rf"/ideas/{application_id}/pot-questions/1\?from=check$"))
    expect(page.get_by_label("Evening", exact=True)).to_be_checked()
    page.get_by_label("Morning", exact=True).check()
    page.get_by_role("button", name="Continue", exact=True).click()
    expect(heading(page)).to_have_text("Check your answers before sending your idea")
    rows = summary_rows(page)
    assert rows[PLAIN_WORDING] == "Morning"
    page.get_by_role("link", name=f"Change {YES_NO_WORDING}").click()
    page.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Continue", exact=True).click()
    expect(heading(page)).to_have_text("Check your answers before sending your idea")
    assert summary_rows(page)[YES_NO_WORDING] == "Yes"
    assert answers_of(live_server, application_id) == {choice_id: "1", long_id: picnic, yes_no_id: "yes"}


def test_the_pots_questions_read_in_welsh_and_arabic(new_page, live_server):
    email, application_id, _ = a_draft_up_to_when_and_where(live_server)
    page = new_page(**PHONE_360)
    sign_in_resident(page, live_server, email)
    page.goto(f"/ideas/{application_id}/pot-questions/1")
    expect(heading(page)).to_have_text(PLAIN_WORDING)

    # Welsh: the programme's Welsh question, hint and options; the portal's words in Welsh.
    switch_language(page, live_server, "cy")
    expect(heading(page)).to_have_text(WELSH["wording"])
    expect(page.locator(".govuk-hint")).to_have_text(WELSH["hint"])
    for option in WELSH["choices"].splitlines():
        expect(page.get_by_label(option, exact=True)).to_be_visible()
    expect(page.get_by_label("Evening", exact=True)).to_have_count(0)
    continue_cy = in_language(live_server, "cy", "Continue")
    assert continue_cy != "Continue"
    expect(page.get_by_role("button", name=continue_cy, exact=True)).to_be_visible()
    assert_accessible(page, "the pot's first question in Welsh")
    assert_fits_narrow_screen(page, "the pot's first question in Welsh at 360 px")

    # Arabic: right to left, the programme's Arabic words; an unanswered question says so in Arabic.
    switch_language(page, live_server, "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(heading(page)).to_have_text(ARABIC["wording"])
    expect(page.locator(".govuk-hint")).to_have_text(ARABIC["hint"])
    for option in ARABIC["choices"].splitlines():
        expect(page.get_by_label(option, exact=True)).to_be_visible()
    assert_accessible(page, "the pot's first question in Arabic")
    assert_fits_narrow_screen(page, "the pot's first question in Arabic at 360 px")
    page.get_by_role("button", name=in_language(live_server, "ar", "Continue"), exact=True).click()
    select = in_language(live_server, "ar", "Select an answer")
    assert select != "Select an answer"
    expect(page.locator(".govuk-error-summary")).to_contain_text(select)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert_accessible(page, "the pot's first question in Arabic, unanswered")
    page.get_by_label("مساءً", exact=True).check()
    page.get_by_role("button", name=in_language(live_server, "ar", "Continue"), exact=True).click()

    # No Arabic wording for the second: the English shows, marked as English, left to right.
    page.wait_for_url(f"**/ideas/{application_id}/pot-questions/2")
    expect(heading(page)).to_have_text(LONG_WORDING)
    english = page.locator("label span[lang]", has_text=LONG_WORDING)  # the words themselves, not the whole label
    expect(english).to_have_attribute("lang", "en")
    expect(english).to_have_attribute("dir", "ltr")
    assert_accessible(page, "the pot's second question in Arabic, written only in English")
    page.get_by_label(LONG_WORDING, exact=True).fill("نزهة في الحديقة")
    page.get_by_role("button", name=in_language(live_server, "ar", "Continue"), exact=True).click()

    page.wait_for_url(f"**/ideas/{application_id}/pot-questions/3")
    expect(heading(page)).to_have_text(f"{YES_NO_ARABIC} {in_language(live_server, 'ar', '(optional)')}")
    expect(page.get_by_label(in_language(live_server, "ar", "Yes"), exact=True)).to_be_visible()
    assert_accessible(page, "the pot's optional question in Arabic")
    assert_fits_narrow_screen(page, "the pot's optional question in Arabic at 360 px")

    # Check your answers in Arabic: each question in Arabic where written, the option chosen in Arabic.
    page.goto(f"/ideas/{application_id}/check-your-answers")
    rows = summary_rows(page)
    assert rows[ARABIC["wording"]] == "مساءً"
    assert rows[LONG_WORDING] == "نزهة في الحديقة"
    assert rows[YES_NO_ARABIC] == in_language(live_server, "ar", "Not given")
    expect(page.locator("dt", has_text=LONG_WORDING)).to_have_attribute("lang", "en")
    assert_accessible(page, "check your answers in Arabic")


def test_a_yes_or_no_question_without_a_hint_shows_no_hint(new_page, live_server):
    email, application_id, _ = a_draft_up_to_when_and_where(live_server)
    page = new_page(**PHONE_360)
    sign_in_resident(page, live_server, email)
    page.goto(f"/ideas/{application_id}/pot-questions/3")  # yes or no, written with no hint
    expect(heading(page)).to_have_text(f"{YES_NO_WORDING} (optional)")
    expect(page.get_by_text("None", exact=True)).to_have_count(0)
