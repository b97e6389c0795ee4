"""Neighbourhood panels decide awards: members declare interests and give views, the chair records decisions,
residents accept awards and answer questions, and programme officers fast-track small ideas and run the panel."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.domain.roles import Role
from tests.browser.conftest import assert_accessible, download_pdf, sign_in_resident, sign_in_staff
from tests.browser.panel_helpers import (
    add_member,
    add_panel,
    add_sent_idea,
    award_of,
    decisions_on,
    interest_of,
    panel_members,
    panel_rules,
    roles_of,
    status_of,
    view_of,
)

pytestmark = pytest.mark.browser

INTEREST = "Do you have an interest in this idea?"
DECIDED = "What has the panel decided?"
REASON = "Your reason, in plain words"


# Small steps --------------------------------------------------------------------------------------------------------


def open_from_menu(page, name):
    """Follow a header link; on a phone the navigation folds behind the "Menu" button."""
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=name).click()


def waiting_table(page):
    return page.get_by_role("table", name="Ideas waiting for the panel, oldest first")


def decided_table(page):
    return page.get_by_role("table", name="Decided ideas, newest first")


def row_of(table, idea):
    return table.get_by_role("row").filter(has=table.page.get_by_role("link", name=idea.name, exact=True))


def expect_money_left(page, panel, text):
    pot_row = page.get_by_role("table", name="Money left").get_by_role("row").filter(has_text=panel.pot_name)
    expect(pot_row.get_by_role("cell")).to_have_text([panel.pot_name, "£5,000", text])


def expect_error(page, message, field_id):
    """The error summary (focused, linking to the field) and the message beside the field."""
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name=message)).to_have_attribute("href", f"#{field_id}")
    expect(page.locator(f"#{field_id}-error")).to_contain_text(message)
    assert page.title().startswith("Error: "), page.title()


def expect_flash(page, text):
    expect(page.locator(".govuk-notification-banner")).to_contain_text(text)


def declare(page, answer, note=""):
    page.get_by_role("group", name=INTEREST).get_by_label(answer, exact=True).check()
    page.get_by_label("If yes, what is your interest?").fill(note)
    page.get_by_role("button", name="Save", exact=True).click()


def choose_decision(page, kind, reason, not_yet_reason=None):
    page.get_by_role("group", name=DECIDED).get_by_label(kind, exact=True).check()
    if not_yet_reason:  # one of the programme's reasons, beside the panel's own words
        page.get_by_role("group", name="If the panel says not yet: the reason").get_by_label(not_yet_reason).check()
    page.get_by_label(REASON).fill(reason)


def not_yet_reason_of(live, idea) -> int | None:
    import sqlalchemy as sa

    from portal.extensions import db
    from portal.panels.models import Decision

    with live.app.app_context():
        return db.session.execute(
            sa.select(Decision.not_yet_reason_id).where(Decision.application_id == idea.id)
        ).scalar_one()


def decide(page, panel, idea, kind, reason, not_yet_reason=None):
    """As the chair, from the panel page: declare no interest in the idea, then record a decision on it."""
    page.get_by_role("link", name=idea.name, exact=True).click()
    declare(page, "No")
    expect_flash(page, "Your declaration has been saved.")
    choose_decision(page, kind, reason, not_yet_reason)
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url(f"**/panels/{panel.neighbourhood_id}")
    expect_flash(page, "The decision has been recorded.")


def idea_card(page, idea):
    return page.locator(".govuk-summary-card").filter(has=page.get_by_role("heading", name=idea.name, exact=True))


# 1. A panel member ----------------------------------------------------------------------------------------------


def test_a_panel_member_declares_an_interest_on_one_idea_and_gives_a_view_on_another(page, live_server):
    panel = add_panel(live_server)
    member = add_member(live_server, panel, "Morgan Member")
    add_member(live_server, panel, "Chris Chair", chair=True)
    resident = live_server.add_resident()
    # Sent in a different order from their ids, so the queue is ordered by when they were sent.
    party = add_sent_idea(live_server, resident, panel, "Street party", {"Bunting": 4_000, "Food": 11_000}, days_ago=3)
    bulbs = add_sent_idea(live_server, resident, panel, "Bulb planting", {"Bulbs": 6_500}, days_ago=9)

    sign_in_resident(page, live_server, member)
    open_from_menu(page, "Your panels")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your panels")
    assert_accessible(page, "the list of the member's panels")

    page.get_by_role("link", name=panel.name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{panel.name} panel")
    expect_money_left(page, panel, "£5,000")
    rows = waiting_table(page).locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).get_by_role("cell")).to_have_text(["Bulb planting", "£65", "9 days"])
    expect(rows.nth(1).get_by_role("cell")).to_have_text(["Street party", "£150", "3 days"])
    expect(decided_table(page).locator("tbody")).to_have_text("None.")
    assert_accessible(page, "the panel's queue")

    # An interest: "Yes" needs a note saying what it is.
    rows.nth(1).get_by_role("link", name="Street party").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Street party")
    expect(page.locator("main")).to_contain_text("Bunting: £40")
    expect(page.locator("main")).to_contain_text("Total: £150")
    expect(page.get_by_role("heading", name="Your view")).to_have_count(0)  # not until they have declared
    expect(page.get_by_role("button", name="Record the decision")).to_have_count(0)  # only the chair records
    assert_accessible(page, "an idea the member has not declared on")

    declare(page, "Yes")
    expect_error(page, "Say what your interest is", "note")
    expect(page.get_by_role("group", name=INTEREST).get_by_label("Yes", exact=True)).to_be_checked()
    assert interest_of(live_server, party, member) is None
    assert_accessible(page, "the interest form with no note")

    declare(page, "Yes", "  The organiser is my sister.  ")
    expect_flash(page, "Your declaration has been saved.")
    expect(page.locator(".govuk-inset-text")).to_contain_text(
        "You have declared an interest: The organiser is my sister."
    )
    expect(page.get_by_role("group", name=INTEREST)).to_have_count(0)  # an interest is not taken back
    expect(page.get_by_role("heading", name="Your view")).to_have_count(0)
    expect(page.get_by_role("group", name="What do you think?")).to_have_count(0)
    assert interest_of(live_server, party, member) == (True, "The organiser is my sister.")
    assert view_of(live_server, party, member) is None
    assert_accessible(page, "an idea the member has an interest in")

    # No interest: the view form appears.
    page.get_by_role("link", name="Back").click()
    waiting_table(page).get_by_role("link", name="Bulb planting").click()
    declare(page, "No")
    expect_flash(page, "Your declaration has been saved.")
    view_group = page.get_by_role("group", name="What do you think?")
    expect(view_group).to_be_visible()
    assert_accessible(page, "an idea the member has no interest in")

    view_group.get_by_label("I support it").check()
    page.get_by_label("Comment (optional)").fill("Lovely – the verges need it.")
    page.get_by_role("button", name="Save your view").click()
    expect_flash(page, "Your view has been saved.")
    expect(view_group.get_by_label("I support it")).to_be_checked()
    expect(page.get_by_label("Comment (optional)")).to_have_value("Lovely – the verges need it.")
    assert interest_of(live_server, bulbs, member) == (False, "")
    assert view_of(live_server, bulbs, member) == ("support", "Lovely – the verges need it.")
    assert status_of(live_server, bulbs) == "in_review"
    assert status_of(live_server, party) == "submitted"
    assert_accessible(page, "an idea with the member's view saved")


# 2 and 3. The chair decides; residents accept an award and answer a question ---------------------------------------


def test_the_chair_records_each_kind_of_decision_and_residents_act_on_them(new_page, live_server):
    panel = add_panel(live_server)
    chair = add_member(live_server, panel, "Chris Chair", chair=True)
    rae, sol = live_server.add_resident(), live_server.add_resident()
    fridge = add_sent_idea(live_server, rae, panel, "Community fridge", {"Fridge": 12_000}, days_ago=8)
    kit = add_sent_idea(live_server, sol, panel, "Football kit", {"Shirts": 15_000, "Balls": 5_000}, days_ago=7)
    bench = add_sent_idea(live_server, sol, panel, "Bus stop bench", {"Bench": 30_000}, days_ago=6)
    cafe = add_sent_idea(live_server, rae, panel, "Repair café", {"Tools": 8_000}, days_ago=5)

    page = new_page()
    sign_in_resident(page, live_server, chair)
    page.goto(f"/panels/{panel.neighbourhood_id}")
    expect(waiting_table(page).locator("tbody tr")).to_have_count(4)

    # Yes.
    decide(page, panel, fridge, "Yes", "A fridge everyone can share is a great idea.")
    expect(row_of(waiting_table(page), fridge)).to_have_count(0)
    expect(row_of(decided_table(page), fridge).get_by_role("cell")).to_have_text(["Community fridge", "£120", "Yes"])
    expect_money_left(page, panel, "£4,880")
    assert award_of(live_server, fridge) == (12_000, "offered")

    # Yes, with a change: a change must be given.
    page.get_by_role("link", name=kit.name, exact=True).click()
    declare(page, "No")
    expect(page.locator("main")).to_contain_text("Support: 0. Not yet: 0. Questions: 0.")
    assert_accessible(page, "the chair's decision form")
    choose_decision(page, "Yes, with a change", "Shirts yes; the balls are already at the centre.")
    page.get_by_role("button", name="Record the decision").click()
    expect_error(page, "For 'Yes, with a change', enter a lower amount or a condition", "kind")
    expect(page.get_by_label(REASON)).to_have_value("Shirts yes; the balls are already at the centre.")
    assert status_of(live_server, kit) == "submitted"
    assert_accessible(page, "the decision form with a change missing")

    page.get_by_label("Amount, if it is less than they asked for (optional)").fill("150")
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url(f"**/panels/{panel.neighbourhood_id}")
    expect_flash(page, "The decision has been recorded.")
    expect(row_of(waiting_table(page), kit)).to_have_count(0)
    expect(row_of(decided_table(page), kit)).to_contain_text("Yes")
    expect_money_left(page, panel, "£4,730")
    assert award_of(live_server, kit) == (15_000, "offered")

    # Not yet, with one of the programme's reasons (the live server's database is shared: this test adds its own).
    from tests.browser.test_not_yet import a_reason

    reason_id, reason = a_reason(live_server)
    decide(page, panel, bench, "Not yet", "Talk to the council first: the bus stop is theirs.", reason)
    assert not_yet_reason_of(live_server, bench) == reason_id
    expect(row_of(waiting_table(page), bench)).to_have_count(0)
    expect(row_of(decided_table(page), bench).get_by_role("cell")).to_have_text(["Bus stop bench", "£300", "Not yet"])
    expect_money_left(page, panel, "£4,730")
    assert award_of(live_server, bench) is None

    # A question for the resident.
    question = "Where will the café meet each month?"
    decide(page, panel, cafe, "Ask the resident a question", question)
    expect(row_of(waiting_table(page), cafe)).to_contain_text("Question asked")
    expect(row_of(decided_table(page), cafe)).to_have_count(0)
    expect_money_left(page, panel, "£4,730")
    assert_accessible(page, "the queue after four decisions")
    assert [d["kind"] for idea in (fridge, kit, bench, cafe) for d in decisions_on(live_server, idea)] == [
        "yes",
        "yes_with_change",
        "not_yet",
        "question",
    ]
    assert [status_of(live_server, idea) for idea in (fridge, kit, bench, cafe)] == [
        "approved",
        "approved",
        "not_yet",
        "question_asked",
    ]

    # The resident of the "yes" (and of the question) reads the decisions on "Your ideas".
    resident = new_page()
    sign_in_resident(resident, live_server, rae)
    open_from_menu(resident, "Your ideas")
    fridge_card = idea_card(resident, fridge)
    expect(fridge_card.locator(".govuk-tag")).to_have_text("Decided: yes")
    expect(fridge_card).to_contain_text("What the panel said: A fridge everyone can share is a great idea.")
    expect(idea_card(resident, cafe).locator(".govuk-tag")).to_have_text("Question for you")
    assert_accessible(resident, "'Your ideas' with a yes and a question")

    fridge_card.get_by_role("link", name="Accept your award of £120").click()
    resident.wait_for_url(f"**/ideas/{fridge.id}/award")
    expect(resident.get_by_role("heading", level=1)).to_have_text("You can have £120 for Community fridge")
    expect(resident.locator("main")).to_contain_text("What the panel said: A fridge everyone can share")
    assert_accessible(resident, "the award page")

    filename, text = download_pdf(resident, "Download your award letter (PDF)")
    assert filename == f"small-spark-award-{fridge.reference}.pdf"
    assert fridge.reference in text and "£120.00" in text, text

    resident.get_by_role("button", name="Accept the award").click()
    resident.wait_for_url(f"**/ideas/{fridge.id}/how-to-be-paid")  # straight on to saying how to be paid
    expect_flash(resident, "You have accepted your award. Thank you.")
    resident.goto("/ideas")
    expect(fridge_card.get_by_role("link", name="See your award of £120")).to_be_visible()
    expect(fridge_card.get_by_role("link", name="Tell us how to be paid")).to_be_visible()
    assert award_of(live_server, fridge) == (12_000, "accepted")

    # The question: an empty answer first.
    idea_card(resident, cafe).get_by_role("link", name="Answer the panel's question").click()
    resident.wait_for_url(f"**/ideas/{cafe.id}/answer")
    expect(resident.locator(".govuk-inset-text")).to_have_text(question)
    assert_accessible(resident, "the answer page")
    resident.get_by_role("button", name="Send your answer").click()
    expect_error(resident, "Write your answer to the panel's question", "answer")
    assert status_of(live_server, cafe) == "question_asked"
    assert_accessible(resident, "the answer page with no answer")

    resident.get_by_label("Your answer").fill("In the library hall, on the first Saturday.")
    resident.get_by_role("button", name="Send your answer").click()
    resident.wait_for_url("**/ideas")
    expect_flash(resident, "Thank you. Your answer has gone to the panel.")
    expect(idea_card(resident, cafe).locator(".govuk-tag")).to_have_text("Sent")
    assert decisions_on(live_server, cafe)[-1]["answer"] == "In the library hall, on the first Saturday."

    # Back in the chair's queue, waiting again.
    page.reload()
    cafe_row = row_of(waiting_table(page), cafe)
    expect(cafe_row).to_have_count(1)
    expect(cafe_row).not_to_contain_text("Question asked")
    assert status_of(live_server, cafe) == "submitted"


# 4. The fast track -------------------------------------------------------------------------------------------------


def test_a_programme_officer_approves_a_small_idea_on_the_fast_track(new_page, live_server):
    panel = add_panel(live_server, fast_track_limit_pence=5_000)
    member = add_member(live_server, panel, "Morgan Member")
    resident = live_server.add_resident()
    mural = add_sent_idea(live_server, resident, panel, "Mural", {"Paint": 20_000}, days_ago=4)
    seeds = add_sent_idea(live_server, resident, panel, "Seed swap", {"Envelopes and labels": 4_000}, days_ago=2)

    officer = new_page()
    sign_in_staff(officer, live_server.add_staff(Role.PROGRAMME_OFFICER))
    # From where they land, as a new programme officer would find it: the neighbourhood's ideas.
    officer.get_by_role("link", name=f"Ideas and decisions {panel.name}").click()
    row_of(waiting_table(officer), mural).get_by_role("link").click()
    # No decision form until they have said whether they have an interest: nothing typed can be lost.
    expect(officer.get_by_role("button", name="Approve on the fast track")).to_have_count(0)
    expect(officer.locator("main")).to_contain_text("Say whether you have an interest in this idea before")
    declare(officer, "No")  # the interest rules hold for the fast track too
    expect_flash(officer, "Your declaration has been saved.")
    expect(officer.get_by_role("heading", name="Your view")).to_have_count(0)  # not on the panel
    # Over the limit: no fast-track form, and the page says why.
    expect(officer.get_by_role("button", name="Approve on the fast track")).to_have_count(0)
    expect(officer.locator("main")).to_contain_text("over the pot's fast-track limit of £50, so the panel decides")
    assert status_of(live_server, mural) == "submitted"
    assert_accessible(officer, "an idea over the fast-track limit")

    officer.get_by_role("link", name="Back").click()
    row_of(waiting_table(officer), seeds).get_by_role("link").click()
    declare(officer, "No")
    assert_accessible(officer, "the fast-track form")
    choices = officer.get_by_role("group", name="Approve on the fast track").get_by_role("radio")
    expect(choices).to_have_count(2)  # yes, or yes with a change: the other decisions are the panel's
    officer.get_by_role("group", name="Approve on the fast track").get_by_label("Yes", exact=True).check()
    officer.get_by_label(REASON).fill("Small and simple: approved so it can start this week.")
    officer.get_by_role("button", name="Approve on the fast track").click()
    officer.wait_for_url(f"**/panels/{panel.neighbourhood_id}")
    expect_flash(officer, "The decision has been recorded.")
    expect(row_of(decided_table(officer), seeds)).to_contain_text("Yes")
    expect_money_left(officer, panel, "£4,960")
    (decision,) = decisions_on(live_server, seeds)
    assert (decision["kind"], decision["fast_track"], decision["amount_pence"]) == ("yes", True, 4_000)

    page = new_page()
    sign_in_resident(page, live_server, member)
    page.goto(f"/panels/{panel.neighbourhood_id}")
    row_of(decided_table(page), seeds).get_by_role("link").click()
    expect(page.get_by_role("heading", name="Decisions so far")).to_be_visible()
    expect(page.locator("main li").filter(has_text="approved on the fast track")).to_contain_text(
        "Yes (approved on the fast track). Small and simple: approved so it can start this week."
    )
    expect(page.get_by_role("heading", name="Your view")).to_have_count(0)  # decided: views no longer change
    assert_accessible(page, "a fast-tracked idea seen by a panel member")


# 5. Running the panel ----------------------------------------------------------------------------------------------


def test_a_programme_officer_adds_and_removes_members_and_sets_the_panels_rules(page, live_server):
    panel = add_panel(live_server)
    chair = add_member(live_server, panel, "Chris Chair", chair=True)
    leaving = add_member(live_server, panel, "Morgan Member")

    sign_in_staff(page, live_server.add_staff(Role.PROGRAMME_OFFICER))
    open_from_menu(page, "Neighbourhoods")
    page.get_by_role("link", name=f"Panel members and rules {panel.name}", exact=True).click()
    page.wait_for_url(f"**/programme/neighbourhoods/{panel.neighbourhood_id}/panel")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{panel.name} panel")
    members = page.get_by_role("table", name="Panel members").locator("tbody tr")
    expect(members).to_have_count(2)
    expect(members.nth(0).get_by_role("cell").nth(0)).to_have_text("Chris Chair")
    expect(members.nth(0).get_by_role("cell").nth(1)).to_have_text("Chair")
    expect(members.nth(1).get_by_role("cell").nth(1)).to_have_text("Member")
    expect(page.get_by_label("How many views are needed before a decision?")).to_have_value("0")
    expect(page.get_by_label("The panel's chair")).to_be_checked()
    assert_accessible(page, "the panel page for a programme officer")

    # A new member: a badly written email address first.
    page.get_by_label("Email address of the new panel member").fill("ola at example")
    page.get_by_label("Their name").fill("Ola Okafor")
    page.get_by_role("button", name="Add to the panel").click()
    expect_error(page, "Enter an email address in the correct format, like name@example.com", "member-email")
    expect(page.get_by_label("Their name")).to_have_value("Ola Okafor")
    expect(members).to_have_count(2)
    assert_accessible(page, "the add-a-member form with a bad email address")

    ola = live_server.new_email("ola")
    page.get_by_label("Email address of the new panel member").fill(ola)
    page.get_by_role("button", name="Add to the panel").click()
    expect_flash(page, "Ola Okafor has been added to the panel.")
    expect(members).to_have_count(3)
    expect(members.filter(has_text="Ola Okafor").get_by_role("cell").nth(1)).to_have_text("Member")
    assert panel_members(live_server, panel) == {chair: True, leaving: False, ola: False}
    assert {"resident", "panel_member"} <= roles_of(live_server, ola)

    # The rules: an impossible number first.
    page.get_by_label("How many views are needed before a decision?").fill("21")
    page.get_by_role("button", name="Save the panel's rules").click()
    expect_error(page, "Enter a number of views between 0 and 20", "rules-views_needed")
    assert panel_rules(live_server, panel) == (0, "chair")
    assert_accessible(page, "the panel's rules with an impossible number")

    page.get_by_label("How many views are needed before a decision?").fill("4")
    page.get_by_label("A programme officer").check()
    page.get_by_role("button", name="Save the panel's rules").click()
    expect_flash(page, "The panel's rules have been saved.")
    expect(page.get_by_label("How many views are needed before a decision?")).to_have_value("4")
    expect(page.get_by_label("A programme officer")).to_be_checked()
    assert panel_rules(live_server, panel) == (4, "programme_officer")

    # Removing a member.
    page.get_by_role("link", name="Remove Morgan Member").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Remove Morgan Member from the {panel.name} panel?")
    assert_accessible(page, "removing a member, asked first")
    assert panel_members(live_server, panel) == {chair: True, leaving: False, ola: False}  # asking removes nobody
    page.get_by_role("button", name="Remove").click()
    expect_flash(page, "Morgan Member is no longer on the panel.")
    expect(members).to_have_count(2)
    expect(members.filter(has_text="Morgan Member")).to_have_count(0)
    assert panel_members(live_server, panel) == {chair: True, ola: False}
    assert "panel_member" not in roles_of(live_server, leaving)
    assert_accessible(page, "the panel page after changes")


def test_a_panel_member_lands_on_their_panel_and_the_account_page_links_their_work(new_page, live_server):
    """A new panel member on a 360 px phone: straight to the panel after signing in, no dead end on the account page."""
    panel = add_panel(live_server)
    member = add_member(live_server, panel, "Nia Newcomer")
    page = new_page(viewport={"width": 360, "height": 700})
    sign_in_resident(page, live_server, member)
    assert page.url.endswith(f"/panels/{panel.neighbourhood_id}"), page.url
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{panel.name} panel")
    assert_accessible(page, "the panel a member lands on")

    page.get_by_role("button", name="Menu").click()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your account").click()
    page.get_by_role("link", name="Decide on ideas for your neighbourhood (panel member)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your panels")
    page.get_by_role("link", name=panel.name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{panel.name} panel")
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your account").click()
    page.get_by_role("link", name="Share your ideas for small sparks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your ideas")
