"""Quality bar A2: the whole resident journey with the keyboard alone, 320 px wide, with text at 200 %.

Every control is reached with Tab (never clicked or focused by the test), operated with the keys a keyboard user
has (typing, Space, the arrow keys, Enter), and no page scrolls sideways at that width and text size.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in_resident

pytestmark = pytest.mark.browser

NARROW = {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True}
MAX_TABS = 80

# Text at 200 %: GOV.UK Frontend sizes text in rem, so doubling the root size doubles every text size, as a
# browser's text-size setting does. Set through the CSSOM, which the Content-Security-Policy allows.
DOUBLE_TEXT = """
document.addEventListener('DOMContentLoaded', () => { document.documentElement.style.fontSize = '200%'; });
"""

LAYOUT = """() => ({
  rootFontSize: getComputedStyle(document.documentElement).fontSize,
  bodyFontSize: getComputedStyle(document.querySelector('.govuk-body, p') || document.body).fontSize,
  scrollWidth: document.documentElement.scrollWidth,
  width: document.documentElement.clientWidth,
})"""


def tab_to(page, locator):
    """Press Tab until the locator's element has the focus, failing if it is never reached."""
    target = locator.element_handle()
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {locator}")


def type_into(page, label, text):
    tab_to(page, page.get_by_label(label, exact=True))
    page.keyboard.type(text)


def choose(page, label):
    """Tab into a group of radios, then move to the wanted one with the arrow keys (which also selects it)."""
    wanted = page.get_by_label(label, exact=True)
    name = wanted.get_attribute("name")
    tab_to(page, page.locator(f"input[type=radio][name='{name}']").first)
    page.keyboard.press("Space")
    for _ in range(10):
        if wanted.is_checked():
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"the arrow keys never reached {label!r}")


def press(page, name):
    tab_to(page, page.get_by_role("button", name=name, exact=True))
    page.keyboard.press("Enter")


def follow(page, name):
    tab_to(page, page.get_by_role("link", name=name, exact=True))
    page.keyboard.press("Enter")


WIDER_THAN_THEIR_BOX = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible')
  .map(e => `${e.tagName}.${e.className} ${e.scrollWidth}px in ${e.clientWidth}px`)"""


def check_layout(page, visited):
    """Text really is doubled, and nothing is wider than the screen (WCAG 1.4.4 and 1.4.10)."""
    page.wait_for_load_state("domcontentloaded")  # when the text is doubled
    layout = page.evaluate(LAYOUT)
    assert layout["rootFontSize"] == "32px", layout
    assert float(layout["bodyFontSize"].removesuffix("px")) >= 32, layout
    if layout["scrollWidth"] > layout["width"]:
        raise AssertionError(f"{page.url} scrolls sideways: {layout} {page.evaluate(WIDER_THAN_THEIR_BOX)}")
    visited.append(page.url)


def test_a_resident_sends_an_idea_with_the_keyboard_alone_at_320px_and_200_percent_text(new_page, live_server):
    pot = live_server.add_open_pot()
    email = live_server.add_resident()
    page = new_page(**NARROW)
    page.add_init_script(DOUBLE_TEXT)
    sign_in_resident(page, live_server, email)
    visited: list[str] = []
    heading = page.get_by_role("heading", level=1)

    page.goto("/")
    check_layout(page, visited)
    follow(page, pot.neighbourhood)
    expect(heading).to_have_text(pot.neighbourhood)
    check_layout(page, visited)
    tab_to(page, page.get_by_role("button", name=f"Start now – {pot.name}"))
    page.keyboard.press("Enter")
    expect(heading).to_have_text("Before you start")
    check_layout(page, visited)
    press(page, "Start")

    expect(heading).to_have_text("Who is applying?")
    press(page, "Continue")  # nothing chosen: the error summary takes the focus, its link leads to the radios
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    check_layout(page, visited)
    assert_accessible(page, "who is applying, with an error, at 320 px and 200 % text")
    choose(page, "A few of us (an informal group)")
    press(page, "Continue")

    for question, answer in [
        ("What is your group called?", "Cowper Street neighbours"),
        ("What do you call your idea?", "Bulb planting"),
        ("What do you want to do?", "Plant bulbs along the street with the children."),
        ("Who will it bring together?", "Families on Cowper Street."),
        ("How will it help your area?", "Flowers in spring, and neighbours who know each other."),
    ]:
        expect(heading).to_have_text(question)
        check_layout(page, visited)
        type_into(page, question, answer)
        press(page, "Continue")

    expect(heading).to_have_text("What do you bring?")
    check_layout(page, visited)
    type_into(page, "What you can do (optional)", "I can dig")
    press(page, "Continue")
    expect(heading).to_have_text("Will anyone else help? (optional)")
    check_layout(page, visited)
    press(page, "Continue")

    expect(heading).to_have_text("What is the money for?")
    for item, amount in [("Bulbs", "30"), ("Trowels", "£12.50")]:
        type_into(page, "What is it for?", item)
        type_into(page, "How much does it cost?", amount)
        press(page, "Add this cost")
        expect(page.get_by_role("button", name=f"Remove {item}")).to_be_visible()
    check_layout(page, visited)
    press(page, "Remove Trowels")
    expect(page.get_by_role("button", name="Remove Trowels")).to_have_count(0)
    press(page, "Continue")

    expect(heading).to_have_text("When and where?")
    check_layout(page, visited)
    type_into(page, "Roughly when will it happen?", "October")
    press(page, "Continue")

    expect(heading).to_have_text("How can we reach you?")
    check_layout(page, visited)
    type_into(page, "Your name", "Rae Resident")
    choose(page, "By email")
    press(page, "Continue")

    expect(heading).to_have_text("Check your answers before sending your idea")
    check_layout(page, visited)
    expect(page.locator(".govuk-summary-list")).to_contain_text("£30")
    tab_to(page, page.get_by_label("This is my idea."))
    page.keyboard.press("Space")
    press(page, "Send your idea")

    expect(page.locator(".govuk-panel__title")).to_have_text("Your idea has been sent")
    check_layout(page, visited)
    assert_accessible(page, "the sent page at 320 px and 200 % text")
    (sent,) = live_server.applications_of(email)
    assert sent.status == "submitted" and sent.reference
    for url in ["/ideas", "/privacy", "/cookies", "/accessibility"]:  # the other pages a resident reads
        page.goto(url)
        check_layout(page, visited)
    assert len(visited) == 20, visited
