"""The officers' spreadsheets in Welsh, in a browser at 360 px: a programme officer switches the portal to Welsh,
follows Insight's link to the spreadsheets and downloads the ideas sent. The headings people read are in Welsh, the
code columns other systems read keep their fixed names, and a sent idea's row shows its money in pounds and its
status in Welsh words. axe checks the spreadsheets page in Welsh."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from portal.domain.roles import Role
from tests.browser.conftest import assert_accessible, assert_fits_narrow_screen, sign_in_staff
from tests.browser.panel_helpers import add_panel, add_sent_idea
from tests.browser.test_mobile_only import PHONE_360, heading
from tests.browser.test_reach_pages import in_language, switch_language

pytestmark = pytest.mark.browser


def test_an_officer_downloads_the_ideas_spreadsheet_in_welsh(new_page, live_server):
    panel = add_panel(live_server)
    idea = add_sent_idea(
        live_server,
        live_server.add_resident(),
        panel,
        live_server.unique("Street party"),
        {"Bunting": 4_550},
        days_ago=1,
    )

    def cy(message: str, **variables: str) -> str:
        words = in_language(live_server, "cy", message, **variables)
        assert words != message % variables if variables else words != message, f"{message!r} is not in Welsh"
        return words

    page = new_page(**PHONE_360)
    sign_in_staff(page, live_server.add_staff(Role.PROGRAMME_OFFICER))
    page.goto("/insight")
    expect(heading(page)).to_have_text("Programme insight")
    switch_language(page, live_server, "cy")
    expect(heading(page)).to_have_text(cy("Programme insight"))

    page.get_by_role("link", name=cy("Spreadsheets"), exact=True).click()
    page.wait_for_url("**/exports")
    expect(heading(page)).to_have_text(cy("Spreadsheets"))
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    ideas_link = page.get_by_role("link", name=cy("Ideas sent (CSV)"), exact=True)
    expect(ideas_link).to_have_attribute("href", "/exports/applications.csv")
    assert_accessible(page, "the spreadsheets page in Welsh")
    assert_fits_narrow_screen(page, "the spreadsheets page in Welsh at 360 px")

    with page.expect_download() as made:
        ideas_link.click()
    assert made.value.suggested_filename == "small-sparks-applications.csv", made.value.suggested_filename
    raw = made.value.path().read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), raw[:10]  # a byte order mark, so spreadsheets read the Welsh letters
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header = rows[0]

    # The headings people read are in Welsh; the code columns keep the names systems read.
    for english in ("Reference", "Neighbourhood", "Status", "Idea", "Asked for", "Written in"):
        assert cy(english) in header, f"no {cy(english)!r} ({english}) in {header}"
        assert english not in header, f"{english!r} is still in English in {header}"
    assert cy("Pot question %(number)s", number="1") in header, header
    assert cy("Answer %(number)s", number="1") in header, header
    for code in ("status_code", "who_is_applying_code", "asked_for_pence", "language_code"):
        assert code in header, f"no {code!r} in {header}"

    # The seeded idea's row: pounds and Welsh words where people read, the codes beside them.
    found = [dict(zip(header, row, strict=True)) for row in rows[1:] if row and row[0] == idea.reference]
    assert len(found) == 1, f"{idea.reference} is in the spreadsheet {len(found)} times"
    (row,) = found
    assert row[cy("Neighbourhood")] == panel.name
    assert row[cy("Pot")] == panel.pot_name
    assert row[cy("Idea")] == idea.name
    assert row[cy("Asked for")] == "£45.50", row
    assert row[cy("Status")] == cy("Sent"), row
    assert row[cy("Who is applying")] == cy("Just me"), row
    assert row[cy("Written in")] == cy("English"), row
    assert row[cy("Pot question %(number)s", number="1")] == "", row  # the pot has no questions of its own
    assert row["status_code"] == "submitted"
    assert row["asked_for_pence"] == "4550"
    assert row["language_code"] == "en"

    # Downloading leaves the officer on the spreadsheets page, still in Welsh.
    expect(heading(page)).to_have_text(cy("Spreadsheets"))
    expect(page.locator("html")).to_have_attribute("lang", "cy")
