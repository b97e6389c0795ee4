"""A resident sends an idea from a phone, with and without JavaScript: every page passes axe, and every question
with a required answer is first sent wrong, so the resident sees what to put right and keeps what they typed."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, assert_accessible, download_pdf, sign_in_resident

pytestmark = pytest.mark.browser

REFERENCE_CHARACTER = "[ABCDEFGHJKMNPQRSTUVWXYZ23456789]"
REFERENCE = re.compile(rf"^{REFERENCE_CHARACTER}{{4}}-{REFERENCE_CHARACTER}{{4}}$")


def heading(page):
    return page.get_by_role("heading", level=1)


def press(page, name):
    page.get_by_role("button", name=name, exact=True).click()


ERROR_STATE = """() => ({
  title: document.title,
  summary: [...document.querySelectorAll('.govuk-error-summary a')].map(a => a.textContent.trim()),
  messages: [...document.querySelectorAll('.govuk-error-message')].map(p => p.textContent.trim()),
  focused: document.activeElement === document.querySelector('.govuk-error-summary'),
})"""
ROWS = """() => Object.fromEntries([...document.querySelectorAll('main .govuk-summary-list__row')].map(row => [
  row.querySelector('.govuk-summary-list__key').innerText.trim(),
  row.querySelector('.govuk-summary-list__value').innerText.split(/\\s+/).join(' ').trim(),
]))"""


def expect_errors(page, messages, *, javascript):
    """The GOV.UK error summary lists exactly these messages, each also shown beside its own field."""
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    if javascript:
        expect(summary).to_be_focused()  # GOV.UK Frontend's script moves focus to the summary
    state = page.evaluate(ERROR_STATE)
    assert state["summary"] == messages
    assert state["messages"] == [f"Error: {message}" for message in messages]  # "Error:" is for screen readers
    assert state["focused"] is javascript
    assert state["title"].startswith("Error: "), state["title"]


def summary_rows(page):
    """The key and value of each row of the page's summary list, as the resident reads them."""
    expect(page.locator("main .govuk-summary-list__row").first).to_be_visible()
    return page.evaluate(ROWS)


