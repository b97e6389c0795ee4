"""In Arabic the pages read right to left on a phone: radios sit to the right of their labels, the back link at the
right edge pointing right, and the costs page mirrored too. Screenshots are kept in the test's tmp directory."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, assert_accessible, sign_in_resident

pytestmark = pytest.mark.browser

WIDTH = PHONE["viewport"]["width"]
# Where each radio's parts are, in page pixels; the ring and dot are ::before and ::after of the label, so they are
# measured from the label's computed style (absolutely placed in the item).
RADIO_GEOMETRY = """() => [...document.querySelectorAll('.govuk-radios__item')].map(item => {
  const box = (el) => { const r = el.getBoundingClientRect(); return {left: r.left, right: r.right}; };
  const label = item.querySelector('.govuk-radios__label');
  const ring = getComputedStyle(label, '::before');
  const itemBox = box(item);
  const width = parseFloat(ring.width);
  const ringLeft = ring.left !== 'auto' && ring.right === 'auto'
    ? itemBox.left + parseFloat(ring.left)
    : itemBox.right - parseFloat(ring.right) - width;
  const text = document.createRange();
  text.selectNodeContents(label);
  return {name: label.textContent.trim(), item: itemBox, input: box(item.querySelector('input')),
          label: box(label), text: box(text), ring: {left: ringLeft, right: ringLeft + width}};
})"""
BACK_LINK_GEOMETRY = """() => {
  const link = document.querySelector('.govuk-back-link');
  const chevron = getComputedStyle(link, '::before');
  const r = link.getBoundingClientRect();
  const text = document.createRange();
  text.selectNodeContents(link);
  const t = text.getBoundingClientRect();
  const size = parseFloat(chevron.width);
  const left = chevron.left !== 'auto' && chevron.right === 'auto'
    ? r.left + parseFloat(chevron.left) : r.right - parseFloat(chevron.right) - size;
  const main = document.querySelector('.govuk-width-container').getBoundingClientRect();
  return {link: {left: r.left, right: r.right}, text: {left: t.left, right: t.right},
          chevron: {left, right: left + size}, container: {left: main.left, right: main.right}};
}"""
TEXT_EXTENT = """(selector) => [...document.querySelectorAll(selector)].map(el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const r = range.getBoundingClientRect();
  return {text: el.textContent.trim(), left: r.left, right: r.right};
})"""


def assert_back_link_at_the_right_edge(page, where):
    geometry = page.evaluate(BACK_LINK_GEOMETRY)
    container, link, chevron, text = geometry["container"], geometry["link"], geometry["chevron"], geometry["text"]
    assert abs(link["right"] - container["right"]) <= 1, f"{where}: the back link is not at the right edge {geometry}"
    assert link["left"] > WIDTH / 2, f"{where}: the back link reaches into the left half {geometry}"
    assert chevron["left"] >= text["right"] - 1, f"{where}: the chevron is not on the right of 'Back' {geometry}"


def assert_reads_from_the_right(page, selector, where):
    """Every element matching selector has its text against the right edge of the content."""
    container = page.evaluate("() => document.querySelector('main').getBoundingClientRect().right")
    extents = page.evaluate(TEXT_EXTENT, selector)
    assert extents, f"{where}: nothing matches {selector}"
    for extent in extents:
        assert abs(extent["right"] - container) <= 2, f"{where}: {extent} does not start at the right ({container})"


def test_question_pages_are_mirrored_in_arabic(page, live_server, tmp_path):
    pot = live_server.add_open_pot()
    email = live_server.add_resident()
    answers = {"applicant_type": "informal_group", "idea_name": "حفلة الشارع"}
    application_id = live_server.add_draft(email, pot, answers, {"Bunting": 4_500, "Paper plates": 1_250})
    sign_in_resident(page, live_server, email)
    page.get_by_role("button", name="العربية").click()
    page.wait_for_url("**/ideas")
    assert (page.locator("html").get_attribute("lang"), page.locator("html").get_attribute("dir")) == ("ar", "rtl")

    # A question with radios.
    page.goto(f"/ideas/{application_id}/who-is-applying")
    expect(page.get_by_role("heading", level=1)).to_have_text("من يقدّم الطلب؟")
    page.screenshot(path=tmp_path / "rtl-who-is-applying.png", full_page=True)
    radios = page.evaluate(RADIO_GEOMETRY)
    assert len(radios) == 3, radios
    assert page.locator(".govuk-radios__input:checked").count() == 1, "the saved answer is chosen"
    for radio in radios:
        where = f"the radio '{radio['name']}'"
        assert abs(radio["input"]["right"] - radio["item"]["right"]) <= 1, f"{where}: input not at the right {radio}"
        assert radio["input"]["left"] >= radio["label"]["right"] - 1, f"{where}: label not left of the input {radio}"
        assert radio["input"]["left"] >= radio["text"]["right"], f"{where}: text overlaps the input {radio}"
        ring_middle = (radio["ring"]["left"] + radio["ring"]["right"]) / 2
        assert radio["input"]["left"] <= ring_middle <= radio["input"]["right"], f"{where}: ring off the input {radio}"
    assert_back_link_at_the_right_edge(page, "who is applying")
    assert_accessible(page, "who is applying, in Arabic")

    # Errors, in Arabic, read from the right too.
    page.goto(f"/ideas/{application_id}/idea-name")
    page.get_by_role("textbox").fill("")
    page.get_by_role("button", name="متابعة").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    page.screenshot(path=tmp_path / "rtl-idea-name-error.png", full_page=True)
    group = page.locator(".govuk-form-group--error").bounding_box()
    main = page.locator("main").bounding_box()
    border_right = page.locator(".govuk-form-group--error").evaluate("el => getComputedStyle(el).borderRightWidth")
    assert float(border_right.removesuffix("px")) > 0, "the red bar of a question with an error is on the right"
    assert abs(group["x"] + group["width"] - (main["x"] + main["width"])) <= 1
    expect(page.locator(".govuk-error-message .govuk-visually-hidden")).to_have_text("خطأ:")  # said in Arabic
    summary = page.locator(".govuk-error-summary")
    title = page.evaluate(TEXT_EXTENT, ".govuk-error-summary__title")[0]
    (link,) = page.evaluate(TEXT_EXTENT, ".govuk-error-summary__list a")
    assert abs(link["right"] - title["right"]) <= 2, f"the summary's links line up with its title: {link} {title}"
    expect(summary.get_by_role("link")).to_have_text("أدخل اسمًا لفكرتك")
    message = page.evaluate(TEXT_EXTENT, ".govuk-error-message")[0]
    box = page.get_by_role("textbox").bounding_box()
    assert abs(message["right"] - (box["x"] + box["width"])) <= 2, f"the message starts at the box's right: {message}"
    assert_accessible(page, "the idea name with an error, in Arabic")

    # The costs page: the list of costs, the amount box with its £, and the back link.
    page.goto(f"/ideas/{application_id}/costs")
    expect(page.get_by_role("heading", level=1)).to_have_text("ما الغرض من المال؟")
    page.screenshot(path=tmp_path / "rtl-costs.png", full_page=True)
    assert_back_link_at_the_right_edge(page, "the costs page")
    assert_reads_from_the_right(page, ".govuk-summary-list__key", "the costs page")
    assert_reads_from_the_right(page, "h1, .govuk-label", "the costs page")
    prefix = page.locator(".govuk-input__prefix").bounding_box()
    amount = page.locator("#amount").bounding_box()
    assert prefix["x"] >= amount["x"] + amount["width"] - 1, "the £ comes first, so on the right of the amount"
    assert_accessible(page, "the costs page, in Arabic")

    for screenshot in ("rtl-who-is-applying.png", "rtl-idea-name-error.png", "rtl-costs.png"):
        assert (tmp_path / screenshot).read_bytes().startswith(b"\x89PNG"), screenshot


def test_the_arabic_neighbourhood_page_marks_english_text_and_says_two_weeks_with_the_dual(new_page, live_server):
    pot = live_server.add_open_pot()
    page = new_page(viewport={"width": 360, "height": 740})
    page.goto("/")
    page.get_by_role("link", name="العربية").click()  # a visitor's language switch is links
    page.wait_for_url("**/ar/")
    page.goto(f"/ar/neighbourhoods/{pot.slug}")
    assert page.locator("html").get_attribute("dir") == "rtl"
    description = page.locator("main p.govuk-body-l")
    expect(description).to_have_attribute("lang", "en")
    expect(description).to_have_attribute("dir", "ltr")
    # Laid out left to right inside the right-to-left page: each line of the English sentence starts at the left
    # (right to left, a short last line would hug the right edge, its full stop at its left).
    box = description.bounding_box()
    lines = page.evaluate(
        """() => { const r = document.createRange();
                   r.selectNodeContents(document.querySelector('main p.govuk-body-l'));
                   return [...r.getClientRects()].map(rect => [rect.left, rect.right]); }"""
    )
    assert lines and all(left - box["x"] < 10 for left, _ in lines), (lines, box)
    expect(page.locator("main")).to_contain_text("أسبوعين")
    expect(page.locator("main")).not_to_contain_text("2 أسبوع")
    assert_accessible(page, "the Arabic neighbourhood page with English text")
