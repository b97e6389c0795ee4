"""What lasts, in a browser at 360 px: a community builder goes from "Ideas you helped with" to every idea in their
neighbourhood and finds the draft that stalled; a viewer goes from Insight to the three outcomes, in English, Welsh
and Arabic; an evaluator signs in, lands on "Data for evaluation" and downloads the zip, and reads the page in Welsh
and Arabic; each with JavaScript on and off. The new staff pages at 320 px with text at 200 %. axe checks every page,
and nothing is too wide."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from portal.domain.roles import Role
from tests.browser.conftest import DOUBLE_TEXT, assert_accessible, assert_fits_narrow_screen, sign_in_staff
from tests.browser.test_mobile_only import PHONE_360, heading
from tests.browser.test_narrow_screens import NARROW_BIG_TEXT, assert_double_text_fits
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


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_a_viewer_reads_the_three_outcomes_in_three_languages(new_page, live_server, javascript):
    viewer = live_server.add_staff(Role.VIEWER)
    page = new_page(java_script_enabled=javascript, **PHONE_360)
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
    for language in ("cy", "ar"):
        switch_language(page, live_server, language)
        expect(heading(page)).to_have_text(in_language(live_server, language, "Data for evaluation"))
        assert_accessible(page, f"data for evaluation in {language}")
        assert_fits_narrow_screen(page, f"data for evaluation in {language} at 360 px")


def test_the_new_pages_at_320px_with_text_at_200_percent_keep_words_whole(new_page, live_server):
    """The patch, the three outcomes, introducing two neighbours and data for evaluation on the smallest phone with
    the biggest text: nothing scrolls sideways and no word is split."""
    pot = live_server.add_open_pot()
    a_stalled_draft(live_server, pot)
    builder = a_community_builder(live_server, live_server.unique("Bea Builder"))
    place = neighbourhood_of(live_server, pot)
    working_in(live_server, builder, place)
    two_neighbours_share(live_server, place)
    pages = {
        builder: [f"/neighbourhoods/{pot.slug}/ideas", f"/neighbourhoods/{pot.slug}/people/introduce"],
        live_server.add_staff(Role.VIEWER): ["/insight/outcomes"],
        live_server.add_staff(Role.EVALUATOR): ["/insight/evaluation"],
    }
    for person, paths in pages.items():
        page = new_page(**NARROW_BIG_TEXT)
        page.add_init_script(DOUBLE_TEXT)
        sign_in_staff(page, person)
        for path in paths:
            page.goto(path)
            page.wait_for_load_state("domcontentloaded")
            assert_double_text_fits(page, f"{path} at 320 px with text at 200 %")
            assert_accessible(page, f"{path} at 320 px with text at 200 %")
        for language in ("cy", "ar"):  # the longest words are Welsh
            switch_language(page, live_server, language)
            assert_double_text_fits(page, f"{paths[-1]} in {language} at 320 px with text at 200 %")
        switch_language(page, live_server, "en")


def two_neighbours_share(live, neighbourhood_id: int) -> None:
    """Two residents who shared an interest in gardening with the neighbourhood's builders."""
    from portal.accounts.services import get_user_by_email
    from portal.assetmap.profiles import save_profile

    with live.app.app_context():
        for interests in (["gardening", "choir"], ["gardening"]):
            person = get_user_by_email(live.add_resident())
            save_profile(person, neighbourhood_id, knows="", can_do="Digging", cares_about="", interests=interests)


def links_for_a_resident(live) -> tuple[str, str]:
    """A /meet/ link of an introduction waiting for an answer, and a /still-going/ link of a paid idea's question."""
    import secrets

    from portal.accounts.services import get_user_by_email
    from portal.assetmap.models import Introduction
    from portal.common.crypto import sha256_hex
    from portal.extensions import db
    from portal.stories.models import StillGoingCheck
    from tests.browser.test_stories import paid_award

    meet, going = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    paid = paid_award(live, live.unique("Knit and natter"))
    pot = live.add_open_pot()
    place = neighbourhood_of(live, pot)
    emails = [live.add_resident(), live.add_resident()]
    with live.app.app_context():
        first, second = (get_user_by_email(email) for email in emails)
        db.session.add(
            Introduction(
                neighbourhood_id=place,
                first_id=first.id,
                second_id=second.id,
                interest="gardening",
                first_token_hash=sha256_hex(meet),
                second_token_hash=sha256_hex(secrets.token_urlsafe(16)),
            )
        )
        db.session.add(StillGoingCheck(application_id=paid.idea.id, months=6, token_hash=sha256_hex(going)))
        db.session.commit()
    return f"/meet/{meet}", f"/still-going/{going}"


def test_a_residents_links_at_320px_with_text_at_200_percent_in_three_languages(new_page, live_server):
    """What a resident opens from a message, without signing in: the smallest phone, the biggest text, each
    language; then the error state of each."""
    for path in links_for_a_resident(live_server):
        page = new_page(**NARROW_BIG_TEXT)
        page.add_init_script(DOUBLE_TEXT)
        page.goto(path)
        for language in ("en", "cy", "ar"):
            if language != "en":
                switch_language(page, live_server, language)
            assert_double_text_fits(page, f"{path} in {language} at 320 px with text at 200 %")
            assert_accessible(page, f"{path} in {language} at 320 px with text at 200 %")
        page.locator("form:not(.app-language-form) button[type=submit]").click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        assert_double_text_fits(page, f"{path}, with an error, in Arabic at 320 px with text at 200 %")
        assert_accessible(page, f"{path}, with an error, in Arabic at 320 px with text at 200 %")