def test_reference_pattern_refuses_look_alikes():
    """The pattern the journey checks the reference against is strict enough to catch a wrong reference."""
    assert REFERENCE.match("K7M2-Q9TX")
    for wrong in ("K7M2Q9TX", "K7M2-Q9T", "K0M2-Q9TX", "K1M2-Q9TX", "KIM2-Q9TX", "k7m2-q9tx", "K7M2-Q9TXX"):
        assert not REFERENCE.match(wrong), wrong


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_a_resident_sends_an_idea_from_a_phone(new_page, live_server, javascript):
    pot = live_server.add_open_pot(max_award_pence=50_000)
    email = live_server.add_resident()
    page = new_page(java_script_enabled=javascript)
    sign_in_resident(page, live_server, email)
    assert ("js-enabled" in (page.locator("body").get_attribute("class") or "")) is javascript

    # Home, the neighbourhood, before you start.
    page.goto("/")
    assert_accessible(page, "the home page")
    page.get_by_role("link", name=pot.neighbourhood, exact=True).click()
    expect(heading(page)).to_have_text(pot.neighbourhood)
    expect(page.locator("main")).to_contain_text("You can ask for up to £500.")
    assert_accessible(page, "the neighbourhood page")
    page.get_by_role("button", name=f"Start now – {pot.name}").click()  # a link styled, and named, as a button
    expect(heading(page)).to_have_text("Before you start")
    assert_accessible(page, "the before-you-start page")
    press(page, "Start")

    # Who is applying: nothing chosen, then an informal group.
    expect(heading(page)).to_have_text("Who is applying?")
    assert re.search(r"/ideas/\d+/who-is-applying$", page.url), page.url
    application_id = int(re.search(r"/ideas/(\d+)/", page.url).group(1))
    assert_accessible(page, "who is applying")
    press(page, "Continue")
    expect_errors(page, ["Select who is applying"], javascript=javascript)
    assert_accessible(page, "who is applying, with nothing chosen")
    page.get_by_label("A few of us (an informal group)").check()
    press(page, "Continue")

    # Group name: empty first.
    expect(heading(page)).to_have_text("What is your group called?")
    assert_accessible(page, "the group name")
    press(page, "Continue")
    expect_errors(page, ["Enter your group's name"], javascript=javascript)
    assert_accessible(page, "the group name, left empty")
    page.get_by_label("What is your group called?").fill("Friends of Potternewton Park")
    press(page, "Continue")

    # Idea name: too long first, and what was typed stays in the box.
    expect(heading(page)).to_have_text("What do you call your idea?")
    assert_accessible(page, "the idea name")
    too_long = "Saturday litter pick " * 10 + "and more"  # 218 characters
    page.get_by_label("What do you call your idea?").fill(too_long)
    press(page, "Continue")
    expect_errors(page, ["Write 200 characters or fewer"], javascript=javascript)
    expect(page.get_by_label("What do you call your idea?")).to_have_value(too_long)
    assert_accessible(page, "the idea name, too long")
    page.get_by_label("What do you call your idea?").fill("Saturday litter pick")
    press(page, "Continue")

    # The three long answers: each sent empty (or only spaces) first.
    long_answers = [
        ("What do you want to do?", "Tell us what you want to do", "Pick up litter in the park, then share tea."),
        ("Who will it bring together?", "Tell us who it will bring together", "Neighbours and the school."),
        ("How will it help your area?", "Tell us how it will help your area", "The park will be cleaner."),
    ]
    for question, message, answer in long_answers:
        expect(heading(page)).to_have_text(question)
        assert_accessible(page, f"'{question}'")
        page.get_by_label(question).fill("   ")
        press(page, "Continue")
        expect_errors(page, [message], javascript=javascript)
        assert_accessible(page, f"'{question}', left empty")
        page.get_by_label(question).fill(answer)
        press(page, "Continue")

    # What you bring and help from others are optional: one answer given, the rest left empty.
    expect(heading(page)).to_have_text("What do you bring?")
    assert_accessible(page, "what you bring")
    page.get_by_label("What you can do (optional)").fill("I can make posters")
    press(page, "Continue")
    expect(heading(page)).to_have_text("Will anyone else help? (optional)")
    assert_accessible(page, "help from others")
    press(page, "Continue")

    # Costs: the mistakes a resident makes, then two lines, one removed, another added.
    expect(heading(page)).to_have_text("What is the money for?")
    assert page.url.endswith(f"/ideas/{application_id}/costs"), page.url
    expect(page.locator("main")).to_contain_text("You can ask for up to £500 in total.")
    assert_accessible(page, "the costs page")
    press(page, "Continue")
    expect_errors(page, ["Add at least one cost"], javascript=javascript)
    assert_accessible(page, "the costs page, continued with no costs")
    press(page, "Add this cost")
    expect_errors(page, ["Enter what the money is for", "Enter how much it costs"], javascript=javascript)
    assert_accessible(page, "the costs page, a cost added empty")
    for amount, message in [
        ("600", "The total must be £500 or less"),
        ("0", "Enter an amount more than £0"),
        ("abc", "Enter an amount in pounds and pence, like 250 or 1,250.50"),
    ]:
        page.get_by_label("What is it for?").fill("Litter pickers")
        page.get_by_label("How much does it cost?").fill(amount)
        press(page, "Add this cost")
        expect_errors(page, [message], javascript=javascript)
        expect(page.locator("#amount-error")).to_contain_text(message)
        expect(page.get_by_label("What is it for?")).to_have_value("Litter pickers")
        expect(page.get_by_label("How much does it cost?")).to_have_value(amount)
        assert_accessible(page, f"the costs page, an amount of {amount!r}")
    expect(page.locator("main .govuk-summary-list")).to_have_count(0)  # nothing wrong was added

    for item, amount in [("Tea and biscuits", "25.50"), ("Litter pickers", "£120")]:
        page.get_by_label("What is it for?").fill(item)
        page.get_by_label("How much does it cost?").fill(amount)
        press(page, "Add this cost")
        expect(page.locator(".govuk-error-summary")).to_have_count(0)
    assert summary_rows(page) == {"Tea and biscuits": "£25.50", "Litter pickers": "£120", "Total": "£145.50"}
    expect(page.get_by_label("What is it for?")).to_have_value("")  # a fresh line to add
    assert_accessible(page, "the costs page with two costs")
    page.get_by_role("button", name="Remove Tea and biscuits").click()
    expect(page.get_by_role("button", name="Remove Tea and biscuits")).to_have_count(0)
    assert summary_rows(page) == {"Litter pickers": "£120", "Total": "£120"}
    # The last cost typed, then straight on with the green Continue button, as a new user does: it is added.
    page.get_by_label("What is it for?").fill("Hire of the hall")
    page.get_by_label("How much does it cost?").fill("60")
    press(page, "Continue")

    # When and where: the place given but not the time.
    expect(heading(page)).to_have_text("When and where?")
    assert_accessible(page, "when and where")
    page.get_by_label("Where will it happen? (optional)").fill("Potternewton Park gates")
    press(page, "Continue")
    expect_errors(page, ["Tell us roughly when it will happen"], javascript=javascript)
    expect(page.get_by_label("Where will it happen? (optional)")).to_have_value("Potternewton Park gates")
    assert_accessible(page, "when and where, with no time")
    page.get_by_label("Roughly when will it happen?").fill("The summer holidays")
    press(page, "Continue")

    # Contact: the name rubbed out and a phone call asked for with no number.
    expect(heading(page)).to_have_text("How can we reach you?")
    expect(page.get_by_label("Your name")).to_have_value("Rae Resident")  # from the account
    assert_accessible(page, "the contact page")
    page.get_by_label("Your name").fill("")
    page.get_by_label("By phone (a community builder will call you)").check()
    page.get_by_label("Phone number (if you chose phone)").fill("call me")
    press(page, "Continue")
    expect_errors(page, ["Enter your name", "Enter a phone number, like 07700 900 982"], javascript=javascript)
    expect(page.get_by_label("By phone (a community builder will call you)")).to_be_checked()
    expect(page.get_by_label("Phone number (if you chose phone)")).to_have_value("call me")
    assert_accessible(page, "the contact page with mistakes")
    page.get_by_label("Your name").fill("Rae Resident")
    page.get_by_label("By email").check()
    page.get_by_label("Phone number (if you chose phone)").fill("")
    press(page, "Continue")

    # Check your answers, with one answer changed on the way.
    expect(heading(page)).to_have_text("Check your answers before sending your idea")
    assert page.url.endswith(f"/ideas/{application_id}/check-your-answers"), page.url
    answers = summary_rows(page)
    assert answers == {
        "Who is applying": "A few of us (an informal group)",
        "Group name": "Friends of Potternewton Park",
        "Name of your idea": "Saturday litter pick",
        "What you want to do": "Pick up litter in the park, then share tea.",
        "Who it brings together": "Neighbours and the school.",
        "How it helps your area": "The park will be cleaner.",
        "What you know": "Not given",
        "What you can do": "I can make posters",
        "What you care about": "Not given",
        "Help from others": "Not given",
        "What the money is for": "Litter pickers: £120 Hire of the hall: £60 Total: £180",
        "When": "The summer holidays",
        "Where": "Potternewton Park gates",
        "Your name": "Rae Resident",
        "How to reach you": "By email",
        "Phone number": "Not given",
    }
    assert_accessible(page, "check your answers")
    page.get_by_role("link", name="Change Name of your idea").click()
    expect(heading(page)).to_have_text("What do you call your idea?")
    expect(page.get_by_label("What do you call your idea?")).to_have_value("Saturday litter pick")
    page.get_by_label("What do you call your idea?").fill("Saturday litter pick and picnic")
    press(page, "Continue")
    expect(heading(page)).to_have_text("Check your answers before sending your idea")
    assert summary_rows(page)["Name of your idea"] == "Saturday litter pick and picnic"

    # The declaration must be ticked.
    press(page, "Send your idea")
    expect_errors(page, ["Tick the box to say this is your idea and what you said is true"], javascript=javascript)
    assert_accessible(page, "check your answers without the declaration ticked")
    assert live_server.applications_of(email)[0].status == "draft"
    page.get_by_label("This is my idea.").check()
    press(page, "Send your idea")

    # Sent: a reference to keep, a receipt, an email, and the idea listed as sent.
    expect(page.locator(".govuk-panel__title")).to_have_text("Your idea has been sent")
    assert page.url.endswith(f"/ideas/{application_id}/sent"), page.url
    reference = page.locator(".govuk-panel__body strong").inner_text().strip()
    assert REFERENCE.match(reference), reference
    assert_accessible(page, "the idea-sent page")

    (sent,) = live_server.applications_of(email)
    assert (sent.id, sent.status, sent.reference, sent.total_pence) == (application_id, "submitted", reference, 18_000)

    filename, text = download_pdf(page, "Download a receipt to keep (PDF)")
    assert filename == f"small-spark-receipt-{reference}.pdf"
    assert reference in text
    assert "Saturday litter pick and picnic" in text and "£180.00" in text

    emails = live_server.emails_to(email)
    confirmations = [(subject, body) for subject, body in emails if reference in subject]
    assert len(confirmations) == 1, emails
    subject, body = confirmations[0]
    assert subject == f"We have your idea: {reference}"
    assert f"Your reference: {reference}" in body
    assert "Your idea: Saturday litter pick and picnic" in body
    assert "You asked for: £180" in body

    page.get_by_role("link", name="See your ideas").click()
    expect(heading(page)).to_have_text("Your ideas")
    card = page.locator(".govuk-summary-card").filter(has_text="Saturday litter pick and picnic")
    expect(card).to_have_count(1)
    expect(card.locator(".govuk-tag")).to_have_text("Sent")
    expect(card).to_contain_text(f"Reference {reference}")
    expect(card).to_contain_text(f"{pot.neighbourhood} · {pot.name}")
    assert_accessible(page, "your ideas")


