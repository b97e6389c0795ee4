"""Where residents give up, in a browser at 360 px with JavaScript on and off: a programme officer follows the link
from Insight, picks a pot, and reads its question pages in order with the counts, a chart and the usual time to
send; the page fits the phone, axe finds nothing, and it reads in Welsh and Arabic."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.domain.roles import Role
from tests.browser.conftest import assert_accessible, assert_fits_narrow_screen, sign_in_staff
from tests.browser.panel_helpers import add_panel
from tests.browser.test_mobile_only import PHONE_360, heading
from tests.browser.test_reach_pages import in_language, switch_language

pytestmark = pytest.mark.browser


def counted(live, pot_id: int) -> None:
    """This month's counts for the pot, as residents' journeys would have left them."""
    from portal.applications.journey_counts import month_of
    from portal.applications.models import JourneyCount
    from portal.common.time import utcnow
    from portal.extensions import db

    month = month_of(utcnow())
    with live.app.app_context():
        db.session.add_all(
            [
                JourneyCount(pot_id=pot_id, month=month, page="who-is-applying", started=10, continued=8, left_here=1),
                JourneyCount(pot_id=pot_id, month=month, page="idea-name", started=8, continued=5, left_here=3),
            ]
        )
        db.session.commit()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_an_officer_picks_a_pot_and_reads_where_residents_give_up(new_page, live_server, javascript):
    panel = add_panel(live_server)
    counted(live_server, panel.pot_id)
    page = new_page(java_script_enabled=javascript, **PHONE_360)
    sign_in_staff(page, live_server.add_staff(Role.PROGRAMME_OFFICER))
    page.goto("/insight")
    page.get_by_role("link", name="Where residents give up").click()
    expect(heading(page)).to_have_text("Where residents give up")
    page.get_by_label("Pot").select_option(label=f"{panel.name}: {panel.pot_name}")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("main h2").first).to_contain_text(panel.pot_name)

    table = page.get_by_role("table", name="Each page, in the order residents meet them")
    first = table.get_by_role("row").filter(has_text="Who is applying?")
    expect(first.get_by_role("cell")).to_have_text(["10", "8 (80%)", "1"])
    second = table.get_by_role("row").filter(has_text="What do you call your idea?")
    expect(second.get_by_role("cell")).to_have_text(["8", "5 (63%)", "3"])
    chart = page.locator('svg[role="img"]')
    expect(chart).to_have_accessible_name("Ideas that opened each page")
    expect(chart.locator("text")).to_contain_text(["Who is applying?", "10", "What do you call your idea?", "8"])
    assert chart.bounding_box()["width"] <= 360
    expect(page.locator("main")).to_contain_text("No ideas sent this month")
    assert_accessible(page, "where residents give up")
    assert_fits_narrow_screen(page, "where residents give up at 360 px")


def test_where_residents_give_up_reads_in_welsh_and_arabic(new_page, live_server):
    panel = add_panel(live_server)
    counted(live_server, panel.pot_id)
    page = new_page(**PHONE_360)
    sign_in_staff(page, live_server.add_staff(Role.PROGRAMME_OFFICER))
    page.goto(f"/insight/where-people-give-up?pot={panel.pot_id}")
    for language in ("cy", "ar"):
        switch_language(page, live_server, language)
        title = in_language(live_server, language, "Where residents give up")
        assert title != "Where residents give up"
        expect(heading(page)).to_have_text(title)
        expect(page.locator("main")).to_contain_text(in_language(live_server, language, "Last seen here, never sent"))
        inside_the_chart(page, language)
        assert_accessible(page, f"where residents give up in {language}")
        assert_fits_narrow_screen(page, f"where residents give up in {language} at 360 px")


def inside_the_chart(place, where: str) -> None:
    """Every label and figure of the chart (the page's only one, or the chart given) lies within it: on a
    right-to-left page the chart is mirrored, so its words (which run leftwards there) start at its right edge
    instead of running off its left one."""
    chart = place.locator('svg[role="img"]') if hasattr(place, "goto") else place
    box = chart.bounding_box()
    texts = chart.locator("text")
    assert texts.count() >= 2
    for n in range(texts.count()):
        word = texts.nth(n).bounding_box()
        assert box["x"] - 1 <= word["x"] and word["x"] + word["width"] <= box["x"] + box["width"] + 1, (
            f"{where}: the chart's text {texts.nth(n).text_content()!r} runs outside it"
        )
