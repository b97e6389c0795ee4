"""Every kind of page at 320 and 360 px, as each kind of person sees it: nothing scrolls sideways, and no word or
amount is split across two lines (a new user on a phone saw "Budge / t", "£5,00 / 0" and "Waiti / ng" on the panel
page: tables now stack on phones)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.domain.roles import Role
from tests.browser.conftest import (
    DOUBLE_TEXT,
    assert_fits_narrow_screen,
    assert_words_whole,
    sign_in_resident,
    sign_in_staff,
)
from tests.browser.panel_helpers import add_member, add_panel, add_sent_idea

pytestmark = pytest.mark.browser


def seed(live):
    """A panel with waiting and decided ideas, a resident with a draft, a sent idea and an award."""
    from portal.accounts.services import get_user_by_email
    from portal.domain.decisions import DecisionKind
    from portal.panels.services import declare_interest, record_decision
    from portal.programme.services import slugify

    panel = add_panel(live, fast_track_limit_pence=10_000)
    chair = add_member(live, panel, "Chris Chair", chair=True)
    resident = live.add_resident()
    waiting = add_sent_idea(
        live, resident, panel, "Community orchard and wildflower meadow", {"Fruit trees": 45_000}, days_ago=12
    )
    approved = add_sent_idea(live, resident, panel, "Saturday litter pick", {"Litter pickers": 4_500}, days_ago=20)
    with live.app.app_context():
        person = get_user_by_email(chair)
        declare_interest(approved.id, person, has_interest=False, note="")
        record_decision(approved.id, person, kind=DecisionKind.YES, reason="It keeps the park clean for everyone.")
    pot = live.add_open_pot()
    draft = live.add_draft(
        resident,
        pot,
        {
            "applicant_type": "informal_group",
            "group_name": "Friends of Gledhow Valley Woods",
            "idea_name": "Bird boxes",
        },
        {"Timber and screws": 12_500, "Paint": 2_000},
    )
    return {
        "panel": panel,
        "slug": slugify(panel.name),
        "chair": chair,
        "resident": resident,
        "waiting": waiting,
        "approved": approved,
        "draft": draft,
    }


@pytest.mark.parametrize("width", [320, 360])
def test_no_page_scrolls_sideways_or_splits_a_word_on_a_narrow_phone(new_page, live_server, width):
    seeded = seed(live_server)
    panel, draft, approved = seeded["panel"], seeded["draft"], seeded["approved"]
    size = {"viewport": {"width": width, "height": 700}}
    checked = []

    def look_at(page, path, heading=None):
        page.goto(path)
        if heading:
            expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert_fits_narrow_screen(page, f"{path} at {width} px")
        checked.append(path)

    anyone = new_page(**size)
    for path in ("/", f"/neighbourhoods/{seeded['slug']}", "/sign-in", "/staff/sign-in", "/cookies", "/privacy"):
        look_at(anyone, path)
    look_at(anyone, "/accessibility")
    look_at(anyone, "/no-such-page", "Page not found")

    resident = new_page(**size)
    sign_in_resident(resident, live_server, seeded["resident"])
    look_at(resident, "/ideas", "Your ideas")
    for question in ("who-is-applying", "group-name", "idea-name", "what-you-bring", "when-and-where", "contact"):
        look_at(resident, f"/ideas/{draft}/{question}")
    look_at(resident, f"/ideas/{draft}/costs")
    look_at(resident, f"/ideas/{draft}/check-your-answers")
    look_at(resident, f"/ideas/{draft}/withdraw")
    look_at(resident, f"/ideas/{approved.id}/sent")
    look_at(resident, f"/ideas/{approved.id}/award")
    look_at(resident, "/account", "Your account")

    chair = new_page(**size)
    sign_in_resident(chair, live_server, seeded["chair"])
    look_at(chair, f"/panels/{panel.neighbourhood_id}", "panel")
    expect(chair.get_by_role("table", name="Money left").get_by_role("cell")).to_have_text(
        [panel.pot_name, "£5,000", "£4,955"]
    )
    look_at(chair, f"/panels/{panel.neighbourhood_id}/ideas/{seeded['waiting'].id}")
    look_at(chair, "/panels", "Your panels")

    officer = new_page(**size)
    sign_in_staff(officer, live_server.add_staff(Role.PROGRAMME_OFFICER))
    look_at(officer, "/programme/neighbourhoods")
    look_at(officer, f"/programme/neighbourhoods/{panel.neighbourhood_id}")
    look_at(officer, f"/programme/neighbourhoods/{panel.neighbourhood_id}/pots/{panel.pot_id}")
    look_at(officer, f"/programme/neighbourhoods/{panel.neighbourhood_id}/panel")
    look_at(officer, f"/panels/{panel.neighbourhood_id}/ideas/{seeded['waiting'].id}")

    builder = new_page(**size)
    sign_in_staff(builder, live_server.add_staff(Role.COMMUNITY_BUILDER))
    look_at(builder, "/assisted")
    look_at(builder, "/assisted/new")
    assert len(checked) == 31


NARROW_BIG_TEXT = {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True}


def test_resident_pages_at_320px_with_text_at_200_percent_break_lines_only_between_words(new_page, live_server):
    """Words wrap only between words ('Seacrof / t', 'Who is applying / ?', 'Your referenc / e' and the reference
    'GZQV- / DT66' were split), and long strings such as email addresses break rather than scroll sideways."""
    seeded = seed(live_server)
    draft, approved, waiting = seeded["draft"], seeded["approved"], seeded["waiting"]
    seacroft = live_server.add_open_pot()  # its neighbourhood, renamed below to a one-word place name
    from portal.extensions import db
    from portal.programme.models import Neighbourhood, Pot

    with live_server.app.app_context():
        pot = db.session.get(Pot, seacroft.pot_id)
        place = db.session.get(Neighbourhood, pot.neighbourhood_id)
        place.name = f"Seacroft {place.id}"
        db.session.commit()
        slug, place_name = place.slug, place.name
    checked = []

    def look_at(page, path, heading=None):
        page.goto(path)
        page.wait_for_load_state("domcontentloaded")
        assert page.evaluate("() => getComputedStyle(document.documentElement).fontSize") == "32px"
        if heading:
            expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert_words_whole(page, f"{path} at 320 px with text at 200 %")
        checked.append(path)

    anyone = new_page(**NARROW_BIG_TEXT)
    anyone.add_init_script(DOUBLE_TEXT)
    look_at(anyone, "/")
    look_at(anyone, f"/neighbourhoods/{slug}", place_name)
    for path in ("/sign-in", "/cookies", "/privacy", "/accessibility", "/stories"):
        look_at(anyone, path)

    resident = new_page(**NARROW_BIG_TEXT)
    resident.add_init_script(DOUBLE_TEXT)
    sign_in_resident(resident, live_server, seeded["resident"])
    look_at(resident, "/ideas", "Your ideas")
    look_at(resident, f"/neighbourhoods/{slug}/pots/{seacroft.pot_id}/start")
    for question in (
        "who-is-applying",
        "group-name",
        "idea-name",
        "what-you-want-to-do",
        "who-it-brings-together",
        "how-it-helps",
        "what-you-bring",
        "help-from-others",
        "costs",
        "when-and-where",
        "contact",
    ):
        look_at(resident, f"/ideas/{draft}/{question}")
    resident.goto(f"/ideas/{draft}/what-you-want-to-do")
    resident.get_by_role("button", name="Continue").click()  # not answered: the error summary and message
    expect(resident.locator(".govuk-error-summary")).to_be_visible()
    assert_words_whole(resident, "what you want to do, with an error")
    look_at(resident, f"/ideas/{draft}/check-your-answers")
    look_at(resident, f"/ideas/{draft}/save-and-come-back-later")
    look_at(resident, f"/ideas/{draft}/withdraw")
    look_at(resident, f"/ideas/{waiting.id}/sent", "")
    expect(resident.locator(".govuk-panel__body")).to_contain_text(waiting.reference)
    look_at(resident, f"/ideas/{approved.id}/award")
    look_at(resident, "/about-you")
    look_at(resident, "/account", "Your account")
    assert len(checked) == 27
