"""What lasts, in a browser at 360 px: a community builder goes from "Ideas you helped with" to every idea in their
neighbourhood and finds the draft that stalled; a viewer goes from Insight to the three outcomes, in English, Welsh
and Arabic; an evaluator signs in, lands on "Data for evaluation" and downloads the zip, with JavaScript on and off.
axe checks every page, and nothing is too wide."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from portal.domain.roles import Role
from tests.browser.conftest import assert_accessible, assert_fits_narrow_screen, sign_in_staff
from tests.browser.test_mobile_only import PHONE_360, heading
from tests.browser.test_reach_pages import in_language, switch_language
from tests.browser.test_whats_here import a_community_builder, working_in

pytestmark = pytest.mark.browser


def a_stalled_draft(live, pot) -> str:
    """A resident's draft in the pot that nobody has changed for a month; its name."""
    from portal.applications.models import Application
    from portal.common.time import utcnow
    from portal.extensions import db

    name = live.unique("Seed swap")
    application_id = live.add_draft(live.add_resident(), pot, {"idea_name": name}, {})
    with live.app.app_context():
        db.session.execute(
            sa.update(Application)
            .where(Application.id == application_id)
            .values(updated_at=utcnow() - timedelta(days=30))
        )
        db.session.commit()
    return name


def neighbourhood_of(live, pot) -> int:
    from portal.extensions import db
    from portal.programme.models import Pot

    with live.app.app_context():
        return db.session.get(Pot, pot.pot_id).neighbourhood_id


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_a_builder_finds_the_draft_that_stalled_in_their_patch(new_page, live_server, javascript):
    pot = live_server.add_open_pot()
    idea = a_stalled_draft(live_server, pot)
    builder = a_community_builder(live_server, live_server.unique("Bea Builder"))
    working_in(live_server, builder, neighbourhood_of(live_server, pot))
    page = new_page(java_script_enabled=javascript, **PHONE_360)
    sign_in_staff(page, builder)
    page.goto("/assisted")
    page.get_by_role("link", name=f"Every idea in {pot.neighbourhood}").click()
    expect(heading(page)).to_have_text(f"Every idea in {pot.neighbourhood}")
    stalled = page.locator("h2#stalled + p + table")
    expect(stalled).to_contain_text(idea)
    expect(stalled).to_contain_text("Rae Resident")
    expect(page.locator("h2#writing + p")).to_have_text("None at the moment.")
    assert_accessible(page, "every idea in the patch")
    assert_fits_narrow_screen(page, "every idea in the patch at 360 px")


def test_a_viewer_reads_the_three_outcomes_in_three_languages(new_page, live_server):
    viewer = live_server.add_staff(Role.VIEWER)
    page = new_page(**PHONE_360)
    sign_in_staff(page, viewer)
    page.goto("/insight")
    page.get_by_role("link", name="What lasts: the three outcomes").click()
    expect(heading(page)).to_have_text("What lasts: the three outcomes")
    for outcome in (
        "1. People and communities better connected",
        "2. Changes started and kept going by local people",
        "3. Changes to how institutions work",
    ):
        expect(page.get_by_role("heading", name=outcome)).to_be_visible()
    assert_accessible(page, "the three outcomes")
    assert_fits_narrow_screen(page, "the three outcomes at 360 px")
    for language in ("cy", "ar"):
        switch_language(page, live_server, language)
        expect(heading(page)).to_have_text(in_language(live_server, language, "What lasts: the three outcomes"))
        assert_accessible(page, f"the three outcomes in {language}")
        assert_fits_narrow_screen(page, f"the three outcomes in {language} at 360 px")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_an_evaluator_lands_on_their_page_and_downloads_the_data(new_page, live_server, javascript):
    evaluator = live_server.add_staff(Role.EVALUATOR)
    page = new_page(java_script_enabled=javascript, accept_downloads=True, **PHONE_360)
    sign_in_staff(page, evaluator)
    expect(heading(page)).to_have_text("Data for evaluation")
    assert page.url.endswith("/insight/evaluation")
    expect(page.get_by_role("link", name="Evaluation", include_hidden=True)).to_have_count(1)  # in the menu
    assert_accessible(page, "data for evaluation")
    assert_fits_narrow_screen(page, "data for evaluation at 360 px")
    with page.expect_download() as made:
        page.get_by_role("link", name="Download the data (zip file)").click()
    download = made.value
    assert download.suggested_filename == "small-sparks-evaluation.zip"
    with zipfile.ZipFile(io.BytesIO(download.path().read_bytes())) as archive:
        assert sorted(archive.namelist()) == ["README.txt", "map.csv", "outcomes.json", "stories.csv"]
