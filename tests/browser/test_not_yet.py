"""Feedback that invites back, in a browser at 360 px with JavaScript on and off: the chair says not yet with one of
the programme's reasons; the resident finds "What would help" on Your ideas, reads the reason, what would help and
the panel's words, and tries again with a copy that opens on check your answers. axe checks every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, assert_fits_narrow_screen, sign_in_resident
from tests.browser.panel_helpers import add_member, add_panel, add_sent_idea
from tests.browser.test_mobile_only import PHONE_360, heading

pytestmark = pytest.mark.browser


def a_reason(live) -> tuple[int, str]:
    from portal.extensions import db
    from portal.programme.models import ProgrammeText

    title = live.unique("We had more ideas than money this time")
    with live.app.app_context():
        reason = ProgrammeText(kind="not_yet_reason", title=title, text="Send it again next round, or ask for less.")
        db.session.add(reason)
        db.session.commit()
        return reason.id, title


def say_not_yet(live, chair_email: str, idea_id: int, reason_id: int) -> None:
    from portal.accounts.services import get_user_by_email
    from portal.domain.decisions import DecisionKind
    from portal.panels.services import declare_interest, record_decision

    with live.app.app_context():
        chair = get_user_by_email(chair_email)
        declare_interest(idea_id, chair, has_interest=False, note="")
        record_decision(
            idea_id, chair, kind=DecisionKind.NOT_YET, reason="Tell us who will come.", not_yet_reason_id=reason_id
        )


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_a_resident_reads_what_would_help_and_tries_again_with_a_copy(new_page, live_server, javascript):
    panel = add_panel(live_server)
    chair = add_member(live_server, panel, "Chris Chair", chair=True)
    resident = live_server.add_resident()
    name = live_server.unique("Street party")
    idea = add_sent_idea(live_server, resident, panel, name, {"Food": 20_000}, days_ago=3)
    reason_id, reason = a_reason(live_server)
    say_not_yet(live_server, chair, idea.id, reason_id)

    page = new_page(java_script_enabled=javascript, **PHONE_360)
    sign_in_resident(page, live_server, resident)
    page.goto("/ideas")
    page.get_by_role("link", name="What would help, and trying again").first.click()
    expect(heading(page)).to_have_text("Not yet: what would help")
    main = page.locator("main")
    expect(main).to_contain_text(reason)
    expect(main).to_contain_text("Send it again next round, or ask for less.")
    expect(main).to_contain_text("Tell us who will come.")
    expect(main).to_contain_text("Bea at the library, 0113 496 0000")
    assert_accessible(page, "the not-yet page")
    assert_fits_narrow_screen(page, "the not-yet page at 360 px")

    page.get_by_role("button", name="Try again with a copy of this idea").click()
    page.wait_for_url("**/check-your-answers")
    expect(heading(page)).to_have_text("Check your answers before sending your idea")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("This is a copy of your idea.")
    expect(main).to_contain_text(name)
    assert_accessible(page, "check your answers on the copy")
