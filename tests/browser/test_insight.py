"""Programme insight and open data in a real browser: a viewer (a commissioner or councillor) signs in at 360 px and
lands on the dashboard, reads its charts, changes the period and makes a commissioner report (PDF); an anonymous
visitor follows the footer to the open data and downloads the grants as CSV and JSON. axe-core runs on every page."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from playwright.sync_api import expect

from portal.domain.roles import Role
from tests.browser.conftest import LiveServer, assert_accessible, assert_fits_narrow_screen, download_pdf, sign_in_staff
from tests.browser.test_stories import PaidIdea, paid_award

pytestmark = pytest.mark.browser

PHONE_360 = {"viewport": {"width": 360, "height": 740}}


# Seeding -------------------------------------------------------------------------------------------------------


def fresh_figures(live: LiveServer) -> None:
    """The dashboard keeps its figures for five minutes in the cache, whose keys name no database: forget them, so
    the page counts what this test seeded (the integration tier clears it the same way)."""
    from portal.common.page_cache import cache

    with live.app.app_context():
        cache.clear()


def a_paid_award(live: LiveServer, name: str) -> PaidIdea:
    paid = paid_award(live, live.unique(name))
    fresh_figures(live)
    return paid


def open_data_published(live: LiveServer) -> None:
    """The programme officer's open data settings, saved as on /programme/open-data."""
    from portal.accounts.services import create_user
    from portal.extensions import db
    from portal.opendata.services import save_settings

    with live.app.app_context():
        officer = create_user(live.new_email("officer"), "Pat Officer", {Role.PROGRAMME_OFFICER})
        save_settings(
            officer,
            prefix="360G-sparkstest",
            funder_name="Leeds Community Foundation",
            funder_id="GB-CHC-1096892",
            reason="GTIR120",
            purposes=["GTIP160"],
        )
        db.session.commit()


# Reading pages -------------------------------------------------------------------------------------------------