COMPLETE_ANSWERS = {
    "applicant_type": "just_me",
    "idea_name": "Coffee morning at the library",
    "idea_description": "A coffee morning every Friday for people who live alone.",
    "brings_together": "Older neighbours and new families.",
    "helps_area": "Fewer people will feel lonely.",
    "when_text": "From September",
    "contact_name": "Rae Resident",
    "contact_method": "email",
}


def test_a_resident_saves_their_idea_and_comes_back_to_it_on_another_phone(new_page, live_server):
    pot = live_server.add_open_pot()
    email = live_server.add_resident()
    page = new_page()
    sign_in_resident(page, live_server, email)
    page.goto(f"/neighbourhoods/{pot.slug}")
    page.get_by_role("button", name=f"Start now – {pot.name}").click()
    press(page, "Start")
    page.get_by_label("Just me").check()
    press(page, "Continue")
    page.get_by_label("What do you call your idea?").fill("Bulb planting on Cowper Street")
    press(page, "Continue")
    expect(heading(page)).to_have_text("What do you want to do?")
    page.get_by_label("What do you want to do?").fill("Not saved: Continue was not pressed")

    page.get_by_role("link", name="Save and come back later").click()
    expect(heading(page)).to_have_text("Your answers are saved")
    assert_accessible(page, "the save-and-come-back page")
    sign_in_emails_before = len(live_server.emails_to(email))
    press(page, "Email me a link")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "We have emailed you a link. Use it to come back to your idea."
    )
    assert_accessible(page, "the save-and-come-back page after the link was sent")
    assert len(live_server.emails_to(email)) == sign_in_emails_before + 1
    link = live_server.sign_in_email(email).link

    other_phone = new_page()  # a new browser context: no cookies from the first phone
    other_phone.goto(link)
    expect(heading(other_phone)).to_have_text("Sign in to Small Sparks")
    other_phone.get_by_role("button", name="Sign in").click()

    (draft,) = live_server.applications_of(email)
    other_phone.wait_for_url(f"**/ideas/{draft.id}/check-your-answers")
    expect(heading(other_phone)).to_have_text("Check your answers before sending your idea")
    answers = summary_rows(other_phone)
    assert answers["Who is applying"] == "Just me"
    assert answers["Name of your idea"] == "Bulb planting on Cowper Street"
    assert answers["What you want to do"] == "Not given"
    assert answers["Your name"] == "Rae Resident"
    inset = other_phone.locator(".govuk-inset-text")
    expect(inset).to_contain_text(re.compile(r"\b[2-6] questions still need an answer\."))
    expect(inset.get_by_role("link", name="Answer the next question")).to_have_attribute(
        "href", f"/ideas/{draft.id}/what-you-want-to-do"
    )
    assert_accessible(other_phone, "check your answers, opened from the emailed link")
    assert draft.status == "draft" and draft.reference is None


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_sending_twice_makes_one_application_and_one_email(new_page, live_server, javascript):
    pot = live_server.add_open_pot()
    email = live_server.add_resident()
    application_id = live_server.add_draft(email, pot, COMPLETE_ANSWERS, {"Coffee and cake": 4_500})
    page = new_page(java_script_enabled=javascript)
    sign_in_resident(page, live_server, email)
    check_answers = f"/ideas/{application_id}/check-your-answers"
    stale = page.context.new_page()  # the same idea left open in another tab
    stale.goto(check_answers)
    page.goto(check_answers)

    sends = []
    page.on("request", lambda request: sends.append(request.url) if request.method == "POST" else None)
    page.get_by_label("This is my idea.").check()
    page.get_by_role("button", name="Send your idea").dblclick()
    page.wait_for_url(f"**/ideas/{application_id}/sent")
    if javascript:  # GOV.UK's preventDoubleClick holds the second click back
        assert sends == [live_server.url + check_answers], "a double click sends the form once"
    else:  # without it the browser may send both (CI saw it, on a busy machine); the server makes one idea of them
        assert sends in ([live_server.url + check_answers], [live_server.url + check_answers] * 2), sends
    reference = page.locator(".govuk-panel__body strong").inner_text().strip()
    assert REFERENCE.match(reference), reference

    page.go_back()  # back to check your answers, which now says the idea is sent
    page.wait_for_url(f"**/ideas/{application_id}/sent")
    expect(page.locator(".govuk-panel__body strong")).to_have_text(reference)

    stale.get_by_label("This is my idea.").check()
    stale.get_by_role("button", name="Send your idea").click()
    stale.wait_for_url(f"**/ideas/{application_id}/sent")
    expect(stale.locator(".govuk-panel__body strong")).to_have_text(reference)

    (sent,) = live_server.applications_of(email)
    assert (sent.id, sent.status, sent.reference) == (application_id, "submitted", reference)
    confirmations = [subject for subject, _ in live_server.emails_to(email) if subject.startswith("We have your idea")]
    assert confirmations == [f"We have your idea: {reference}"]