def heading(page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def no_sideways_scroll(page, where: str) -> None:
    """The page is no wider than the window (and, as on every narrow page, splits no word it could fit)."""
    scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{where} scrolls sideways: {scroll} px of content in a {inner} px window"
    assert_fits_narrow_screen(page, where)


# 1. The dashboard ----------------------------------------------------------------------------------------------


def test_a_viewer_lands_on_the_dashboard_at_360_px_and_its_charts_are_accessible(new_page, live_server):
    paid = a_paid_award(live_server, "Bulbs for the verge")
    page = new_page(**PHONE_360)

    sign_in_staff(page, live_server.add_staff(Role.VIEWER))

    assert page.url.endswith("/insight"), f"a viewer landed on {page.url}, not the dashboard"
    heading(page, "Programme insight")
    expect(page.get_by_role("table", name=re.compile("^Figures for each neighbourhood"))).to_contain_text(
        paid.neighbourhood
    )
    assert_accessible(page, "the programme dashboard")
    no_sideways_scroll(page, "the programme dashboard at 360 px")

    charts = page.locator('svg[role="img"]')
    expect(charts).to_have_count(3)
    titles = [charts.nth(n).locator("title").text_content() for n in range(3)]
    assert titles == [
        "Awarded from the pots open since the programme began, by neighbourhood",
        "Ideas sent in the period, and what happened to them",
        "Five Ways to Wellbeing in residents' stories",
    ]
    for n, title in enumerate(titles):
        expect(charts.nth(n)).to_have_accessible_name(re.compile("^" + re.escape(title)))
        assert charts.nth(n).bounding_box()["width"] <= 360, f"the chart {title!r} is wider than the phone"


def test_a_viewer_chooses_a_period_and_the_dashboard_keeps_it(new_page, live_server):
    a_paid_award(live_server, "Knit and natter")
    page = new_page(**PHONE_360)
    sign_in_staff(page, live_server.add_staff(Role.VIEWER))
    heading(page, "Programme insight")
    expect(page.get_by_label("Period", exact=True)).to_have_value("all")

    page.get_by_label("Period", exact=True).select_option(label="Last financial year")
    page.get_by_role("button", name="Show these figures").click()

    page.wait_for_url("**/insight?*period=last-financial-year*")
    heading(page, "Programme insight")
    expect(page.get_by_label("Period", exact=True)).to_have_value("last-financial-year")
    expect(page.locator("main")).to_contain_text("Last financial year (1 April")
    assert_accessible(page, "the dashboard for last financial year")
    no_sideways_scroll(page, "the dashboard for last financial year at 360 px")


def test_the_dashboards_charts_read_right_to_left_in_arabic_and_stay_inside_themselves(new_page, live_server):
    from tests.browser.test_reach_pages import switch_language
    from tests.browser.test_where_people_give_up import inside_the_chart

    a_paid_award(live_server, "Knit and natter")
    page = new_page(**PHONE_360)
    sign_in_staff(page, live_server.add_staff(Role.VIEWER))
    switch_language(page, live_server, "ar")
    charts = page.locator('svg[role="img"]')
    expect(charts).to_have_count(3)
    for n in range(3):
        inside_the_chart(page.locator('svg[role="img"]').nth(n), f"the Arabic dashboard's chart {n + 1}")
    assert_accessible(page, "the dashboard in Arabic")
    no_sideways_scroll(page, "the dashboard in Arabic at 360 px")


# 2. The commissioner report ------------------------------------------------------------------------------------


def test_a_viewer_makes_a_report_for_commissioners_and_downloads_the_pdf(new_page, live_server):
    paid = a_paid_award(live_server, "Seed swap")
    page = new_page(**PHONE_360)
    sign_in_staff(page, live_server.add_staff(Role.VIEWER))
    heading(page, "Programme insight")

    page.get_by_role("link", name="Make a report for commissioners (PDF)").click()
    heading(page, "Make a report for commissioners")
    assert_accessible(page, "asking for a report")
    no_sideways_scroll(page, "asking for a report at 360 px")
    page.get_by_role("group", name="Which period?").get_by_label("Since the programme began").check()
    page.get_by_role("button", name="Make the report").click()

    page.wait_for_url("**/insight/reports/*")
    heading(page, "Report for commissioners")
    expect(page.locator("main")).to_contain_text("The report is ready.")  # the test config runs jobs at once
    assert_accessible(page, "a report that is ready")
    no_sideways_scroll(page, "a report that is ready at 360 px")
    name, text = download_pdf(page, "Download the report (PDF)")
    assert name.startswith("small-sparks-report-") and name.endswith(".pdf"), name
    assert paid.neighbourhood in text, f"the report does not name {paid.neighbourhood}:\n{text[:500]}"

    page.get_by_role("link", name="Back").click()  # back to the figures the report came from
    heading(page, "Programme insight")
    page.get_by_role("link", name="Make a report for commissioners (PDF)").click()
    heading(page, "Make a report for commissioners")
    expect(page.get_by_role("heading", name="Reports you made")).to_be_visible()
    assert_accessible(page, "asking for a report, with one made before")


# 3. Open data --------------------------------------------------------------------------------------------------


def test_a_visitor_follows_the_footer_to_open_data_and_downloads_the_grants(new_page, live_server):
    paid = a_paid_award(live_server, "Street library")
    open_data_published(live_server)
    page = new_page(**PHONE_360)

    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="Open data").click()

    page.wait_for_url("**/open-data")
    heading(page, "Open data: where the money went")
    main = page.locator("main")
    expect(main).to_contain_text("All grants as a spreadsheet (CSV)")
    expect(main).to_contain_text("All grants as a 360Giving data package (JSON)")
    expect(main).to_contain_text("Published by Leeds Community Foundation")
    assert_accessible(page, "the open data page")
    no_sideways_scroll(page, "the open data page at 360 px")

    with page.expect_download() as made:
        page.get_by_role("link", name="All grants as a spreadsheet (CSV)").click()
    assert made.value.suggested_filename == "grants.csv"
    text = made.value.path().read_bytes().decode("utf-8-sig")
    first_line = text.splitlines()[0]
    assert "Identifier" in first_line and "Amount Awarded" in first_line, first_line
    rows = list(csv.DictReader(io.StringIO(text)))
    assert any(row["Identifier"].startswith("360G-sparkstest") for row in rows), rows[:3]
    assert any(paid.neighbourhood in row["Description"] for row in rows), f"no grant in {paid.neighbourhood}"

    response = page.request.get("/open-data/grants.json")
    assert response.status == 200, response.status
    assert response.headers["content-type"].startswith("application/json"), response.headers["content-type"]
    package = json.loads(response.body())
    assert isinstance(package.get("grants"), list) and package["grants"], list(package)
    assert {grant["id"] for grant in package["grants"]} == {row["Identifier"] for row in rows}