def test_sends_that_arrive_together_make_one_application_and_one_email(browser, live_server, monkeypatch):
    """Three sends of the same idea reach the server at once (a phone retrying on a poor connection). The first send
    is slowed while it holds its transaction, so the others always arrive while it is still working."""
    from portal.applications import services

    send_confirmation = services._send_confirmation

    def slow_confirmation(application):
        time.sleep(0.3)
        send_confirmation(application)

    monkeypatch.setattr(services, "_send_confirmation", slow_confirmation)
    pot = live_server.add_open_pot()
    email = live_server.add_resident()
    application_id = live_server.add_draft(email, pot, COMPLETE_ANSWERS, {"Coffee and cake": 4_500})
    # A context without the page watch: the 500s this test expects to see are asserted on below instead.
    context = browser.new_context(base_url=live_server.url, **PHONE)
    try:
        page = context.new_page()
        sign_in_resident(page, live_server, email)
        page.goto(f"/ideas/{application_id}/check-your-answers")
        page.get_by_label("This is my idea.").check()
        answers = page.evaluate(
            """async () => {
              const form = document.querySelector('form[method=post] input[name=declaration]').form;
              const send = () => fetch(form.action, {method: 'POST', body: new FormData(form), redirect: 'manual'});
              const responses = await Promise.all([send(), send(), send()]);
              return responses.map(response => response.type === 'opaqueredirect' ? 'redirect' : response.status);
            }"""
        )
    finally:
        context.close()
    server_errors = live_server.errors.take()

    (sent,) = live_server.applications_of(email)
    confirmations = [subject for subject, _ in live_server.emails_to(email) if subject.startswith("We have your idea")]
    assert (answers, server_errors) == (["redirect"] * 3, []), "every send ends on the sent page"
    assert sent.status == "submitted"
    assert confirmations == [f"We have your idea: {sent.reference}"]
